#pragma once
// LocalJob: one job running inside this process, the job master of the embedded mini-cluster.
// It expands the JobGraph into subtasks (vertex x parallelism), wires result partitions to input
// gates (all-to-all, or pointwise for forward and rescale edges), starts every task thread, and
// collects their ends: the job finishes when every task finished; the first failure cancels the
// rest and becomes the job's failure cause.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/job_graph.h"
#include "runtime/task/stream_task.h"
#include "weir/api/job_client.h"

namespace weir {

class LocalJob final : public JobHandle {
public:
    LocalJob(JobGraph jobGraph, std::string jobId);
    ~LocalJob() override;

    void start();

    std::string jobId() const override { return jobId_; }
    JobStatus status() const override;
    void cancel() override;
    JobExecutionResult waitForResult() override;

private:
    void deploy();
    void onTaskDone(StreamTask& task, TaskState state, const std::string& error);

    JobGraph jobGraph_;
    std::string jobId_;
    std::vector<std::unique_ptr<StreamTask>> tasks_;

    mutable std::mutex mutex_;
    std::condition_variable done_;
    JobStatus status_ = JobStatus::CREATED;
    size_t tasksEnded_ = 0;
    std::string failure_;
    bool cancelRequested_ = false;
    std::chrono::steady_clock::time_point startTime_;
    int64_t runtimeMillis_ = 0;
};

}  // namespace weir
