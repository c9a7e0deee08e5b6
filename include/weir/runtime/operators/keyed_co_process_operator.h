#pragma once
// Runs a KeyedCoProcessFunction on two connected keyed streams: each input's elements set the
// current key with that input's key selector; timers and keyed state are shared by both inputs.

#include <functional>
#include <optional>

#include "weir/runtime/operators/keyed_function_runtime.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/time/internal_timer_service.h"

namespace weir {

template <class K, class IN1, class IN2, class OUT, class F>
class KeyedCoProcessOperator final : public TwoInputOperator<IN1, IN2, OUT> {
public:
    KeyedCoProcessOperator(std::function<K(const IN1&)> key1, std::function<K(const IN2&)> key2,
                           F f)
        : key1_(std::move(key1)), key2_(std::move(key2)), udf_(std::move(f)) {}

    void open() override {
        rt_.open(this->setup_, this->output_, this->rawOutput_, [this](int64_t ts) {
            udf_.function().onTimer(ts, rt_.context(), rt_.collector());
        });
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement1(const IN1& value, int64_t ts) override {
        rt_.beginElement(key1_(value), ts);
        udf_.function().processElement1(value, rt_.context(), rt_.collector());
    }
    void processElement2(const IN2& value, int64_t ts) override {
        rt_.beginElement(key2_(value), ts);
        udf_.function().processElement2(value, rt_.context(), rt_.collector());
    }

protected:
    void onWatermark(int64_t watermark) override {
        rt_.advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    std::function<K(const IN1&)> key1_;
    std::function<K(const IN2&)> key2_;
    UserFunctionHolder<F> udf_;
    KeyedFunctionRuntime<K, OUT, typename KeyedCoProcessFunction<K, IN1, IN2, OUT>::OnTimerContext>
        rt_;
};

}  // namespace weir
