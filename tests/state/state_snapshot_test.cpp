// Keyed state snapshots: round trips, sections per key group, lazy registration, rescaling, TTL.

#include <gtest/gtest.h>

#include "snapshot_test_util.h"

namespace weir {
namespace {

using namespace snapshot_test;
using namespace std::chrono_literals;

TEST(StateSnapshot, ValueListAndMapStatesRoundTrip) {
    Subtask a;
    auto& count = a.ctx.getState(kCount);
    auto& seen = a.ctx.getListState(kSeen);
    auto& perPage = a.ctx.getMapState(kPerPage);
    for (const auto& k : someKeys(30)) {
        a.key(k);
        count.update(static_cast<int64_t>(k.size()) * 7);
        seen.addAll({k + "/1", k + "/2"});
        perPage.put("/home", 1);
        perPage.put("/" + k, static_cast<int64_t>(k.size()));
    }
    a.key("key-3");
    count.clear();  // a cleared value leaves no entry
    seen.clear();
    perPage.clear();

    Subtask b;
    b.restore(a.snapshot());
    EXPECT_TRUE(b.backend.restored());
    auto& count2 = b.ctx.getState(kCount);
    auto& seen2 = b.ctx.getListState(kSeen);
    auto& perPage2 = b.ctx.getMapState(kPerPage);
    for (const auto& k : someKeys(30)) {
        SCOPED_TRACE(k);
        b.key(k);
        if (k == "key-3") {
            EXPECT_FALSE(count2.value());
            EXPECT_TRUE(seen2.get().empty());
            EXPECT_TRUE(perPage2.isEmpty());
            continue;
        }
        EXPECT_EQ(count2.value(), static_cast<int64_t>(k.size()) * 7);
        EXPECT_EQ(seen2.get(), (std::vector<std::string>{k + "/1", k + "/2"}));
        EXPECT_EQ(sorted(perPage2.entries()),
                  (std::vector<std::pair<std::string, int64_t>>{
                      {"/home", 1}, {"/" + k, static_cast<int64_t>(k.size())}}));
        EXPECT_EQ(perPage2.get("/home"), 1);
        EXPECT_FALSE(perPage2.contains("/nope"));
    }
    EXPECT_EQ(b.keysOf("count").size(), 29u);
    // The restored states work as usual afterwards.
    b.key("key-0");
    perPage2.remove("/home");
    seen2.add("later");
    EXPECT_EQ(perPage2.entries().size(), 1u);
    EXPECT_EQ(seen2.get().back(), "later");
}

TEST(StateSnapshot, UserStructsDeclaredWithWeirTypeRoundTrip) {
    const ValueStateDescriptor<Order> last("last-order");
    const ListStateDescriptor<Order> all("orders");
    const MapStateDescriptor<int64_t, Order> byId("by-id");
    Order o1{1, "alice", 9.5, {"new", "eu"}};
    Order o2{2, "bob", 0.25, {}};
    Order o3{3, std::string("c\0rl", 4), -1e300, {"", "x"}};

    Subtask a;
    a.key("alice");
    a.ctx.getState(last).update(o1);
    a.ctx.getListState(all).addAll({o1, o3});
    a.ctx.getMapState(byId).put(1, o1);
    a.ctx.getMapState(byId).put(3, o3);
    a.key("bob");
    a.ctx.getState(last).update(o2);

    Subtask b;
    b.restore(a.snapshot());
    b.key("alice");
    EXPECT_EQ(b.ctx.getState(last).value(), o1);
    EXPECT_EQ(b.ctx.getListState(all).get(), (std::vector<Order>{o1, o3}));
    EXPECT_EQ(b.ctx.getMapState(byId).get(3), o3);
    EXPECT_EQ(b.ctx.getMapState(byId).get(1), o1);
    b.key("bob");
    EXPECT_EQ(b.ctx.getState(last).value(), o2);
    EXPECT_TRUE(b.ctx.getListState(all).get().empty());
}

TEST(StateSnapshot, ReducingAndAggregatingStatesRoundTrip) {
    ReducingStateDescriptor<int64_t> sum("sum",
                                         [](const int64_t& x, const int64_t& y) { return x + y; });
    struct Avg : AggregateFunction<int64_t, std::pair<int64_t, int64_t>, double> {
        std::pair<int64_t, int64_t> createAccumulator() override { return {0, 0}; }
        std::pair<int64_t, int64_t> add(const int64_t& v, std::pair<int64_t, int64_t> a) override {
            return {a.first + v, a.second + 1};
        }
        double getResult(const std::pair<int64_t, int64_t>& a) override {
            return static_cast<double>(a.first) / static_cast<double>(a.second);
        }
        std::pair<int64_t, int64_t> merge(std::pair<int64_t, int64_t> a,
                                          const std::pair<int64_t, int64_t>& b) override {
            return {a.first + b.first, a.second + b.second};
        }
    };
    AggregatingStateDescriptor<int64_t, std::pair<int64_t, int64_t>, double> avg("avg", Avg{});

    Subtask a;
    a.key("k");
    for (int64_t v : {1, 2, 6}) {
        a.ctx.getReducingState(sum).add(v);
        a.ctx.getAggregatingState(avg).add(v);
    }
    Subtask b;
    b.restore(a.snapshot());
    b.key("k");
    EXPECT_EQ(b.ctx.getReducingState(sum).get(), 9);
    EXPECT_DOUBLE_EQ(*b.ctx.getAggregatingState(avg).get(), 3.0);
    b.ctx.getReducingState(sum).add(1);  // continues from the restored value
    EXPECT_EQ(b.ctx.getReducingState(sum).get(), 10);
}

TEST(StateSnapshot, StateOfEachNamespaceRoundTrips) {
    Subtask a;
    auto& count = a.ctx.getState(kCount);
    a.key("k");
    a.backend.setCurrentNamespace(TimeWindow(0, 10));
    count.update(1);
    a.backend.setCurrentNamespace(TimeWindow(10, 20));
    count.update(2);
    a.backend.clearNamespace();
    count.update(3);

    Subtask b;
    b.restore(a.snapshot());
    auto& count2 = b.ctx.getState(kCount);
    b.key("k");
    EXPECT_EQ(count2.value(), 3);
    b.backend.setCurrentNamespace(TimeWindow(10, 20));
    EXPECT_EQ(count2.value(), 2);
    b.backend.setCurrentNamespace(TimeWindow(0, 10));
    EXPECT_EQ(count2.value(), 1);
    b.backend.setCurrentNamespace(TimeWindow(20, 30));
    EXPECT_FALSE(count2.value());
}

TEST(StateSnapshot, StateRegisteredBeforeTheRestoreIsFilledToo) {
    Subtask a;
    a.key("x");
    a.ctx.getState(kCount).update(5);
    Subtask b;
    auto& count = b.ctx.getState(kCount);  // registered first
    b.restore(a.snapshot());
    b.key("x");
    EXPECT_EQ(count.value(), 5);
}

// ---- the format -------------------------------------------------------------------------------

TEST(StateSnapshot, OneSectionPerKeyGroupOfTheRange) {
    Subtask a(KeyGroupRange{32, 96});
    std::vector<std::string> mine;
    for (const auto& k : someKeys(60))
        if (a.owns(k)) mine.push_back(k);
    ASSERT_FALSE(mine.empty());
    for (const auto& k : mine) {
        a.key(k);
        a.ctx.getState(kCount).update(1);
    }
    KeyedStateSnapshot s = a.snapshot();
    EXPECT_EQ(s.range, (KeyGroupRange{32, 96}));
    ASSERT_EQ(s.offsets.size(), 65u);
    EXPECT_EQ(s.offsets.front(), 0u);
    EXPECT_EQ(s.offsets.back(), s.data.size());
    EXPECT_TRUE(std::is_sorted(s.offsets.begin(), s.offsets.end()));
    for (int32_t g = 32; g < 96; ++g) {
        bool used = std::any_of(mine.begin(), mine.end(),
                                [&](const std::string& k) { return groupOf(k) == g; });
        std::string_view section = s.section(g);
        if (used) {
            EXPECT_NE(section.find("count"), std::string_view::npos) << g;
        } else {
            EXPECT_EQ(section, std::string_view("\0\0\0\0", 4)) << g;  // no states
        }
    }
}

TEST(StateSnapshot, EmptyBackendHasOnlyEmptySections) {
    Subtask a;
    a.ctx.getState(kCount);  // registered, never written
    KeyedStateSnapshot s = a.snapshot();
    EXPECT_EQ(s.data.size(), 4u * kMax);
    Subtask b;
    b.restore(s);
    EXPECT_TRUE(b.backend.restored());
    b.ctx.getState(kCount);
    EXPECT_TRUE(b.keysOf("count").empty());
}

// ---- state registered late or never -----------------------------------------------------------

TEST(StateSnapshot, RestoredStatesWaitUntilTheyAreRegistered) {
    Subtask a;
    for (const auto& k : someKeys(10)) {
        a.key(k);
        a.ctx.getState(kCount).update(1);
        a.ctx.getListState(kSeen).add(k);
    }
    Subtask b;
    b.restore(a.snapshot());
    b.key("key-4");
    EXPECT_EQ(b.ctx.getListState(kSeen).get(), std::vector<std::string>{"key-4"});
    EXPECT_EQ(b.keysOf("seen").size(), 10u);
}

TEST(StateSnapshot, UnclaimedRestoredStatesAreCarriedIntoTheNextSnapshot) {
    Subtask a;
    for (const auto& k : someKeys(20)) {
        a.key(k);
        a.ctx.getState(kCount).update(static_cast<int64_t>(k.back()));
        a.ctx.getListState(kSeen).add("s-" + k);
        a.ctx.getMapState(kPerPage).put(k, 1);
    }
    // b registers only "count" (the program no longer uses the others) and changes it.
    Subtask b;
    b.restore(a.snapshot());
    auto& count = b.ctx.getState(kCount);
    b.key("key-1");
    count.update(1000);
    // c, restored from b, has everything: b's change and a's untouched list and map states.
    Subtask c;
    c.restore(b.snapshot());
    for (const auto& k : someKeys(20)) {
        SCOPED_TRACE(k);
        c.key(k);
        EXPECT_EQ(c.ctx.getState(kCount).value(),
                  k == "key-1" ? 1000 : static_cast<int64_t>(k.back()));
        EXPECT_EQ(c.ctx.getListState(kSeen).get(), std::vector<std::string>{"s-" + k});
        EXPECT_EQ(c.ctx.getMapState(kPerPage).get(k), 1);
    }
}

TEST(StateSnapshot, CarriedStateStaysInItsKeyGroups) {
    Subtask a;
    for (const auto& k : someKeys(40)) {
        a.key(k);
        a.ctx.getListState(kSeen).add(k);
    }
    Subtask b;  // never registers "seen"
    b.restore(a.snapshot());
    KeyedStateSnapshot carried = b.snapshot();
    Subtask lower(KeyGroupRange{0, 64}), upper(KeyGroupRange{64, 128});
    lower.restore(carried);
    upper.restore(carried);
    lower.ctx.getListState(kSeen);
    upper.ctx.getListState(kSeen);
    std::vector<std::string> all;
    for (Subtask* s : {&lower, &upper}) {
        for (const auto& k : s->keysOf("seen")) {
            EXPECT_TRUE(s->owns(k)) << k;
            all.push_back(k);
        }
    }
    std::sort(all.begin(), all.end());
    auto expected = someKeys(40);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(all, expected);
}

// ---- rescaling ------------------------------------------------------------------------------

TEST(StateSnapshot, RescaledSubtasksRestoreOnlyTheirOwnKeyGroups) {
    Subtask full;
    auto keys = someKeys(200);
    for (const auto& k : keys) {
        full.key(k);
        full.ctx.getState(kCount).update(static_cast<int64_t>(groupOf(k)));
        full.ctx.getMapState(kPerPage).put("p", 7);
    }
    KeyedStateSnapshot s = full.snapshot();

    Subtask lower(keygroups::rangeForOperatorIndex(kMax, 2, 0));
    Subtask upper(keygroups::rangeForOperatorIndex(kMax, 2, 1));
    size_t owned = 0;
    for (Subtask* half : {&lower, &upper}) {
        half->restore(s);
        auto& count = half->ctx.getState(kCount);
        auto& perPage = half->ctx.getMapState(kPerPage);
        for (const auto& k : half->keysOf("count")) EXPECT_TRUE(half->owns(k)) << k;
        for (const auto& k : keys) {
            if (!half->owns(k)) continue;
            ++owned;
            half->key(k);
            EXPECT_EQ(count.value(), static_cast<int64_t>(groupOf(k))) << k;
            EXPECT_EQ(perPage.get("p"), 7) << k;
        }
        EXPECT_LT(half->keysOf("count").size(), keys.size());
    }
    // The union of the two halves is everything.
    EXPECT_EQ(owned, keys.size());
    EXPECT_EQ(lower.keysOf("count").size() + upper.keysOf("count").size(), keys.size());

    // And scaling back in merges them again.
    KeyedStateSnapshot lowerSnapshot = lower.snapshot(), upperSnapshot = upper.snapshot();
    auto sections = sectionsFor(lowerSnapshot, lower.backend.keyGroupRange());
    auto upperSections = sectionsFor(upperSnapshot, upper.backend.keyGroupRange());
    sections.insert(sections.end(), upperSections.begin(), upperSections.end());
    Subtask merged;
    merged.backend.restore(sections);
    auto& count = merged.ctx.getState(kCount);
    for (const auto& k : keys) {
        merged.key(k);
        EXPECT_EQ(count.value(), static_cast<int64_t>(groupOf(k))) << k;
    }
}

// ---- TTL --------------------------------------------------------------------------------------

/// Writes key "old" at t=0 and key "new" at t=80 with a 100 ms time to live, snapshots at
/// t=120 (when "old" has expired) and restores into a subtask whose clock is at 0, where nothing
/// restored would read as expired: what it reads is exactly what the snapshot kept.
struct TtlSnapshot : ::testing::Test {
    static StateTtlConfig ttl(bool cleanup) {
        auto b = StateTtlConfig::newBuilder(100ms);
        if (cleanup) b.cleanupFullSnapshot();
        return b.build();
    }
    template <class D, class Write>
    KeyedStateSnapshot writeAndSnapshot(D descriptor, bool cleanup, Write write) {
        descriptor.enableTimeToLive(ttl(cleanup));
        Subtask a;
        a.key("old");
        write(a, descriptor, "old");
        a.clock.advanceTo(80);
        a.key("new");
        write(a, descriptor, "new");
        a.clock.advanceTo(120);
        return a.snapshot();
    }
};

TEST_F(TtlSnapshot, CleanupFullSnapshotLeavesExpiredValuesOut) {
    for (bool cleanup : {true, false}) {
        SCOPED_TRACE(cleanup ? "cleanupFullSnapshot" : "no cleanup");
        ValueStateDescriptor<std::string> d("v");
        auto s = writeAndSnapshot(d, cleanup, [](Subtask& t, auto& desc, const std::string& k) {
            t.ctx.getState(desc).update("value-" + k);
        });
        EXPECT_EQ(s.data.find("old") == std::string::npos, cleanup);  // neither key nor value
        d.enableTimeToLive(ttl(cleanup));
        Subtask b;
        b.restore(s);
        auto& v = b.ctx.getState(d);
        b.key("new");
        EXPECT_EQ(v.value(), "value-new");
        b.key("old");
        if (cleanup) {
            EXPECT_FALSE(v.value());
        } else {
            EXPECT_EQ(v.value(), "value-old");  // still in the snapshot, with its timestamp
        }
    }
}

TEST_F(TtlSnapshot, CleanupFullSnapshotDropsExpiredListElements) {
    for (bool cleanup : {true, false}) {
        SCOPED_TRACE(cleanup ? "cleanupFullSnapshot" : "no cleanup");
        ListStateDescriptor<int64_t> d("l");
        auto s = writeAndSnapshot(d, cleanup, [](Subtask& t, auto& desc, const std::string& k) {
            t.ctx.getListState(desc).add(k == "new" ? 2 : 1);
        });
        d.enableTimeToLive(ttl(cleanup));
        Subtask b;
        b.restore(s);
        auto& l = b.ctx.getListState(d);
        b.key("new");
        EXPECT_EQ(l.get(), std::vector<int64_t>{2});
        b.key("old");
        if (cleanup) {
            EXPECT_TRUE(l.get().empty());
        } else {
            EXPECT_EQ(l.get(), std::vector<int64_t>{1});
        }
        // A list whose every element expired is left out altogether.
        EXPECT_EQ(s.data.find("old") == std::string::npos, cleanup);
    }
}

TEST_F(TtlSnapshot, CleanupFullSnapshotDropsExpiredElementsOfAListThatKeepsOthers) {
    ListStateDescriptor<std::string> d("l");
    d.enableTimeToLive(ttl(true));
    Subtask a;
    auto& l = a.ctx.getListState(d);
    a.key("k");
    l.add("early");
    a.clock.advanceTo(80);
    l.add("late");
    a.clock.advanceTo(120);
    Subtask b;
    b.restore(a.snapshot());
    b.key("k");
    EXPECT_EQ(b.ctx.getListState(d).get(), std::vector<std::string>{"late"});
}

TEST_F(TtlSnapshot, CleanupFullSnapshotDropsExpiredMapEntries) {
    for (bool cleanup : {true, false}) {
        SCOPED_TRACE(cleanup ? "cleanupFullSnapshot" : "no cleanup");
        MapStateDescriptor<std::string, int64_t> d("m");
        d.enableTimeToLive(ttl(cleanup));
        Subtask a;
        auto& m = a.ctx.getMapState(d);
        a.key("k");
        m.put("early", 1);
        a.key("gone");
        m.put("early", 1);
        a.clock.advanceTo(80);
        a.key("k");
        m.put("late", 2);
        a.clock.advanceTo(120);
        KeyedStateSnapshot s = a.snapshot();
        // A map whose every entry expired is left out altogether.
        EXPECT_EQ(s.data.find("gone") == std::string::npos, cleanup);
        EXPECT_EQ(s.data.find("early") == std::string::npos, cleanup);
        Subtask b;
        b.restore(s);
        auto& m2 = b.ctx.getMapState(d);
        b.key("k");
        EXPECT_EQ(m2.get("late"), 2);
        EXPECT_EQ(m2.contains("early"), !cleanup);
        b.key("gone");
        EXPECT_EQ(m2.isEmpty(), cleanup);
    }
}

TEST_F(TtlSnapshot, RestoredValuesKeepTheirTimestamps) {
    ValueStateDescriptor<int64_t> d("v");
    d.enableTimeToLive(ttl(false));
    Subtask a;
    a.clock.advanceTo(1000);
    a.key("k");
    a.ctx.getState(d).update(1);
    Subtask b;
    b.restore(a.snapshot());
    auto& v = b.ctx.getState(d);
    b.clock.advanceTo(1099);
    b.key("k");
    EXPECT_EQ(v.value(), 1);
    b.clock.advanceTo(1100);
    EXPECT_FALSE(v.value());  // expires when it would have without the restore
}

// ---- timers -----------------------------------------------------------------------------------

/// A timer service over a subtask, recording (key, timestamp) of what fires, and the keyed
/// value "count" of the timer's key at that moment.
}  // namespace
}  // namespace weir
