#pragma once
// TaskTimerService: the ProcessingTimeService of a StreamTask. Timers are kept in a priority queue
// and fired by the task's mailbox loop (fireDue), which also sleeps no longer than the next
// deadline. Processing time comes from an injected Clock (the system clock unless a test gives a
// ManualClock). Used only from the task thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "core/time/clock.h"
#include "weir/functions/processing_time_service.h"

namespace weir {

class TaskTimerService final : public ProcessingTimeService {
public:
    explicit TaskTimerService(const Clock& clock = Clock::system()) : clock_(clock) {}

    int64_t getCurrentProcessingTime() override { return clock_.currentTimeMillis(); }

    void registerTimer(int64_t time, std::function<void(int64_t)> callback) override {
        timers_.push(Entry{time, sequence_++, std::move(callback)});
    }

    /// Fires every timer whose time has come, in time order (and registration order on ties).
    void fireDue() {
        if (timers_.empty()) return;
        int64_t now = getCurrentProcessingTime();
        while (!timers_.empty() && timers_.top().time <= now) {
            Entry e = timers_.top();
            timers_.pop();
            e.callback(e.time);
        }
    }

    /// How long the task may sleep before the next timer is due (at most `limit`).
    std::chrono::milliseconds sleepBudget(std::chrono::milliseconds limit) {
        if (timers_.empty()) return limit;
        int64_t wait = timers_.top().time - getCurrentProcessingTime();
        if (wait <= 0) return std::chrono::milliseconds(0);
        return std::min(limit, std::chrono::milliseconds(wait));
    }

    bool empty() const { return timers_.empty(); }
    size_t size() const { return timers_.size(); }

private:
    struct Entry {
        int64_t time;
        uint64_t sequence;
        std::function<void(int64_t)> callback;
        bool operator>(const Entry& o) const {
            return time != o.time ? time > o.time : sequence > o.sequence;
        }
    };
    const Clock& clock_;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> timers_;
    uint64_t sequence_ = 0;
};

}  // namespace weir
