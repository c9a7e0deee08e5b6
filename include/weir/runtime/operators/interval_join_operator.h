#pragma once
// Interval join of two keyed streams: a left element with timestamp t joins every right element
// of the same key with a timestamp in [t + lower, t + upper] (both bounds inclusive), whichever
// arrives first. Elements are buffered per key and timestamp; a buffer is dropped once the
// watermark shows that nothing can join it any more. Elements behind the watermark are late and
// dropped. Results carry the larger of the two timestamps.
//
// State: "left-buffer" and "right-buffer", map states keyed by timestamp (each entry holds the
// elements of one timestamp), as in Flink: an element reads and writes only its own timestamp's
// entry (in RocksDB one small read-modify-write, never the key's whole buffer) and scans the
// other side's entries; "_timers/user-timers" for the cleanup, namespace = the side.

#include <functional>
#include <optional>
#include <vector>

#include "weir/functions/join_functions.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/state_factory.h"
#include "weir/runtime/time/internal_timer_service.h"

namespace weir {

template <class K, class IN1, class IN2, class OUT, class F>
class IntervalJoinOperator final : public TwoInputOperator<IN1, IN2, OUT> {
public:
    IntervalJoinOperator(std::function<K(const IN1&)> key1, std::function<K(const IN2&)> key2,
                         int64_t lower, int64_t upper, F f)
        : key1_(std::move(key1)),
          key2_(std::move(key2)),
          lower_(lower),
          upper_(upper),
          udf_(std::move(f)) {}

    void open() override {
        backend_ = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend_ != nullptr) << "interval join without keyed state backend";
        left_.bind(*backend_, "left-buffer");
        right_.bind(*backend_, "right-buffer");
        timers_.emplace(
            *backend_, this->setup_.processingTimeService,
            [this](int64_t t, const int32_t& side) { cleanup(t, side); },
            [](int64_t, const int32_t&) {});
        collector_.setOutput(this->output_);
        context_.op = this;
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement1(const IN1& value, int64_t ts) override {
        backend_->setCurrentKey(key1_(value));
        if (late(ts)) return;
        left_.modify(ts, [&](std::vector<IN1>& bucket) { bucket.push_back(value); });
        right_.forEach([&](int64_t rightTs, const std::vector<IN2>& bucket) {
            if (rightTs < ts + lower_ || rightTs > ts + upper_) return;
            for (const auto& r : bucket) emit(value, ts, r, rightTs);
        });
        timers_->registerEventTimeTimer(kLeft, upper_ > 0 ? ts + upper_ : ts);
    }
    void processElement2(const IN2& value, int64_t ts) override {
        backend_->setCurrentKey(key2_(value));
        if (late(ts)) return;
        right_.modify(ts, [&](std::vector<IN2>& bucket) { bucket.push_back(value); });
        left_.forEach([&](int64_t leftTs, const std::vector<IN1>& bucket) {
            if (leftTs < ts - upper_ || leftTs > ts - lower_) return;
            for (const auto& l : bucket) emit(l, leftTs, value, ts);
        });
        timers_->registerEventTimeTimer(kRight, lower_ <= 0 ? ts - lower_ : ts);
    }

protected:
    void onWatermark(int64_t watermark) override {
        timers_->advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    static constexpr int32_t kLeft = 0;
    static constexpr int32_t kRight = 1;

    bool late(int64_t ts) const {
        if (ts == kNoTimestamp)
            throw InvalidProgramException(
                "interval join needs event timestamps: assign timestamps before it");
        int64_t wm = timers_->currentWatermark();
        return wm != kMinWatermark && ts < wm;
    }
    void emit(const IN1& left, int64_t leftTs, const IN2& right, int64_t rightTs) {
        context_.leftTs = leftTs;
        context_.rightTs = rightTs;
        collector_.setTimestamp(std::max(leftTs, rightTs));
        udf_.function().processElement(left, right, context_, collector_);
    }
    /// The buffer of `side` at the timestamp whose cleanup time is `time` can no longer join.
    void cleanup(int64_t time, int32_t side) {
        if (side == kLeft)
            left_.remove(upper_ <= 0 ? time : time - upper_);
        else
            right_.remove(lower_ <= 0 ? time + lower_ : time);
    }

    struct Context final : ProcessJoinFunction<IN1, IN2, OUT>::Context {
        IntervalJoinOperator* op = nullptr;
        int64_t leftTs = 0, rightTs = 0;
        int64_t getLeftTimestamp() const override { return leftTs; }
        int64_t getRightTimestamp() const override { return rightTs; }
        int64_t getTimestamp() const override { return std::max(leftTs, rightTs); }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, getTimestamp());
        }
    };

    std::function<K(const IN1&)> key1_;
    std::function<K(const IN2&)> key2_;
    int64_t lower_, upper_;
    UserFunctionHolder<F> udf_;
    KeyedStateBackend* backend_ = nullptr;
    InternalMapState<int64_t, std::vector<IN1>> left_;
    InternalMapState<int64_t, std::vector<IN2>> right_;
    std::optional<InternalTimerService<int32_t>> timers_;
    TimestampedCollector<OUT> collector_;
    Context context_;
};

}  // namespace weir
