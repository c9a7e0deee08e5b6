#include <gtest/gtest.h>

#include <algorithm>

#include "weir/weir.h"

namespace weir {
namespace {

using KV = std::pair<std::string, int64_t>;

const MapStateDescriptor<std::string, int64_t> kRules("rules");

/// Emits the elements of each key that reach the broadcast threshold. Elements that arrive before
/// the threshold wait in keyed state; the threshold's arrival applies it to every waiting key.
struct Threshold : KeyedBroadcastProcessFunction<std::string, KV, int64_t, std::string> {
    void processElement(const KV& v, ReadOnlyContext& ctx, Collector<std::string>& out) override {
        auto threshold = ctx.getBroadcastState(kRules).get("threshold");
        if (threshold) {
            if (v.second >= *threshold)
                out.collect(ctx.getCurrentKey() + "=" + std::to_string(v.second));
            return;
        }
        auto& pending =
            getRuntimeContext().getState(ValueStateDescriptor<std::vector<int64_t>>{"pending"});
        auto list = pending.value().value_or(std::vector<int64_t>{});
        list.push_back(v.second);
        pending.update(list);
    }
    void processBroadcastElement(const int64_t& threshold, Context& ctx,
                                 Collector<std::string>& out) override {
        ctx.getBroadcastState(kRules).put("threshold", threshold);
        ctx.applyToKeyedState(
            ValueStateDescriptor<std::vector<int64_t>>{"pending"},
            [&](const std::string& key, ValueState<std::vector<int64_t>>& pending) {
                for (int64_t v : pending.value().value_or(std::vector<int64_t>{}))
                    if (v >= threshold) out.collect(key + "=" + std::to_string(v));
                pending.clear();
            });
    }
};

TEST(BroadcastState,
     KeyedBroadcastProcessAppliesTheBroadcastRuleToEveryKeyWhateverTheArrivalOrder) {
    for (int run = 0; run < 5; ++run) {
        auto env = StreamExecutionEnvironment::create();
        env.setParallelism(3);
        auto rules = env.fromElements<int64_t>({10}).broadcast(kRules);
        auto out = env.fromElements<KV>({{"a", 5}, {"a", 15}, {"b", 10}, {"c", 1}, {"b", 30}})
                       .keyBy([](const KV& kv) { return kv.first; })
                       .connect(rules)
                       .process(Threshold{})
                       .executeAndCollect();
        std::sort(out.begin(), out.end());
        EXPECT_EQ(out, (std::vector<std::string>{"a=15", "b=10", "b=30"})) << run;
    }
}

struct Scale : BroadcastProcessFunction<int64_t, int64_t, int64_t> {
    std::vector<int64_t> waiting;
    void processElement(const int64_t& v, ReadOnlyContext& ctx, Collector<int64_t>& out) override {
        if (auto f = ctx.getBroadcastState(kRules).get("factor"))
            out.collect(v * *f);
        else
            waiting.push_back(v);
    }
    void processBroadcastElement(const int64_t& factor, Context& ctx,
                                 Collector<int64_t>& out) override {
        ctx.getBroadcastState(kRules).put("factor", factor);
        for (int64_t v : waiting) out.collect(v * factor);
        waiting.clear();
    }
};

TEST(BroadcastState, EveryParallelInstanceReceivesTheBroadcastElements) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(3);
    auto factor = env.fromElements<int64_t>({100}).broadcast(kRules);
    auto out = env.fromSequence(1, 9).connect(factor).process(Scale{}).executeAndCollect();
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<int64_t>{100, 200, 300, 400, 500, 600, 700, 800, 900}));
}

struct BufferingMapper : RichMapFunction<int64_t, int64_t>, CheckpointedFunction {
    ListState<int64_t>* seen = nullptr;
    bool initialized = false;
    void initializeState(FunctionInitializationContext& ctx) override {
        EXPECT_FALSE(ctx.isRestored());
        seen = &ctx.getOperatorStateStore().getListState(ListStateDescriptor<int64_t>{"seen"});
        initialized = true;
    }
    void snapshotState(const FunctionSnapshotContext&) override {}
    void open(const OpenContext&) override {
        EXPECT_TRUE(initialized) << "initializeState runs before open";
    }
    int64_t map(const int64_t& v) override {
        seen->add(v);
        return static_cast<int64_t>(seen->get().size());
    }
};

TEST(OperatorState, CheckpointedFunctionIsInitializedBeforeOpenWithPerInstanceListState) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromSequence(1, 4).map(BufferingMapper{}).executeAndCollect();
    EXPECT_EQ(out, (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(OperatorState, UnionAndBroadcastStatesAreSeparateFromListState) {
    OperatorStateStore store;
    store.getListState(ListStateDescriptor<int64_t>{"x"}).add(1);
    store.getUnionListState(ListStateDescriptor<int64_t>{"x"}).add(2);
    EXPECT_EQ(store.getListState(ListStateDescriptor<int64_t>{"x"}).get(),
              (std::vector<int64_t>{1}));
    EXPECT_EQ(store.getUnionListState(ListStateDescriptor<int64_t>{"x"}).get(),
              (std::vector<int64_t>{2}));
    EXPECT_THROW(store.getListState(ListStateDescriptor<std::string>{"x"}),
                 InvalidProgramException);
}

}  // namespace
}  // namespace weir
