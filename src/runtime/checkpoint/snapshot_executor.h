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

private:
    void run();
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace weir
