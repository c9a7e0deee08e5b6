#pragma once
// SnapshotExecutor: the I/O threads that write the asynchronous part of task snapshots, so a
// task thread goes back to processing records while its state is uploaded. The queue is bounded
// in practice by tasks x max-concurrent-checkpoints.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace weir {

class SnapshotExecutor {
public:
    explicit SnapshotExecutor(int numThreads);
    /// Runs every queued job, then joins the threads.
    ~SnapshotExecutor();
    void submit(std::function<void()> job);
    /// Waits until every job submitted so far has run. A job ends its job's checkpoint work
    /// (files written, acknowledgement sent), so after drain() no snapshot of an aborted
    /// checkpoint can still write into its directory.
    void drain();

private:
    void run();
    std::mutex mutex_;
    std::condition_variable cv_;
    std::condition_variable idle_;
    int running_ = 0;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace weir
