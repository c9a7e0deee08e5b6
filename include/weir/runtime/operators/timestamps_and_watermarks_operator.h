#pragma once
// assignTimestampsAndWatermarks: gives each record its event timestamp and generates watermarks
// with the strategy's generator. Watermarks from upstream are dropped, except the final one
// (+inf) at the end of input.

#include <memory>

#include "weir/core/options.h"
#include "weir/functions/watermark_strategy.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/time/watermark_emitter.h"

namespace weir {

template <class T>
class TimestampsAndWatermarksOperator final : public OneInputOperator<T, T> {
public:
    explicit TimestampsAndWatermarksOperator(WatermarkStrategy<T> strategy)
        : strategy_(std::move(strategy)) {}

    void open() override {
        watermarks_.setOutput(this->rawOutput_);
        auto* time = this->setup_.processingTimeService;
        generator_ = strategy_.createGenerator(
            [time] { return time ? time->getCurrentProcessingTime() : currentTimeMillis(); });
        eventTime_ = this->setup_.executionMode != RuntimeExecutionMode::BATCH;
        if (eventTime_ && this->setup_.configuration) {
            int64_t interval =
                this->setup_.configuration->get(options::kAutoWatermarkInterval).count();
            periodic_.start(time, interval, [this] { generator_->onPeriodicEmit(watermarks_); });
        }
    }
    void processElement(const T& value, int64_t timestamp) override {
        int64_t ts = strategy_.extractTimestamp(value, timestamp);
        this->output_->collect(value, ts);
        if (eventTime_) generator_->onEvent(value, ts, watermarks_);
    }
    void processWatermark(int64_t watermark, int) override {
        if (watermark == kMaxWatermark) watermarks_.emitWatermark(kMaxWatermark);
    }
    void processWatermarkStatus(bool, int) override {}
    void finish() override { periodic_.stop(); }
    void close() override { periodic_.stop(); }

private:
    WatermarkStrategy<T> strategy_;
    std::unique_ptr<WatermarkGenerator<T>> generator_;
    WatermarkEmitter watermarks_;
    PeriodicWatermarks periodic_;
    bool eventTime_ = true;
};

}  // namespace weir
