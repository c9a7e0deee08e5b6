#pragma once
// Clock: where components that act on time (the checkpoint coordinator, a task's timers) read
// it, so tests can drive time by hand instead of sleeping. Clock::system() is the real one;
// ManualClock moves only when told.
//
// Thread-safety: both clocks may be read from any thread; ManualClock::advance too.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weir {

class Clock {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    /// Monotonic time, for durations and deadlines.
    virtual TimePoint now() const = 0;
    /// Milliseconds since the epoch, for timestamps (checkpoints, processing time).
    virtual int64_t currentTimeMillis() const = 0;
    /// The real clocks (steady_clock and system_clock).
    static Clock& system();
};

class ManualClock final : public Clock {
public:
    /// Starts at `wallMillis` since the epoch (and an arbitrary monotonic origin).
    explicit ManualClock(int64_t wallMillis = 1'700'000'000'000) : wallStart_(wallMillis) {}
    TimePoint now() const override {
        return TimePoint(std::chrono::milliseconds(1'000'000'000 + elapsed_.load()));
    }
    int64_t currentTimeMillis() const override { return wallStart_ + elapsed_.load(); }
    void advance(std::chrono::milliseconds d) { elapsed_ += d.count(); }

private:
    int64_t wallStart_;
    std::atomic<int64_t> elapsed_{0};
};

}  // namespace weir
