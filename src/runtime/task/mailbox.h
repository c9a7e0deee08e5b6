#pragma once
// Mailbox: actions other threads hand to a task (cancellation, checkpoint triggers, timer firings,
// completions of asynchronous work). The task runs them on its own thread between input elements,
// so operator code never needs a lock.

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>

#include "core/concurrency/wakeup_signal.h"

namespace weir {

class Mailbox {
public:
    explicit Mailbox(WakeupSignal* signal) : signal_(signal) {}

    /// Thread-safe.
    void put(std::function<void()> mail) {
        {
            std::lock_guard lock(mutex_);
            mails_.push_back(std::move(mail));
            hasMail_.store(true, std::memory_order_release);
        }
        signal_->notify();
    }

    /// Runs every queued mail (task thread only). Cheap when there is none.
    void runAll() {
        if (!hasMail_.load(std::memory_order_acquire)) return;
        std::deque<std::function<void()>> batch;
        {
            std::lock_guard lock(mutex_);
            batch.swap(mails_);
            hasMail_.store(false, std::memory_order_release);
        }
        for (auto& m : batch) m();
    }

private:
    WakeupSignal* signal_;
    std::mutex mutex_;
    std::deque<std::function<void()>> mails_;
    std::atomic<bool> hasMail_{false};
};

}  // namespace weir
