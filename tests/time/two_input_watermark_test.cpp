#include <gtest/gtest.h>

#include "../harness/operator_harness.h"
#include "weir/runtime/stream_operator.h"

namespace weir {
namespace {

/// A two-input operator that does nothing with elements: only the watermark logic is under test.
struct Pass final : TwoInputOperator<int64_t, int64_t, int64_t> {
    void processElement1(const int64_t&, int64_t) override {}
    void processElement2(const int64_t&, int64_t) override {}
};

struct TwoInputWatermarks : ::testing::Test {
    Pass op;
    testing::CollectingOutput<int64_t> out;
    void SetUp() override { op.setup(OperatorSetup{}, &out); }
    std::vector<int64_t> watermarks() const {
        std::vector<int64_t> w;
        for (const auto& e : out.log) w.push_back(e.timestamp);
        return w;
    }
};

TEST_F(TwoInputWatermarks, CombinedWatermarkIsTheMinimumOfBothInputs) {
    op.processWatermark(10, 0);
    EXPECT_TRUE(watermarks().empty());
    op.processWatermark(5, 1);
    op.processWatermark(20, 1);
    EXPECT_EQ(watermarks(), (std::vector<int64_t>{5, 10}));
}

TEST_F(TwoInputWatermarks, AnIdleInputNoLongerHoldsTheWatermarkBack) {
    op.processWatermark(100, 0);
    op.processWatermarkStatus(true, 1);
    EXPECT_EQ(watermarks(), (std::vector<int64_t>{100}));
    EXPECT_TRUE(out.statuses.empty());  // one input is still active
    op.processWatermarkStatus(true, 0);
    EXPECT_EQ(out.statuses, (std::vector<bool>{true}));
    op.processWatermark(50, 1);  // input 1 comes back behind: the watermark does not go back
    op.processWatermarkStatus(false, 0);
    EXPECT_EQ(watermarks(), (std::vector<int64_t>{100}));
    EXPECT_EQ(out.statuses, (std::vector<bool>{true, false}));
}

}  // namespace
}  // namespace weir
