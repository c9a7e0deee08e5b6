#include "runtime/checkpoint/checkpoint_coordinator.h"

#include <filesystem>

#include "core/logging.h"
#include "runtime/checkpoint/checkpoint_metadata.h"
#include "weir/core/exceptions.h"

namespace weir {

namespace {
bool isSavepoint(SnapshotKind kind) {
    return kind != SnapshotKind::kCheckpoint;
}
}  // namespace

CheckpointCoordinator::CheckpointCoordinator(
    const Configuration& config, std::string jobId,
    std::map<std::string, std::pair<int32_t, int32_t>> operators, std::vector<int32_t> taskSubtasks,
    Hooks hooks, Clock& clock)
    : jobId_(std::move(jobId)),
      timeout_(config.get(options::kCheckpointTimeout)),
      minPause_(config.get(options::kMinPauseBetweenCheckpoints)),
      maxConcurrent_(std::max(1, config.get(options::kMaxConcurrentCheckpoints))),
      tolerableFailures_(config.get(options::kTolerableFailedCheckpoints)),
      numRetained_(std::max(1, config.get(options::kNumRetainedCheckpoints))),
      retention_(config.get(options::kExternalizedCheckpointRetention)),
      unaligned_(config.get(options::kUnalignedCheckpoints) &&
                 config.get(options::kCheckpointingMode) == CheckpointingMode::EXACTLY_ONCE),
      storage_(config, jobId_),
      operators_(std::move(operators)),
      taskSubtasks_(std::move(taskSubtasks)),
      hooks_(std::move(hooks)),
      clock_(clock) {
    if (auto interval = config.getOptional(options::kCheckpointingInterval)) interval_ = *interval;
    nextTrigger_ = clock_.now() + interval_;
    if (timeout_.count() <= 0)
        throw ConfigException("execution.checkpointing.timeout must be positive");
}

CheckpointCoordinator::~CheckpointCoordinator() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void CheckpointCoordinator::start() {
    {
        std::lock_guard lock(mutex_);
        nextTrigger_ = clock_.now() + interval_;
    }
    thread_ = std::thread([this] { run(); });
}

int64_t CheckpointCoordinator::epoch() const {
    std::lock_guard lock(mutex_);
    return epoch_;
}

int64_t CheckpointCoordinator::restartEpoch() {
    std::vector<int64_t> ids;
    {
        std::lock_guard lock(mutex_);
        ++epoch_;
        consecutiveFailures_ = 0;
        for (const auto& [id, p] : pending_) ids.push_back(id);
    }
    for (int64_t id : ids) abort(id, "the job is restarting", false);
    std::lock_guard lock(mutex_);
    return epoch_;
}

void CheckpointCoordinator::continueAfter(int64_t id) {
    std::lock_guard lock(mutex_);
    nextId_ = std::max(nextId_, id + 1);
}

std::optional<CompletedCheckpoint> CheckpointCoordinator::latestCompleted() const {
    std::lock_guard lock(mutex_);
    if (completed_.empty()) return std::nullopt;
    return completed_.back();
}

std::vector<RuntimeEvent> CheckpointCoordinator::pendingBarriers() const {
    std::lock_guard lock(mutex_);
    std::vector<RuntimeEvent> out;
    for (const auto& [id, p] : pending_) {
        RuntimeEvent barrier;
        barrier.type = RuntimeEventType::kCheckpointBarrier;
        barrier.checkpointId = id;
        barrier.timestamp = p->timestamp;
        barrier.kind = p->kind;
        out.push_back(barrier);
    }
    return out;
}

CheckpointStatistics CheckpointCoordinator::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void CheckpointCoordinator::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        Clock::TimePoint wakeAt = tick();
        lock.lock();
        cv_.wait_until(lock, wakeAt, [&] { return stopping_; });
    }
}

Clock::TimePoint CheckpointCoordinator::tick() {
    // Timeouts are checked at least every 50 ms; the next trigger time counts only when it is
    // still ahead (one held back by max-concurrent or min-pause must not make the loop spin).
    constexpr auto kTimeoutCheck = std::chrono::milliseconds(50);
    auto now = clock_.now();
    std::unique_lock lock(mutex_);
    if (stopping_) return now + kTimeoutCheck;

    std::vector<std::pair<int64_t, bool>> expired;  // (id, savepoint)
    for (const auto& [id, p] : pending_)
        if (now - p->started >= timeout_) expired.emplace_back(id, isSavepoint(p->kind));
    if (!expired.empty()) {
        lock.unlock();
        for (auto [id, savepoint] : expired)
            abort(id,
                  std::string(savepoint ? "savepoint " : "checkpoint ") + std::to_string(id) +
                      " expired before completing (execution.checkpointing.timeout " +
                      std::to_string(timeout_.count()) + " ms)",
                  true);
        lock.lock();
    }
    auto wakeAt = [&] {
        auto at = now + kTimeoutCheck;
        if (periodicCheckpointsEnabled() && nextTrigger_ > now) at = std::min(at, nextTrigger_);
        return at;
    };
    if (!periodicCheckpointsEnabled() || now < nextTrigger_) return wakeAt();
    size_t inProgress = 0;
    for (const auto& [id, p] : pending_) inProgress += isSavepoint(p->kind) ? 0 : 1;
    if (inProgress >= static_cast<size_t>(maxConcurrent_)) return wakeAt();
    if (minPause_.count() > 0 && lastCompletion_ != Clock::TimePoint{} &&
        now < lastCompletion_ + minPause_) {
        nextTrigger_ = lastCompletion_ + minPause_;
        return wakeAt();
    }
    nextTrigger_ = now + interval_;
    Clock::TimePoint next = wakeAt();
    lock.unlock();
    std::string reason;
    if (!startPending(SnapshotKind::kCheckpoint, "", reason))
        log::debug("checkpoint not triggered: {}", reason);
    if (!reason.empty() && reason.rfind("storage: ", 0) == 0) {
        // The storage failed (e.g. the directory cannot be created): a checkpoint failure.
        bool fail = false;
        {
            std::lock_guard relock(mutex_);
            ++stats_.numFailed;
            stats_.lastFailure = reason;
            fail = ++consecutiveFailures_ > tolerableFailures_;
        }
        log::warn("checkpoint could not start: {}", reason);
        if (fail && hooks_.failJob)
            hooks_.failJob("exceeded the checkpoint tolerable failure threshold (" +
                           std::to_string(tolerableFailures_) +
                           ", execution.checkpointing.tolerable-failed-checkpoints): " + reason);
    }
    return next;
}

std::shared_ptr<CheckpointCoordinator::Pending> CheckpointCoordinator::startPending(
    SnapshotKind kind, const std::string& savepointDir, std::string& reason,
    std::shared_ptr<std::promise<SavepointResult>> savepointPromise,
    std::shared_ptr<std::promise<int64_t>> checkpointPromise) {
    reason = hooks_.readiness ? hooks_.readiness() : "";
    if (!reason.empty()) return nullptr;
    auto p = std::make_shared<Pending>();
    p->kind = kind;
    p->timestamp = clock_.currentTimeMillis();
    p->started = clock_.now();
    p->acked.assign(taskSubtasks_.size(), false);
    p->savepointPromise = std::move(savepointPromise);
    p->checkpointPromise = std::move(checkpointPromise);
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            reason = "the job is shutting down";
            return nullptr;
        }
        p->id = nextId_++;
    }
    try {
        p->location = isSavepoint(kind) ? storage_.initializeSavepoint(savepointDir)
                                        : storage_.initializeCheckpoint(p->id);
    } catch (const Exception& e) {
        reason = std::string("storage: ") + e.what();
        return nullptr;
    }
    p->result.jobId = jobId_;
    p->result.checkpointId = p->id;
    p->result.timestamp = p->timestamp;
    p->result.type = isSavepoint(kind) ? CheckpointType::kSavepoint : CheckpointType::kCheckpoint;
    for (const auto& [id, par] : operators_) {
        p->result.operators[id].parallelism = par.first;
        p->result.operators[id].maxParallelism = par.second;
    }
    bool registered = false;
    {
        // Checked again with the insertion: a shutdown that began after the first check has
        // already aborted what was pending, and would never settle this one's promise.
        std::lock_guard lock(mutex_);
        if (!stopping_) pending_[p->id] = p;
        registered = !stopping_;
    }
    if (!registered) {
        if (p->location) p->location->discard();
        reason = "the job is shutting down";
        return nullptr;
    }
    RuntimeEvent barrier;
    barrier.type = RuntimeEventType::kCheckpointBarrier;
    barrier.checkpointId = p->id;
    barrier.timestamp = p->timestamp;
    barrier.kind = kind;
    barrier.unaligned = unaligned_ && !isSavepoint(kind);  // savepoints are always aligned
    log::debug("triggering {} {}", isSavepoint(kind) ? "savepoint" : "checkpoint", p->id);
    hooks_.trigger(barrier);
    return p;
}

std::future<CheckpointCoordinator::SavepointResult> CheckpointCoordinator::triggerSavepoint(
    const std::string& targetDirectory, SnapshotKind kind) {
    auto promise = std::make_shared<std::promise<SavepointResult>>();
    auto future = promise->get_future();
    std::string reason;
    if (!startPending(kind, targetDirectory, reason, promise, nullptr))
        promise->set_exception(std::make_exception_ptr(
            CheckpointException("savepoint could not be triggered: " + reason)));
    return future;
}

std::future<int64_t> CheckpointCoordinator::triggerCheckpoint() {
    auto promise = std::make_shared<std::promise<int64_t>>();
    auto future = promise->get_future();
    std::string reason;
    if (!startPending(SnapshotKind::kCheckpoint, "", reason, nullptr, promise))
        promise->set_exception(std::make_exception_ptr(
            CheckpointException("checkpoint could not be triggered: " + reason)));
    return future;
}

std::shared_ptr<const CheckpointStorageLocation> CheckpointCoordinator::location(
    int64_t checkpointId) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(checkpointId);
    return it == pending_.end() ? nullptr : it->second->location;
}

void CheckpointCoordinator::acknowledge(
    int64_t epoch, int32_t taskIndex, int64_t checkpointId,
    std::vector<std::pair<std::string, OperatorSubtaskState>> states) {
    std::shared_ptr<Pending> done;
    {
        std::lock_guard lock(mutex_);
        if (epoch != epoch_) return;
        auto it = pending_.find(checkpointId);
        if (it == pending_.end()) return;
        Pending& p = *it->second;
        if (taskIndex < 0 || static_cast<size_t>(taskIndex) >= p.acked.size() || p.acked[taskIndex])
            return;
        p.acked[taskIndex] = true;
        ++p.numAcked;
        int32_t subtask = taskSubtasks_[taskIndex];
        for (auto& [operatorId, st] : states) {
            if (st.keyed) p.result.stateSize += st.keyed->data.size;
            if (st.operatorState) p.result.stateSize += st.operatorState->size;
            if (st.inputChannelState) {
                p.result.stateSize += st.inputChannelState->size;
                p.result.inFlightDataSize += st.inputChannelState->size;
            }
            if (st.resultSubpartitionState) {
                p.result.stateSize += st.resultSubpartitionState->size;
                p.result.inFlightDataSize += st.resultSubpartitionState->size;
            }
            if (st.incrementalKeyed) {
                for (const auto& [name, h] : st.incrementalKeyed->sharedFiles)
                    p.result.stateSize += h.size;
                for (const auto& [name, h] : st.incrementalKeyed->privateFiles)
                    p.result.stateSize += h.size;
                p.result.sharedFilesUploaded += st.sharedFilesUploaded;
                p.result.sharedFilesReused += st.sharedFilesReused;
            }
            p.result.operators[operatorId].subtasks[subtask] = std::move(st);
        }
        if (p.numAcked == p.acked.size()) {
            done = it->second;
            pending_.erase(it);
        }
    }
    if (done) complete(std::move(done));
}

void CheckpointCoordinator::decline(int64_t epoch, int32_t taskIndex, int64_t checkpointId,
                                    const std::string& reason) {
    {
        std::lock_guard lock(mutex_);
        if (epoch != epoch_) return;
    }
    abort(checkpointId, "declined by " + reason, true);
}

void CheckpointCoordinator::complete(std::shared_ptr<Pending> p) {
    const bool savepoint = isSavepoint(p->kind);
    try {
        p->location->writeMetadata(encodeMetadata(p->result));
    } catch (const std::exception& e) {
        {
            std::lock_guard lock(mutex_);
            pending_[p->id] = p;  // so that abort finds it
        }
        abort(p->id, std::string("cannot write its metadata: ") + e.what(), !savepoint);
        return;
    }
    p->result.externalPath = p->location->directory();
    auto duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - p->started).count();
    std::vector<CompletedCheckpoint> subsumed;
    std::vector<int64_t> older;
    {
        std::lock_guard lock(mutex_);
        stats_.lastDurationMillis = duration;
        stats_.lastStateSize = p->result.stateSize;
        stats_.lastInFlightDataSize = p->result.inFlightDataSize;
        stats_.lastIncrementalFilesUploaded = p->result.sharedFilesUploaded;
        stats_.lastIncrementalFilesReused = p->result.sharedFilesReused;
        if (p->result.inFlightDataSize > 0) ++stats_.numWithInFlightData;
        stats_.lastExternalPath = p->result.externalPath;
        stats_.lastCompletedId = p->id;
        if (!savepoint) {
            ++stats_.numCompleted;
            consecutiveFailures_ = 0;
            lastCompletion_ = clock_.now();
            completed_.push_back(p->result);
            while (completed_.size() > static_cast<size_t>(numRetained_)) {
                subsumed.push_back(std::move(completed_.front()));
                completed_.pop_front();
            }
            for (const auto& [id, other] : pending_)
                if (id < p->id && !isSavepoint(other->kind)) older.push_back(id);
        }
    }
    log::info("{} {} of job {} completed in {} ms ({} bytes){}",
              savepoint ? "savepoint" : "checkpoint", p->id, jobId_, duration, p->result.stateSize,
              p->result.externalPath.empty() ? "" : " at " + p->result.externalPath);
    for (int64_t id : older) abort(id, "subsumed by checkpoint " + std::to_string(p->id), false);
    for (const auto& c : subsumed) discard(c);
    collectSharedFiles();
    // A savepoint commits nothing (as in Flink since 1.15): the job does not fail over to it, so
    // its side effects wait for the next checkpoint. Stop-with-savepoint is the exception: the
    // job ends with it.
    if (hooks_.notifyComplete && (!savepoint || p->kind != SnapshotKind::kSavepoint))
        hooks_.notifyComplete(p->id);
    if (p->savepointPromise) p->savepointPromise->set_value({p->id, p->result.externalPath});
    if (p->checkpointPromise) p->checkpointPromise->set_value(p->id);
}

void CheckpointCoordinator::abort(int64_t id, const std::string& reason, bool countsAsFailure) {
    std::shared_ptr<Pending> p;
    bool failJob = false;
    {
        std::lock_guard lock(mutex_);
        auto it = pending_.find(id);
        if (it == pending_.end()) return;
        p = it->second;
        pending_.erase(it);
        if (!isSavepoint(p->kind)) {
            if (countsAsFailure) {
                ++stats_.numFailed;
                stats_.lastFailure = reason;
                failJob = ++consecutiveFailures_ > tolerableFailures_;
            }
        }
    }
    log::warn("{} {} of job {} aborted: {}", isSavepoint(p->kind) ? "savepoint" : "checkpoint", id,
              jobId_, reason);
    if (p->location) p->location->discard();
    releaseSharedFiles(p->result);
    collectSharedFiles();
    if (hooks_.notifyAborted) hooks_.notifyAborted(id);
    std::string message = (isSavepoint(p->kind) ? "savepoint " : "checkpoint ") +
                          std::to_string(id) + " failed: " + reason;
    if (p->savepointPromise)
        p->savepointPromise->set_exception(std::make_exception_ptr(CheckpointException(message)));
    if (p->checkpointPromise)
        p->checkpointPromise->set_exception(std::make_exception_ptr(CheckpointException(message)));
    if (failJob && hooks_.failJob)
        hooks_.failJob("exceeded the checkpoint tolerable failure threshold (" +
                       std::to_string(tolerableFailures_) +
                       ", execution.checkpointing.tolerable-failed-checkpoints): " + message);
}

void CheckpointCoordinator::releaseSharedFiles(const CompletedCheckpoint& c) {
    if (!storage_.hasDirectory()) return;
    std::lock_guard lock(mutex_);
    for (const auto& [id, op] : c.operators)
        for (const auto& [index, st] : op.subtasks)
            if (st.incrementalKeyed)
                for (const auto& [name, h] : st.incrementalKeyed->sharedFiles)
                    sharedCandidates_.insert(std::filesystem::path(h.path).filename().string());
}

void CheckpointCoordinator::collectSharedFiles() {
    std::vector<std::string> remove;
    {
        std::lock_guard lock(mutex_);
        if (sharedCandidates_.empty() || !pending_.empty()) return;
        std::set<std::string> referenced;
        for (const auto& c : completed_)
            for (const auto& [id, op] : c.operators)
                for (const auto& [index, st] : op.subtasks)
                    if (st.incrementalKeyed)
                        for (const auto& [name, h] : st.incrementalKeyed->sharedFiles)
                            referenced.insert(std::filesystem::path(h.path).filename().string());
        for (const auto& f : sharedCandidates_)
            if (!referenced.count(f)) remove.push_back(f);
        sharedCandidates_.clear();
    }
    for (const auto& f : remove) {
        std::error_code ec;
        std::filesystem::remove(storage_.jobDirectory() + "/shared/" + f, ec);
    }
}

void CheckpointCoordinator::discard(const CompletedCheckpoint& c) {
    releaseSharedFiles(c);
    if (c.externalPath.empty()) return;
    std::error_code ec;  // never throws: a leftover directory is only logged
    std::filesystem::remove_all(c.externalPath, ec);
    if (ec) log::warn("cannot delete checkpoint {}: {}", c.externalPath, ec.message());
}

void CheckpointCoordinator::shutdown(JobStatus terminal) {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::vector<int64_t> ids;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, p] : pending_) ids.push_back(id);
    }
    for (int64_t id : ids) abort(id, "the job ended", false);
    bool keep = false;
    switch (retention_) {
        case ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION:
            keep = terminal == JobStatus::CANCELED || terminal == JobStatus::FAILED;
            break;
        case ExternalizedCheckpointRetention::DELETE_ON_CANCELLATION:
            keep = terminal == JobStatus::FAILED;
            break;
        case ExternalizedCheckpointRetention::NO_EXTERNALIZED_CHECKPOINTS:
            keep = false;
            break;
    }
    std::deque<CompletedCheckpoint> completed;
    {
        std::lock_guard lock(mutex_);
        completed = completed_;
    }
    if (!keep) {
        {
            std::lock_guard lock(mutex_);
            completed_.clear();
        }
        for (const auto& c : completed) discard(c);
        collectSharedFiles();
        storage_.removeJobDirectoryIfEmpty();
    }
}

}  // namespace weir
