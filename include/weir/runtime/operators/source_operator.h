#pragma once
// SourceOperator: runs a SourceReader inside its task. The task calls emitNext() from its mailbox
// loop; at the end of a bounded input the operator emits the final watermark (+inf) so that every
// downstream event-time timer and window fires.

#include <memory>

#include "weir/api/source.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

class SourceOperatorBase : public StreamOperator {
public:
    virtual InputStatus emitNext() = 0;
    int numberOfInputs() const override { return 0; }
    InputBase* input(int) override { return nullptr; }
};

template <class T>
class SourceOperator final : public SourceOperatorBase {
public:
    explicit SourceOperator(std::shared_ptr<const Source<T>> source) : source_(std::move(source)) {}

    void setup(const OperatorSetup& s, ElementOutput* output) override {
        SourceOperatorBase::setup(s, output);
        output_ = dynamic_cast<Output<T>*>(output);
        WEIR_CHECK(output_ != nullptr) << "output type mismatch for source " << s.operatorName;
        readerOutput_.out = output_;
    }
    void open() override {
        SourceReaderContext ctx;
        ctx.subtaskIndex = setup_.taskInfo.subtaskIndex;
        ctx.parallelism = setup_.taskInfo.parallelism;
        ctx.configuration = setup_.configuration;
        ctx.wakeUp = setup_.wakeUpTask;
        reader_ = source_->createReader(ctx);
        reader_->start();
    }
    InputStatus emitNext() override {
        InputStatus status = reader_->pollNext(readerOutput_);
        if (status == InputStatus::END_OF_INPUT) output_->emitWatermark(kMaxWatermark);
        return status;
    }
    void close() override {
        if (reader_) reader_->close();
    }

private:
    struct Forwarder final : ReaderOutput<T> {
        Output<T>* out = nullptr;
        void collect(const T& value) override { out->collect(value, kNoTimestamp); }
        void collect(const T& value, int64_t ts) override { out->collect(value, ts); }
    };
    std::shared_ptr<const Source<T>> source_;
    std::unique_ptr<SourceReader<T>> reader_;
    Output<T>* output_ = nullptr;
    Forwarder readerOutput_;
};

}  // namespace weir
