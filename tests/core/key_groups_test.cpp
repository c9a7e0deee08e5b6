#include "weir/core/key_groups.h"

#include <gtest/gtest.h>

#include "weir/core/key_hash.h"

namespace weir {
namespace {

TEST(KeyGroups, RangesCoverAllGroupsContiguouslyForManyParallelisms) {
    for (int32_t maxP : {1, 7, 128, 1000}) {
        for (int32_t p = 1; p <= std::min(maxP, 17); ++p) {
            int32_t expectedStart = 0;
            for (int32_t i = 0; i < p; ++i) {
                KeyGroupRange r = keygroups::rangeForOperatorIndex(maxP, p, i);
                EXPECT_EQ(r.start, expectedStart) << maxP << "/" << p << "/" << i;
                EXPECT_GE(r.size(), maxP / p);
                EXPECT_LE(r.size(), maxP / p + 1);
                for (int32_t kg = r.start; kg < r.end; ++kg)
                    EXPECT_EQ(keygroups::operatorIndexForKeyGroup(maxP, p, kg), i)
                        << maxP << "/" << p << "/" << kg;
                expectedStart = r.end;
            }
            EXPECT_EQ(expectedStart, maxP);
        }
    }
}

TEST(KeyGroups, KnownRangesForMaxParallelism128) {
    EXPECT_EQ(keygroups::rangeForOperatorIndex(128, 3, 0), (KeyGroupRange{0, 43}));
    EXPECT_EQ(keygroups::rangeForOperatorIndex(128, 3, 1), (KeyGroupRange{43, 86}));
    EXPECT_EQ(keygroups::rangeForOperatorIndex(128, 3, 2), (KeyGroupRange{86, 128}));
    EXPECT_EQ(keygroups::rangeForOperatorIndex(128, 2, 1), (KeyGroupRange{64, 128}));
}

TEST(KeyGroups, AssignmentIsInRangeAndDeterministic) {
    for (int64_t k = -1000; k < 1000; ++k) {
        int32_t kg = keygroups::assignToKeyGroup(keyHash(k), 128);
        EXPECT_GE(kg, 0);
        EXPECT_LT(kg, 128);
        EXPECT_EQ(kg, keygroups::assignToKeyGroup(keyHash(k), 128));
    }
}

TEST(KeyGroups, KeysSpreadOverAllGroups) {
    std::vector<int> hits(128);
    for (int64_t k = 0; k < 128 * 100; ++k) hits[keygroups::assignToKeyGroup(keyHash(k), 128)]++;
    for (int h : hits) {
        EXPECT_GT(h, 50);
        EXPECT_LT(h, 150);
    }
}

TEST(KeyGroups, DefaultMaxParallelism) {
    EXPECT_EQ(keygroups::defaultMaxParallelism(1), 128);
    EXPECT_EQ(keygroups::defaultMaxParallelism(100), 256);
    EXPECT_EQ(keygroups::defaultMaxParallelism(100000), 32768);
}

TEST(KeyGroupRange, Intersect) {
    EXPECT_EQ((KeyGroupRange{0, 10}.intersect({5, 20})), (KeyGroupRange{5, 10}));
    EXPECT_TRUE((KeyGroupRange{0, 10}.intersect({20, 30})).empty());
}

}  // namespace
}  // namespace weir
