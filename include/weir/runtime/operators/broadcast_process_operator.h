#pragma once
// Runs a (Keyed)BroadcastProcessFunction: input 1 is the regular (possibly keyed) stream, input 2
// the broadcast stream. Broadcast state is kept per operator instance; every instance receives
// every broadcast element, so all instances hold the same broadcast state.

#include <functional>
#include <optional>
#include <type_traits>
#include <vector>

#include "weir/functions/broadcast.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/runtime_context.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/time/internal_timer_service.h"

namespace weir {

/// K = void for the non-keyed variant.
template <class K, class IN1, class IN2, class OUT, class F>
class BroadcastProcessOperator final : public TwoInputOperator<IN1, IN2, OUT> {
    static constexpr bool kKeyed = !std::is_void_v<K>;
    using Key = std::conditional_t<kKeyed, K, uint8_t>;

public:
    BroadcastProcessOperator(std::function<Key(const IN1&)> key, F f)
        : key_(std::move(key)), udf_(std::move(f)) {}

    void open() override {
        collector_.setOutput(this->output_);
        readOnly_.op = this;
        broadcast_.op = this;
        if constexpr (kKeyed) {
            auto* backend = this->setup_.keyedStateBackend;
            WEIR_CHECK(backend != nullptr) << "keyed broadcast process without state backend";
            timers_.emplace(
                *backend, this->setup_.processingTimeService,
                [this](int64_t ts, const VoidNamespace&) { onTimer(ts, TimeDomain::EVENT_TIME); },
                [this](int64_t ts, const VoidNamespace&) {
                    onTimer(ts, TimeDomain::PROCESSING_TIME);
                });
        }
        udf_.openFunction(this->setup_);
    }
    void close() override { udf_.closeFunction(); }

    void processElement1(const IN1& value, int64_t ts) override {
        if constexpr (kKeyed) {
            currentKey_ = key_(value);
            this->setup_.keyedStateBackend->setCurrentKey(currentKey_);
        }
        prepare(ts);
        udf_.function().processElement(value, readOnly_, collector_);
    }
    void processElement2(const IN2& value, int64_t ts) override {
        prepare(ts);
        udf_.function().processBroadcastElement(value, broadcast_, collector_);
    }

protected:
    void onWatermark(int64_t watermark) override {
        watermark_ = watermark;
        if constexpr (kKeyed) timers_->advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    void prepare(int64_t ts) {
        collector_.setTimestamp(ts);
        timestamp_ = ts;
    }
    void onTimer(int64_t timestamp, TimeDomain domain) {
        if constexpr (kKeyed) {
            auto key = this->setup_.keyedStateBackend->currentKeyBytes();
            currentKey_ =
                deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(key.data()), key.size());
            bool eventTime = domain == TimeDomain::EVENT_TIME;
            prepare(eventTime ? timestamp : kNoTimestamp);
            readOnly_.domain = domain;
            udf_.function().onTimer(timestamp, readOnly_, collector_);
        }
    }
    int64_t processingTime() const {
        auto* t = this->setup_.processingTimeService;
        return t ? t->getCurrentProcessingTime() : currentTimeMillis();
    }

    template <class Base>
    struct Common : Base {
        BroadcastProcessOperator* op = nullptr;
        std::optional<int64_t> timestamp() const override {
            return op->timestamp_ == kNoTimestamp ? std::nullopt : std::optional(op->timestamp_);
        }
        int64_t currentWatermark() const override { return op->watermark_; }
        int64_t currentProcessingTime() const override { return op->processingTime(); }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, op->timestamp_);
        }
        OperatorStateStore& broadcastStore() override { return op->udf_.operatorState(); }
    };

    struct KeyedReadOnlyBase : KeyedBroadcastProcessFunction<Key, IN1, IN2, OUT>::OnTimerContext,
                               TimerService {};
    struct ReadOnly final
        : Common<std::conditional_t<kKeyed, KeyedReadOnlyBase, ReadOnlyBroadcastContext>> {
        TimeDomain domain = TimeDomain::EVENT_TIME;
        const Key& getCurrentKey() const { return this->op->currentKey_; }
        TimerService& timerService() { return *this; }
        TimeDomain timeDomain() const { return domain; }
        int64_t currentProcessingTime() const override { return this->op->processingTime(); }
        int64_t currentWatermark() const override { return this->op->watermark_; }
        void registerEventTimeTimer(int64_t t) { this->op->timers_->registerEventTimeTimer({}, t); }
        void registerProcessingTimeTimer(int64_t t) {
            this->op->timers_->registerProcessingTimeTimer({}, t);
        }
        void deleteEventTimeTimer(int64_t t) { this->op->timers_->deleteEventTimeTimer({}, t); }
        void deleteProcessingTimeTimer(int64_t t) {
            this->op->timers_->deleteProcessingTimeTimer({}, t);
        }
    };

    struct KeyedBroadcastBase : KeyedBroadcastProcessFunction<Key, IN1, IN2, OUT>::Context {};
    struct Broadcast final
        : Common<std::conditional_t<kKeyed, KeyedBroadcastBase, BroadcastContext>> {
        void forEachKey(const std::string& stateName, const std::function<void(const void*)>& fn) {
            if constexpr (kKeyed) {
                auto* backend = this->op->setup_.keyedStateBackend;
                // Collect the keys first: fn may change the state it iterates.
                std::vector<std::pair<std::string, int32_t>> keys;
                backend->forEachStateOf(
                    stateName, [&](std::string_view k, int32_t kg) { keys.emplace_back(k, kg); });
                for (const auto& [bytes, kg] : keys) {
                    backend->setCurrentKeyBytes(bytes, kg);
                    K key = deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                    bytes.size());
                    fn(&key);
                }
            }
        }
        RuntimeContext& runtimeContext() { return this->op->udf_.runtimeContext(); }
    };

    std::function<Key(const IN1&)> key_;
    UserFunctionHolder<F> udf_;
    TimestampedCollector<OUT> collector_;
    ReadOnly readOnly_;
    Broadcast broadcast_;
    std::optional<InternalTimerService<VoidNamespace>> timers_;
    Key currentKey_{};
    int64_t timestamp_ = kNoTimestamp;
    int64_t watermark_ = kMinWatermark;
};

}  // namespace weir
