#pragma once
// WatermarkEmitter: the WatermarkOutput that sources and timestamp assigners hand their
// generator. It forwards only advancing watermarks and turns idleness into watermark statuses.
// PeriodicWatermarks calls the generator's onPeriodicEmit every auto-watermark interval on the
// task's processing-time timers.

#include <functional>

#include "weir/functions/processing_time_service.h"
#include "weir/functions/watermark_strategy.h"
#include "weir/runtime/output.h"

namespace weir {

class WatermarkEmitter final : public WatermarkOutput {
public:
    explicit WatermarkEmitter(ElementOutput* output = nullptr) : output_(output) {}
    void setOutput(ElementOutput* output) { output_ = output; }

    void emitWatermark(int64_t watermark) override {
        if (watermark <= current_) return;
        markActive();
        current_ = watermark;
        output_->emitWatermark(watermark);
    }
    void markIdle() override {
        if (idle_) return;
        idle_ = true;
        output_->emitWatermarkStatus(true);
    }
    void markActive() override {
        if (!idle_) return;
        idle_ = false;
        output_->emitWatermarkStatus(false);
    }
    int64_t currentWatermark() const { return current_; }

private:
    ElementOutput* output_;
    int64_t current_ = kMinWatermark;
    bool idle_ = false;
};

/// Schedules `emit()` every `intervalMillis` on a ProcessingTimeService (0: never).
class PeriodicWatermarks {
public:
    void start(ProcessingTimeService* service, int64_t intervalMillis, std::function<void()> emit) {
        service_ = service;
        interval_ = intervalMillis;
        emit_ = std::move(emit);
        if (service_ && interval_ > 0) schedule(service_->getCurrentProcessingTime() + interval_);
    }
    void stop() { stopped_ = true; }

private:
    void schedule(int64_t time) {
        service_->registerTimer(time, [this](int64_t t) {
            if (stopped_) return;
            emit_();
            schedule(std::max(t + interval_, service_->getCurrentProcessingTime()));
        });
    }
    ProcessingTimeService* service_ = nullptr;
    int64_t interval_ = 0;
    std::function<void()> emit_;
    bool stopped_ = false;
};

}  // namespace weir
