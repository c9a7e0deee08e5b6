#pragma once
// CheckpointConfig, state backends and restart strategies: the API face of the
// execution.checkpointing.*, state.backend.* and restart-strategy.* options (Flink's names).
//
//   env.enableCheckpointing(10s);                      // EXACTLY_ONCE
//   auto& cc = env.getCheckpointConfig();
//   cc.setCheckpointTimeout(60s);
//   cc.setCheckpointStorage("file:///data/checkpoints");
//   env.setStateBackend(weir::HashMapStateBackend{});
//   env.setRestartStrategy(weir::RestartStrategies::fixedDelay(3, 1s));

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weir/core/configuration.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"

namespace weir {

/// A view on the environment's configuration; every setter writes the matching option.
class CheckpointConfig {
public:
    explicit CheckpointConfig(Configuration& config) : config_(&config) {}

    CheckpointConfig& setCheckpointInterval(Duration interval) {
        config_->set(options::kCheckpointingInterval, interval);
        return *this;
    }
    Duration getCheckpointInterval() const {
        return config_->getOptional(options::kCheckpointingInterval).value_or(Duration(0));
    }
    bool isCheckpointingEnabled() const { return getCheckpointInterval().count() > 0; }
    CheckpointConfig& setCheckpointingMode(CheckpointingMode mode) {
        config_->set(options::kCheckpointingMode, mode);
        return *this;
    }
    CheckpointingMode getCheckpointingMode() const {
        return config_->get(options::kCheckpointingMode);
    }
    CheckpointConfig& setCheckpointTimeout(Duration timeout) {
        config_->set(options::kCheckpointTimeout, timeout);
        return *this;
    }
    CheckpointConfig& setMinPauseBetweenCheckpoints(Duration pause) {
        config_->set(options::kMinPauseBetweenCheckpoints, pause);
        return *this;
    }
    CheckpointConfig& setMaxConcurrentCheckpoints(int32_t n) {
        config_->set(options::kMaxConcurrentCheckpoints, n);
        return *this;
    }
    CheckpointConfig& setTolerableCheckpointFailureNumber(int32_t n) {
        config_->set(options::kTolerableFailedCheckpoints, n);
        return *this;
    }
    CheckpointConfig& setExternalizedCheckpointRetention(ExternalizedCheckpointRetention r) {
        config_->set(options::kExternalizedCheckpointRetention, r);
        return *this;
    }
    CheckpointConfig& setNumRetainedCheckpoints(int32_t n) {
        config_->set(options::kNumRetainedCheckpoints, n);
        return *this;
    }
    CheckpointConfig& enableUnalignedCheckpoints(bool enabled = true) {
        config_->set(options::kUnalignedCheckpoints, enabled);
        return *this;
    }
    /// "jobmanager" (in memory), or a directory (path or file:// URI) for the filesystem
    /// storage.
    CheckpointConfig& setCheckpointStorage(const std::string& storage) {
        if (storage == "jobmanager") {
            config_->set(options::kCheckpointStorage, std::string("jobmanager"));
        } else {
            config_->set(options::kCheckpointStorage, std::string("filesystem"));
            config_->set(options::kCheckpointsDirectory, storage);
        }
        return *this;
    }

private:
    Configuration* config_;
};

/// Keyed state on the heap (state.backend.type: hashmap).
struct HashMapStateBackend {
    static constexpr const char* kName = "hashmap";
    bool incremental = false;
};

/// Keyed state in an embedded RocksDB (state.backend.type: rocksdb); with `incremental`, a
/// checkpoint uploads only the files that are new since the previous one.
struct EmbeddedRocksDBStateBackend {
    static constexpr const char* kName = "rocksdb";
    bool incremental = false;
};
/// The classic name.
using RocksDBStateBackend = EmbeddedRocksDBStateBackend;

/// A restart strategy as the options it sets (restart-strategy.*).
struct RestartStrategyConfiguration {
    std::vector<std::pair<std::string, std::string>> settings;
};

struct RestartStrategies {
    static RestartStrategyConfiguration noRestart() {
        return {{{"restart-strategy.type", "none"}}};
    }
    static RestartStrategyConfiguration fixedDelayRestart(int32_t attempts, Duration delay) {
        return {{{"restart-strategy.type", "fixed-delay"},
                 {"restart-strategy.fixed-delay.attempts", std::to_string(attempts)},
                 {"restart-strategy.fixed-delay.delay", std::to_string(delay.count()) + "ms"}}};
    }
    static RestartStrategyConfiguration fixedDelay(int32_t attempts, Duration delay) {
        return fixedDelayRestart(attempts, delay);
    }
    static RestartStrategyConfiguration failureRateRestart(int32_t maxFailuresPerInterval,
                                                           Duration interval, Duration delay) {
        return {{{"restart-strategy.type", "failure-rate"},
                 {"restart-strategy.failure-rate.max-failures-per-interval",
                  std::to_string(maxFailuresPerInterval)},
                 {"restart-strategy.failure-rate.failure-rate-interval",
                  std::to_string(interval.count()) + "ms"},
                 {"restart-strategy.failure-rate.delay", std::to_string(delay.count()) + "ms"}}};
    }
    static RestartStrategyConfiguration exponentialDelayRestart(Duration initialBackoff,
                                                                Duration maxBackoff,
                                                                double multiplier,
                                                                Duration resetThreshold,
                                                                double jitter) {
        return {
            {{"restart-strategy.type", "exponential-delay"},
             {"restart-strategy.exponential-delay.initial-backoff",
              std::to_string(initialBackoff.count()) + "ms"},
             {"restart-strategy.exponential-delay.max-backoff",
              std::to_string(maxBackoff.count()) + "ms"},
             {"restart-strategy.exponential-delay.backoff-multiplier", std::to_string(multiplier)},
             {"restart-strategy.exponential-delay.reset-backoff-threshold",
              std::to_string(resetThreshold.count()) + "ms"},
             {"restart-strategy.exponential-delay.jitter-factor", std::to_string(jitter)}}};
    }
};

}  // namespace weir
