#pragma once
// RateLimiterStrategy: how fast a source may emit, as in Flink's
// org.apache.flink.api.connector.source.util.ratelimit. A strategy describes the rate of the whole
// source; createRateLimiter(parallelism) makes the limiter of one subtask, which gets an equal
// share.
//
// A RateLimiter never sleeps: tryAcquire() says whether one more record may go now, so a reader
// that is ahead of schedule returns NOTHING_AVAILABLE and the task thread stays free for
// checkpoints and timers. Not thread-safe; each subtask owns its limiter.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "weir/core/exceptions.h"

namespace weir {

/// A monotonic clock: time since an arbitrary fixed point. Injected by tests.
using MonotonicClock = std::function<std::chrono::nanoseconds()>;

/// Permits records at a fixed rate. The first record goes at once; record k may go 1/rate
/// seconds after record k-1. After a stall (backpressure) it catches up by at most one second's
/// worth of records, like Guava's SmoothBursty limiter that Flink uses.
class RateLimiter {
public:
    /// A limiter that always permits.
    RateLimiter() = default;
    RateLimiter(double recordsPerSecond, MonotonicClock clock)
        : limited_(true), intervalNanos_(1e9 / recordsPerSecond), clock_(std::move(clock)) {}

    /// True (and the record is counted) if one more record may be emitted now.
    bool tryAcquire() {
        if (!limited_) return true;
        int64_t now = clock_().count();
        if (!started_) {
            started_ = true;
            start_ = now;
        }
        double elapsed = static_cast<double>(now - start_);
        if (elapsed < nextNanos_) return false;
        nextNanos_ = std::max(nextNanos_, elapsed - kMaxBurstNanos) + intervalNanos_;
        return true;
    }

    bool isLimited() const { return limited_; }

private:
    static constexpr double kMaxBurstNanos = 1e9;

    bool limited_ = false;
    double intervalNanos_ = 0;
    MonotonicClock clock_;
    bool started_ = false;
    int64_t start_ = 0;     // clock time of the first tryAcquire
    double nextNanos_ = 0;  // when the next record may go, relative to start_
};

class RateLimiterStrategy {
public:
    /// No limit.
    static RateLimiterStrategy noOp() { return RateLimiterStrategy(0, {}); }

    /// At most `recordsPerSecond` records per second in total, each of the `parallelism`
    /// subtasks getting recordsPerSecond / parallelism. `clock` defaults to steady_clock.
    /// Throws InvalidProgramException unless recordsPerSecond > 0.
    static RateLimiterStrategy perSecond(double recordsPerSecond, MonotonicClock clock = {}) {
        if (!(recordsPerSecond > 0))
            throw InvalidProgramException(
                "RateLimiterStrategy::perSecond: recordsPerSecond must be positive, got " +
                std::to_string(recordsPerSecond));
        if (!clock) clock = [] { return std::chrono::steady_clock::now().time_since_epoch(); };
        return RateLimiterStrategy(recordsPerSecond, std::move(clock));
    }

    /// The limiter of one subtask.
    RateLimiter createRateLimiter(int32_t parallelism) const {
        if (recordsPerSecond_ <= 0) return RateLimiter();
        return RateLimiter(recordsPerSecond_ / std::max<int32_t>(parallelism, 1), clock_);
    }

    bool isNoOp() const { return recordsPerSecond_ <= 0; }
    /// The total rate; 0 for noOp().
    double recordsPerSecond() const { return recordsPerSecond_; }

private:
    RateLimiterStrategy(double recordsPerSecond, MonotonicClock clock)
        : recordsPerSecond_(recordsPerSecond), clock_(std::move(clock)) {}

    double recordsPerSecond_;
    MonotonicClock clock_;
};

}  // namespace weir
