// Keyed state in RocksDB: the same semantics as on the heap, snapshots in the canonical format
// that restore into either backend, TTL, rescaling, and the operators' InternalValueState.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../harness/operator_harness.h"
#include "weir/core/key_hash.h"
#include "weir/runtime/runtime_context.h"
#include "weir/runtime/state/rocksdb_state.h"
#include "weir/runtime/state/state_factory.h"

namespace weir {
namespace {

using namespace std::chrono_literals;

constexpr int32_t kMax = 128;

/// One operator subtask's keyed state, on the heap or in RocksDB.
struct Subtask {
    explicit Subtask(bool rocksDb, KeyGroupRange range = {0, kMax}) : backend(range, kMax) {
        if (rocksDb) {
            store = RocksDbStore::open(RocksDbOptions{});
            backend.setRocksDbStore(store.get());
        }
    }
    std::unique_ptr<RocksDbStore> store;  // outlives the backend's states
    KeyedStateBackend backend;
    testing::ManualProcessingTimeService clock;
    RuntimeContext ctx{TaskInfo{}, &backend, &clock};

    void key(const std::string& k) { backend.setCurrentKey(k); }
    void restoreFrom(const KeyedStateSnapshot& s) {
        std::vector<KeyGroupSection> sections;
        KeyGroupRange overlap = s.range.intersect(backend.keyGroupRange());
        for (int32_t g = overlap.start; g < overlap.end; ++g) sections.push_back({g, s.section(g)});
        backend.restore(sections);
    }
};

std::vector<std::string> keys(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("key-" + std::to_string(i));
    return out;
}

const ValueStateDescriptor<int64_t> kValue("value");
const ListStateDescriptor<std::string> kList("list");
const MapStateDescriptor<std::string, int64_t> kMap("map");

/// Writes the same state through either backend.
void fill(Subtask& t) {
    for (const auto& k : keys(20)) {
        t.key(k);
        t.ctx.getState(kValue).update(static_cast<int64_t>(k.size()));
        auto& list = t.ctx.getListState(kList);
        list.add(k + "-a");
        list.addAll({k + "-b", k + "-c"});
        auto& map = t.ctx.getMapState(kMap);
        map.put("x", 1);
        map.put("y", 2);
        map.remove("x");
    }
}

void expectFilled(Subtask& t, const std::vector<std::string>& which) {
    for (const auto& k : which) {
        t.key(k);
        EXPECT_EQ(t.ctx.getState(kValue).value(), static_cast<int64_t>(k.size())) << k;
        EXPECT_EQ(t.ctx.getListState(kList).get(),
                  (std::vector<std::string>{k + "-a", k + "-b", k + "-c"}))
            << k;
        auto entries = t.ctx.getMapState(kMap).entries();
        EXPECT_EQ(entries, (std::vector<std::pair<std::string, int64_t>>{{"y", 2}})) << k;
    }
}

TEST(RocksDbState, StatesLiveInRocksDbWhenTheBackendHasAStore) {
    Subtask t(true);
    t.key("a");
    EXPECT_NE(dynamic_cast<RocksDbValueState<int64_t>*>(&t.ctx.getState(kValue)), nullptr);
    EXPECT_NE(dynamic_cast<RocksDbListState<std::string>*>(&t.ctx.getListState(kList)), nullptr);
    Subtask heap(false);
    heap.key("a");
    EXPECT_NE(dynamic_cast<HeapValueState<int64_t>*>(&heap.ctx.getState(kValue)), nullptr);
}

TEST(RocksDbState, ValueListAndMapBehaveAsOnTheHeap) {
    Subtask t(true);
    t.key("a");
    auto& value = t.ctx.getState(kValue);
    EXPECT_EQ(value.value(), std::nullopt);
    value.update(7);
    EXPECT_EQ(value.value(), 7);
    t.key("b");
    EXPECT_EQ(value.value(), std::nullopt);  // per key
    t.key("a");
    value.clear();
    EXPECT_EQ(value.value(), std::nullopt);

    auto& list = t.ctx.getListState(kList);
    EXPECT_TRUE(list.get().empty());
    list.add("1");
    list.addAll({"2", "3"});
    EXPECT_EQ(list.get(), (std::vector<std::string>{"1", "2", "3"}));
    list.update({"z"});
    EXPECT_EQ(list.get(), (std::vector<std::string>{"z"}));
    list.update({});
    EXPECT_TRUE(list.get().empty());

    auto& map = t.ctx.getMapState(kMap);
    EXPECT_TRUE(map.isEmpty());
    map.put("k1", 1);
    map.put("k2", 2);
    map.put("k1", 10);
    EXPECT_EQ(map.get("k1"), 10);
    EXPECT_TRUE(map.contains("k2"));
    EXPECT_FALSE(map.contains("k3"));
    EXPECT_EQ(map.entries().size(), 2u);
    t.key("b");
    EXPECT_TRUE(map.isEmpty());  // another key's map
    t.key("a");
    map.remove("k2");
    EXPECT_EQ(map.entries(), (std::vector<std::pair<std::string, int64_t>>{{"k1", 10}}));
    map.clear();
    EXPECT_TRUE(map.isEmpty());
}

TEST(RocksDbState, SnapshotsRestoreIntoEitherBackend) {
    for (bool fromRocks : {true, false}) {
        for (bool toRocks : {true, false}) {
            Subtask a(fromRocks);
            fill(a);
            Subtask b(toRocks);
            b.restoreFrom(a.backend.snapshot());
            expectFilled(b, keys(20));
        }
    }
}

TEST(RocksDbState, RescaledRestoreReadsOnlyItsKeyGroups) {
    Subtask a(true);
    fill(a);
    auto snapshot = a.backend.snapshot();
    Subtask low(true, {0, 64}), high(true, {64, kMax});
    low.restoreFrom(snapshot);
    high.restoreFrom(snapshot);
    std::vector<std::string> lowKeys, highKeys;
    for (const auto& k : keys(20))
        (keygroups::assignToKeyGroup(keyHash(k), kMax) < 64 ? lowKeys : highKeys).push_back(k);
    ASSERT_FALSE(lowKeys.empty());
    ASSERT_FALSE(highKeys.empty());
    expectFilled(low, lowKeys);
    expectFilled(high, highKeys);
    // Each half snapshots only its own groups: together they are the whole.
    Subtask merged(false);
    merged.restoreFrom(low.backend.snapshot());
    merged.restoreFrom(high.backend.snapshot());
    expectFilled(merged, keys(20));
}

TEST(RocksDbState, TtlExpiresAndCleanupInFullSnapshotsDropsExpiredValues) {
    ValueStateDescriptor<int64_t> d("ttl");
    d.enableTimeToLive(StateTtlConfig::newBuilder(10s).cleanupFullSnapshot().build());
    Subtask t(true);
    t.clock.advanceTo(1000);
    t.key("old");
    t.ctx.getState(d).update(1);
    t.clock.advanceTo(8000);
    t.key("new");
    t.ctx.getState(d).update(2);
    t.clock.advanceTo(12000);  // "old" expired, "new" not
    Subtask restored(false);
    restored.clock.advanceTo(12000);
    restored.restoreFrom(t.backend.snapshot());
    restored.key("old");
    EXPECT_EQ(restored.ctx.getState(d).value(), std::nullopt);
    restored.key("new");
    EXPECT_EQ(restored.ctx.getState(d).value(), 2);
    t.key("old");
    EXPECT_EQ(t.ctx.getState(d).value(), std::nullopt);  // expired on access too
}

TEST(RocksDbState, InternalValueStateWritesBackOnCommit) {
    Subtask t(true);
    InternalValueState<std::vector<int64_t>> s;
    s.bind(t.backend, "buffer");
    t.key("a");
    EXPECT_EQ(s.mutableValue(), nullptr);
    auto [v, created] = s.getOrCreateFlagged();
    EXPECT_TRUE(created);
    v->push_back(1);
    s.commit();
    s.getOrCreate().push_back(2);  // not committed: RocksDB keeps the committed value
    EXPECT_EQ(*s.value(), (std::vector<int64_t>{1}));
    s.getOrCreate().push_back(3);
    s.commit();
    EXPECT_EQ(*s.value(), (std::vector<int64_t>{1, 3}));
    int64_t seen = 0;
    s.forEachValue([&](const std::vector<int64_t>& x) { seen += static_cast<int64_t>(x.size()); });
    EXPECT_EQ(seen, 2);
}

TEST(RocksDbState, WriteBackCacheKeepsTheSameStateAndSnapshotsAsDirectWrites) {
    Subtask cached(true), direct(true);
    InternalValueState<int64_t> a, b;
    a.bind(cached.backend, "acc");
    a.enableWriteBackCache(3);  // fewer entries than keys: the cache is flushed and refilled
    b.bind(direct.backend, "acc");
    auto ks = keys(10);
    for (int64_t round = 1; round <= 5; ++round) {
        for (size_t i = 0; i < ks.size(); ++i) {
            for (Subtask* t : {&cached, &direct}) t->key(ks[i]);
            if (round == 3 && i % 4 == 0) {  // a fired window: its accumulator goes
                a.clear();
                b.clear();
                continue;
            }
            a.getOrCreate() += round * static_cast<int64_t>(i);
            a.commit();
            b.getOrCreate() += round * static_cast<int64_t>(i);
            b.commit();
        }
    }
    for (const auto& k : ks) {
        cached.key(k);
        direct.key(k);
        EXPECT_EQ(a.value(), b.value()) << k;
    }
    KeyedStateSnapshot sa = cached.backend.snapshot(), sb = direct.backend.snapshot();
    EXPECT_EQ(sa.data, sb.data) << "a full snapshot writes the cached values first";
    int64_t total = 0, expected = 0;
    a.forEachValue([&](int64_t v) { total += v; });
    b.forEachValue([&](int64_t v) { expected += v; });
    EXPECT_EQ(total, expected);
}

TEST(RocksDbState, WriteBackCacheReachesRocksDbBeforeANativeSnapshot) {
    Subtask t(true);
    InternalValueState<int64_t> s;
    s.bind(t.backend, "acc");
    s.enableWriteBackCache(100);
    t.key("k");
    s.getOrCreate() = 42;
    s.commit();
    auto entriesInRocksDb = [&] {
        int n = 0;
        t.store->scan(t.store->columnFamily("acc"), "", [&](std::string_view, std::string_view) {
            ++n;
            return true;
        });
        return n;
    };
    EXPECT_EQ(entriesInRocksDb(), 0) << "still only in the cache";
    t.backend.flushWrites();  // what the task does before RocksDbStore::createNativeSnapshot
    EXPECT_EQ(entriesInRocksDb(), 1);
    // A restore of the native snapshot's files sees the value.
    auto native = t.store->createNativeSnapshot();
    auto reopened = RocksDbStore::openFromSnapshot(RocksDbOptions{}, native.directory);
    KeyedStateBackend other({0, kMax}, kMax);
    other.setRocksDbStore(reopened.get());
    InternalValueState<int64_t> r;
    r.bind(other, "acc");
    other.setCurrentKey(std::string("k"));
    EXPECT_EQ(r.value(), 42);
    std::filesystem::remove_all(native.directory);
}

// A full RocksDB snapshot reads its states on an I/O thread: what it writes is the state as it
// was when the snapshot was taken, byte for byte what a synchronous snapshot writes then,
// whatever the task writes afterwards and even when the store is gone before the read.
TEST(RocksDbState, DeferredSnapshotIsTheStateAtTheSnapshotReadOnAnotherThread) {
    ValueStateDescriptor<int64_t> ttl("ttl");
    ttl.enableTimeToLive(StateTtlConfig::newBuilder(10s).cleanupFullSnapshot().build());
    for (bool dropStore : {false, true}) {
        auto t = std::make_unique<Subtask>(true);
        fill(*t);
        InternalValueState<int64_t> cached;  // a write-back cache: flushed by the snapshot
        cached.bind(t->backend, "acc");
        cached.enableWriteBackCache(100);
        t->clock.advanceTo(1000);
        for (const auto& k : keys(5)) {
            t->key(k);
            cached.getOrCreate() = 7;
            cached.commit();
            t->ctx.getState(ttl).update(1);
        }
        t->clock.advanceTo(12000);  // the first TTL values expired...
        t->key("fresh");
        t->ctx.getState(ttl).update(2);  // ...this one not
        KeyedStateSnapshot expected = t->backend.snapshot();
        KeyedStateSnapshot deferred = t->backend.snapshot(/*includeStates=*/true, /*defer=*/true);
        ASSERT_NE(deferred.deferred, nullptr);
        EXPECT_TRUE(deferred.data.empty());

        // The task goes on: every state changes after the snapshot.
        for (const auto& k : keys(30)) {
            t->key(k);
            t->ctx.getState(kValue).update(-1);
            t->ctx.getListState(kList).add("later");
            t->ctx.getMapState(kMap).put("later", 9);
            cached.getOrCreate() = -7;
            cached.commit();
        }
        t->key("key-3");
        t->ctx.getListState(kList).clear();
        t->backend.flushWrites();
        if (dropStore) t.reset();  // the view keeps the instance readable

        std::thread io([&] { deferred.complete(); });
        io.join();
        EXPECT_EQ(deferred.deferred, nullptr);
        EXPECT_EQ(deferred.offsets, expected.offsets) << "dropStore " << dropStore;
        EXPECT_EQ(deferred.data, expected.data) << "dropStore " << dropStore;
        Subtask restored(false);
        restored.clock.advanceTo(12000);
        restored.restoreFrom(deferred);
        expectFilled(restored, keys(20));
        restored.key("key-0");
        EXPECT_EQ(restored.ctx.getState(ttl).value(), std::nullopt);
        restored.key("fresh");
        EXPECT_EQ(restored.ctx.getState(ttl).value(), 2);
    }
}

}  // namespace
}  // namespace weir
