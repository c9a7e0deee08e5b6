#include "weir/functions/watermark_strategy.h"

#include <gtest/gtest.h>

#include "../harness/operator_harness.h"
#include "weir/runtime/operators/timestamps_and_watermarks_operator.h"

namespace weir {
namespace {

using namespace std::chrono_literals;

struct RecordingOutput final : WatermarkOutput {
    std::vector<int64_t> watermarks;
    std::vector<std::string> events;
    void emitWatermark(int64_t w) override {
        watermarks.push_back(w);
        events.push_back("wm" + std::to_string(w));
    }
    void markIdle() override { events.push_back("idle"); }
    void markActive() override { events.push_back("active"); }
};

TEST(BoundedOutOfOrderness, EmitsMaxTimestampMinusDelayMinusOne) {
    BoundedOutOfOrdernessWatermarks<int> gen(2s);
    RecordingOutput out;
    gen.onPeriodicEmit(out);
    EXPECT_EQ(out.watermarks.back(), kMinWatermark);  // nothing seen yet
    gen.onEvent(0, 7000, out);
    gen.onPeriodicEmit(out);
    EXPECT_EQ(out.watermarks.back(), 4999);
    gen.onEvent(0, 3000, out);  // out of order: does not lower the watermark
    gen.onPeriodicEmit(out);
    EXPECT_EQ(out.watermarks.back(), 4999);
    gen.onEvent(0, 12000, out);
    gen.onPeriodicEmit(out);
    EXPECT_EQ(out.watermarks.back(), 9999);
}

TEST(MonotonousTimestamps, WatermarkIsMaxTimestampMinusOne) {
    auto gen = WatermarkStrategy<int>::forMonotonousTimestamps().createGenerator([] { return 0; });
    RecordingOutput out;
    gen->onEvent(0, 100, out);
    gen->onPeriodicEmit(out);
    EXPECT_EQ(out.watermarks.back(), 99);
}

TEST(Idleness, MarksIdleAfterTimeoutAndActiveOnNextEvent) {
    int64_t now = 0;
    auto gen =
        WatermarkStrategy<int>::forMonotonousTimestamps().withIdleness(1000ms).createGenerator(
            [&] { return now; });
    RecordingOutput out;
    gen->onEvent(0, 10, out);
    gen->onPeriodicEmit(out);  // t=0: activity seen
    now = 500;
    gen->onPeriodicEmit(out);
    now = 1000;
    gen->onPeriodicEmit(out);  // 1000 ms without events
    gen->onEvent(0, 20, out);
    EXPECT_EQ(out.events, (std::vector<std::string>{"wm9", "wm9", "idle", "active"}));
}

TEST(WatermarkStrategy, TimestampAssignerOverridesTheRecordTimestamp) {
    auto s = WatermarkStrategy<std::pair<int, int64_t>>::noWatermarks().withTimestampAssigner(
        [](const std::pair<int, int64_t>& e, int64_t) { return e.second; });
    EXPECT_EQ(s.extractTimestamp({1, 42}, 7), 42);
    EXPECT_EQ(WatermarkStrategy<int>::noWatermarks().extractTimestamp(1, 7), 7);
}

TEST(WatermarkStrategy, RejectsNegativeDelayAndZeroIdleness) {
    EXPECT_THROW(WatermarkStrategy<int>::forBoundedOutOfOrderness(-1s), InvalidProgramException);
    EXPECT_THROW(WatermarkStrategy<int>::noWatermarks().withIdleness(0s), InvalidProgramException);
}

/// Emits a watermark from onEvent: deterministic per-event watermarks.
struct PunctuatedGenerator final : WatermarkGenerator<int64_t> {
    void onEvent(const int64_t&, int64_t ts, WatermarkOutput& out) override {
        out.emitWatermark(ts - 1);
    }
    void onPeriodicEmit(WatermarkOutput&) override {}
};

TEST(TimestampsAndWatermarksOperator, EmitsTheElementBeforeTheWatermarkItProduces) {
    auto strategy = WatermarkStrategy<int64_t>::forGenerator([] {
                        return std::make_unique<PunctuatedGenerator>();
                    }).withTimestampAssigner([](const int64_t& v, int64_t) { return v; });
    testing::OneInputOperatorHarness<int64_t, int64_t> h(
        std::make_unique<TimestampsAndWatermarksOperator<int64_t>>(strategy), false);
    h.configuration().set(options::kAutoWatermarkInterval, Duration(0));
    h.open();
    h.processElement(10);
    h.processElement(5);  // late: no new watermark
    h.processElement(20);
    h.processWatermark(1000);  // upstream watermarks are dropped
    const auto& log = h.output().log;
    ASSERT_EQ(log.size(), 5u);
    EXPECT_EQ(log[0].value, 10);
    EXPECT_EQ(log[0].timestamp, 10);
    EXPECT_EQ(log[1].kind, testing::Emitted<int64_t>::WATERMARK);
    EXPECT_EQ(log[1].timestamp, 9);
    EXPECT_EQ(log[2].value, 5);
    EXPECT_EQ(log[3].value, 20);
    EXPECT_EQ(log[4].timestamp, 19);
    h.processWatermark(kMaxWatermark);  // except the final one
    EXPECT_EQ(h.watermarks().back(), kMaxWatermark);
}

TEST(TimestampsAndWatermarksOperator, PeriodicEmissionFollowsTheAutoWatermarkInterval) {
    auto strategy = WatermarkStrategy<int64_t>::forBoundedOutOfOrderness(2s).withTimestampAssigner(
        [](const int64_t& v, int64_t) { return v; });
    testing::OneInputOperatorHarness<int64_t, int64_t> h(
        std::make_unique<TimestampsAndWatermarksOperator<int64_t>>(strategy), false);
    h.open();  // default interval: 200 ms
    h.processElement(7000);
    EXPECT_TRUE(h.watermarks().empty());
    h.setProcessingTime(199);
    EXPECT_TRUE(h.watermarks().empty());
    h.setProcessingTime(200);
    EXPECT_EQ(h.watermarks(), (std::vector<int64_t>{4999}));
    h.processElement(12000);
    h.setProcessingTime(400);
    EXPECT_EQ(h.watermarks(), (std::vector<int64_t>{4999, 9999}));
    h.setProcessingTime(600);  // no progress: nothing new
    EXPECT_EQ(h.watermarks().size(), 2u);
}

}  // namespace
}  // namespace weir
