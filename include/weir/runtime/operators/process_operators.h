#pragma once
// process(): ProcessFunction on a stream, KeyedProcessFunction on a keyed stream.

#include <functional>
#include <optional>

#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/keyed_state_backend.h"

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
    struct Context final : ProcessFunction<IN, OUT>::Context {
        ProcessOperator* op = nullptr;
        int64_t elementTimestamp = kNoTimestamp;
        std::optional<int64_t> timestamp() const override {
            return elementTimestamp == kNoTimestamp ? std::nullopt
                                                    : std::optional(elementTimestamp);
        }
        int64_t currentWatermark() const override { return op->currentWatermark(); }
        int64_t currentProcessingTime() const override { return currentTimeMillis(); }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, elementTimestamp);
        }
    };
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
};

template <class K, class IN, class OUT, class F>
class KeyedProcessOperator final : public OneInputOperator<IN, OUT> {
public:
    KeyedProcessOperator(std::function<K(const IN&)> keySelector, F f)
        : keySelector_(std::move(keySelector)), udf_(std::move(f)) {}
    void open() override {
        WEIR_CHECK(this->setup_.keyedStateBackend != nullptr)
            << "keyed operator without state backend";
        collector_.setOutput(this->output_);
        context_.op = this;
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }
    void processElement(const IN& value, int64_t timestamp) override {
        currentKey_ = keySelector_(value);
        this->setup_.keyedStateBackend->setCurrentKey(currentKey_);
        collector_.setTimestamp(timestamp);
        context_.elementTimestamp = timestamp;
        udf_.function().processElement(value, context_, collector_);
    }

private:
    struct Context final : KeyedProcessFunction<K, IN, OUT>::Context {
        KeyedProcessOperator* op = nullptr;
        int64_t elementTimestamp = kNoTimestamp;
        std::optional<int64_t> timestamp() const override {
            return elementTimestamp == kNoTimestamp ? std::nullopt
                                                    : std::optional(elementTimestamp);
        }
        const K& getCurrentKey() const override { return op->currentKey_; }
        int64_t currentWatermark() const override { return op->currentWatermark(); }
        int64_t currentProcessingTime() const override { return currentTimeMillis(); }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, elementTimestamp);
        }
    };
    std::function<K(const IN&)> keySelector_;
    K currentKey_{};
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
};

}  // namespace weir
