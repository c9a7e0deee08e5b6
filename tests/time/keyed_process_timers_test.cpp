#include <gtest/gtest.h>

#include "../harness/operator_harness.h"
#include "weir/runtime/operators/process_operators.h"
#include "weir/weir.h"

namespace weir {
namespace {

using KV = std::pair<std::string, int64_t>;

/// For each element, registers an event-time timer at ts + 10 and a processing-time timer at
/// processing time + 5; timers report the key, domain and time.
struct TimerFunction : KeyedProcessFunction<std::string, KV, std::string> {
    void processElement(const KV& v, Context& ctx, Collector<std::string>& out) override {
        ctx.timerService().registerEventTimeTimer(*ctx.timestamp() + 10);
        ctx.timerService().registerEventTimeTimer(*ctx.timestamp() + 10);  // deduplicated
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() +
                                                       5);
        auto& count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"});
        count.update(count.value().value_or(0) + 1);
    }
    void onTimer(int64_t ts, OnTimerContext& ctx, Collector<std::string>& out) override {
        auto count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"}).value();
        out.collect(std::string(ctx.timeDomain() == TimeDomain::EVENT_TIME ? "event" : "proc") +
                    ":" + ctx.getCurrentKey() + "@" + std::to_string(ts) +
                    " count=" + std::to_string(count.value_or(0)));
    }
};

auto harness() {
    auto op = std::make_unique<KeyedProcessOperator<std::string, KV, std::string, TimerFunction>>(
        [](const KV& kv) { return kv.first; }, TimerFunction{});
    return testing::OneInputOperatorHarness<KV, std::string>(std::move(op));
}

TEST(KeyedProcessTimers,
     EventTimeTimersFireInOrderWhenTheWatermarkPassesThemThenTheWatermarkIsForwarded) {
    auto h = harness();
    h.open();
    h.processElement({"b", 1}, 20);
    h.processElement({"a", 1}, 5);
    h.processElement({"a", 1}, 5);
    h.processWatermark(14);
    EXPECT_TRUE(h.records().empty());
    h.processWatermark(15);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"event:a@15 count=2"}));
    h.processWatermark(40);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"event:a@15 count=2", "event:b@30 count=1"}));
    EXPECT_EQ(h.watermarks(), (std::vector<int64_t>{14, 15, 40}));
    // The timer's output carries the timer's timestamp and precedes the watermark.
    const auto& log = h.output().log;
    EXPECT_EQ(log[1].timestamp, 15);
    EXPECT_EQ(log[2].kind, testing::Emitted<std::string>::WATERMARK);
}

TEST(KeyedProcessTimers, ProcessingTimeTimersFireByTheClock) {
    auto h = harness();
    h.open();
    h.setProcessingTime(100);
    h.processElement({"a", 1}, 0);
    h.processElement({"b", 1}, 0);
    h.setProcessingTime(104);
    EXPECT_TRUE(h.records().empty());
    h.setProcessingTime(105);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"proc:a@105 count=1", "proc:b@105 count=1"}));
}

struct DeletingFunction : KeyedProcessFunction<std::string, KV, std::string> {
    void processElement(const KV& v, Context& ctx, Collector<std::string>&) override {
        if (v.second > 0)
            ctx.timerService().registerEventTimeTimer(100);
        else
            ctx.timerService().deleteEventTimeTimer(100);
    }
    void onTimer(int64_t ts, OnTimerContext& ctx, Collector<std::string>& out) override {
        out.collect(ctx.getCurrentKey());
    }
};

TEST(KeyedProcessTimers, DeletedTimerDoesNotFire) {
    auto op =
        std::make_unique<KeyedProcessOperator<std::string, KV, std::string, DeletingFunction>>(
            [](const KV& kv) { return kv.first; }, DeletingFunction{});
    testing::OneInputOperatorHarness<KV, std::string> h(std::move(op));
    h.open();
    h.processElement({"a", 1}, 1);
    h.processElement({"b", 1}, 1);
    h.processElement({"a", 0}, 1);
    h.processWatermark(200);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"b"}));
}

/// A session-style timeout: emits each key's count when no event came for 10 ms of event time.
struct Timeout : KeyedProcessFunction<std::string, KV, std::string> {
    void processElement(const KV&, Context& ctx, Collector<std::string>&) override {
        auto& last = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"last"});
        auto& count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"});
        count.update(count.value().value_or(0) + 1);
        last.update(*ctx.timestamp());
        ctx.timerService().registerEventTimeTimer(*ctx.timestamp() + 10);
    }
    void onTimer(int64_t ts, OnTimerContext& ctx, Collector<std::string>& out) override {
        auto& last = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"last"});
        auto& count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"});
        if (ts != *last.value() + 10) return;  // a newer event moved the timeout
        out.collect(ctx.getCurrentKey() + "=" + std::to_string(*count.value()));
        count.clear();
    }
};

/// One watermark per event (ts - 1): deterministic event time for tests.
struct PerEventWatermarks final : WatermarkGenerator<KV> {
    void onEvent(const KV&, int64_t ts, WatermarkOutput& out) override {
        out.emitWatermark(ts - 1);
    }
    void onPeriodicEmit(WatermarkOutput&) override {}
};

TEST(KeyedProcessTimers, EndToEndTimersFireAsWatermarksAdvanceAndAtTheEndOfInput) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto strategy = WatermarkStrategy<KV>::forGenerator([] {
                        return std::make_unique<PerEventWatermarks>();
                    }).withTimestampAssigner([](const KV& kv, int64_t) { return kv.second; });
    auto out = env.fromElements<KV>({{"a", 1}, {"a", 5}, {"b", 3}, {"b", 20}, {"a", 30}})
                   .assignTimestampsAndWatermarks(strategy)
                   .setParallelism(1)
                   .keyBy([](const KV& kv) { return kv.first; })
                   .process(Timeout{})
                   .executeAndCollect();
    // b@20 is processed before the watermark 19 it produces: that watermark fires a's timeout at
    // 15 (a=2) and b's stale one at 13 (ignored). a@30 and b's second event time out at the end
    // of input (+inf watermark).
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<std::string>{"a=1", "a=2", "b=2"}));
}

TEST(KeyedProcessTimers, WithPeriodicWatermarksAShortJobFiresEverythingAtTheEnd) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<KV>({{"a", 1}, {"a", 5}, {"b", 3}, {"a", 30}})
                   .assignTimestampsAndWatermarks(
                       WatermarkStrategy<KV>::forMonotonousTimestamps().withTimestampAssigner(
                           [](const KV& kv, int64_t) { return kv.second; }))
                   .keyBy([](const KV& kv) { return kv.first; })
                   .process(Timeout{})
                   .executeAndCollect();
    std::sort(out.begin(), out.end());
    EXPECT_EQ(out, (std::vector<std::string>{"a=3", "b=1"}));
}

}  // namespace
}  // namespace weir
