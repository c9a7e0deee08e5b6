#pragma once
// SourceOperator: runs a SourceReader inside its task. The task calls emitNext() from its mailbox
// loop. Each record gets its timestamp from the watermark strategy and is emitted before the
// watermark its arrival produces; the generator is also asked for a watermark every
// pipeline.auto-watermark-interval. At the end of a bounded input the operator emits the final
// watermark (+inf) so that every downstream event-time timer and window fires.
// In BATCH mode only that final watermark is emitted.
//
// Checkpoints: the reader's split states are the operator list state "source-splits" (split
// among the subtasks when the parallelism changes); a restored operator hands them to its reader.

#include <memory>

#include "weir/core/options.h"
#include "weir/functions/operator_state.h"
#include "weir/functions/source.h"
#include "weir/functions/watermark_strategy.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/time/watermark_emitter.h"

namespace weir {

class SourceOperatorBase : public StreamOperator {
public:
    virtual InputStatus emitNext() = 0;
    /// Stop-with-savepoint with drain: the final watermark, before the savepoint's barrier.
    virtual void emitFinalWatermark() = 0;
    int numberOfInputs() const override { return 0; }
    InputBase* input(int) override { return nullptr; }
    /// Records emitted so far: the task bounds a loop turn by records, not by polls (a poll may
    /// emit a batch).
    int64_t recordsEmitted() const { return recordsEmitted_; }

protected:
    int64_t recordsEmitted_ = 0;
};

template <class T>
class SourceOperator final : public SourceOperatorBase {
public:
    SourceOperator(std::shared_ptr<const Source<T>> source, WatermarkStrategy<T> strategy)
        : source_(std::move(source)), strategy_(std::move(strategy)) {}

    void setup(const OperatorSetup& s, ElementOutput* output) override {
        SourceOperatorBase::setup(s, output);
        output_ = dynamic_cast<Output<T>*>(output);
        WEIR_CHECK(output_ != nullptr) << "output type mismatch for source " << s.operatorName;
        readerOutput_.op = this;
        watermarks_.setOutput(output);
    }
    void open() override {
        SourceReaderContext ctx;
        ctx.subtaskIndex = setup_.taskInfo.subtaskIndex;
        ctx.parallelism = setup_.taskInfo.parallelism;
        ctx.configuration = setup_.configuration;
        ctx.wakeUp = setup_.wakeUpTask;
        auto* time = setup_.processingTimeService;
        if (setup_.configuration && !strategy_.hasTimestampAssigner() &&
            setup_.configuration->get(options::kTimeCharacteristic) ==
                TimeCharacteristic::IngestionTime)
            strategy_ = WatermarkStrategy<T>::forIngestionTime();
        generator_ = strategy_.createGenerator(
            [time] { return time ? time->getCurrentProcessingTime() : currentTimeMillis(); });
        eventTime_ = setup_.executionMode != RuntimeExecutionMode::BATCH;
        if (eventTime_ && setup_.configuration) {
            int64_t interval = setup_.configuration->get(options::kAutoWatermarkInterval).count();
            periodic_.start(time, interval, [this] { generator_->onPeriodicEmit(watermarks_); });
        }
        if (setup_.restored && setup_.operatorStateStore) ctx.restoredSplits = splitState().get();
        reader_ = source_->createReader(ctx);
        reader_->start();
    }
    void snapshotState(int64_t checkpointId, int64_t) override {
        if (setup_.operatorStateStore) splitState().update(reader_->snapshotState(checkpointId));
    }
    void notifyCheckpointComplete(int64_t checkpointId) override {
        if (reader_) reader_->notifyCheckpointComplete(checkpointId);
    }
    InputStatus emitNext() override {
        InputStatus status = reader_->pollNext(readerOutput_);
        if (status == InputStatus::END_OF_INPUT) {
            periodic_.stop();
            watermarks_.emitWatermark(kMaxWatermark);
        }
        return status;
    }
    void emitFinalWatermark() override {
        periodic_.stop();
        watermarks_.emitWatermark(kMaxWatermark);
    }
    void close() override {
        periodic_.stop();
        if (reader_) reader_->close();
    }

private:
    ListState<std::string>& splitState() {
        return setup_.operatorStateStore->getListState(
            ListStateDescriptor<std::string>("source-splits"));
    }
    void emit(const T& value, int64_t recordTimestamp) {
        int64_t ts = strategy_.extractTimestamp(value, recordTimestamp);
        ++recordsEmitted_;
        output_->collect(value, ts);
        if (eventTime_) generator_->onEvent(value, ts, watermarks_);
    }
    struct Forwarder final : ReaderOutput<T> {
        SourceOperator* op = nullptr;
        void collect(const T& value) override { op->emit(value, kNoTimestamp); }
        void collect(const T& value, int64_t ts) override { op->emit(value, ts); }
    };
    std::shared_ptr<const Source<T>> source_;
    WatermarkStrategy<T> strategy_;
    std::unique_ptr<WatermarkGenerator<T>> generator_;
    std::unique_ptr<SourceReader<T>> reader_;
    Output<T>* output_ = nullptr;
    Forwarder readerOutput_;
    WatermarkEmitter watermarks_;
    PeriodicWatermarks periodic_;
    bool eventTime_ = true;
};

}  // namespace weir
