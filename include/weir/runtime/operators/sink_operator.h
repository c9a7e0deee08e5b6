#pragma once
// SinkOperator: hands every record to the subtask's SinkWriter; flushes it at end of input.

#include <memory>

#include "weir/api/sink.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

template <class T>
class SinkOperator final : public StreamOperator, public Input<T> {
public:
    explicit SinkOperator(std::shared_ptr<const Sink<T>> sink) : sink_(std::move(sink)) {}

    InputBase* input(int) override { return this; }
    void open() override {
        SinkWriterContext ctx;
        ctx.subtaskIndex = setup_.taskInfo.subtaskIndex;
        ctx.parallelism = setup_.taskInfo.parallelism;
        ctx.configuration = setup_.configuration;
        writer_ = sink_->createWriter(ctx);
    }
    void processElement(const T& value, int64_t timestamp) override {
        writer_->write(value, timestamp);
    }
    void finish() override { writer_->flush(true); }
    void close() override {
        if (writer_) writer_->close();
    }

protected:
    void onWatermark(int64_t) override {}

private:
    std::shared_ptr<const Sink<T>> sink_;
    std::unique_ptr<SinkWriter<T>> writer_;
};

}  // namespace weir
