// Sliced sliding windows (slicing_window_operator.h) against the window-by-window operator: the
// same elements, watermarks and late data must give the same results, for several geometries,
// with reduce and with aggregate + ProcessWindowFunction, across a snapshot and restore.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "window_test_util.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using testing::KV;
using Rec = std::pair<KV, int64_t>;

struct Geometry {
    int64_t size, slide, offset;
};

/// One input step: an element (key, value, timestamp) or a watermark.
struct Step {
    bool watermark;
    KV element;
    int64_t time;
};

/// Keys a..e, timestamps advancing with jitter (some elements late: up to 250 ms), a watermark every 16
/// elements trailing the largest timestamp by 40 ms.
std::vector<Step> randomSteps(uint32_t seed, int n) {
    std::mt19937 rng(seed);
    std::vector<Step> steps;
    int64_t now = 0, maxTs = 0;
    for (int i = 0; i < n; ++i) {
        now += rng() % 7;
        int64_t ts = std::max<int64_t>(0, now - static_cast<int64_t>(rng() % 250));
        maxTs = std::max(maxTs, ts);
        steps.push_back({false, {std::string(1, static_cast<char>('a' + rng() % 5)), i + 1}, ts});
        if (i % 16 == 15) steps.push_back({true, {}, maxTs - 40});
    }
    steps.push_back({true, {}, kMaxWatermark});
    return steps;
}

const OutputTag<KV> kLate("late");

DataStream<KV> sumWindows(StreamExecutionEnvironment& env, const Geometry& g, bool sliced) {
    env.config().set(options::kWindowSlicing, sliced);
    return testing::kvStream(env)
        .keyBy(testing::byKey())
        .window(SlidingEventTimeWindows::of(Duration(g.size), Duration(g.slide), Duration(g.offset)))
        .sideOutputLateData(kLate)
        .reduce(testing::sumValues());
}

struct Result {
    std::vector<Rec> records;
    std::vector<Rec> late;
    bool slicedState = false;
};

/// Runs `steps` through the operator of `build(sliced)`, restarting it from a snapshot after
/// `restartAt` steps (if given).
template <class Build>
Result run(Build build, bool sliced, const std::vector<Step>& steps, size_t restartAt = 0) {
    Result result;
    auto env = StreamExecutionEnvironment::create();
    auto stream = build(env, sliced);
    auto h = std::make_unique<testing::OneInputOperatorHarness<KV, KV>>(
        stream.transformation()->operatorFactory());
    auto late = h->sideOutput(kLate);
    h->open();
    auto drain = [&] {
        for (auto& r : h->recordsWithTimestamps()) result.records.push_back(r);
        h->clearOutput();
        for (auto& r : *late) result.late.push_back(r);
        late->clear();
    };
    for (size_t i = 0; i < steps.size(); ++i) {
        if (restartAt && i == restartAt) {
            drain();
            KeyedStateSnapshot snapshot = h->snapshotKeyedState();
            auto operatorState = h->snapshotOperatorState();
            result.slicedState = snapshot.types.states.count("window-slices") > 0;
            h->close();
            h = std::make_unique<testing::OneInputOperatorHarness<KV, KV>>(
                stream.transformation()->operatorFactory());
            late = h->sideOutput(kLate);
            h->restoreKeyedState(snapshot);
            h->restoreOperatorState(operatorState);
            h->open();
            // A restarted task starts without a watermark: the next one comes from the input.
        }
        const Step& s = steps[i];
        if (s.watermark)
            h->processWatermark(s.time);
        else
            h->processElement(s.element, s.time);
    }
    drain();
    std::sort(result.records.begin(), result.records.end(),
              [](const Rec& a, const Rec& b) { return std::tie(a.second, a.first) < std::tie(b.second, b.first); });
    return result;
}

std::string show(const Rec& r) {
    return "(" + r.first.first + "," + std::to_string(r.first.second) + ")@" +
           std::to_string(r.second);
}

/// Equal lists, or the first difference.
void expectSame(const std::vector<Rec>& actual, const std::vector<Rec>& expected,
                const char* what) {
    EXPECT_EQ(actual.size(), expected.size()) << what;
    for (size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
        if (actual[i] != expected[i]) {
            ADD_FAILURE() << what << " differ first at " << i << ": sliced " << show(actual[i])
                          << ", window by window " << show(expected[i]);
            return;
        }
}

class SlicedWindows : public ::testing::TestWithParam<Geometry> {};

TEST_P(SlicedWindows, GiveTheSameResultsAndLateDataAsWindowByWindow) {
    const Geometry g = GetParam();
    auto steps = randomSteps(static_cast<uint32_t>(g.size * 31 + g.slide), 3000);
    auto build = [&](StreamExecutionEnvironment& env, bool sliced) {
        return sumWindows(env, g, sliced);
    };
    Result expected = run(build, false, steps);
    Result actual = run(build, true, steps);
    ASSERT_FALSE(expected.records.empty());
    EXPECT_FALSE(expected.late.empty()) << "the input should have late elements";
    expectSame(actual.records, expected.records, "results");
    expectSame(actual.late, expected.late, "late elements");
}

TEST_P(SlicedWindows, RestoreFromASnapshotMidwayGivesTheSameResults) {
    const Geometry g = GetParam();
    auto steps = randomSteps(static_cast<uint32_t>(g.size * 17 + g.slide), 2000);
    auto build = [&](StreamExecutionEnvironment& env, bool sliced) {
        return sumWindows(env, g, sliced);
    };
    // Sliced windows restore their watermark: a restarted run gives what an uninterrupted one
    // gives.
    Result expected = run(build, false, steps);
    Result actual = run(build, true, steps, steps.size() / 2);
    EXPECT_TRUE(actual.slicedState) << "the sliced operator was not used";
    expectSame(actual.records, expected.records, "results");
    expectSame(actual.late, expected.late, "late elements");
}

INSTANTIATE_TEST_SUITE_P(Geometries, SlicedWindows,
                         ::testing::Values(Geometry{100, 50, 0},    // size/slide = 2
                                           Geometry{100, 20, 0},    // size/slide = 5
                                           Geometry{100, 40, 0},    // slices of gcd = 20
                                           Geometry{90, 30, 10},    // with an offset
                                           Geometry{50, 50, 0}),    // tumbling as sliding
                         [](const ::testing::TestParamInfo<Geometry>& info) {
                             return "size" + std::to_string(info.param.size) + "_slide" +
                                    std::to_string(info.param.slide) + "_offset" +
                                    std::to_string(info.param.offset);
                         });

/// Count and sum per window, labelled by a ProcessWindowFunction with the window's bounds.
struct CountSum : AggregateFunction<KV, std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>> {
    std::pair<int64_t, int64_t> createAccumulator() override { return {0, 0}; }
    std::pair<int64_t, int64_t> add(const KV& v, std::pair<int64_t, int64_t> acc) override {
        return {acc.first + 1, acc.second + v.second};
    }
    std::pair<int64_t, int64_t> getResult(const std::pair<int64_t, int64_t>& acc) override {
        return acc;
    }
    std::pair<int64_t, int64_t> merge(std::pair<int64_t, int64_t> a,
                                      const std::pair<int64_t, int64_t>& b) override {
        return {a.first + b.first, a.second + b.second};
    }
};
struct Label : ProcessWindowFunction<std::pair<int64_t, int64_t>, KV, std::string, TimeWindow> {
    void process(const std::string& key, Context& ctx,
                 const std::vector<std::pair<int64_t, int64_t>>& in, Collector<KV>& out) override {
        // Per-window state is scoped to the window and cleared with it.
        auto& fired = ctx.windowState().getState(ValueStateDescriptor<int64_t>("fired"));
        int64_t times = fired.value().value_or(0) + 1;
        fired.update(times);
        for (const auto& [count, sum] : in)
            out.collect({key + "@" + std::to_string(ctx.window().getStart()) + "#" +
                             std::to_string(times) + "/" + std::to_string(count),
                         sum});
    }
};

TEST(SlicedWindows, AggregateWithProcessWindowFunctionMatchesWindowByWindow) {
    auto steps = randomSteps(7, 2000);
    auto build = [](StreamExecutionEnvironment& env, bool sliced) {
        env.config().set(options::kWindowSlicing, sliced);
        return testing::kvStream(env)
            .keyBy(testing::byKey())
            .window(SlidingEventTimeWindows::of(Duration(120), Duration(30)))
            .sideOutputLateData(kLate)
            .aggregate(CountSum{}, Label{});
    };
    Result expected = run(build, false, steps);
    Result actual = run(build, true, steps, 1000);
    ASSERT_FALSE(expected.records.empty());
    expectSame(actual.records, expected.records, "results");
    expectSame(actual.late, expected.late, "late elements");
}

TEST(SlicedWindows, AreNotUsedWithLatenessOrAnotherTrigger) {
    auto steps = randomSteps(3, 200);
    auto withLateness = [](StreamExecutionEnvironment& env, bool) {
        return testing::kvStream(env)
            .keyBy(testing::byKey())
            .window(SlidingEventTimeWindows::of(Duration(100), Duration(20)))
            .allowedLateness(Duration(10))
            .sideOutputLateData(kLate)
            .reduce(testing::sumValues());
    };
    EXPECT_FALSE(run(withLateness, true, steps, 100).slicedState);
    auto withCountTrigger = [](StreamExecutionEnvironment& env, bool) {
        return testing::kvStream(env)
            .keyBy(testing::byKey())
            .window(SlidingEventTimeWindows::of(Duration(100), Duration(20)))
            .trigger(CountTrigger::of(3))
            .sideOutputLateData(kLate)
            .reduce(testing::sumValues());
    };
    EXPECT_FALSE(run(withCountTrigger, true, steps, 100).slicedState);
}

TEST(SlicedWindows, ASnapshotOfTheOtherLayoutIsRefusedWithTheOptionToSet) {
    auto steps = randomSteps(5, 200);
    for (bool fromSliced : {true, false}) {
        auto env = StreamExecutionEnvironment::create();
        Geometry g{100, 20, 0};
        auto from = sumWindows(env, g, fromSliced);
        testing::OneInputOperatorHarness<KV, KV> a(from.transformation()->operatorFactory());
        a.open();
        for (const auto& s : steps)
            if (!s.watermark) a.processElement(s.element, s.time);
        KeyedStateSnapshot snapshot = a.snapshotKeyedState();
        auto env2 = StreamExecutionEnvironment::create();
        auto to = sumWindows(env2, g, !fromSliced);
        testing::OneInputOperatorHarness<KV, KV> b(to.transformation()->operatorFactory());
        b.restoreKeyedState(snapshot);
        try {
            b.open();
            FAIL() << "no exception";
        } catch (const StateMigrationException& e) {
            EXPECT_NE(std::string(e.what()).find("pipeline.window.slicing.enabled"),
                      std::string::npos)
                << e.what();
        }
    }
}

}  // namespace
}  // namespace weir
