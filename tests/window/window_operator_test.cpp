#include <gtest/gtest.h>

#include "window_test_util.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using testing::KV;

using Rec = std::pair<KV, int64_t>;  // record and its timestamp

TEST(TumblingEventTimeWindow, FiresWhenTheWatermarkReachesTheEndMinusOneWithOutOfOrderElements) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);
    h.processElement({"a", 2}, 4999);
    h.processElement({"a", 4}, 3000);  // out of order, same window
    h.processElement({"a", 8}, 5000);  // next window
    h.processElement({"b", 16}, 2000);
    h.processWatermark(4998);
    EXPECT_TRUE(h.records().empty());
    h.processWatermark(4999);  // end - 1 of [0, 5000)
    EXPECT_EQ(h.recordsWithTimestamps(), (std::vector<Rec>{{{"a", 7}, 4999}, {{"b", 16}, 4999}}));
    h.processWatermark(9999);
    EXPECT_EQ(h.records().back(), (KV{"a", 8}));
    EXPECT_EQ(h.watermarks(), (std::vector<int64_t>{4998, 4999, 9999}));
}

TEST(TumblingEventTimeWindow, WindowsWithOffset) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(10s, 2s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1999);   // [-8000, 2000)
    h.processElement({"a", 10}, 2000);  // [2000, 12000)
    h.processWatermark(1999);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}}));
    h.processWatermark(11999);
    EXPECT_EQ(h.records().back(), (KV{"a", 10}));
}

TEST(LateData, IsDroppedByDefault) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);
    h.processWatermark(5000);
    h.processElement({"a", 100}, 2000);  // its window [0, 5000) has fired and is gone
    h.processWatermark(20000);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}}));
}

TEST(LateData, GoesToTheSideOutputWhenRequested) {
    auto env = StreamExecutionEnvironment::create();
    OutputTag<KV> late("late");
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .sideOutputLateData(late)
                                        .reduce(testing::sumValues()));
    auto lateRecords = h.sideOutput(late);
    h.processElement({"a", 1}, 1000);
    h.processWatermark(5000);
    h.processElement({"a", 100}, 2000);
    h.processElement({"a", 7}, 6000);  // on time
    EXPECT_EQ(*lateRecords, (std::vector<std::pair<KV, int64_t>>{{{"a", 100}, 2000}}));
}

TEST(AllowedLateness, LateElementReFiresTheWindowWithItsWholeUpdatedContentsUntilCleanup) {
    auto env = StreamExecutionEnvironment::create();
    OutputTag<KV> late("late");
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .allowedLateness(2s)
                                        .sideOutputLateData(late)
                                        .reduce(testing::sumValues()));
    auto lateRecords = h.sideOutput(late);
    h.processElement({"a", 1}, 1000);
    h.processWatermark(4999);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}}));
    h.processElement({"a", 2}, 3000);  // late but within lateness: fires again, 1 + 2
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}, {"a", 3}}));
    h.processWatermark(6998);
    h.processElement({"a", 4}, 4000);  // still within: 1 + 2 + 4
    EXPECT_EQ(h.records().back(), (KV{"a", 7}));
    h.processWatermark(6999);          // cleanup at maxTimestamp 4999 + 2000
    h.processElement({"a", 8}, 4500);  // now late
    EXPECT_EQ(h.records().size(), 3u);
    EXPECT_EQ(*lateRecords, (std::vector<std::pair<KV, int64_t>>{{{"a", 8}, 4500}}));
}

TEST(SlidingEventTimeWindow, EachElementCountsInSizeOverSlideWindows) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(SlidingEventTimeWindows::of(10s, 5s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);   // [-5000, 5000), [0, 10000)
    h.processElement({"a", 10}, 6000);  // [0, 10000), [5000, 15000)
    h.processWatermark(100000);
    EXPECT_EQ(h.recordsWithTimestamps(),
              (std::vector<Rec>{{{"a", 1}, 4999}, {{"a", 11}, 9999}, {{"a", 10}, 14999}}));
}

TEST(SessionWindow, ElementsWithinTheGapMergeAndTouchingWindowsMerge) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(EventTimeSessionWindows::withGap(3s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);   // [1000, 4000)
    h.processElement({"a", 2}, 4000);   // [4000, 7000) touches: merged [1000, 7000)
    h.processElement({"a", 4}, 10000);  // separate session [10000, 13000)
    h.processElement({"b", 8}, 2000);
    h.processWatermark(6998);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"b", 8}}));
    h.processWatermark(6999);
    EXPECT_EQ(h.recordsWithTimestamps().back(), (Rec{{"a", 3}, 6999}));
    h.processWatermark(20000);
    EXPECT_EQ(h.records().back(), (KV{"a", 4}));
}

TEST(SessionWindow, LateElementWithinLatenessBridgesTwoSessionsAndReFiresTheMergedWindow) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(EventTimeSessionWindows::withGap(3s))
                                        .allowedLateness(10s)
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);  // [1000, 4000)
    h.processElement({"a", 2}, 6000);  // [6000, 9000)
    h.processWatermark(9000);          // both fired
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}, {"a", 2}}));
    h.processElement({"a", 4}, 3500);  // [3500, 6500) bridges both: [1000, 9000) = 1 + 2 + 4
    EXPECT_EQ(h.recordsWithTimestamps().back(), (Rec{{"a", 7}, 8999}));
    h.processWatermark(18999);           // cleanup of the merged window
    h.processElement({"a", 100}, 2000);  // too late now
    h.processWatermark(30000);
    EXPECT_EQ(h.records().size(), 3u);
}

TEST(SessionWindow, DynamicGapFromTheElement) {
    auto env = StreamExecutionEnvironment::create();
    auto h =
        testing::harnessOf<KV>(testing::kvStream(env)
                                   .keyBy(testing::byKey())
                                   .window(EventTimeSessionWindows::withDynamicGap<KV>(
                                       [](const KV& kv) { return Duration(kv.second * 1000); }))
                                   .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 0);     // [0, 1000)
    h.processElement({"a", 5}, 2000);  // [2000, 7000): no merge
    h.processWatermark(100000);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}, {"a", 5}}));
}

TEST(CountWindow, FiresEveryNElementsPerKeyAndDropsAPartialWindowAtTheEnd) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(
        testing::kvStream(env).keyBy(testing::byKey()).countWindow(3).reduce(testing::sumValues()));
    for (int64_t i = 1; i <= 7; ++i) h.processElement({"a", i});
    h.processElement({"b", 100});
    h.processWatermark(kMaxWatermark);
    h.endInput();
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 6}, {"a", 15}}));
}

TEST(CountWindow, SlidingCountWindowKeepsTheLastSizeElementsEverySlide) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .countWindow(3, 2)
                                        .reduce(testing::sumValues()));
    for (int64_t i = 1; i <= 6; ++i) h.processElement({"a", i});
    // fires after 2, 4, 6 elements over the last 3: 1+2, 2+3+4, 4+5+6
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 3}, {"a", 9}, {"a", 15}}));
}

TEST(Evictor, TimeEvictorKeepsElementsWithinTheSpanOfTheNewest) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(10s))
                                        .evictor(TimeEvictor::of(2s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 1000);
    h.processElement({"a", 2}, 7000);
    h.processElement({"a", 4}, 8500);
    h.processWatermark(9999);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 6}}));  // 1000 <= 8500 - 2000: evicted
}

TEST(Trigger, ContinuousEventTimeTriggerFiresEveryIntervalAndAtTheEnd) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(10s))
                                        .trigger(ContinuousEventTimeTrigger::of(3s))
                                        .reduce(testing::sumValues()));
    h.processElement({"a", 1}, 500);
    h.processWatermark(3000);  // first fire at 3000
    h.processElement({"a", 2}, 4000);
    h.processWatermark(6000);
    h.processWatermark(9999);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 1}, {"a", 3}, {"a", 3}, {"a", 3}}));
}

TEST(Trigger, PurgingCountTriggerOnTimeWindows) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(10s))
                                        .trigger(PurgingTrigger::of(CountTrigger::of(2)))
                                        .reduce(testing::sumValues()));
    for (int64_t i = 1; i <= 5; ++i) h.processElement({"a", i}, 1000);
    h.processWatermark(20000);  // the count trigger never fires on time
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 3}, {"a", 7}}));
}

struct CountAndContext : ProcessWindowFunction<KV, std::string, std::string, TimeWindow> {
    void process(const std::string& key, Context& ctx, const std::vector<KV>& elements,
                 Collector<std::string>& out) override {
        auto& fires = ctx.windowState().getState(ValueStateDescriptor<int64_t>{"fires"});
        fires.update(fires.value().value_or(0) + 1);
        auto& total = ctx.globalState().getState(ValueStateDescriptor<int64_t>{"total"});
        total.update(total.value().value_or(0) + static_cast<int64_t>(elements.size()));
        out.collect(key + " " + std::to_string(ctx.window().getStart()) + "-" +
                    std::to_string(ctx.window().getEnd()) + " n=" +
                    std::to_string(elements.size()) + " fires=" + std::to_string(*fires.value()) +
                    " total=" + std::to_string(*total.value()) +
                    " wm=" + std::to_string(ctx.currentWatermark()));
    }
};

TEST(ProcessWindowFunction, SeesAllElementsTheWindowAndPerWindowAndPerKeyState) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .allowedLateness(5s)
                                        .process(CountAndContext{}));
    h.processElement({"a", 1}, 1000);
    h.processElement({"a", 1}, 2000);
    h.processElement({"a", 1}, 6000);
    h.processWatermark(4999);
    h.processElement({"a", 1}, 3000);  // late within lateness: the window fires again
    h.processWatermark(9999);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"a 0-5000 n=2 fires=1 total=2 wm=4999",
                                                     "a 0-5000 n=3 fires=2 total=5 wm=4999",
                                                     "a 5000-10000 n=1 fires=1 total=6 wm=9999"}));
}

/// Every state kind in windowState() and globalState(): list and map per window, reducing and
/// aggregating per key.
struct AllStateKinds : ProcessWindowFunction<KV, std::string, std::string, TimeWindow> {
    void process(const std::string& key, Context& ctx, const std::vector<KV>& elements,
                 Collector<std::string>& out) override {
        auto& sizes = ctx.windowState().getListState(ListStateDescriptor<int64_t>{"sizes"});
        sizes.add(static_cast<int64_t>(elements.size()));
        auto& seen = ctx.windowState().getMapState(MapStateDescriptor<int64_t, int64_t>{"seen"});
        for (const auto& e : elements) seen.put(e.second, seen.get(e.second).value_or(0) + 1);
        auto& sum = ctx.globalState().getReducingState(ReducingStateDescriptor<int64_t>(
            "sum", [](const int64_t& a, const int64_t& b) { return a + b; }));
        for (const auto& e : elements) sum.add(e.second);
        std::string line = key + " " + std::to_string(ctx.window().getStart()) + " sizes=";
        for (int64_t n : sizes.get()) line += std::to_string(n) + ";";
        line += " distinct=" + std::to_string(seen.entries().size());
        line += " sum=" + std::to_string(sum.get().value_or(0));
        out.collect(line);
    }
    void clear(Context& ctx) override {
        ctx.windowState().getListState(ListStateDescriptor<int64_t>{"sizes"}).clear();
        ctx.windowState().getMapState(MapStateDescriptor<int64_t, int64_t>{"seen"}).clear();
    }
};

TEST(ProcessWindowFunction, WindowAndGlobalStateOfEveryKind) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .allowedLateness(5s)
                                        .process(AllStateKinds{}));
    h.processElement({"a", 1}, 1000);
    h.processElement({"a", 2}, 2000);
    h.processWatermark(4999);
    h.processElement({"a", 2}, 3000);  // late within lateness: fires again with 3 elements
    h.processElement({"a", 5}, 6000);
    h.processWatermark(9999);
    // The reducing state is per key: it adds each firing's elements (3, then 3+5, then 5).
    EXPECT_EQ(h.records(), (std::vector<std::string>{"a 0 sizes=2; distinct=2 sum=3",
                                                     "a 0 sizes=2;3; distinct=2 sum=8",
                                                     "a 5000 sizes=1; distinct=1 sum=13"}));
}

struct Average : AggregateFunction<KV, std::pair<int64_t, int64_t>, double> {
    std::pair<int64_t, int64_t> createAccumulator() override { return {0, 0}; }
    std::pair<int64_t, int64_t> add(const KV& v, std::pair<int64_t, int64_t> acc) override {
        return {acc.first + v.second, acc.second + 1};
    }
    double getResult(const std::pair<int64_t, int64_t>& acc) override {
        return static_cast<double>(acc.first) / static_cast<double>(acc.second);
    }
    std::pair<int64_t, int64_t> merge(std::pair<int64_t, int64_t> a,
                                      const std::pair<int64_t, int64_t>& b) override {
        return {a.first + b.first, a.second + b.second};
    }
};

struct LabelAverage : ProcessWindowFunction<double, std::string, std::string, TimeWindow> {
    void process(const std::string& key, Context& ctx, const std::vector<double>& avg,
                 Collector<std::string>& out) override {
        out.collect(key + "@" + std::to_string(ctx.window().getEnd()) + "=" + toString(avg.at(0)));
    }
};

TEST(AggregateFunction, IncrementalAggregateWithAndWithoutAProcessWindowFunction) {
    auto env = StreamExecutionEnvironment::create();
    auto plain = testing::harnessOf<KV>(testing::kvStream(env)
                                            .keyBy(testing::byKey())
                                            .window(TumblingEventTimeWindows::of(5s))
                                            .aggregate(Average{}));
    auto labelled = testing::harnessOf<KV>(testing::kvStream(env)
                                               .keyBy(testing::byKey())
                                               .window(EventTimeSessionWindows::withGap(3s))
                                               .aggregate(Average{}, LabelAverage{}));
    for (auto* h : {&plain}) {
        h->processElement({"a", 1}, 100);
        h->processElement({"a", 2}, 200);
        h->processWatermark(5000);
    }
    EXPECT_EQ(plain.records(), (std::vector<double>{1.5}));
    labelled.processElement({"a", 1}, 100);
    labelled.processElement({"a", 4}, 3000);  // merges with the first session (accumulators merge)
    labelled.processWatermark(10000);
    EXPECT_EQ(labelled.records(), (std::vector<std::string>{"a@6000=2.5"}));
}

TEST(ProcessingTimeWindow, FiresByTheClock) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingProcessingTimeWindows::of(1s))
                                        .reduce(testing::sumValues()));
    h.setProcessingTime(100);
    h.processElement({"a", 1});
    h.processElement({"a", 2});
    h.setProcessingTime(998);
    EXPECT_TRUE(h.records().empty());
    h.setProcessingTime(999);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 3}}));
    h.setProcessingTime(1500);
    h.processElement({"a", 5});
    h.setProcessingTime(2000);
    EXPECT_EQ(h.records().back(), (KV{"a", 5}));
}

TEST(WindowedStream, AggregationsOnWindows) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(5s))
                                        .max<1>());
    h.processElement({"a", 3}, 1);
    h.processElement({"a", 9}, 2);
    h.processElement({"a", 4}, 3);
    h.processWatermark(5000);
    EXPECT_EQ(h.records(), (std::vector<KV>{{"a", 9}}));
}

struct CountAll : ProcessAllWindowFunction<KV, std::string, TimeWindow> {
    void process(Context& ctx, const std::vector<KV>& elements,
                 Collector<std::string>& out) override {
        out.collect(std::to_string(ctx.window().getStart()) + ":" +
                    std::to_string(elements.size()));
    }
};

struct ConcatAll : AllWindowFunction<KV, std::string, GlobalWindow> {
    void apply(const GlobalWindow&, const std::vector<KV>& elements,
               Collector<std::string>& out) override {
        std::string s;
        for (const auto& e : elements) s += e.first;
        out.collect(s);
    }
};

TEST(WindowAll, OneWindowOperatorForAllKeysWithParallelismOne) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(4);
    auto counted =
        testing::kvStream(env).windowAll(TumblingEventTimeWindows::of(5s)).process(CountAll{});
    EXPECT_TRUE(counted.transformation()->nonParallel);
    auto h = testing::harnessOf<KV>(counted);
    h.processElement({"a", 1}, 1000);
    h.processElement({"b", 1}, 2000);
    h.processElement({"c", 1}, 7000);
    h.processWatermark(10000);
    EXPECT_EQ(h.records(), (std::vector<std::string>{"0:2", "5000:1"}));

    auto counts = testing::harnessOf<KV>(testing::kvStream(env)
                                             .windowAll(GlobalWindows::create())
                                             .trigger(CountTrigger::of(2))
                                             .apply(ConcatAll{}));
    counts.processElement({"x", 0});
    counts.processElement({"y", 0});
    counts.processElement({"z", 0});
    counts.processElement({"w", 0});
    EXPECT_EQ(counts.records(),
              (std::vector<std::string>{"xy", "xyzw"}));  // CountTrigger alone does not purge
}

TEST(WindowAll, EndToEndSumOverAllKeys) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto out = env.fromSequence(1, 100)
                   .map([](const int64_t& x) {
                       return KV{"k" + std::to_string(x % 7), x};
                   })
                   .assignTimestampsAndWatermarks(
                       WatermarkStrategy<KV>::forMonotonousTimestamps().withTimestampAssigner(
                           [](const KV& kv, int64_t) { return kv.second * 100; }))
                   .windowAll(TumblingEventTimeWindows::of(5s))
                   .sum<1>()
                   .executeAndCollect();
    int64_t total = 0;
    for (const auto& kv : out) total += kv.second;
    EXPECT_EQ(total, 5050);
    EXPECT_EQ(out.size(), 3u);  // windows [0,5s), [5s,10s), [10s,15s) over timestamps 100..10000
}

TEST(WindowedStream, InvalidSettingsAreRejected) {
    auto env = StreamExecutionEnvironment::create();
    auto sessions =
        testing::kvStream(env).keyBy(testing::byKey()).window(EventTimeSessionWindows::withGap(1s));
    EXPECT_THROW(sessions.evictor(CountEvictor::of(1)), InvalidProgramException);
    EXPECT_THROW(TumblingEventTimeWindows::of(0s), InvalidProgramException);
    EXPECT_THROW(SlidingEventTimeWindows::of(1s, 0s), InvalidProgramException);
    auto proc = testing::kvStream(env)
                    .keyBy(testing::byKey())
                    .window(TumblingProcessingTimeWindows::of(1s));
    EXPECT_THROW(proc.allowedLateness(1s), InvalidProgramException);
}

TEST(EventTimeWindow, ElementWithoutTimestampFailsWithAClearMessage) {
    auto env = StreamExecutionEnvironment::create();
    auto h = testing::harnessOf<KV>(testing::kvStream(env)
                                        .keyBy(testing::byKey())
                                        .window(TumblingEventTimeWindows::of(1s))
                                        .reduce(testing::sumValues()));
    try {
        h.processElement({"a", 1});
        FAIL();
    } catch (const InvalidProgramException& e) {
        EXPECT_NE(std::string(e.what()).find("assignTimestampsAndWatermarks"), std::string::npos);
    }
}

}  // namespace
}  // namespace weir
