#pragma once
// map, flatMap and filter: stateless one-input operators. Output records keep the input's
// timestamp.

#include <type_traits>
#include <utility>

#include "weir/runtime/operators/udf_operator.h"

namespace weir {

namespace detail {
template <class F, class IN>
decltype(auto) invokeMap(F& f, const IN& v) {
    if constexpr (requires { f.map(v); })
        return f.map(v);
    else
        return f(v);
}
template <class F, class IN, class OUT>
void invokeFlatMap(F& f, const IN& v, Collector<OUT>& out) {
    if constexpr (requires { f.flatMap(v, out); })
        f.flatMap(v, out);
    else
        f(v, out);
}
template <class F, class T>
bool invokeFilter(F& f, const T& v) {
    if constexpr (requires { f.filter(v); })
        return f.filter(v);
    else
        return f(v);
}
}  // namespace detail

template <class IN, class OUT, class F>
class MapOperator final : public OneInputOperator<IN, OUT> {
public:
    explicit MapOperator(F f) : udf_(std::move(f)) {}
    void open() override { udf_.openFunction(this->setup_); }
    void close() override { udf_.closeFunction(); }
    void processElement(const IN& value, int64_t timestamp) override {
        this->output_->collect(detail::invokeMap(udf_.function(), value), timestamp);
    }

private:
    UserFunctionHolder<F> udf_;
};

template <class IN, class OUT, class F>
class FlatMapOperator final : public OneInputOperator<IN, OUT> {
public:
    explicit FlatMapOperator(F f) : udf_(std::move(f)) {}
    void open() override {
        collector_.setOutput(this->output_);
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }
    void processElement(const IN& value, int64_t timestamp) override {
        collector_.setTimestamp(timestamp);
        detail::invokeFlatMap(udf_.function(), value, static_cast<Collector<OUT>&>(collector_));
    }

private:
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
};

template <class T, class F>
class FilterOperator final : public OneInputOperator<T, T> {
public:
    explicit FilterOperator(F f) : udf_(std::move(f)) {}
    void open() override { udf_.openFunction(this->setup_); }
    void close() override { udf_.closeFunction(); }
    void processElement(const T& value, int64_t timestamp) override {
        if (detail::invokeFilter(udf_.function(), value)) this->output_->collect(value, timestamp);
    }

private:
    UserFunctionHolder<F> udf_;
};

}  // namespace weir
