#pragma once
// ProcessingTimeService: the wall clock and timers of one task. Timers fire on the task's thread,
// from its mailbox loop, never concurrently with element processing. Tests substitute a manual
// clock.

#include <cstdint>
#include <functional>

namespace weir {

class ProcessingTimeService {
public:
    virtual ~ProcessingTimeService() = default;
    virtual int64_t getCurrentProcessingTime() = 0;
    /// Calls `callback(time)` on the task thread once the clock reaches `time`.
    virtual void registerTimer(int64_t time, std::function<void(int64_t)> callback) = 0;
};

}  // namespace weir
