#include "cluster/local_job.h"

#include <set>

#include "cluster/task_wiring.h"
#include "core/logging.h"
#include "runtime/state/state_backend_kind.h"
#include "weir/core/options.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"

namespace weir {

LocalJob::LocalJob(JobGraph jobGraph, std::string jobId)
    : jobGraph_(std::move(jobGraph)), jobId_(std::move(jobId)) {}

LocalJob::~LocalJob() {
    cancel();
    if (master_.joinable()) master_.join();
    destroyTasks();
}

JobStatus LocalJob::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void LocalJob::start() {
    const Configuration& config = jobGraph_.configuration;
    const StreamGraph& graph = *jobGraph_.streamGraph;
    checkpointing_ = graph.executionMode != RuntimeExecutionMode::BATCH;
    stateBackendKind(config);  // validates state.backend.type before anything runs
    std::vector<std::string> known = options::engineKeys();
    for (auto& k : options::checkpointingKeys()) known.push_back(std::move(k));
    for (const auto& warning : unknownKeyWarnings(config, known))
        log::warn("job '{}': {}", jobGraph_.jobName, warning);
    restartStrategy_ = RestartStrategy::create(config);
    {
        const uint64_t segment = config.get(options::kSegmentSize).bytes();
        if (segment < 4096 || segment > (64u << 20))
            throw ConfigException(
                "taskmanager.memory.segment-size must be between 4 kb and 64 "
                "mb, not " +
                config.get(options::kSegmentSize).toString());
        network_ = std::make_unique<NetworkBufferPool>(
            static_cast<uint32_t>(options::networkMemory(config).bytes() / segment),
            static_cast<uint32_t>(segment));
    }

    // Operator layout for the checkpoint metadata, and which subtask each task runs.
    std::map<std::string, std::pair<int32_t, int32_t>> operators;
    std::vector<int32_t> taskSubtasks;
    std::set<std::string> operatorIds;
    for (const auto& v : jobGraph_.vertices) {
        for (int32_t nodeId : v.chainedNodes) {
            const StreamNode& n = graph.node(nodeId);
            operators[n.operatorId] = {v.parallelism, v.maxParallelism};
            operatorIds.insert(n.operatorId);
        }
        for (int32_t s = 0; s < v.parallelism; ++s) taskSubtasks.push_back(s);
    }

    if (auto path = config.getOptional(options::kStateRecoveryPath)) {
        initialRestore_ = loadCheckpointForRecovery(*path);
        if (!config.get(options::kIgnoreUnclaimedState)) {
            for (const auto& [id, op] : initialRestore_->operators) {
                bool hasState = false;
                for (const auto& [index, st] : op.subtasks)
                    hasState = hasState || st.keyed || st.incrementalKeyed || st.operatorState ||
                               st.inputChannelState || st.resultSubpartitionState;
                if (hasState && !operatorIds.count(id))
                    throw StateMigrationException(
                        "cannot restore '" + initialRestore_->externalPath +
                        "': it has state of operator " + id +
                        ", which this job does not have (give operators stable ids with "
                        ".uid(...), or set execution.state-recovery.ignore-unclaimed-state: "
                        "true to drop that state)");
            }
        }
        log::info("job '{}' restores {} {} from {}", jobGraph_.jobName,
                  initialRestore_->type == CheckpointType::kSavepoint ? "savepoint" : "checkpoint",
                  initialRestore_->checkpointId, initialRestore_->externalPath);
    }

    CheckpointCoordinator::Hooks hooks;
    hooks.readiness = [this]() -> std::string {
        if (status() != JobStatus::RUNNING) return "the job is not running";
        std::lock_guard lock(tasksMutex_);
        for (size_t i = 0; i < tasks_.size(); ++i)
            if (tasks_[i]->isSource() && !endOfInput_[i]) return "";
        return "every source has finished";
    };
    hooks.trigger = [this](const RuntimeEvent& barrier) {
        std::lock_guard lock(tasksMutex_);
        for (size_t i = 0; i < tasks_.size(); ++i)
            if (tasks_[i]->isSource() || endOfInput_[i]) tasks_[i]->triggerCheckpoint(barrier);
    };
    hooks.notifyComplete = [this](int64_t id) {
        std::lock_guard lock(tasksMutex_);
        for (auto& t : tasks_) t->notifyCheckpointComplete(id);
    };
    hooks.notifyAborted = [this](int64_t id) {
        std::lock_guard lock(tasksMutex_);
        for (auto& t : tasks_) t->notifyCheckpointAborted(id);
    };
    hooks.failJob = [this](const std::string& reason) { post({Event::kFail, -1, -1, {}, reason}); };
    coordinator_ = std::make_unique<CheckpointCoordinator>(
        config, jobId_, std::move(operators), std::move(taskSubtasks), std::move(hooks));
    if (initialRestore_) coordinator_->continueAfter(initialRestore_->checkpointId);
    snapshotExecutor_ = std::make_unique<SnapshotExecutor>(2);

    {
        std::lock_guard lock(mutex_);
        status_ = JobStatus::RUNNING;
        startTime_ = std::chrono::steady_clock::now();
    }
    deploy(initialRestore_ ? &*initialRestore_ : nullptr);
    if (checkpointing_) coordinator_->start();
    master_ = std::thread([this] { runMaster(); });
}

void LocalJob::deploy(const CompletedCheckpoint* restore) {
    TaskCheckpointSettings settings;
    settings.epoch = epoch_;
    if (checkpointing_) {
        settings.responder = coordinator_.get();
        settings.executor = snapshotExecutor_.get();
        settings.aligned = jobGraph_.configuration.get(options::kCheckpointingMode) ==
                           CheckpointingMode::EXACTLY_ONCE;
        settings.unaligned =
            settings.aligned && jobGraph_.configuration.get(options::kUnalignedCheckpoints);
    }
    const int64_t epoch = epoch_;
    TaskWiringCallbacks callbacks;
    callbacks.onDone = [this, epoch](StreamTask& t, TaskState st, const std::string& err) {
        post({Event::kTaskDone, epoch, t.taskIndex(), st, err});
    };
    callbacks.onEndOfInput = [this, epoch](StreamTask& t) {
        post({Event::kEndOfInput, epoch, t.taskIndex(), TaskState::FINISHED, {}});
    };
    auto tasks = wireTasks(jobGraph_, settings, restore, callbacks, *network_);
    {
        std::lock_guard lock(tasksMutex_);
        tasks_ = std::move(tasks);
        endOfInput_.assign(tasks_.size(), false);
        tasksEnded_ = 0;
        tasksAtEndOfInput_ = 0;
    }
    log::info("job '{}' ({}) starting {} tasks", jobGraph_.jobName, jobId_, tasks_.size());
    for (auto& t : tasks_) t->start();
}

void LocalJob::post(Event event) {
    {
        std::lock_guard lock(eventsMutex_);
        events_.push_back(std::move(event));
    }
    eventsCv_.notify_one();
}

LocalJob::Event LocalJob::nextEvent() {
    std::unique_lock lock(eventsMutex_);
    eventsCv_.wait(lock, [&] { return !events_.empty(); });
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
}

void LocalJob::runMaster() {
    bool cancelRequested = false;
    while (true) {
        Event e = nextEvent();
        if (e.kind == Event::kCancel) {
            cancelRequested = true;
            stopTasks(cancelRequested);
            finishJob(JobStatus::CANCELED);
            return;
        }
        if (e.kind == Event::kFail) {
            if (!restart(e.error, cancelRequested)) return;
            continue;
        }
        if (e.epoch != epoch_) continue;  // from tasks of an earlier execution
        if (e.kind == Event::kEndOfInput) {
            std::vector<RuntimeEvent> late;
            {
                std::lock_guard lock(tasksMutex_);
                if (endOfInput_[e.taskIndex]) continue;
                endOfInput_[e.taskIndex] = true;
                ++tasksAtEndOfInput_;
            }
            // Checkpoints triggered before this task's end was known wait for its final state.
            for (const auto& barrier : coordinator_->pendingBarriers())
                tasks_[e.taskIndex]->triggerCheckpoint(barrier);
            if (tasksAtEndOfInput_ == tasks_.size())
                for (auto& t : tasks_) t->endOfJob();
            continue;
        }
        // kTaskDone
        ++tasksEnded_;
        if (e.state == TaskState::FAILED) {
            if (!restart(e.error, cancelRequested)) return;
            continue;
        }
        if (e.state == TaskState::CANCELED) {
            // A task cancelled without a request (should not happen): treat as a failure.
            if (!restart("task " + std::to_string(e.taskIndex) + " was cancelled", cancelRequested))
                return;
            continue;
        }
        if (tasksEnded_ == tasks_.size()) {
            finishJob(JobStatus::FINISHED);
            return;
        }
    }
}

void LocalJob::stopTasks(bool& cancelRequested) {
    {
        std::lock_guard lock(mutex_);
        if (status_ == JobStatus::RUNNING) status_ = JobStatus::CANCELLING;
    }
    for (auto& t : tasks_) t->cancel();
    while (tasksEnded_ < tasks_.size()) {
        Event e = nextEvent();
        if (e.kind == Event::kCancel) cancelRequested = true;
        if (e.kind == Event::kTaskDone && e.epoch == epoch_) ++tasksEnded_;
    }
}

void LocalJob::destroyTasks() {
    std::vector<std::unique_ptr<StreamTask>> old;
    {
        std::lock_guard lock(tasksMutex_);
        old = std::move(tasks_);
        tasks_.clear();
        endOfInput_.clear();
    }
    for (auto& t : old) t->cancel();
    for (auto& t : old) t->join();
    // Queued buffers go back to their producers' pools before any task (and pool) is destroyed.
    for (auto& t : old) t->releaseInputGate();
}

std::optional<CompletedCheckpoint> LocalJob::restorePoint() const {
    if (auto latest = coordinator_->latestCompleted()) return latest;
    return initialRestore_;
}

bool LocalJob::restart(const std::string& cause, bool& cancelRequested) {
    {
        std::lock_guard lock(mutex_);
        if (failure_.empty()) failure_ = cause;
        status_ = JobStatus::RESTARTING;
    }
    log::warn("job '{}' failed: {}", jobGraph_.jobName, cause);
    stopTasks(cancelRequested);
    if (cancelRequested) {
        finishJob(JobStatus::CANCELED);
        return false;
    }
    auto delay = restartStrategy_->onFailure(std::chrono::steady_clock::now());
    if (!delay) {
        {
            std::lock_guard lock(mutex_);
            failure_ = cause;
            if (restartStrategy_->describe() != "none")
                failure_ +=
                    " (no restart left: restart strategy " + restartStrategy_->describe() + ")";
        }
        finishJob(JobStatus::FAILED);
        return false;
    }
    snapshotExecutor_->drain();  // no snapshot part outlives the tasks it was taken from
    destroyTasks();
    // Wait out the delay, but let a cancellation through at once.
    auto until = std::chrono::steady_clock::now() + *delay;
    {
        std::unique_lock lock(eventsMutex_);
        while (!cancelRequested) {
            if (!eventsCv_.wait_until(lock, until, [&] { return !events_.empty(); })) break;
            Event e = std::move(events_.front());
            events_.pop_front();
            if (e.kind == Event::kCancel) cancelRequested = true;
        }
    }
    if (cancelRequested) {
        finishJob(JobStatus::CANCELED);
        return false;
    }
    epoch_ = coordinator_->restartEpoch();
    auto point = restorePoint();
    try {
        deploy(point ? &*point : nullptr);
    } catch (const std::exception& e) {
        {
            std::lock_guard lock(mutex_);
            failure_ = "cannot restore from checkpoint " +
                       (point ? std::to_string(point->checkpointId) : std::string("-")) + ": " +
                       e.what() + " (after: " + cause + ")";
        }
        destroyTasks();
        finishJob(JobStatus::FAILED);
        return false;
    }
    {
        std::lock_guard lock(mutex_);
        status_ = JobStatus::RUNNING;
        failure_.clear();
        ++numRestarts_;
    }
    done_.notify_all();  // stopWithSavepoint waits for the end or a restart
    log::info("job '{}' restarted (attempt {}) from {}", jobGraph_.jobName, numRestarts_,
              point ? "checkpoint " + std::to_string(point->checkpointId) : "the beginning");
    return true;
}

void LocalJob::finishJob(JobStatus terminal) {
    // The tasks have ended; their asynchronous snapshot parts end before pending checkpoints are
    // aborted and their directories deleted, so none is written again after that.
    if (snapshotExecutor_) snapshotExecutor_->drain();
    coordinator_->shutdown(terminal);
    std::lock_guard lock(mutex_);
    runtimeMillis_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - startTime_)
                         .count();
    status_ = terminal;
    terminal_ = true;
    if (terminal == JobStatus::FAILED)
        log::error("job '{}' failed: {}", jobGraph_.jobName, failure_);
    done_.notify_all();
}

void LocalJob::cancel() {
    {
        std::lock_guard lock(mutex_);
        if (terminal_ || status_ == JobStatus::CREATED) return;
        if (status_ == JobStatus::RUNNING) status_ = JobStatus::CANCELLING;
    }
    post({Event::kCancel, -1, -1, {}, {}});
}

JobExecutionResult LocalJob::waitForResult() {
    {
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return terminal_; });
    }
    if (master_.joinable() && master_.get_id() != std::this_thread::get_id()) master_.join();
    destroyTasks();
    std::lock_guard lock(mutex_);
    if (status_ == JobStatus::FAILED)
        throw JobExecutionException(jobGraph_.jobName,
                                    "job '" + jobGraph_.jobName + "' failed: " + failure_);
    if (status_ == JobStatus::CANCELED)
        throw JobCancellationException(jobGraph_.jobName,
                                       "job '" + jobGraph_.jobName + "' was cancelled");
    return JobExecutionResult(jobId_, jobGraph_.jobName, runtimeMillis_);
}

std::string LocalJob::triggerSavepoint(const std::string& directory) {
    if (!checkpointing_)
        throw CheckpointException("job '" + jobGraph_.jobName +
                                  "' takes no savepoints (BATCH execution mode)");
    if (status() != JobStatus::RUNNING)
        throw CheckpointException("cannot take a savepoint: job '" + jobGraph_.jobName + "' is " +
                                  jobStatusName(status()));
    return coordinator_->triggerSavepoint(directory, SnapshotKind::kSavepoint).get().path;
}

int64_t LocalJob::triggerCheckpoint() {
    if (!checkpointing_)
        throw CheckpointException("job '" + jobGraph_.jobName +
                                  "' takes no checkpoints (BATCH execution mode)");
    if (status() != JobStatus::RUNNING)
        throw CheckpointException("cannot take a checkpoint: job '" + jobGraph_.jobName + "' is " +
                                  jobStatusName(status()));
    return coordinator_->triggerCheckpoint().get();
}

std::string LocalJob::stopWithSavepoint(const std::string& directory, bool drain) {
    if (!checkpointing_)
        throw CheckpointException("job '" + jobGraph_.jobName +
                                  "' takes no savepoints (BATCH execution mode)");
    if (status() != JobStatus::RUNNING)
        throw CheckpointException("cannot stop job '" + jobGraph_.jobName +
                                  "' with a savepoint: it is " + jobStatusName(status()));
    {
        std::lock_guard lock(tasksMutex_);
        for (bool ended : endOfInput_)
            if (ended)
                throw CheckpointException("cannot stop job '" + jobGraph_.jobName +
                                          "' with a savepoint: some of its tasks have finished");
    }
    auto kind = drain ? SnapshotKind::kSavepointTerminate : SnapshotKind::kSavepointSuspend;
    auto [id, path] = coordinator_->triggerSavepoint(directory, kind).get();
    {
        std::lock_guard lock(tasksMutex_);
        for (auto& t : tasks_)
            if (t->isSource()) t->endInputAfterSavepoint(id);
    }
    std::unique_lock lock(mutex_);
    const int64_t restarts = numRestarts_;
    done_.wait(lock, [&] { return terminal_ || numRestarts_ != restarts; });
    if (!terminal_)
        throw CheckpointException("job '" + jobGraph_.jobName + "' took savepoint " + path +
                                  " but failed before it stopped, and restarted: " + failure_);
    if (status_ != JobStatus::FINISHED)
        throw CheckpointException("job '" + jobGraph_.jobName + "' took savepoint " + path +
                                  " but did not stop cleanly: " + failure_);
    return path;
}

CheckpointStatistics LocalJob::checkpointStatistics() const {
    CheckpointStatistics out = coordinator_ ? coordinator_->stats() : CheckpointStatistics{};
    std::lock_guard lock(mutex_);
    out.numRestarts = numRestarts_;
    return out;
}

}  // namespace weir
