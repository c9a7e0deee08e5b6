#pragma once
// Keyed reduce (and the sum/min/max/minBy/maxBy aggregations built on it).
//
// STREAMING: every element updates its key's value and emits the new rolling result.
// BATCH: the input is bounded; the operator keeps one value per key and emits each key's final
// result once, at the end of input — what a batch system computes.

#include <functional>

#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/state_factory.h"

namespace weir {

template <class K, class T, class F>
class KeyedReduceOperator final : public OneInputOperator<T, T> {
public:
    KeyedReduceOperator(std::function<K(const T&)> keySelector, F f)
        : keySelector_(std::move(keySelector)), udf_(std::move(f)) {}

    void open() override {
        auto* backend = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend != nullptr) << "keyed reduce without state backend";
        state_.bind(*backend, "_reduce");
        batch_ = this->setup_.executionMode == RuntimeExecutionMode::BATCH;
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement(const T& value, int64_t timestamp) override {
        this->setup_.keyedStateBackend->setCurrentKey(keySelector_(value));
        auto [current, created] = state_.getOrCreateFlagged();
        if (created)
            *current = value;
        else
            *current = invokeReduce(*current, value);
        state_.commit();
        if (!batch_) this->output_->collect(*current, timestamp);
    }

    void endInput(int) override {
        if (batch_)
            state_.forEachValue([&](const T& v) { this->output_->collect(v, kNoTimestamp); });
    }

private:
    T invokeReduce(const T& a, const T& b) {
        auto& f = udf_.function();
        if constexpr (requires { f.reduce(a, b); })
            return f.reduce(a, b);
        else
            return f(a, b);
    }
    std::function<K(const T&)> keySelector_;
    UserFunctionHolder<F> udf_;
    InternalValueState<T> state_;
    bool batch_ = false;
};

}  // namespace weir
