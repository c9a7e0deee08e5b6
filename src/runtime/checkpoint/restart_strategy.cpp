#include "runtime/checkpoint/restart_strategy.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "weir/core/exceptions.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"

namespace weir {

namespace {

class NoRestart final : public RestartStrategy {
public:
    std::optional<Duration> onFailure(Clock::time_point) override { return std::nullopt; }
    std::string describe() const override { return "none"; }
};

class FixedDelay final : public RestartStrategy {
public:
    FixedDelay(int32_t attempts, Duration delay) : attempts_(attempts), delay_(delay) {}
    std::optional<Duration> onFailure(Clock::time_point) override {
        if (used_ >= attempts_) return std::nullopt;
        ++used_;
        return delay_;
    }
    std::string describe() const override {
        return "fixed-delay (" + std::to_string(attempts_) + " attempts)";
    }

private:
    int32_t attempts_;
    Duration delay_;
    int32_t used_ = 0;
};

class FailureRate final : public RestartStrategy {
public:
    FailureRate(int32_t maxFailures, Duration interval, Duration delay)
        : maxFailures_(maxFailures), interval_(interval), delay_(delay) {}
    std::optional<Duration> onFailure(Clock::time_point now) override {
        failures_.push_back(now);
        while (!failures_.empty() && now - failures_.front() > interval_) failures_.pop_front();
        if (static_cast<int32_t>(failures_.size()) > maxFailures_) return std::nullopt;
        return delay_;
    }
    std::string describe() const override {
        return "failure-rate (" + std::to_string(maxFailures_) + " failures per " +
               std::to_string(interval_.count()) + " ms)";
    }

private:
    int32_t maxFailures_;
    Duration interval_;
    Duration delay_;
    std::deque<Clock::time_point> failures_;
};

class ExponentialDelay final : public RestartStrategy {
public:
    ExponentialDelay(Duration initial, Duration max, double multiplier, Duration reset,
                     double jitter, int32_t attempts)
        : initial_(initial),
          max_(max),
          multiplier_(multiplier),
          reset_(reset),
          jitter_(jitter),
          attempts_(attempts),
          current_(initial) {}
    std::optional<Duration> onFailure(Clock::time_point now) override {
        if (last_ && now - *last_ >= reset_) {
            current_ = initial_;
            used_ = 0;
        }
        last_ = now;
        if (used_ >= attempts_) return std::nullopt;
        ++used_;
        double base = static_cast<double>(current_.count());
        current_ = Duration(
            static_cast<int64_t>(std::min(base * multiplier_, static_cast<double>(max_.count()))));
        std::uniform_real_distribution<double> dist(-jitter_, jitter_);
        double delay = base * (1.0 + (jitter_ > 0 ? dist(rng_) : 0.0));
        return Duration(std::max<int64_t>(0, static_cast<int64_t>(delay)));
    }
    std::string describe() const override {
        return "exponential-delay (" + std::to_string(attempts_) + " attempts)";
    }

private:
    Duration initial_, max_;
    double multiplier_;
    Duration reset_;
    double jitter_;
    int32_t attempts_;
    Duration current_;
    int32_t used_ = 0;
    std::optional<Clock::time_point> last_;
    std::mt19937 rng_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<RestartStrategy> RestartStrategy::create(const Configuration& config) {
    std::string type;
    if (auto t = config.getOptional(options::kRestartStrategy)) {
        type = *t;
    } else {
        auto interval = config.getOptional(options::kCheckpointingInterval);
        type = interval && interval->count() > 0 ? "exponential-delay" : "none";
    }
    std::string t;
    for (char c : type)
        if (c != '-' && c != '_')
            t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "none" || t == "off" || t == "disable" || t == "norestart")
        return std::make_unique<NoRestart>();
    if (t == "fixeddelay" || t == "fixed")
        return std::make_unique<FixedDelay>(std::max(0, config.get(options::kFixedDelayAttempts)),
                                            config.get(options::kFixedDelayDelay));
    if (t == "failurerate")
        return std::make_unique<FailureRate>(config.get(options::kFailureRateMaxFailures),
                                             config.get(options::kFailureRateInterval),
                                             config.get(options::kFailureRateDelay));
    if (t == "exponentialdelay") {
        double multiplier = config.get(options::kExponentialMultiplier);
        double jitter = config.get(options::kExponentialJitter);
        if (multiplier < 1.0)
            throw ConfigException(
                "restart-strategy.exponential-delay.backoff-multiplier must be >= 1");
        if (jitter < 0.0 || jitter > 1.0)
            throw ConfigException(
                "restart-strategy.exponential-delay.jitter-factor must be between 0 and 1");
        return std::make_unique<ExponentialDelay>(
            config.get(options::kExponentialInitialBackoff),
            config.get(options::kExponentialMaxBackoff), multiplier,
            config.get(options::kExponentialResetThreshold), jitter,
            config.get(options::kExponentialAttempts));
    }
    throw ConfigException("restart-strategy.type: unknown strategy '" + type +
                          "' (use none, fixed-delay, failure-rate or exponential-delay)");
}

}  // namespace weir
