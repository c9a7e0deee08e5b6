#pragma once
// StreamTask: one subtask = one thread running a mailbox loop over its operator chain.
//
// Loop: run mails; if an output has no free buffer, wait (backpressure); else process one unit
// of input (a buffer of records from the input gate, or a batch of records from the source
// reader); when there is no input, flush partial output buffers and sleep until woken.
// At end of input: endInput / finish every operator head first, send end-of-partition, close.
// An exception anywhere fails the task with a message naming the task and the operator.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "runtime/io/input_gate.h"
#include "runtime/io/result_partition.h"
#include "runtime/task/mailbox.h"
#include "runtime/task/task_deployment.h"
#include "runtime/task/task_timer_service.h"
#include "weir/runtime/network_input.h"
#include "weir/runtime/record_writer.h"
#include "weir/runtime/state/keyed_state_backend.h"

namespace weir {

class SourceOperatorBase;

enum class TaskState { CREATED, RUNNING, FINISHED, FAILED, CANCELED };

class StreamTask {
public:
    /// Called once from the task thread when the task reaches a final state; `error` is empty
    /// unless it failed.
    using CompletionCallback =
        std::function<void(StreamTask&, TaskState, const std::string& error)>;

    StreamTask(TaskDeployment deployment, const Configuration* configuration,
               CompletionCallback onDone);
    ~StreamTask();

    /// Wiring, before start(): the gate the task reads, the partitions it writes.
    WakeupSignal& signal() { return signal_; }
    InputGate* createInputGate(int32_t numChannels);
    void setInputChannelMapping(std::vector<std::pair<int32_t, int32_t>> channelToInput);
    void addResultPartition(std::unique_ptr<ResultPartition> partition);
    const std::atomic<bool>* cancelFlag() const { return &cancelled_; }
    InputGate* inputGate() const { return gate_.get(); }

    void start();
    /// Asks the task to stop; it ends in CANCELED unless it already ended. Thread-safe.
    void cancel();
    void join();
    /// Drops the buffers still queued in the input gate (after a failure or cancellation), while
    /// the producers' pools still exist. Call after every task of the job has been joined.
    void releaseInputGate() { gate_.reset(); }

    const TaskInfo& info() const { return deployment_.taskInfo; }
    Mailbox& mailbox() { return mailbox_; }
    std::vector<std::unique_ptr<ResultPartition>>& partitions() { return partitions_; }

private:
    void run();
    void buildChain();
    void runLoop();
    bool outputsAvailable() const;
    /// Sleeps until woken, or until the next processing-time timer is due (at most `limit`).
    void idleWait(std::chrono::milliseconds limit);
    void flushOutputs();
    /// Processes one buffer or event; returns false if the gate was empty.
    bool processNetworkInput();
    void endOfInput();

    TaskDeployment deployment_;
    const Configuration* configuration_;
    CompletionCallback onDone_;
    WakeupSignal signal_;
    Mailbox mailbox_{&signal_};
    std::atomic<bool> cancelled_{false};
    std::thread thread_;

    std::unique_ptr<InputGate> gate_;
    std::vector<std::pair<int32_t, int32_t>> channelToInput_;  // gate channel -> (input, channel)
    std::vector<std::unique_ptr<ResultPartition>> partitions_;
    std::vector<std::unique_ptr<RecordWriter>> writers_;

    std::vector<std::unique_ptr<KeyedStateBackend>> keyedStates_;
    TaskTimerService timers_;
    std::vector<std::unique_ptr<StreamOperator>> operators_;  // head first
    std::vector<std::unique_ptr<ElementOutput>> outputs_;
    std::vector<std::unique_ptr<NetworkInputBase>> inputs_;
    SourceOperatorBase* source_ = nullptr;
    int32_t finishedInputs_ = 0;
    bool endOfInputReached_ = false;
};

}  // namespace weir
