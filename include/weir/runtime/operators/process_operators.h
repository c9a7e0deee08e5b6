#pragma once
// process(): ProcessFunction on a stream, KeyedProcessFunction on a keyed stream.

#include <functional>
#include <optional>

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

/// Runs a KeyedProcessFunction: sets the current key for each element, and fires the function's
/// timers (event time when the watermark passes them, processing time by the task's clock)
/// before forwarding the watermark.
template <class K, class IN, class OUT, class F>
class KeyedProcessOperator final : public OneInputOperator<IN, OUT> {
public:
    KeyedProcessOperator(std::function<K(const IN&)> keySelector, F f)
        : keySelector_(std::move(keySelector)), udf_(std::move(f)) {}

    void open() override {
        auto* backend = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend != nullptr) << "keyed operator without state backend";
        collector_.setOutput(this->output_);
        context_.op = this;
        timers_.emplace(
            *backend, this->setup_.processingTimeService,
            [this](int64_t ts, const VoidNamespace&) { onTimer(ts, TimeDomain::EVENT_TIME); },
            [this](int64_t ts, const VoidNamespace&) { onTimer(ts, TimeDomain::PROCESSING_TIME); });
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

protected:
    void onWatermark(int64_t watermark) override {
        timers_->advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    void onTimer(int64_t timestamp, TimeDomain domain) {
        auto key = this->setup_.keyedStateBackend->currentKeyBytes();
        currentKey_ =
            deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(key.data()), key.size());
        bool eventTime = domain == TimeDomain::EVENT_TIME;
        collector_.setTimestamp(eventTime ? timestamp : kNoTimestamp);
        context_.elementTimestamp = eventTime ? timestamp : kNoTimestamp;
        context_.domain = domain;
        udf_.function().onTimer(timestamp, context_, collector_);
    }

    struct Context final : KeyedProcessFunction<K, IN, OUT>::OnTimerContext, TimerService {
        KeyedProcessOperator* op = nullptr;
        int64_t elementTimestamp = kNoTimestamp;
        TimeDomain domain = TimeDomain::EVENT_TIME;
        std::optional<int64_t> timestamp() const override {
            return elementTimestamp == kNoTimestamp ? std::nullopt
                                                    : std::optional(elementTimestamp);
        }
        const K& getCurrentKey() const override { return op->currentKey_; }
        TimerService& timerService() override { return *this; }
        TimeDomain timeDomain() const override { return domain; }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, elementTimestamp);
        }
        int64_t currentProcessingTime() const override {
            return op->timers_->currentProcessingTime();
        }
        int64_t currentWatermark() const override { return op->timers_->currentWatermark(); }
        void registerEventTimeTimer(int64_t t) override {
            op->timers_->registerEventTimeTimer({}, t);
        }
        void registerProcessingTimeTimer(int64_t t) override {
            op->timers_->registerProcessingTimeTimer({}, t);
        }
        void deleteEventTimeTimer(int64_t t) override { op->timers_->deleteEventTimeTimer({}, t); }
        void deleteProcessingTimeTimer(int64_t t) override {
            op->timers_->deleteProcessingTimeTimer({}, t);
        }
    };

    std::function<K(const IN&)> keySelector_;
    K currentKey_{};
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
    std::optional<InternalTimerService<VoidNamespace>> timers_;
};

}  // namespace weir
