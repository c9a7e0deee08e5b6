// Snapshots of timers and operator state, state key visits, and corrupt keyed snapshots.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

#include "snapshot_test_util.h"

namespace weir {
namespace {

using namespace snapshot_test;
using namespace std::chrono_literals;

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

TEST(TimerOrder, RandomRegistrationsAndDeletionsFireInTimestampKeyNamespaceOrder) {
    // Reference: the set of (timestamp, serialized key, window) the service must hold; timers of
    // one timestamp fire ordered by key bytes, then namespace bytes.
    Subtask a;
    Timers<TimeWindow> t(a);
    using Id = std::tuple<int64_t, std::string, std::string, TimeWindow>;
    std::set<Id> expected;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        std::string k = "key" + std::to_string(rng() % 200);
        a.key(k);
        int64_t ts = static_cast<int64_t>(rng() % 500);
        TimeWindow w(ts - static_cast<int64_t>(rng() % 3) * 10, ts + 1);
        Id id{ts, std::string(a.backend.currentKeyBytes()), serializeToString(w), w};
        if (rng() % 4 == 0) {
            t.service.deleteEventTimeTimer(w, ts);
            expected.erase(id);
        } else {
            t.service.registerEventTimeTimer(w, ts);
            expected.insert(id);
        }
    }
    ASSERT_EQ(t.service.numEventTimeTimers(), expected.size());
    t.service.advanceWatermark(250);
    t.service.advanceWatermark(1000);
    ASSERT_EQ(t.fired.size(), expected.size());
    size_t i = 0;
    for (const auto& [ts, keyBytes, nsBytes, w] : expected) {
        SCOPED_TRACE(i);
        EXPECT_EQ(t.fired[i].timestamp, ts);
        EXPECT_EQ(t.fired[i].key, deserializeFromString<std::string>(keyBytes));
        EXPECT_EQ(t.fired[i].ns, w);
        ++i;
    }
    EXPECT_EQ(t.service.numEventTimeTimers(), 0u);
}

TEST(TimerOrder, ACallbackMayRegisterTheTimerThatIsFiring) {
    Subtask a;
    int fired = 0;
    std::optional<InternalTimerService<VoidNamespace>> service;
    service.emplace(
        a.backend, &a.clock,
        [&](int64_t ts, const VoidNamespace& ns) {
            if (++fired < 3) service->registerEventTimeTimer(ns, ts);  // fires again at once
        },
        [](int64_t, const VoidNamespace&) {});
    a.key("k");
    service->registerEventTimeTimer(VoidNamespace{}, 10);
    service->advanceWatermark(10);
    EXPECT_EQ(fired, 3);
    EXPECT_EQ(service->numEventTimeTimers(), 0u);
}

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
