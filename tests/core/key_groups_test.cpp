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

namespace weir {
namespace {

// The power-of-two shortcuts (a mask, a shift) must agree with the plain formulas for every
// maximum parallelism, powers of two or not.
TEST(KeyGroups, ShortcutsAgreeWithThePlainFormulas) {
    for (int32_t maxP : {1, 2, 100, 128, 129, 1000, 4096, 32767, 32768}) {
        for (uint32_t h = 0; h < 5000; ++h) {
            uint32_t hash = h * 2654435761u;
            int32_t kg = keygroups::assignToKeyGroup(hash, maxP);
            ASSERT_EQ(kg, static_cast<int64_t>(keygroups::murmurHash(hash)) % maxP) << maxP;
        }
        for (int32_t p : {1, 2, 3, 7}) {
            if (p > maxP) continue;
            for (int32_t kg = 0; kg < maxP; ++kg)
                ASSERT_EQ(keygroups::operatorIndexForKeyGroup(maxP, p, kg),
                          static_cast<int64_t>(kg) * p / maxP)
                    << maxP << " " << p << " " << kg;
        }
    }
}

}  // namespace
}  // namespace weir
