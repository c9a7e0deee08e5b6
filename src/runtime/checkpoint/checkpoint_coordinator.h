#pragma once
// CheckpointCoordinator: the job master's side of checkpoints.
//
// Every execution.checkpointing.interval it triggers checkpoint n at the source tasks (and at
// tasks whose input has ended, which answer with their final state), unless
// max-concurrent-checkpoints are in progress or min-pause has not passed since the last one
// completed. The checkpoint completes when every task has acknowledged (its state is stored) and
// _metadata is durably written; then the tasks hear notifyCheckpointComplete(n). A checkpoint
// that a task declines, or that is not complete after the timeout, is aborted; more than
// tolerable-failed-checkpoints consecutive failures fail the job over. The newest num-retained
// checkpoints are kept; older ones are deleted when a newer one completes.
//
// Time comes from an injected Clock: start() runs tick() on the coordinator's own thread with
// the real clock; tests give a ManualClock, advance it and call tick() themselves.
//
// Thread-safety: every public method is thread-safe. Hooks are called without the lock held.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/time/clock.h"
#include "runtime/checkpoint/checkpoint_responder.h"
#include "runtime/checkpoint/checkpoint_storage.h"
#include "weir/core/configuration.h"
#include "weir/core/job_client.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"
#include "weir/runtime/stream_element.h"

namespace weir {

class CheckpointCoordinator final : public CheckpointResponder {
public:
    struct Hooks {
        /// Empty when the job can take a checkpoint now, else why not (tasks still deploying,
        /// every source finished).
        std::function<std::string()> readiness;
        /// Sends the trigger to the source tasks and to the tasks whose input has ended.
        std::function<void(const RuntimeEvent&)> trigger;
        std::function<void(int64_t)> notifyComplete;
        std::function<void(int64_t)> notifyAborted;
        /// Too many consecutive checkpoint failures: fail the job over with this cause.
        std::function<void(const std::string&)> failJob;
    };
    /// Operator id -> (parallelism, max parallelism); `taskSubtasks[i]` is task i's subtask
    /// index.
    CheckpointCoordinator(const Configuration& config, std::string jobId,
                          std::map<std::string, std::pair<int32_t, int32_t>> operators,
                          std::vector<int32_t> taskSubtasks, Hooks hooks,
                          Clock& clock = Clock::system());
    ~CheckpointCoordinator() override;

    bool periodicCheckpointsEnabled() const { return interval_.count() > 0; }
    /// Starts the coordinator's thread, which calls tick() whenever it says.
    void start();
    /// Does what is due at the clock's time: aborts checkpoints past their timeout, then triggers
    /// the periodic checkpoint if its interval has passed, fewer than max-concurrent checkpoints
    /// are in progress and min-pause has passed since the last completion. Returns when it should
    /// be called next (never now: a trigger held back waits for an event or the next interval).
    Clock::TimePoint tick();
    /// Aborts the pending checkpoints (job restarting) and starts a new execution epoch: acks
    /// of the old tasks are ignored from now on.
    int64_t restartEpoch();
    int64_t epoch() const;
    /// Checkpoint ids continue after `id` (the checkpoint or savepoint the job restored).
    void continueAfter(int64_t id);

    std::optional<CompletedCheckpoint> latestCompleted() const;
    /// The barriers of the checkpoints and savepoints in progress.
    std::vector<RuntimeEvent> pendingBarriers() const;
    struct SavepointResult {
        int64_t id = 0;
        std::string path;
    };
    /// Triggers a savepoint into `targetDirectory` (empty: the configured savepoint directory);
    /// the future gives its id and path, or the failure.
    std::future<SavepointResult> triggerSavepoint(const std::string& targetDirectory,
                                                  SnapshotKind kind);
    /// Triggers a checkpoint now (tests, and `weir checkpoint`); the future gives its id.
    std::future<int64_t> triggerCheckpoint();

    /// The job reached a terminal state: stop, abort what is pending, and keep or delete the
    /// retained checkpoints as execution.checkpointing.externalized-checkpoint-retention says.
    void shutdown(JobStatus terminal);

    /// The job's checkpoint figures (numRestarts is the job master's to fill in).
    CheckpointStatistics stats() const;

    // CheckpointResponder
    std::shared_ptr<const CheckpointStorageLocation> location(int64_t checkpointId) override;
    void acknowledge(int64_t epoch, int32_t taskIndex, int64_t checkpointId,
                     std::vector<std::pair<std::string, OperatorSubtaskState>> states) override;
    void decline(int64_t epoch, int32_t taskIndex, int64_t checkpointId,
                 const std::string& reason) override;

private:
    struct Pending {
        int64_t id = 0;
        int64_t timestamp = 0;
        SnapshotKind kind = SnapshotKind::kCheckpoint;
        Clock::TimePoint started;
        std::shared_ptr<CheckpointStorageLocation> location;
        std::vector<bool> acked;
        size_t numAcked = 0;
        CompletedCheckpoint result;
        /// Set when requested by hand (savepoints, triggerCheckpoint).
        std::shared_ptr<std::promise<SavepointResult>> savepointPromise;
        std::shared_ptr<std::promise<int64_t>> checkpointPromise;
    };
    void run();
    /// Starts a checkpoint or savepoint; returns nothing when the job is not ready (reason set).
    std::shared_ptr<Pending> startPending(
        SnapshotKind kind, const std::string& savepointDir, std::string& reason,
        std::shared_ptr<std::promise<SavepointResult>> savepointPromise = nullptr,
        std::shared_ptr<std::promise<int64_t>> checkpointPromise = nullptr);
    void complete(std::shared_ptr<Pending> pending);
    /// Removes `id` from the pending ones (if there) and reports it. Lock not held.
    void abort(int64_t id, const std::string& reason, bool countsAsFailure);
    void discard(const CompletedCheckpoint& checkpoint);
    /// Deletes the shared files (incremental checkpoints) of `checkpoint` that no retained
    /// checkpoint references, once no checkpoint is in progress (one may reference them).
    void releaseSharedFiles(const CompletedCheckpoint& checkpoint);
    void collectSharedFiles();

    // configuration
    std::string jobId_;
    Duration interval_{0};
    Duration timeout_;
    Duration minPause_;
    int32_t maxConcurrent_;
    int32_t tolerableFailures_;
    int32_t numRetained_;
    ExternalizedCheckpointRetention retention_;
    bool unaligned_;
    CheckpointStorage storage_;
    std::map<std::string, std::pair<int32_t, int32_t>> operators_;
    std::vector<int32_t> taskSubtasks_;
    Hooks hooks_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
    int64_t epoch_ = 0;
    int64_t nextId_ = 1;
    std::map<int64_t, std::shared_ptr<Pending>> pending_;
    std::deque<CompletedCheckpoint> completed_;
    int32_t consecutiveFailures_ = 0;
    std::set<std::string> sharedCandidates_;  // shared files to delete when unreferenced
    Clock& clock_;
    Clock::TimePoint nextTrigger_{};
    Clock::TimePoint lastCompletion_{};
    CheckpointStatistics stats_;
};

}  // namespace weir
