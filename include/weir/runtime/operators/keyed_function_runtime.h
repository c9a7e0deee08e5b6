#pragma once
// KeyedFunctionRuntime: what keyed process functions (KeyedProcessFunction,
// KeyedCoProcessFunction) get from their operator: the current key, the collector stamped with
// the element's (or timer's) timestamp, and a context with side outputs and a timer service over
// the operator's InternalTimerService.

#include <functional>
#include <optional>
#include <string>

#include "weir/functions/functions.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/time/internal_timer_service.h"

namespace weir {

/// `OnTimerContext` is the function's OnTimerContext type (which derives from its Context).
template <class K, class OUT, class OnTimerContext>
class KeyedFunctionRuntime {
public:
    struct Context final : OnTimerContext, TimerService {
        KeyedFunctionRuntime* rt = nullptr;
        int64_t elementTimestamp = kNoTimestamp;
        TimeDomain domain = TimeDomain::EVENT_TIME;
        std::optional<int64_t> timestamp() const override {
            return elementTimestamp == kNoTimestamp ? std::nullopt
                                                    : std::optional(elementTimestamp);
        }
        const K& getCurrentKey() const override { return rt->currentKey_; }
        TimerService& timerService() override { return *this; }
        TimeDomain timeDomain() const override { return domain; }
        void outputErased(const std::string& tagId, const void* value) override {
            rt->rawOutput_->collectSide(tagId, value, elementTimestamp);
        }
        int64_t currentProcessingTime() const override {
            return rt->timers_->currentProcessingTime();
        }
        int64_t currentWatermark() const override { return rt->timers_->currentWatermark(); }
        void registerEventTimeTimer(int64_t t) override {
            rt->timers_->registerEventTimeTimer({}, t);
        }
        void registerProcessingTimeTimer(int64_t t) override {
            rt->timers_->registerProcessingTimeTimer({}, t);
        }
        void deleteEventTimeTimer(int64_t t) override { rt->timers_->deleteEventTimeTimer({}, t); }
        void deleteProcessingTimeTimer(int64_t t) override {
            rt->timers_->deleteProcessingTimeTimer({}, t);
        }
    };

    /// `onTimer(timestamp)` runs the function's onTimer after the key and context are set.
    void open(const OperatorSetup& setup, Output<OUT>* output, ElementOutput* rawOutput,
              std::function<void(int64_t)> onTimer) {
        backend_ = setup.keyedStateBackend;
        WEIR_CHECK(backend_ != nullptr)
            << "keyed operator " << setup.operatorName << " without state backend";
        rawOutput_ = rawOutput;
        collector_.setOutput(output);
        context_.rt = this;
        onTimer_ = std::move(onTimer);
        timers_.emplace(
            *backend_, setup.processingTimeService,
            [this](int64_t ts, const VoidNamespace&) { fireTimer(ts, TimeDomain::EVENT_TIME); },
            [this](int64_t ts, const VoidNamespace&) {
                fireTimer(ts, TimeDomain::PROCESSING_TIME);
            });
    }

    /// Makes `key` current for an element with timestamp `ts`.
    void beginElement(K key, int64_t ts) {
        currentKey_ = std::move(key);
        backend_->setCurrentKey(currentKey_);
        collector_.setTimestamp(ts);
        context_.elementTimestamp = ts;
    }
    void advanceWatermark(int64_t watermark) { timers_->advanceWatermark(watermark); }

    Context& context() { return context_; }
    TimestampedCollector<OUT>& collector() { return collector_; }

private:
    void fireTimer(int64_t timestamp, TimeDomain domain) {
        auto key = backend_->currentKeyBytes();
        currentKey_ =
            deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(key.data()), key.size());
        bool eventTime = domain == TimeDomain::EVENT_TIME;
        collector_.setTimestamp(eventTime ? timestamp : kNoTimestamp);
        context_.elementTimestamp = eventTime ? timestamp : kNoTimestamp;
        context_.domain = domain;
        onTimer_(timestamp);
    }

    KeyedStateBackend* backend_ = nullptr;
    ElementOutput* rawOutput_ = nullptr;
    K currentKey_{};
    TimestampedCollector<OUT> collector_;
    Context context_;
    std::function<void(int64_t)> onTimer_;
    std::optional<InternalTimerService<VoidNamespace>> timers_;
};

}  // namespace weir
