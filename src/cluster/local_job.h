#pragma once
// LocalJob: one job running inside this process, the job master of the embedded mini-cluster.
//
// It deploys the job's tasks (task_wiring.h), runs the checkpoint coordinator, and on its own
// master thread reacts to what the tasks report:
//   every task has finished its input  -> tell them the job is ending (final commits), then
//                                         FINISHED once they all have closed;
//   a task failed                      -> cancel the others and ask the restart strategy: either
//                                         restart every task from the latest completed
//                                         checkpoint (RESTARTING -> RUNNING) or fail the job
//                                         with the first failure as its cause;
//   cancel()                           -> cancel every task -> CANCELED.
// A job started with execution.state-recovery.path restores that savepoint or checkpoint.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/memory/network_buffer_pool.h"
#include "graph/job_graph.h"
#include "runtime/checkpoint/checkpoint_coordinator.h"
#include "runtime/checkpoint/restart_strategy.h"
#include "runtime/checkpoint/snapshot_executor.h"
#include "runtime/task/stream_task.h"
#include "weir/core/job_client.h"

namespace weir {

class LocalJob final : public JobHandle {
public:
    LocalJob(JobGraph jobGraph, std::string jobId);
    ~LocalJob() override;

    /// Deploys and starts the tasks. Throws (and leaves nothing running) when the configuration
    /// is invalid or the state to restore cannot be read or does not fit the job.
    void start();

    std::string jobId() const override { return jobId_; }
    JobStatus status() const override;
    void cancel() override;
    JobExecutionResult waitForResult() override;
    std::string triggerSavepoint(const std::string& directory) override;
    int64_t triggerCheckpoint() override;
    std::string stopWithSavepoint(const std::string& directory, bool drain) override;
    CheckpointStatistics checkpointStatistics() const override;

private:
    struct Event {
        enum Kind { kTaskDone, kEndOfInput, kCancel, kFail } kind;
        int64_t epoch = 0;
        int32_t taskIndex = -1;
        TaskState state = TaskState::FINISHED;
        std::string error;
    };
    void post(Event event);
    Event nextEvent();
    void runMaster();
    /// Creates and starts the tasks of the current epoch.
    void deploy(const CompletedCheckpoint* restore);
    /// Cancels the tasks and handles events until every task of the epoch has ended.
    void stopTasks(bool& cancelRequested);
    void destroyTasks();
    /// After a failure: restarts (true) or gives up (false; failure_ set).
    bool restart(const std::string& cause, bool& cancelRequested);
    void finishJob(JobStatus terminal);
    std::optional<CompletedCheckpoint> restorePoint() const;

    JobGraph jobGraph_;
    std::string jobId_;
    bool checkpointing_ = false;
    std::optional<CompletedCheckpoint> initialRestore_;
    // Order matters for destruction: tasks first, then the snapshot threads, then the
    // coordinator they report to.
    std::unique_ptr<CheckpointCoordinator> coordinator_;
    std::unique_ptr<SnapshotExecutor> snapshotExecutor_;
    std::unique_ptr<RestartStrategy> restartStrategy_;
    // The network memory of this in-process "TaskManager" (outlives the tasks' pools).
    std::unique_ptr<NetworkBufferPool> network_;

    mutable std::mutex tasksMutex_;  // guards tasks_ and endOfInput_ against coordinator hooks
    std::vector<std::unique_ptr<StreamTask>> tasks_;
    std::vector<bool> endOfInput_;
    int64_t epoch_ = 0;
    size_t tasksEnded_ = 0;
    size_t tasksAtEndOfInput_ = 0;

    std::mutex eventsMutex_;
    std::condition_variable eventsCv_;
    std::deque<Event> events_;
    std::thread master_;

    mutable std::mutex mutex_;
    std::condition_variable done_;
    JobStatus status_ = JobStatus::CREATED;
    bool terminal_ = false;
    std::string failure_;
    int64_t numRestarts_ = 0;
    std::chrono::steady_clock::time_point startTime_;
    int64_t runtimeMillis_ = 0;
};

}  // namespace weir
