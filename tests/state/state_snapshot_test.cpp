// Snapshots of keyed state, timers and operator state in the canonical format: round trips of
// every heap state type, restore at another key-group range (rescaling), state registered after
// the restore (or never), TTL cleanup in full snapshots, timers, and corrupt or misplaced input.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../harness/operator_harness.h"
#include "weir/api/operator_state.h"
#include "weir/api/runtime_context.h"
#include "weir/api/windows/window.h"
#include "weir/core/key_hash.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/state/state_snapshot.h"
#include "weir/runtime/time/internal_timer_service.h"
#include "weir/weir.h"

namespace weir {

struct Order {
    int64_t id = 0;
    std::string user;
    double amount = 0;
    std::vector<std::string> tags;
    friend bool operator==(const Order&, const Order&) = default;
};
WEIR_TYPE(Order, id, user, amount, tags);

namespace {

using namespace std::chrono_literals;

constexpr int32_t kMax = 128;

int32_t groupOf(const std::string& key) {
    return keygroups::assignToKeyGroup(keyHash(key), kMax);
}

/// The sections of `snapshot` that a subtask owning `range` restores.
std::vector<KeyGroupSection> sectionsFor(const KeyedStateSnapshot& snapshot, KeyGroupRange range) {
    std::vector<KeyGroupSection> out;
    KeyGroupRange overlap = snapshot.range.intersect(range);
    for (int32_t g = overlap.start; g < overlap.end; ++g) out.push_back({g, snapshot.section(g)});
    return out;
}

/// One keyed operator subtask: its backend, a manual clock and the runtime context over them.
struct Subtask {
    explicit Subtask(KeyGroupRange range = {0, kMax}) : backend(range, kMax) {}
    Subtask(const Subtask&) = delete;

    KeyedStateBackend backend;
    testing::ManualProcessingTimeService clock;
    RuntimeContext ctx{TaskInfo{}, &backend, &clock};

    void key(const std::string& k) { backend.setCurrentKey(k); }
    bool owns(const std::string& k) const { return backend.keyGroupRange().contains(groupOf(k)); }
    KeyedStateSnapshot snapshot() const { return backend.snapshot(); }
    void restore(const KeyedStateSnapshot& s) {
        backend.restore(sectionsFor(s, backend.keyGroupRange()));
    }
    /// The keys (deserialized) with an entry in state `name`.
    std::vector<std::string> keysOf(const std::string& name) const {
        std::vector<std::string> keys;
        backend.forEachStateOf(name, [&](std::string_view stateKey, int32_t) {
            ByteReader in = snapshot_format::readerOf(stateKey);
            std::string k;
            Serializer<std::string>::deserialize(in, k);
            keys.push_back(k);
        });
        std::sort(keys.begin(), keys.end());
        return keys;
    }
};

std::vector<std::string> someKeys(int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.push_back("key-" + std::to_string(i));
    return keys;
}

template <class K, class V>
std::vector<std::pair<K, V>> sorted(std::vector<std::pair<K, V>> v) {
    std::sort(v.begin(), v.end());
    return v;
}

const ValueStateDescriptor<int64_t> kCount("count");
const ListStateDescriptor<std::string> kSeen("seen");
const MapStateDescriptor<std::string, int64_t> kPerPage("per-page");

// ---- round trips ----------------------------------------------------------------------------

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
template <class N = VoidNamespace>
struct Timers {
    struct Fired {
        std::string key;
        int64_t timestamp;
        N ns;
        std::optional<int64_t> count;
        bool processingTime;
    };
    explicit Timers(Subtask& s, std::string name = "user-timers")
        : subtask(s),
          service(
              s.backend, &s.clock, [this](int64_t t, const N& ns) { record(t, ns, false); },
              [this](int64_t t, const N& ns) { record(t, ns, true); }, std::move(name)) {}
    void record(int64_t t, const N& ns, bool processing) {
        std::string key = deserializeFromString<std::string>(subtask.backend.currentKeyBytes());
        fired.push_back({key, t, ns, subtask.ctx.getState(kCount).value(), processing});
    }
    std::vector<std::pair<std::string, int64_t>> firedKeys() const {
        std::vector<std::pair<std::string, int64_t>> out;
        for (const auto& f : fired) out.emplace_back(f.key, f.timestamp);
        return out;
    }
    Subtask& subtask;
    InternalTimerService<N> service;
    std::vector<Fired> fired;
};

using KeyTimes = std::vector<std::pair<std::string, int64_t>>;

TEST(TimerSnapshot, EventTimeTimersFireAfterRestoreAtTheRightWatermark) {
    Subtask a;
    Timers<> ta(a);
    for (const auto& [k, t] : KeyTimes{{"a", 100}, {"b", 200}, {"c", 300}, {"a", 300}}) {
        a.key(k);
        a.ctx.getState(kCount).update(t);
        ta.service.registerEventTimeTimer(VoidNamespace{}, t);
    }
    ta.service.advanceWatermark(50);
    ASSERT_TRUE(ta.fired.empty());
    KeyedStateSnapshot s = a.snapshot();
    EXPECT_NE(s.data.find("_timers/user-timers"), std::string::npos);

    // Restored before the timer service exists (the usual order), and after.
    for (bool serviceFirst : {false, true}) {
        SCOPED_TRACE(serviceFirst ? "service created before the restore" : "restore first");
        Subtask b;
        std::unique_ptr<Timers<>> tb;
        if (serviceFirst) tb = std::make_unique<Timers<>>(b);
        b.restore(s);
        if (!serviceFirst) tb = std::make_unique<Timers<>>(b);
        EXPECT_EQ(tb->service.numEventTimeTimers(), 4u);
        EXPECT_EQ(tb->service.numProcessingTimeTimers(), 0u);
        tb->service.advanceWatermark(99);
        EXPECT_TRUE(tb->fired.empty());
        tb->service.advanceWatermark(200);
        EXPECT_EQ(tb->firedKeys(), (KeyTimes{{"a", 100}, {"b", 200}}));
        tb->service.advanceWatermark(1000);
        EXPECT_EQ(tb->firedKeys(), (KeyTimes{{"a", 100}, {"b", 200}, {"a", 300}, {"c", 300}}));
        // Each callback ran with its timer's key current: it read that key's restored state.
        for (const auto& f : tb->fired) {
            EXPECT_FALSE(f.processingTime);
            EXPECT_EQ(f.count, f.key == "a" ? 300 : f.timestamp) << f.key;
        }
        EXPECT_EQ(tb->service.numEventTimeTimers(), 0u);
    }
    // Taking the snapshot consumed nothing.
    ta.service.advanceWatermark(1000);
    EXPECT_EQ(ta.fired.size(), 4u);
}

TEST(TimerSnapshot, ProcessingTimeTimersAreRescheduledOnRestore) {
    Subtask a;
    Timers<> ta(a);
    a.key("early");
    ta.service.registerProcessingTimeTimer(VoidNamespace{}, 100);
    a.key("late");
    ta.service.registerProcessingTimeTimer(VoidNamespace{}, 250);
    a.key("event");
    ta.service.registerEventTimeTimer(VoidNamespace{}, 100);
    KeyedStateSnapshot s = a.snapshot();

    Subtask b;
    b.restore(s);
    Timers<> tb(b);
    EXPECT_EQ(tb.service.numProcessingTimeTimers(), 2u);
    b.clock.advanceTo(99);
    EXPECT_TRUE(tb.fired.empty());
    b.clock.advanceTo(150);
    EXPECT_EQ(tb.firedKeys(), (KeyTimes{{"early", 100}}));
    b.clock.advanceTo(300);
    EXPECT_EQ(tb.firedKeys(), (KeyTimes{{"early", 100}, {"late", 250}}));
    for (const auto& f : tb.fired) EXPECT_TRUE(f.processingTime);
    EXPECT_EQ(tb.service.numEventTimeTimers(), 1u);  // event time waits for a watermark
}

TEST(TimerSnapshot, OverdueProcessingTimeTimersFireOnceTheClockIsChecked) {
    Subtask a;
    Timers<> ta(a);
    a.key("x");
    ta.service.registerProcessingTimeTimer(VoidNamespace{}, 300);
    a.key("y");
    ta.service.registerProcessingTimeTimer(VoidNamespace{}, 200);
    KeyedStateSnapshot s = a.snapshot();

    Subtask b;
    b.clock.advanceTo(1000);  // restored long after the timers were due
    Timers<> tb(b);
    b.restore(s);
    b.clock.advanceTo(1000);
    EXPECT_EQ(tb.firedKeys(), (KeyTimes{{"y", 200}, {"x", 300}}));
    b.clock.advanceTo(5000);
    EXPECT_EQ(tb.fired.size(), 2u);  // each fires once
}

TEST(TimerSnapshot, NamespacesOfTimersRoundTrip) {
    Subtask a;
    Timers<TimeWindow> ta(a, "window-timers");
    a.key("k");
    ta.service.registerEventTimeTimer(TimeWindow(0, 100), 99);
    ta.service.registerEventTimeTimer(TimeWindow(100, 200), 199);
    KeyedStateSnapshot s = a.snapshot();
    EXPECT_NE(s.data.find("_timers/window-timers"), std::string::npos);

    Subtask b;
    b.restore(s);
    Timers<TimeWindow> tb(b, "window-timers");
    tb.service.advanceWatermark(500);
    ASSERT_EQ(tb.fired.size(), 2u);
    EXPECT_EQ(tb.fired[0].ns, TimeWindow(0, 100));
    EXPECT_EQ(tb.fired[1].ns, TimeWindow(100, 200));
    EXPECT_EQ(tb.fired[1].key, "k");
}

TEST(TimerSnapshot, RegisteringARestoredTimerAgainKeepsOne) {
    Subtask a;
    Timers<> ta(a);
    a.key("k");
    ta.service.registerEventTimeTimer(VoidNamespace{}, 10);
    ta.service.registerProcessingTimeTimer(VoidNamespace{}, 20);
    Subtask b;
    b.restore(a.snapshot());
    Timers<> tb(b);
    b.key("k");
    tb.service.registerEventTimeTimer(VoidNamespace{}, 10);
    tb.service.registerProcessingTimeTimer(VoidNamespace{}, 20);
    EXPECT_EQ(tb.service.numEventTimeTimers(), 1u);
    EXPECT_EQ(tb.service.numProcessingTimeTimers(), 1u);
    tb.service.advanceWatermark(100);
    b.clock.advanceTo(100);
    EXPECT_EQ(tb.fired.size(), 2u);
}

TEST(TimerSnapshot, TimersAreSplitByKeyGroupWhenRescaling) {
    Subtask a;
    Timers<> ta(a);
    auto keys = someKeys(50);
    for (size_t i = 0; i < keys.size(); ++i) {
        a.key(keys[i]);
        ta.service.registerEventTimeTimer(VoidNamespace{}, static_cast<int64_t>(i));
    }
    KeyedStateSnapshot s = a.snapshot();
    size_t total = 0;
    for (int32_t i = 0; i < 3; ++i) {
        Subtask part(keygroups::rangeForOperatorIndex(kMax, 3, i));
        part.restore(s);
        Timers<> tp(part);
        size_t expected = static_cast<size_t>(
            std::count_if(keys.begin(), keys.end(), [&](const auto& k) { return part.owns(k); }));
        EXPECT_EQ(tp.service.numEventTimeTimers(), expected);
        tp.service.advanceWatermark(1000);
        for (const auto& f : tp.fired) {
            EXPECT_TRUE(part.owns(f.key)) << f.key;
            EXPECT_EQ(keys[static_cast<size_t>(f.timestamp)], f.key);
        }
        total += tp.fired.size();
    }
    EXPECT_EQ(total, keys.size());
}

TEST(TimerSnapshot, TimersOfAServiceThatIsNotCreatedAgainAreCarried) {
    Subtask a;
    Timers<> ta(a, "old-timers");
    a.key("k");
    ta.service.registerEventTimeTimer(VoidNamespace{}, 5);
    Subtask b;
    b.restore(a.snapshot());  // b has no "old-timers" service
    Subtask c;
    c.restore(b.snapshot());
    Timers<> tc(c, "old-timers");
    EXPECT_EQ(tc.service.numEventTimeTimers(), 1u);
}

// ---- operator state -------------------------------------------------------------------------

const ListStateDescriptor<int64_t> kOffsets("offsets");
const ListStateDescriptor<std::string> kWatermarks("watermarks");
const MapStateDescriptor<std::string, Order> kRules("rules");

TEST(OperatorStateSnapshot, ListUnionAndBroadcastStatesRoundTrip) {
    OperatorStateStore a;
    a.getListState(kOffsets).addAll({10, 20, 30});
    a.getUnionListState(kWatermarks).add("wm-1");
    a.getBroadcastState(kRules).put("r1", Order{1, "alice", 1.5, {"t"}});
    a.getBroadcastState(kRules).put("r2", Order{2, "bob", 2.5, {}});

    std::vector<OperatorStateEntry> entries = a.snapshot();
    ASSERT_EQ(entries.size(), 3u);
    std::map<std::string, OperatorStateMode> modes;
    for (const auto& e : entries) modes[e.name] = e.mode;
    EXPECT_EQ(modes, (std::map<std::string, OperatorStateMode>{
                         {"list:offsets", OperatorStateMode::kSplitDistribute},
                         {"union:watermarks", OperatorStateMode::kUnion},
                         {"broadcast:rules", OperatorStateMode::kBroadcast}}));
    for (const auto& e : entries) {
        if (e.name == "list:offsets") {
            EXPECT_EQ(e.elements.size(), 3u);  // one per element
        }
    }

    OperatorStateStore b;
    b.restore(entries);
    EXPECT_EQ(b.getListState(kOffsets).get(), (std::vector<int64_t>{10, 20, 30}));
    EXPECT_EQ(b.getUnionListState(kWatermarks).get(), std::vector<std::string>{"wm-1"});
    EXPECT_EQ(b.getBroadcastState(kRules).get("r2"), (Order{2, "bob", 2.5, {}}));
    EXPECT_EQ(b.getBroadcastState(kRules).entries().size(), 2u);
}

TEST(OperatorStateSnapshot, ListAndUnionStatesOfTheSameNameAreDistinct) {
    OperatorStateStore a;
    a.getListState(kWatermarks).add("split");
    a.getUnionListState(kWatermarks).add("union");
    OperatorStateStore b;
    b.restore(a.snapshot());
    EXPECT_EQ(b.getListState(kWatermarks).get(), std::vector<std::string>{"split"});
    EXPECT_EQ(b.getUnionListState(kWatermarks).get(), std::vector<std::string>{"union"});
}

TEST(OperatorStateSnapshot, UnregisteredRestoredStatesAreCarried) {
    OperatorStateStore a;
    a.getListState(kOffsets).add(1);
    a.getUnionListState(kWatermarks).add("w");
    a.getBroadcastState(kRules).put("r", Order{});
    OperatorStateStore b;
    b.restore(a.snapshot());
    b.getListState(kOffsets).add(2);  // only this one is registered again
    OperatorStateStore c;
    c.restore(b.snapshot());
    EXPECT_EQ(c.getListState(kOffsets).get(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(c.getUnionListState(kWatermarks).get(), std::vector<std::string>{"w"});
    EXPECT_TRUE(c.getBroadcastState(kRules).contains("r"));
}

TEST(OperatorStateSnapshot, ACopiedStoreStartsEmpty) {
    OperatorStateStore a;
    a.getListState(kOffsets).add(1);
    OperatorStateStore copy(a);
    EXPECT_TRUE(copy.snapshot().empty());
}

// ---- visiting the keys of a state (KeyedBroadcastProcessFunction::applyToKeyedState) ------------

TEST(StateKeys, ForEachStateOfVisitsEveryKeyOfARegisteredState) {
    Subtask a;
    for (const auto& k : someKeys(12)) {
        a.key(k);
        a.ctx.getState(kCount).update(1);
    }
    a.backend.forEachStateOf("count", [&](std::string_view, int32_t g) {
        EXPECT_TRUE(a.backend.keyGroupRange().contains(g));
    });
    auto expected = someKeys(12);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(a.keysOf("count"), expected);
}

TEST(StateKeys, ForEachStateOfVisitsTheKeysOfAStateWithTtl) {
    ValueStateDescriptor<int64_t> d("with-ttl");
    d.enableTimeToLive(StateTtlConfig::newBuilder(1h).build());
    Subtask a;
    for (const auto& k : someKeys(5)) {
        a.key(k);
        a.ctx.getState(d).update(1);
    }
    EXPECT_EQ(a.keysOf("with-ttl").size(), 5u);
}

// applyToKeyedState visits a state's keys before getRuntimeState registers it: after a restore,
// the restored keys must be visited too.
TEST(StateKeys, ForEachStateOfVisitsRestoredKeysBeforeTheStateIsRegistered) {
    Subtask a;
    for (const auto& k : someKeys(10)) {
        a.key(k);
        a.ctx.getState(kCount).update(1);
    }
    Subtask b;
    b.restore(a.snapshot());
    EXPECT_EQ(b.keysOf("count").size(), 10u);
}

// ---- corrupt or misplaced input -------------------------------------------------------------

/// A section of key group `g` of a snapshot holding one value state entry.
std::pair<int32_t, std::string> oneEntrySection() {
    Subtask a;
    a.key("k");
    a.ctx.getState(kCount).update(42);
    KeyedStateSnapshot s = a.snapshot();
    int32_t g = groupOf("k");
    return {g, std::string(s.section(g))};
}

TEST(CorruptKeyedSnapshot, TruncatedSectionIsASerializationError) {
    auto [g, section] = oneEntrySection();
    for (size_t cut : {size_t{1}, size_t{3}, section.size() / 2, section.size() - 2}) {
        SCOPED_TRACE(cut);
        std::string truncated = section.substr(0, section.size() - cut);
        Subtask b;
        EXPECT_THROW(b.backend.restore({{g, truncated}}), SerializationException);
    }
}

TEST(CorruptKeyedSnapshot, TrailingBytesAreASerializationErrorNamingTheKeyGroup) {
    auto [g, section] = oneEntrySection();
    std::string longer = section + "xyz";
    Subtask b;
    try {
        b.backend.restore({{g, longer}});
        FAIL() << "no exception";
    } catch (const SerializationException& e) {
        EXPECT_NE(std::string(e.what()).find("key group " + std::to_string(g)), std::string::npos)
            << e.what();
    }
}

TEST(CorruptKeyedSnapshot, ImpossibleCountsAreSerializationErrors) {
    Subtask b;
    std::string section("\xff\xff\xff\x7f", 4);  // 2^31 states, and nothing follows
    EXPECT_THROW(b.backend.restore({{0, section}}), SerializationException);
}

TEST(CorruptKeyedSnapshot, ValueOfAnotherTypeIsASerializationError) {
    auto [g, section] = oneEntrySection();  // "count" holds an int64
    Subtask b;
    b.backend.restore({{g, section}});
    b.key("k");
    EXPECT_THROW(b.ctx.getState(ValueStateDescriptor<int32_t>("count")), SerializationException);
}

TEST(CorruptKeyedSnapshot, CorruptTimerEntryIsASerializationError) {
    ByteWriter w(64);
    w.writeFixed<uint32_t>(1);  // one state
    w.writeString("_timers/user-timers");
    w.writeFixed<uint32_t>(1);  // one entry
    snapshot_format::writeEntry(w, serializeToString(std::string("k")), [](ByteWriter& o) {
        o.writeByte(7);  // no such time domain
        o.writeFixed<int64_t>(5);
    });
    std::string section(reinterpret_cast<const char*>(w.data()), w.size());
    Subtask b;
    Timers<> tb(b);
    EXPECT_THROW(b.backend.restore({{groupOf("k"), section}}), SerializationException);
}

TEST(CorruptKeyedSnapshot, KeyGroupOutsideTheRangeIsAStateMigrationError) {
    auto [g, section] = oneEntrySection();
    KeyGroupRange other = g < 64 ? KeyGroupRange{64, 128} : KeyGroupRange{0, 64};
    Subtask b(other);
    try {
        b.backend.restore({{g, section}});
        FAIL() << "no exception";
    } catch (const StateMigrationException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find(std::to_string(g)), std::string::npos) << m;
        EXPECT_NE(m.find(other.toString()), std::string::npos) << m;
    }
    // Even an empty section of a foreign key group is refused.
    Subtask c(KeyGroupRange{0, 64});
    EXPECT_THROW(c.backend.restore({{64, std::string_view()}}), StateMigrationException);
    EXPECT_THROW(c.backend.restore({{-1, std::string_view()}}), StateMigrationException);
}

}  // namespace
}  // namespace weir
