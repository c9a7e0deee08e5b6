#pragma once
// process(): ProcessFunction on a stream, KeyedProcessFunction on a keyed stream.

#include <functional>
#include <optional>

#include "weir/runtime/operators/keyed_function_runtime.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/time/internal_timer_service.h"

namespace weir {

template <class IN, class OUT, class F>
class ProcessOperator final : public OneInputOperator<IN, OUT> {
public:
    explicit ProcessOperator(F f) : udf_(std::move(f)) {}
    void open() override {
        collector_.setOutput(this->output_);
        context_.op = this;
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }
    void processElement(const IN& value, int64_t timestamp) override {
        collector_.setTimestamp(timestamp);
        context_.elementTimestamp = timestamp;
        udf_.function().processElement(value, context_, collector_);
    }

private:
    using Context = ElementContext<typename ProcessFunction<IN, OUT>::Context>;
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
};

/// Runs a KeyedProcessFunction: sets the current key for each element, and fires the function's
/// timers (event time when the watermark passes them, processing time by the task's clock)
/// before forwarding the watermark.
template <class K, class IN, class OUT, class F>
class KeyedProcessOperator final : public OneInputOperator<IN, OUT> {
public:
    KeyedProcessOperator(std::function<K(const IN&)> keySelector, F f)
        : keySelector_(std::move(keySelector)), udf_(std::move(f)) {}

    void open() override {
        rt_.open(this->setup_, this->output_, this->rawOutput_, [this](int64_t ts) {
            udf_.function().onTimer(ts, rt_.context(), rt_.collector());
        });
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement(const IN& value, int64_t timestamp) override {
        rt_.beginElement(keySelector_(value), timestamp);
        udf_.function().processElement(value, rt_.context(), rt_.collector());
    }

protected:
    void onWatermark(int64_t watermark) override {
        rt_.advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    std::function<K(const IN&)> keySelector_;
    UserFunctionHolder<F> udf_;
    KeyedFunctionRuntime<K, OUT, typename KeyedProcessFunction<K, IN, OUT>::OnTimerContext> rt_;
};

}  // namespace weir
