#pragma once
// WakeupSignal: how a task thread sleeps until something it waits for happens (a mail, input data,
// a free output buffer) without losing a wake-up that arrives between its check and its sleep.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace weir {

class WakeupSignal {
public:
    /// Wakes the waiter (or makes its next wait return at once).
    void notify() {
        {
            std::lock_guard lock(mutex_);
            notified_ = true;
        }
        cv_.notify_one();
    }

    /// True when a notify() has come that no wait() has consumed yet.
    bool pending() {
        std::lock_guard lock(mutex_);
        return notified_;
    }

    /// Sleeps until notify() or the timeout; clears the flag.
    void wait(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, timeout, [this] { return notified_; });
        notified_ = false;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool notified_ = false;
};

}  // namespace weir
