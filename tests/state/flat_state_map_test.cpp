// FlatStateMap: the table under heap state and timers, checked against std::unordered_map under
// random inserts and erases (which exercise backward-shift deletion across wrapped probe runs),
// with keys short and long, and for entries that do not move.
#include <gtest/gtest.h>

#include <cstdint>

#include <optional>

#include <random>
#include <string>
#include <unordered_map>

#include "weir/runtime/state/flat_state_map.h"

namespace weir {
namespace {

std::string keyOf(uint64_t i, bool longKey) {
    std::string k = "k" + std::to_string(i);
    if (longKey) k += std::string(40, static_cast<char>('a' + i % 26));  // beyond inline bytes
    return k;
}

TEST(FlatStateMapTest, AgreesWithUnorderedMapUnderRandomInsertsAndErases) {
    for (bool longKeys : {false, true}) {
        FlatStateMap<int64_t> map;
        std::unordered_map<std::string, int64_t> expected;
        std::mt19937_64 rng(42);
        for (int step = 0; step < 200000; ++step) {
            std::string k = keyOf(rng() % 3000, longKeys);
            uint64_t h = stateKeyHash(k);
            switch (rng() % 3) {
                case 0:
                case 1: {
                    auto [e, created] = map.tryEmplace(k, h);
                    EXPECT_EQ(created, expected.count(k) == 0) << k;
                    e->value += step;
                    expected[k] += step;
                    break;
                }
                default:
                    EXPECT_EQ(map.erase(k, h), expected.erase(k) == 1) << k;
            }
        }
        ASSERT_EQ(map.size(), expected.size());
        for (const auto& [k, v] : expected) {
            const int64_t* found = map.findValue(k, stateKeyHash(k));
            ASSERT_NE(found, nullptr) << k;
            EXPECT_EQ(*found, v) << k;
        }
        size_t visited = 0;
        map.forEach([&](const auto& e) {
            ++visited;
            EXPECT_EQ(expected.at(std::string(e.key())), e.value);
        });
        EXPECT_EQ(visited, expected.size());
    }
}

TEST(FlatStateMapTest, CollidingHashesAreToldApartByKey) {
    // Every key gets the same hash: one probe run, found by comparing bytes.
    FlatStateMap<int> map;
    for (int i = 0; i < 100; ++i) map.tryEmplace(keyOf(i, false), 7).first->value = i;
    for (int i = 0; i < 100; i += 2) EXPECT_TRUE(map.erase(keyOf(i, false), 7));
    for (int i = 0; i < 100; ++i) {
        const int* v = map.findValue(keyOf(i, false), 7);
        if (i % 2 == 0) {
            EXPECT_EQ(v, nullptr);
        } else {
            ASSERT_NE(v, nullptr);
            EXPECT_EQ(*v, i);
        }
    }
}

TEST(FlatStateMapTest, EntriesStayWhereTheyAreWhileOthersComeAndGo) {
    FlatStateMap<std::string> map;
    auto [kept, created] = map.tryEmplace("kept", stateKeyHash("kept"));
    ASSERT_TRUE(created);
    kept->value = "value";
    for (int i = 0; i < 10000; ++i) {
        std::string k = keyOf(i, i % 2 == 0);
        map.tryEmplace(k, stateKeyHash(k));
        if (i % 3 == 0) map.erase(k, stateKeyHash(k));
    }
    EXPECT_EQ(map.find("kept", stateKeyHash("kept")), kept);
    EXPECT_EQ(kept->value, "value");
    EXPECT_EQ(kept->key(), "kept");
}

TEST(FlatStateMapTest, ErasedEntriesAreReusedWithFreshValues) {
    FlatStateMap<std::string> map;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 1000; ++i) {
            std::string k = keyOf(i, false);
            auto [e, created] = map.tryEmplace(k, stateKeyHash(k));
            EXPECT_TRUE(created);
            EXPECT_TRUE(e->value.empty());  // not the value of the entry erased before
            e->value = k;
        }
        for (int i = 0; i < 1000; ++i)
            EXPECT_TRUE(map.erase(keyOf(i, false), stateKeyHash(keyOf(i, false))));
        EXPECT_TRUE(map.empty());
    }
}

TEST(FlatStateMapTest, EmptyKeyIsAKeyLikeAnyOther) {
    FlatStateMap<int> map;
    map.tryEmplace("", stateKeyHash("")).first->value = 3;
    ASSERT_NE(map.findValue("", stateKeyHash("")), nullptr);
    EXPECT_EQ(*map.findValue("", stateKeyHash("")), 3);
    EXPECT_EQ(map.findValue("x", stateKeyHash("x")), nullptr);
}

// A window accumulator's entry (a long key and a TimeWindow: 24 key bytes; a 24-byte value)
// fills exactly one cache line: one miss per lookup.
TEST(FlatStateMapTest, AWindowEntryIsOneAlignedCacheLine) {
    using Entry = FlatStateMap<std::optional<std::pair<int64_t, int64_t>>>::Entry;
    static_assert(sizeof(Entry) == 64 && alignof(Entry) == 64);
    FlatStateMap<std::optional<std::pair<int64_t, int64_t>>> map;
    for (int i = 0; i < 100; ++i) {
        std::string key(24, static_cast<char>(i));
        auto [e, created] = map.tryEmplace(key, stateKeyHash(key));
        EXPECT_TRUE(created);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(e) % 64, 0u);
        EXPECT_EQ(e->key(), key);
    }
}

}  // namespace
}  // namespace weir
