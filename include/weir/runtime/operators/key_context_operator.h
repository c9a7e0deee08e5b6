#pragma once
// KeyContextOperator: makes any one-input operator keyed. Before each element it sets the keyed
// state backend's current key from the element, then hands the element to the wrapped operator,
// so user functions after keyBy (map, flatMap, filter, ...) can use keyed state, as in Flink.
// Every other call of the lifecycle (stream_operator.h) goes straight to the wrapped operator.

#include <functional>
#include <memory>

#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

template <class K, class T>
class KeyContextOperator final : public StreamOperator, public Input<T> {
public:
    KeyContextOperator(std::unique_ptr<StreamOperator> inner, std::function<K(const T&)> key)
        : inner_(std::move(inner)), key_(std::move(key)) {
        innerInput_ = dynamic_cast<Input<T>*>(inner_->input(0));
        WEIR_CHECK(innerInput_ != nullptr) << "keyed operator input type mismatch";
    }

    void setup(const OperatorSetup& s, ElementOutput* output) override {
        StreamOperator::setup(s, output);
        WEIR_CHECK(s.keyedStateBackend != nullptr)
            << "keyed operator " << s.operatorName << " without state backend";
        inner_->setup(s, output);
    }
    void initializeState() override { inner_->initializeState(); }
    void open() override { inner_->open(); }
    void processElement(const T& value, int64_t timestamp) override {
        setup_.keyedStateBackend->setCurrentKey(key_(value));
        innerInput_->processElement(value, timestamp);
    }
    void processWatermark(int64_t watermark, int inputIndex) override {
        inner_->processWatermark(watermark, inputIndex);
    }
    void processWatermarkStatus(bool idle, int inputIndex) override {
        inner_->processWatermarkStatus(idle, inputIndex);
    }
    void endInput(int inputIndex) override { inner_->endInput(inputIndex); }
    void finish() override { inner_->finish(); }
    void close() override { inner_->close(); }
    void prepareSnapshotPreBarrier(int64_t checkpointId) override {
        inner_->prepareSnapshotPreBarrier(checkpointId);
    }
    void snapshotState(int64_t checkpointId, int64_t timestamp) override {
        inner_->snapshotState(checkpointId, timestamp);
    }
    void notifyCheckpointComplete(int64_t checkpointId) override {
        inner_->notifyCheckpointComplete(checkpointId);
    }
    void notifyCheckpointAborted(int64_t checkpointId) override {
        inner_->notifyCheckpointAborted(checkpointId);
    }
    InputBase* input(int) override { return this; }

private:
    std::unique_ptr<StreamOperator> inner_;
    Input<T>* innerInput_;
    std::function<K(const T&)> key_;
};

}  // namespace weir
