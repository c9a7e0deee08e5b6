#pragma once
// StreamOperator: the one shape every operator has. The task calls, on its own thread and in this
// order: setup -> initializeState -> open -> processElement / processWatermark /
// processWatermarkStatus (per input) ... -> endInput (per input) -> finish -> close; and at each
// checkpoint prepareSnapshotPreBarrier -> snapshotState, later notifyCheckpointComplete or
// notifyCheckpointAborted. Operator code never locks: everything runs on the task's mailbox
// thread.
//
// State: the task owns the operator's keyed state backend (keyed operators) and operator state
// store, restores them before initializeState (setup().restored says whether it did), and
// snapshots them right after snapshotState, which is where an operator moves whatever it keeps
// elsewhere into them.
//
// Typed inputs: a one-input operator is an Input<IN>; a two-input operator exposes Input<IN1> and
// Input<IN2> through input(0) and input(1).

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weir/core/check.h"
#include "weir/core/configuration.h"
#include "weir/functions/task_info.h"
#include "weir/runtime/output.h"

namespace weir {

class KeyedStateBackend;
class OperatorStateStore;
class ProcessingTimeService;

/// Checkpoint callbacks of the user functions inside an operator (CheckpointedFunction,
/// CheckpointListener), registered when the function opens; the task calls them after the
/// operator's own methods.
struct FunctionCheckpointHooks {
    std::vector<std::function<void(int64_t checkpointId, int64_t timestamp)>> snapshot;
    std::vector<std::function<void(int64_t checkpointId)>> complete;
    std::vector<std::function<void(int64_t checkpointId)>> aborted;
};

/// The id under which notifyCheckpointComplete reports the end of a bounded job: every task has
/// finished, so whatever was pre-committed at the end of input can be committed.
inline constexpr int64_t kEndOfInputCheckpointId = INT64_MAX;

/// What the task hands an operator at setup.
struct OperatorSetup {
    std::string operatorName;
    std::string operatorId;
    TaskInfo taskInfo;
    RuntimeExecutionMode executionMode = RuntimeExecutionMode::STREAMING;
    const Configuration* configuration = nullptr;
    /// Set for operators on a keyed stream; owned by the task.
    KeyedStateBackend* keyedStateBackend = nullptr;
    /// The operator's list, union and broadcast state; owned by the task (null in some tests).
    OperatorStateStore* operatorStateStore = nullptr;
    /// Where user functions register their checkpoint callbacks (null in some tests).
    FunctionCheckpointHooks* checkpointHooks = nullptr;
    /// True when the state backends were restored from a checkpoint or savepoint.
    bool restored = false;
    /// The task's clock and processing-time timers (fired on the task thread).
    ProcessingTimeService* processingTimeService = nullptr;
    /// Wakes the task's mailbox loop (for sources whose data arrives on another thread).
    std::function<void()> wakeUpTask;
    /// True once the task is being cancelled.
    const std::atomic<bool>* cancelled = nullptr;
};

class InputBase {
public:
    virtual ~InputBase() = default;
};

template <class T>
class Input : public InputBase {
public:
    virtual void processElement(const T& value, int64_t timestamp) = 0;
};

class StreamOperator {
public:
    virtual ~StreamOperator() = default;

    /// Called once, before anything else. `output` is the operator's main output (possibly a
    /// broadcasting one); it outlives the operator's use of it.
    virtual void setup(const OperatorSetup& setup, ElementOutput* output) {
        setup_ = setup;
        rawOutput_ = output;
    }
    virtual void initializeState() {}
    virtual void open() {}
    /// A watermark from input `inputIndex` (0 or 1). The default keeps the minimum over inputs and
    /// hands every advance to onWatermark.
    virtual void processWatermark(int64_t watermark, int inputIndex);
    /// Input `inputIndex` turned idle or active. With two inputs, an idle input stops holding
    /// back the combined watermark, and the operator is idle only when both are.
    virtual void processWatermarkStatus(bool idle, int inputIndex);
    /// Input `inputIndex` has ended (bounded input).
    virtual void endInput(int inputIndex) {}
    /// End of all input: flush buffered results.
    virtual void finish() {}
    virtual void close() {}

    /// Checkpoint `checkpointId` is about to be taken: emit what must precede the barrier.
    virtual void prepareSnapshotPreBarrier(int64_t checkpointId) {}
    /// Moves the operator's own state into its state backends (synchronous part of a snapshot).
    virtual void snapshotState(int64_t checkpointId, int64_t timestamp) {}
    /// Checkpoint `checkpointId` is complete (durable); kEndOfInputCheckpointId at the end of a
    /// bounded job.
    virtual void notifyCheckpointComplete(int64_t checkpointId) {}
    virtual void notifyCheckpointAborted(int64_t checkpointId) {}

    virtual int numberOfInputs() const { return 1; }
    /// The typed input `index` (an Input<T>), for the network and chaining outputs.
    virtual InputBase* input(int index) = 0;

    const OperatorSetup& setupInfo() const { return setup_; }
    ElementOutput* rawOutput() const { return rawOutput_; }
    int64_t currentWatermark() const { return currentWatermark_; }

protected:
    /// The combined input watermark advanced. The default forwards it.
    virtual void onWatermark(int64_t watermark) { rawOutput_->emitWatermark(watermark); }

    OperatorSetup setup_;
    ElementOutput* rawOutput_ = nullptr;

private:
    int64_t currentWatermark_ = kMinWatermark;
    int64_t inputWatermarks_[2] = {kMinWatermark, kMinWatermark};
    bool inputIdle_[2] = {false, false};
    void advanceCombinedWatermark();
};

inline void StreamOperator::processWatermark(int64_t watermark, int inputIndex) {
    if (numberOfInputs() != 2) {
        if (watermark > currentWatermark_) {
            currentWatermark_ = watermark;
            onWatermark(watermark);
        }
        return;
    }
    if (inputIdle_[inputIndex])
        processWatermarkStatus(false, inputIndex);  // a watermark means active
    inputWatermarks_[inputIndex] = std::max(inputWatermarks_[inputIndex], watermark);
    advanceCombinedWatermark();
}

inline void StreamOperator::processWatermarkStatus(bool idle, int inputIndex) {
    if (numberOfInputs() != 2) {
        rawOutput_->emitWatermarkStatus(idle);
        return;
    }
    bool wasIdle = inputIdle_[0] && inputIdle_[1];
    inputIdle_[inputIndex] = idle;
    bool nowIdle = inputIdle_[0] && inputIdle_[1];
    advanceCombinedWatermark();
    if (nowIdle != wasIdle) rawOutput_->emitWatermarkStatus(nowIdle);
}

inline void StreamOperator::advanceCombinedWatermark() {
    // The minimum over active inputs; when both are idle, the larger one (as the input valve does).
    int64_t combined;
    if (inputIdle_[0] && inputIdle_[1])
        combined = std::max(inputWatermarks_[0], inputWatermarks_[1]);
    else if (inputIdle_[0])
        combined = inputWatermarks_[1];
    else if (inputIdle_[1])
        combined = inputWatermarks_[0];
    else
        combined = std::min(inputWatermarks_[0], inputWatermarks_[1]);
    if (combined > currentWatermark_) {
        currentWatermark_ = combined;
        onWatermark(combined);
    }
}

/// Base for operators with one input of type IN and main output of type OUT.
template <class IN, class OUT>
class OneInputOperator : public StreamOperator, public Input<IN> {
public:
    void setup(const OperatorSetup& s, ElementOutput* output) override {
        StreamOperator::setup(s, output);
        output_ = dynamic_cast<Output<OUT>*>(output);
        WEIR_CHECK(output_ != nullptr) << "output type mismatch for operator " << s.operatorName;
    }
    InputBase* input(int index) override { return this; }

protected:
    Output<OUT>* output_ = nullptr;
};

/// Base for operators with two inputs (connect, joins).
template <class IN1, class IN2, class OUT>
class TwoInputOperator : public StreamOperator {
public:
    void setup(const OperatorSetup& s, ElementOutput* output) override {
        StreamOperator::setup(s, output);
        output_ = dynamic_cast<Output<OUT>*>(output);
        WEIR_CHECK(output_ != nullptr) << "output type mismatch for operator " << s.operatorName;
    }
    int numberOfInputs() const override { return 2; }
    InputBase* input(int index) override {
        return index == 0 ? static_cast<InputBase*>(&first_) : static_cast<InputBase*>(&second_);
    }
    virtual void processElement1(const IN1& value, int64_t timestamp) = 0;
    virtual void processElement2(const IN2& value, int64_t timestamp) = 0;

protected:
    Output<OUT>* output_ = nullptr;

private:
    struct First : Input<IN1> {
        TwoInputOperator* op;
        explicit First(TwoInputOperator* o) : op(o) {}
        void processElement(const IN1& v, int64_t ts) override { op->processElement1(v, ts); }
    };
    struct Second : Input<IN2> {
        TwoInputOperator* op;
        explicit Second(TwoInputOperator* o) : op(o) {}
        void processElement(const IN2& v, int64_t ts) override { op->processElement2(v, ts); }
    };
    First first_{this};
    Second second_{this};
};

/// Makes one operator instance per subtask (a transformation's, a chained operator's).
using OperatorFactory = std::function<std::unique_ptr<StreamOperator>()>;

}  // namespace weir
