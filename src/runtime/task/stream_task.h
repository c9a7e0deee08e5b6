#pragma once
// StreamTask: one subtask = one thread running a mailbox loop over its operator chain.
//
// Loop: run mails; if an output has no free buffer, wait (backpressure); else process one unit
// of input (a buffer of records from the input gate, or a batch of records from the source
// reader); when there is no input, flush partial output buffers and sleep until woken.
// At end of input: endInput / finish every operator head first, send end-of-partition; then the
// task waits (still answering checkpoint mails with its final state) until the job master says
// that every task of the job has finished, tells its operators (kEndOfInputCheckpointId: the
// last two-phase commits), and closes them.
// An exception anywhere fails the task with a message naming the task and the operator.
//
// Checkpoints: a source task takes its snapshot when the coordinator's trigger mail arrives;
// other tasks when the barrier handler has seen the barrier on every input channel. The snapshot
// is prepareSnapshotPreBarrier on every operator, the barrier sent on every output, then the
// synchronous snapshot (operator hooks, keyed state, operator state) on the task thread, and the
// upload plus acknowledgement on a snapshot I/O thread.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "runtime/checkpoint/barrier_handler.h"
#include "runtime/checkpoint/channel_state_recorder.h"
#include "runtime/checkpoint/incremental_snapshots.h"
#include "runtime/io/input_gate.h"
#include "runtime/io/result_partition.h"
#include "runtime/task/mailbox.h"
#include "runtime/task/task_deployment.h"
#include "runtime/task/task_timer_service.h"
#include "weir/functions/operator_state.h"
#include "weir/runtime/network_input.h"
#include "weir/runtime/record_writer.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/state/rocksdb_store.h"

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
    void releaseInputGate() {
        pendingInput_.reset();  // a producer's buffer, like the gate's
        gate_.reset();
    }

    const TaskInfo& info() const { return deployment_.taskInfo; }
    Mailbox& mailbox() { return mailbox_; }
    int32_t taskIndex() const { return deployment_.checkpointing.taskIndex; }
    bool isSource() const { return deployment_.operators.front().isSource; }

    /// Called once from the task thread when its input has ended and its operators finished.
    void setEndOfInputListener(std::function<void(StreamTask&)> listener) {
        onEndOfInput_ = std::move(listener);
    }
    // Thread-safe; each posts a mail.
    /// Source tasks: take checkpoint `barrier.checkpointId` now and send the barrier. A task
    /// whose input has ended acknowledges with its final state (unless it already took that
    /// checkpoint from barriers).
    void triggerCheckpoint(const RuntimeEvent& barrier);
    void notifyCheckpointComplete(int64_t checkpointId);
    void notifyCheckpointAborted(int64_t checkpointId);
    /// Every task of the job has finished its input: commit and close.
    void endOfJob();
    /// Stop-with-savepoint: savepoint `savepointId` (whose barrier made this source task stop
    /// reading) completed; end the input now (without the final watermark unless the savepoint
    /// drained).
    void endInputAfterSavepoint(int64_t savepointId);
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
    /// Processes the rest of a buffer whose processing stopped for backpressure (it may stop
    /// again).
    void resumePendingInput();
    /// `suspend`: stopped with a savepoint without drain; operators are not finished.
    void endOfInput(bool suspend = false);

    /// The synchronous part of a snapshot of every operator.
    struct RawOperatorSnapshot {
        std::string operatorId;
        std::optional<KeyedStateSnapshot> keyed;
        std::vector<OperatorStateEntry> operatorState;
        std::vector<std::pair<int32_t, std::string>> inputChannelState;  // head, unaligned
        std::vector<ResultSubpartitionState> outputState;                // head, unaligned
        /// Incremental RocksDB checkpoint: the native snapshot to upload (`keyed` then holds
        /// only the timers).
        std::optional<RocksDbStore::NativeSnapshot> native;
        std::shared_ptr<IncrementalSnapshotter> snapshotter;
    };
    /// An unaligned barrier (priority copy or in-order marker) from the gate.
    void onUnalignedBarrier(const BufferOrEvent& entry);
    /// Handles the priority events queued in the gate (also while backpressured).
    void processPriorityEvents();
    void finishUnalignedCheckpoint();
    /// Restore: re-sends the in-flight output data of an unaligned checkpoint, then processes
    /// its in-flight input data, before anything new.
    void replayChannelState();
    /// Takes the snapshot; `upload` false leaves the raws to the caller (unaligned).
    std::vector<RawOperatorSnapshot> performCheckpoint(const RuntimeEvent& barrier,
                                                       bool uploadNow = true);
    /// `defer`: RocksDB keyed state is read later, on the upload's I/O thread (see
    /// KeyedStateBackend::snapshot).
    std::vector<RawOperatorSnapshot> snapshotOperators(int64_t checkpointId, int64_t timestamp,
                                                       SnapshotKind kind = SnapshotKind::kSavepoint,
                                                       bool defer = false);
    void upload(int64_t checkpointId, std::vector<RawOperatorSnapshot> raws);
    void declineCheckpoint(int64_t checkpointId, const std::string& reason);
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
    /// How many output pools are down to their reserve (BufferPool::setUnavailableCounter):
    /// while non-zero, the task takes no new input and stops a buffer between two records.
    std::atomic<int32_t> unavailableOutputs_{0};
    /// A buffer whose processing stopped between two records because the outputs filled up.
    struct PendingInput {
        BufferOrEvent entry;
        size_t offset = 0;
    };
    std::optional<PendingInput> pendingInput_;
    std::vector<std::unique_ptr<RecordWriter>> writers_;

    // RocksDB instances (state.backend.type: rocksdb) outlive the backends whose states use them.
    std::vector<std::unique_ptr<RocksDbStore>> rocksDbStores_;
    std::vector<std::unique_ptr<KeyedStateBackend>> keyedStates_;
    // Per operator of the chain: its keyed backend (or null), operator state and hooks.
    std::vector<KeyedStateBackend*> keyedStateOf_;
    /// Per operator: its incremental RocksDB checkpoints (null unless incremental).
    std::vector<std::shared_ptr<IncrementalSnapshotter>> incrementalOf_;
    std::vector<std::unique_ptr<OperatorStateStore>> operatorStores_;
    std::vector<FunctionCheckpointHooks> hooks_;
    std::unique_ptr<CheckpointBarrierHandler> barriers_;
    std::unique_ptr<ChannelStateRecorder> channelState_;
    std::vector<RawOperatorSnapshot> unalignedRaws_;  // waiting for the channel state
    std::function<void(StreamTask&)> onEndOfInput_;
    std::optional<std::vector<RawOperatorSnapshot>> finalSnapshot_;
    int64_t lastCheckpoint_ = -1;  // newest checkpoint this task snapshotted
    /// Set by a stop-with-savepoint barrier: the source reads nothing more (unless the
    /// savepoint is aborted).
    int64_t stoppedBySavepoint_ = -1;
    bool stopDrains_ = false;
    bool suspendedInput_ = false;  // an input ended with a suspending end of partition
    bool jobEnded_ = false;
    TaskTimerService timers_{deployment_.clock ? *deployment_.clock : Clock::system()};
    std::vector<std::unique_ptr<StreamOperator>> operators_;  // head first
    std::vector<std::unique_ptr<ElementOutput>> outputs_;
    std::vector<std::unique_ptr<NetworkInputBase>> inputs_;
    SourceOperatorBase* source_ = nullptr;
    int32_t finishedInputs_ = 0;
    bool endOfInputReached_ = false;
};

}  // namespace weir
