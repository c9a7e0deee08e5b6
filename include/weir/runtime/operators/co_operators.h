#pragma once
// Operators on connected streams: co-map, co-flatMap and co-process. Each input's elements go to
// the function's matching method; output records keep the input element's timestamp.

#include <optional>

#include "weir/runtime/operators/udf_operator.h"

namespace weir {

template <class IN1, class IN2, class OUT, class F>
class CoMapOperator final : public TwoInputOperator<IN1, IN2, OUT> {
public:
    explicit CoMapOperator(F f) : udf_(std::move(f)) {}
    void open() override { udf_.openFunction(this->setup_); }
    void close() override { udf_.closeFunction(); }
    void processElement1(const IN1& v, int64_t ts) override {
        this->output_->collect(udf_.function().map1(v), ts);
    }
    void processElement2(const IN2& v, int64_t ts) override {
        this->output_->collect(udf_.function().map2(v), ts);
    }

private:
    UserFunctionHolder<F> udf_;
};

template <class IN1, class IN2, class OUT, class F>
class CoFlatMapOperator final : public TwoInputOperator<IN1, IN2, OUT> {
public:
    explicit CoFlatMapOperator(F f) : udf_(std::move(f)) {}
    void open() override {
        collector_.setOutput(this->output_);
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }
    void processElement1(const IN1& v, int64_t ts) override {
        collector_.setTimestamp(ts);
        udf_.function().flatMap1(v, collector_);
    }
    void processElement2(const IN2& v, int64_t ts) override {
        collector_.setTimestamp(ts);
        udf_.function().flatMap2(v, collector_);
    }

private:
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
};

template <class IN1, class IN2, class OUT, class F>
class CoProcessOperator final : public TwoInputOperator<IN1, IN2, OUT> {
public:
    explicit CoProcessOperator(F f) : udf_(std::move(f)) {}
    void open() override {
        collector_.setOutput(this->output_);
        context_.op = this;
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }
    void processElement1(const IN1& v, int64_t ts) override {
        prepare(ts);
        udf_.function().processElement1(v, context_, collector_);
    }
    void processElement2(const IN2& v, int64_t ts) override {
        prepare(ts);
        udf_.function().processElement2(v, context_, collector_);
    }

private:
    void prepare(int64_t ts) {
        collector_.setTimestamp(ts);
        context_.elementTimestamp = ts;
    }
    using Context = ElementContext<typename ProcessFunction<IN1, OUT>::Context>;
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
};

}  // namespace weir
