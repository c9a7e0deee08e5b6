#include "runtime/checkpoint/snapshot_executor.h"

namespace weir {

SnapshotExecutor::SnapshotExecutor(int numThreads) {
    for (int i = 0; i < numThreads; ++i) threads_.emplace_back([this] { run(); });
}

SnapshotExecutor::~SnapshotExecutor() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void SnapshotExecutor::submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

void SnapshotExecutor::drain() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return jobs_.empty() && running_ == 0; });
}

void SnapshotExecutor::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++running_;
        }
        job();
        {
            std::lock_guard lock(mutex_);
            --running_;
        }
        idle_.notify_all();
    }
}

}  // namespace weir
