#pragma once
// Runs a KeyedCoProcessFunction on two connected keyed streams: each input's elements set the
// current key with that input's key selector; timers and keyed state are shared by both inputs.

#include <functional>
#include <optional>

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
        auto* backend = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend != nullptr) << "keyed co-process without state backend";
        collector_.setOutput(this->output_);
        context_.op = this;
        timers_.emplace(
            *backend, this->setup_.processingTimeService,
            [this](int64_t ts, const VoidNamespace&) { onTimer(ts, TimeDomain::EVENT_TIME); },
            [this](int64_t ts, const VoidNamespace&) { onTimer(ts, TimeDomain::PROCESSING_TIME); });
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement1(const IN1& value, int64_t ts) override {
        prepare(key1_(value), ts);
        udf_.function().processElement1(value, context_, collector_);
    }
    void processElement2(const IN2& value, int64_t ts) override {
        prepare(key2_(value), ts);
        udf_.function().processElement2(value, context_, collector_);
    }

protected:
    void onWatermark(int64_t watermark) override {
        timers_->advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    void prepare(K key, int64_t ts) {
        currentKey_ = std::move(key);
        this->setup_.keyedStateBackend->setCurrentKey(currentKey_);
        collector_.setTimestamp(ts);
        context_.elementTimestamp = ts;
    }
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

    struct Context final : KeyedCoProcessFunction<K, IN1, IN2, OUT>::OnTimerContext, TimerService {
        KeyedCoProcessOperator* op = nullptr;
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

    std::function<K(const IN1&)> key1_;
    std::function<K(const IN2&)> key2_;
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    Context context_;
    std::optional<InternalTimerService<VoidNamespace>> timers_;
    K currentKey_{};
};

}  // namespace weir
