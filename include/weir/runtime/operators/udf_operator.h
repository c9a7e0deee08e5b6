#pragma once
// Shared plumbing for operators that run a user function: the function's copy for this subtask,
// its RuntimeContext, and the rich-function lifecycle (open/close).

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "weir/functions/functions.h"
#include "weir/functions/operator_state.h"
#include "weir/functions/processing_time_service.h"
#include "weir/runtime/output.h"
#include "weir/runtime/runtime_context.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

/// Calls open/close on F when it is a RichFunction.
template <class F>
class UserFunctionHolder {
public:
    explicit UserFunctionHolder(F f) : function_(std::move(f)) {}

    /// initializeState (CheckpointedFunction, from the operator state store the task restored),
    /// then open (RichFunction); registers the function's checkpoint callbacks with the task.
    void openFunction(const OperatorSetup& setup) {
        runtimeContext_.emplace(setup.taskInfo, setup.keyedStateBackend,
                                setup.processingTimeService);
        store_ = setup.operatorStateStore ? setup.operatorStateStore : &operatorState_;
        OperatorStateStore& store = *store_;
        if constexpr (std::is_base_of_v<CheckpointedFunction, F>) {
            FunctionInitializationContext ctx(store, setup.restored);
            function_.initializeState(ctx);
            if (setup.checkpointHooks)
                setup.checkpointHooks->snapshot.push_back([this](int64_t id, int64_t ts) {
                    function_.snapshotState(FunctionSnapshotContext(id, ts));
                });
        }
        if constexpr (std::is_base_of_v<CheckpointListener, F>) {
            if (setup.checkpointHooks) {
                setup.checkpointHooks->complete.push_back(
                    [this](int64_t id) { function_.notifyCheckpointComplete(id); });
                setup.checkpointHooks->aborted.push_back(
                    [this](int64_t id) { function_.notifyCheckpointAborted(id); });
            }
        }
        if constexpr (std::is_base_of_v<RichFunction, F>) {
            function_.setRuntimeContext(&*runtimeContext_);
            function_.open(OpenContext{});
        }
    }
    void closeFunction() {
        if constexpr (std::is_base_of_v<RichFunction, F>) function_.close();
    }
    F& function() { return function_; }
    /// The store the function's operator state lives in (the task's, once opened).
    OperatorStateStore& operatorState() { return store_ ? *store_ : operatorState_; }
    RuntimeContext& runtimeContext() { return *runtimeContext_; }

private:
    F function_;
    OperatorStateStore operatorState_;  // used when the task provides none (tests)
    OperatorStateStore* store_ = nullptr;
    std::optional<RuntimeContext> runtimeContext_;
};

/// Collector that forwards to an Output with a fixed timestamp (the input element's).
template <class T>
class TimestampedCollector final : public Collector<T> {
public:
    explicit TimestampedCollector(Output<T>* out = nullptr) : out_(out) {}
    void setOutput(Output<T>* out) { out_ = out; }
    void setTimestamp(int64_t ts) { timestamp_ = ts; }
    void collect(const T& value) override { out_->collect(value, timestamp_); }

private:
    Output<T>* out_;
    int64_t timestamp_ = kNoTimestamp;
};

/// The context of non-keyed process functions (ProcessFunction, CoProcessFunction): the
/// element's timestamp, the operator's watermark, the task's clock and side outputs.
template <class Base>
struct ElementContext final : Base {
    StreamOperator* op = nullptr;
    int64_t elementTimestamp = kNoTimestamp;
    std::optional<int64_t> timestamp() const override {
        return elementTimestamp == kNoTimestamp ? std::nullopt : std::optional(elementTimestamp);
    }
    int64_t currentWatermark() const override { return op->currentWatermark(); }
    int64_t currentProcessingTime() const override {
        auto* time = op->setupInfo().processingTimeService;
        return time ? time->getCurrentProcessingTime() : currentTimeMillis();
    }
    void outputErased(const std::string& tagId, const void* value) override {
        op->rawOutput()->collectSide(tagId, value, elementTimestamp);
    }
};

}  // namespace weir
