#pragma once
// Restart strategies: whether, and after how long, a failed job restarts (from its latest
// completed checkpoint). restart-strategy.type picks one; the default is exponential-delay when
// checkpointing is on and none otherwise (as Flink).
//
//   none / off / disable  the first failure fails the job
//   fixed-delay           up to `attempts` restarts, `delay` apart
//   failure-rate          restarts while at most `max-failures-per-interval` failures fall
//                         within `failure-rate-interval`, `delay` apart
//   exponential-delay     initial-backoff, multiplied by backoff-multiplier after each failure
//                         up to max-backoff, +- jitter; back to the initial backoff after
//                         reset-backoff-threshold without failure

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "weir/core/configuration.h"

namespace weir {

class RestartStrategy {
public:
    using Clock = std::chrono::steady_clock;
    virtual ~RestartStrategy() = default;
    /// Throws ConfigException for an unknown type or a bad value.
    static std::unique_ptr<RestartStrategy> create(const Configuration& config);
    /// A failure at `now`: the delay before restarting, or nothing to fail the job for good.
    virtual std::optional<Duration> onFailure(Clock::time_point now) = 0;
    /// For the failure message: e.g. "fixed-delay (3 attempts)".
    virtual std::string describe() const = 0;
};

}  // namespace weir
