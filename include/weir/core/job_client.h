#pragma once
// JobClient: a handle on a submitted job (executeAsync), and JobExecutionResult: what a finished
// job reports (execute).

#include <cstdint>
#include <memory>
#include <string>

namespace weir {

enum class JobStatus { CREATED, RUNNING, RESTARTING, FINISHED, FAILED, CANCELLING, CANCELED };

/// Checkpoint figures of a job, as Flink's web UI shows them.
struct CheckpointStatistics {
    int64_t numCompleted = 0;
    int64_t numFailed = 0;
    /// Duration and total state size of the latest completed checkpoint or savepoint.
    int64_t lastDurationMillis = 0;
    uint64_t lastStateSize = 0;
    /// Unaligned checkpoints: in-flight data stored by the latest one, and how many completed
    /// checkpoints stored any.
    uint64_t lastInFlightDataSize = 0;
    int64_t numWithInFlightData = 0;
    /// Incremental RocksDB checkpoints: files the latest one uploaded, and reused from earlier
    /// checkpoints.
    uint64_t lastIncrementalFilesUploaded = 0;
    uint64_t lastIncrementalFilesReused = 0;
    /// Id and directory of the latest completed checkpoint or savepoint (the directory is empty
    /// when it lives in memory).
    int64_t lastCompletedId = 0;
    std::string lastExternalPath;
    std::string lastFailure;
    /// How often the job restarted after a failure.
    int64_t numRestarts = 0;
};

const char* jobStatusName(JobStatus status);

class JobExecutionResult {
public:
    JobExecutionResult() = default;
    JobExecutionResult(std::string jobId, std::string jobName, int64_t netRuntimeMillis)
        : jobId_(std::move(jobId)), jobName_(std::move(jobName)), netRuntime_(netRuntimeMillis) {}
    const std::string& getJobId() const { return jobId_; }
    const std::string& getJobName() const { return jobName_; }
    /// Wall-clock time from deployment to the end of the job, in milliseconds.
    int64_t getNetRuntime() const { return netRuntime_; }

private:
    std::string jobId_;
    std::string jobName_;
    int64_t netRuntime_ = 0;
};

/// What an executor gives back for a submitted job (implemented by the mini-cluster).
class JobHandle {
public:
    virtual ~JobHandle() = default;
    virtual std::string jobId() const = 0;
    virtual JobStatus status() const = 0;
    virtual void cancel() = 0;
    /// Blocks until the job ends; throws JobExecutionException (or JobCancellationException)
    /// if it did not finish.
    virtual JobExecutionResult waitForResult() = 0;
    /// Takes a savepoint; returns its directory. Throws CheckpointException.
    virtual std::string triggerSavepoint(const std::string& directory) = 0;
    /// Takes a checkpoint now (besides the periodic ones); returns its id once it completed.
    virtual int64_t triggerCheckpoint() = 0;
    /// Takes a savepoint and stops the job (with `drain`, after the final watermark has fired
    /// every timer and window). Returns the savepoint's directory.
    virtual std::string stopWithSavepoint(const std::string& directory, bool drain) = 0;
    virtual CheckpointStatistics checkpointStatistics() const = 0;
};

class JobClient {
public:
    explicit JobClient(std::shared_ptr<JobHandle> handle) : handle_(std::move(handle)) {}
    std::string getJobId() const { return handle_->jobId(); }
    JobStatus getJobStatus() const { return handle_->status(); }
    void cancel() { handle_->cancel(); }
    JobExecutionResult getJobExecutionResult() { return handle_->waitForResult(); }
    /// Takes a savepoint into `directory` (empty: execution.checkpointing.savepoint-dir) and
    /// returns its path; blocks until it completes. Throws CheckpointException on failure.
    std::string triggerSavepoint(const std::string& directory = "") {
        return handle_->triggerSavepoint(directory);
    }
    /// Takes a checkpoint now and returns its id once complete (getCheckpointStatistics() then
    /// has its duration and size). Throws CheckpointException on failure.
    int64_t triggerCheckpoint() { return handle_->triggerCheckpoint(); }
    /// Takes a savepoint, then stops the job; returns the savepoint's path. With
    /// `advanceToEndOfEventTime` (drain) the sources first emit the final watermark, so every
    /// window and event-time timer fires before the savepoint.
    std::string stopWithSavepoint(bool advanceToEndOfEventTime = false,
                                  const std::string& directory = "") {
        return handle_->stopWithSavepoint(directory, advanceToEndOfEventTime);
    }
    CheckpointStatistics getCheckpointStatistics() const { return handle_->checkpointStatistics(); }

private:
    std::shared_ptr<JobHandle> handle_;
};

}  // namespace weir
