// The interval join operator in the two-input harness: both inputs' elements and watermarks, a
// checkpoint barrier in the middle, and a restore of that snapshot at another parallelism.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "../harness/operator_harness.h"
#include "weir/weir.h"

namespace weir {
namespace {

using testing::HarnessOptions;
using testing::HarnessSnapshot;
using testing::TwoInputOperatorHarness;
using Event = std::pair<std::string, int64_t>;  // (user, value)

struct Pair final : ProcessJoinFunction<Event, Event, std::string> {
    void processElement(const Event& l, const Event& r, Context& ctx,
                        Collector<std::string>& out) override {
        out.collect(l.first + ":" + std::to_string(l.second) + "-" + std::to_string(r.second) +
                    "@" + std::to_string(ctx.getTimestamp()));
    }
};

using JoinOperator = IntervalJoinOperator<std::string, Event, Event, std::string, Pair>;
using Harness = TwoInputOperatorHarness<Event, Event, std::string>;

/// Right elements within [left - 1000, left + 500] join.
std::unique_ptr<StreamOperator> makeJoin() {
    auto key = [](const Event& e) { return e.first; };
    return std::make_unique<JoinOperator>(key, key, -1000, 500, Pair{});
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// The elements of the test job: (left or right, event, timestamp), in arrival order.
struct Input {
    bool left;
    Event event;
    int64_t ts;
};
const std::vector<Input> kFirstHalf = {
    {true, {"ann", 1}, 1000},  {false, {"ann", 10}, 1200}, {true, {"bob", 2}, 1500},
    {false, {"bob", 20}, 400}, {false, {"cid", 30}, 1800},
};
const std::vector<Input> kSecondHalf = {
    {true, {"ann", 3}, 2000},
    {false, {"bob", 40}, 1900},
    {true, {"cid", 4}, 2100},
    {false, {"ann", 50}, 2400},
};

void feed(Harness& h, const std::vector<Input>& inputs) {
    for (const auto& in : inputs) {
        if (in.left)
            h.processElement1(in.event, in.ts);
        else
            h.processElement2(in.event, in.ts);
    }
}

TEST(IntervalJoinHarness, JoinsWithinTheBoundsOnEitherArrivalOrder) {
    Harness h(makeJoin());
    h.open();
    feed(h, kFirstHalf);
    feed(h, kSecondHalf);
    EXPECT_EQ(sorted(h.records()),
              sorted({"ann:1-10@1200", "ann:3-10@2000", "bob:2-40@1900", "cid:4-30@2100",
                      "ann:3-50@2400"}));  // bob's 400 is before 1500 - 1000
}

TEST(IntervalJoinHarness, TheOutputWatermarkIsTheMinimumOfBothInputs) {
    Harness h(makeJoin());
    h.open();
    h.processWatermark1(3000);
    EXPECT_TRUE(h.watermarks().empty()) << "the second input still holds it back";
    h.processWatermark2(2000);
    h.processWatermark2(5000);
    EXPECT_EQ(h.watermarks(), (std::vector<int64_t>{2000, 3000}));
}

TEST(IntervalJoinHarness, AnIdleInputStopsHoldingTheWatermarkBack) {
    Harness h(makeJoin());
    h.open();
    h.processWatermark1(3000);
    h.processWatermarkStatus(true, 1);
    EXPECT_EQ(h.watermarks(), std::vector<int64_t>{3000});
}

TEST(IntervalJoinHarness, ElementsBehindTheWatermarkAreDropped) {
    Harness h(makeJoin());
    h.open();
    h.processWatermark1(5000);
    h.processWatermark2(5000);
    h.processElement1({"ann", 2}, 100);  // both late: they would join each other
    h.processElement2({"ann", 20}, 100);
    h.processElement2({"ann", 30}, 5100);
    h.processElement1({"ann", 4}, 5000);
    EXPECT_EQ(h.records(), std::vector<std::string>{"ann:4-30@5100"});
}

TEST(IntervalJoinHarness, ASnapshotAtABarrierRestoresAtTwoSubtasksWithTheSameResults) {
    // The whole run at parallelism 1, for reference.
    Harness reference(makeJoin());
    reference.open();
    feed(reference, kFirstHalf);
    feed(reference, kSecondHalf);

    // The same run, checkpointed after the first half ...
    HarnessSnapshot snapshot;
    std::vector<std::string> beforeBarrier;
    {
        Harness h(makeJoin());
        h.open();
        feed(h, kFirstHalf);
        snapshot = h.processBarrier(1);
        beforeBarrier = h.records();
    }
    // ... and restored at parallelism 2: each subtask takes its key groups, gets the elements of
    // its keys and joins them with the restored buffers.
    std::vector<std::string> afterRestore;
    for (int32_t subtask = 0; subtask < 2; ++subtask) {
        Harness h(makeJoin(), HarnessOptions{true, RuntimeExecutionMode::STREAMING, subtask, 2});
        h.restoreKeyedState(snapshot.keyed);
        h.restoreOperatorState(snapshot.operatorState);
        h.open();
        std::vector<Input> mine;
        for (const auto& in : kSecondHalf)
            if (h.keyGroupRange().contains(
                    keygroups::assignToKeyGroup(KeyHash<std::string>::hash(in.event.first), 128)))
                mine.push_back(in);
        feed(h, mine);
        for (auto& r : h.records()) afterRestore.push_back(r);
    }
    std::vector<std::string> all = beforeBarrier;
    all.insert(all.end(), afterRestore.begin(), afterRestore.end());
    EXPECT_EQ(sorted(all), sorted(reference.records()));
    EXPECT_FALSE(afterRestore.empty()) << "the restored buffers joined nothing";
}

}  // namespace
}  // namespace weir
