// State types in snapshots: every snapshot records the key type and each state's kind and
// serialized types, and a restore into states of other types is refused naming the state, the
// operator and both types (Flink's incompatible-serializer check), on either backend.

#include <gtest/gtest.h>

#include "snapshot_test_util.h"
#include "weir/runtime/state/rocksdb_store.h"

namespace weir {

// Order with one more field: a changed struct, as a new program version would have it.
struct OrderV2 {
    int64_t id = 0;
    std::string user;
    double amount = 0;
    std::vector<std::string> tags;
    int32_t priority = 0;
};
WEIR_TYPE(OrderV2, id, user, amount, tags, priority);

namespace {

using namespace snapshot_test;

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const StateMigrationException& e) {
        return e.what();
    }
    ADD_FAILURE() << "no StateMigrationException";
    return "";
}

TEST(StateTypes, SnapshotRecordsKeyTypeAndEveryStatesKindAndTypes) {
    Subtask a;
    a.backend.setKeyType(serializerIdentity<std::string>());
    a.key("k");
    a.ctx.getState(ValueStateDescriptor<Order>("order")).update(Order{1, "u", 2.5, {}});
    a.ctx.getListState(kSeen).add("x");
    a.ctx.getMapState(kPerPage).put("/", 1);
    a.ctx.getState(ValueStateDescriptor<int64_t>("never-written"));
    KeyedStateSnapshot s = a.snapshot();
    EXPECT_EQ(s.types.keyType, "string");
    EXPECT_EQ(s.types.states, (std::map<std::string, std::string>{
                                  {"never-written", "value<int64>"},
                                  {"order", "value<Order{id:int64,user:string,amount:double,"
                                            "tags:vector<string>}>"},
                                  {"per-page", "map<string,int64>"},
                                  {"seen", "list<string>"},
                              }));
}

TEST(StateTypes, ChangedStructIsRefusedNamingTheStateTheOperatorAndBothTypes) {
    Subtask a;
    a.key("k");
    a.ctx.getState(ValueStateDescriptor<Order>("order")).update(Order{1, "u", 2.5, {}});
    KeyedStateSnapshot s = a.snapshot();

    Subtask b;
    b.backend.setOwner("operator 'Enrich' (id 1234)");
    b.restore(s);
    std::string what =
        messageOf([&] { b.ctx.getState(ValueStateDescriptor<OrderV2>("order")); });
    EXPECT_NE(what.find("state 'order'"), std::string::npos) << what;
    EXPECT_NE(what.find("operator 'Enrich' (id 1234)"), std::string::npos) << what;
    EXPECT_NE(what.find("Order{id:int64,user:string,amount:double,tags:vector<string>}"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("OrderV2{"), std::string::npos) << what;
    // The same type restores.
    Subtask c;
    c.restore(s);
    c.key("k");
    EXPECT_EQ(c.ctx.getState(ValueStateDescriptor<Order>("order")).value()->user, "u");
}

TEST(StateTypes, ChangedKindIsRefusedEvenWithoutEntries) {
    Subtask a;
    a.ctx.getState(ValueStateDescriptor<int64_t>("count"));  // registered, never written
    Subtask b;
    b.restore(a.snapshot());
    std::string what =
        messageOf([&] { b.ctx.getListState(ListStateDescriptor<int64_t>("count")); });
    EXPECT_NE(what.find("value<int64>"), std::string::npos) << what;
    EXPECT_NE(what.find("list<int64>"), std::string::npos) << what;
}

TEST(StateTypes, ChangedKeyTypeIsRefused) {
    Subtask a;
    a.backend.setKeyType(serializerIdentity<std::string>());
    a.key("k");
    a.ctx.getState(kCount).update(1);
    Subtask b;
    b.backend.setKeyType(serializerIdentity<int64_t>());
    std::string what = messageOf([&] { b.restore(a.snapshot()); });
    EXPECT_NE(what.find("the key"), std::string::npos) << what;
    EXPECT_NE(what.find("'string'"), std::string::npos) << what;
    EXPECT_NE(what.find("'int64'"), std::string::npos) << what;
}

TEST(StateTypes, RocksDbStatesRecordTheSameTypesAsHeapStates) {
    Subtask heap, rocks;
    auto store = RocksDbStore::open(RocksDbOptions{});
    rocks.backend.setRocksDbStore(store.get());
    for (Subtask* s : {&heap, &rocks}) {
        s->key("k");
        s->ctx.getState(kCount).update(1);
        s->ctx.getListState(kSeen).add("x");
        s->ctx.getMapState(kPerPage).put("/", 1);
    }
    EXPECT_EQ(heap.snapshot().types, rocks.snapshot().types);
}

TEST(StateTypes, TimersRecordTheirNamespaceType) {
    Subtask a;
    testing::ManualProcessingTimeService clock;
    InternalTimerService<TimeWindow> timers(
        a.backend, &clock, [](int64_t, const TimeWindow&) {},
        [](int64_t, const TimeWindow&) {}, "window-timers");
    auto types = a.snapshot().types.states;
    ASSERT_EQ(types.size(), 1u);
    EXPECT_EQ(types.begin()->second, "timers<TimeWindow>");
}

TEST(StateTypes, OperatorStateOfAnotherElementTypeIsRefused) {
    OperatorStateStore a;
    a.getListState(ListStateDescriptor<int64_t>("offsets")).add(7);
    OperatorStateStore b;
    b.setOwner("operator 'Source: files' (id 99)");
    b.restore(a.snapshot());
    std::string what =
        messageOf([&] { b.getListState(ListStateDescriptor<std::string>("offsets")); });
    EXPECT_NE(what.find("'list:offsets'"), std::string::npos) << what;
    EXPECT_NE(what.find("'Source: files'"), std::string::npos) << what;
    EXPECT_NE(what.find("'int64'"), std::string::npos) << what;
    EXPECT_NE(what.find("'string'"), std::string::npos) << what;
}

TEST(StateTypes, KeyOutsideTheSubtasksKeyGroupsIsAClearErrorInEveryBuild) {
    KeyedStateBackend backend({0, 1}, kMax);  // owns key group 0 only
    backend.setOwner("operator 'Counter' (id 5)");
    std::string key;
    for (int i = 0; groupOf(key = "k" + std::to_string(i)) == 0; ++i) {
    }
    try {
        backend.setCurrentKey(key);
        FAIL() << "no exception";
    } catch (const InvalidProgramException& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("operator 'Counter' (id 5)"), std::string::npos) << what;
        EXPECT_NE(what.find("not deterministic"), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace weir
