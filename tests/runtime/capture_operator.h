#pragma once
// Test helper: an operator that records what reaches it.

#include <vector>

#include "weir/runtime/stream_operator.h"

namespace weir::testing {

template <class T>
class CaptureOperator final : public StreamOperator, public Input<T> {
public:
    InputBase* input(int) override { return this; }
    void processElement(const T& value, int64_t ts) override {
        values.push_back(value);
        timestamps.push_back(ts);
    }
    void processWatermark(int64_t wm, int) override { watermarks.push_back(wm); }
    void processWatermarkStatus(bool idle, int) override { statuses.push_back(idle); }

    std::vector<T> values;
    std::vector<int64_t> timestamps;
    std::vector<int64_t> watermarks;
    std::vector<bool> statuses;
};

}  // namespace weir::testing
