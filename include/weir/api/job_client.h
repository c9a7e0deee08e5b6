#pragma once
// JobClient: a handle on a submitted job (executeAsync), and JobExecutionResult: what a finished
// job reports (execute).

#include <cstdint>
#include <memory>
#include <string>

namespace weir {

enum class JobStatus { CREATED, RUNNING, FINISHED, FAILED, CANCELLING, CANCELED };

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
};

class JobClient {
public:
    explicit JobClient(std::shared_ptr<JobHandle> handle) : handle_(std::move(handle)) {}
    std::string getJobId() const { return handle_->jobId(); }
    JobStatus getJobStatus() const { return handle_->status(); }
    void cancel() { handle_->cancel(); }
    JobExecutionResult getJobExecutionResult() { return handle_->waitForResult(); }

private:
    std::shared_ptr<JobHandle> handle_;
};

}  // namespace weir
