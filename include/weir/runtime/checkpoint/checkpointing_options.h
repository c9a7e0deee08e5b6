#pragma once
// Configuration of checkpoints, state backends, savepoint restore and restart strategies, with
// Flink's 2.x keys (1.x names as fallbacks). docs/configuration.md lists them for users.

#include <cstdint>
#include <string>

#include "weir/core/configuration.h"

namespace weir {

enum class CheckpointingMode { EXACTLY_ONCE, AT_LEAST_ONCE };

template <>
struct ConfigEnum<CheckpointingMode> {
    static constexpr std::pair<CheckpointingMode, const char*> values[] = {
        {CheckpointingMode::EXACTLY_ONCE, "EXACTLY_ONCE"},
        {CheckpointingMode::AT_LEAST_ONCE, "AT_LEAST_ONCE"},
    };
};

/// What happens to the retained checkpoints when the job is cancelled.
enum class ExternalizedCheckpointRetention {
    /// Checkpoints are deleted when the job is cancelled (kept when it fails).
    DELETE_ON_CANCELLATION,
    /// Checkpoints are kept when the job is cancelled; delete them by hand.
    RETAIN_ON_CANCELLATION,
    /// Checkpoints are not meant to outlive the job: deleted on cancel, on failure and at the
    /// end (the default).
    NO_EXTERNALIZED_CHECKPOINTS,
};

template <>
struct ConfigEnum<ExternalizedCheckpointRetention> {
    static constexpr std::pair<ExternalizedCheckpointRetention, const char*> values[] = {
        {ExternalizedCheckpointRetention::DELETE_ON_CANCELLATION, "DELETE_ON_CANCELLATION"},
        {ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION, "RETAIN_ON_CANCELLATION"},
        {ExternalizedCheckpointRetention::NO_EXTERNALIZED_CHECKPOINTS,
         "NO_EXTERNALIZED_CHECKPOINTS"},
    };
};

namespace options {

inline const auto kCheckpointingInterval =
    optionWithoutDefault<Duration>("execution.checkpointing.interval",
                                   "Interval between checkpoints; unset or 0 turns checkpointing "
                                   "off.");
inline const auto kCheckpointingMode =
    option<CheckpointingMode>("execution.checkpointing.mode", CheckpointingMode::EXACTLY_ONCE,
                              "EXACTLY_ONCE (barriers aligned across input channels) or "
                              "AT_LEAST_ONCE (no alignment).");
inline const auto kCheckpointTimeout =
    option<Duration>("execution.checkpointing.timeout", Duration(10 * 60 * 1000),
                     "A checkpoint that has not completed after this long is aborted.");
inline const auto kMinPauseBetweenCheckpoints =
    option<Duration>("execution.checkpointing.min-pause", Duration(0),
                     "Least time between the end of one checkpoint and the start of the next.");
inline const auto kMaxConcurrentCheckpoints =
    option<int32_t>("execution.checkpointing.max-concurrent-checkpoints", 1,
                    "Most checkpoints in progress at once.");
inline const auto kTolerableFailedCheckpoints =
    option<int32_t>("execution.checkpointing.tolerable-failed-checkpoints", 0,
                    "Consecutive checkpoint failures tolerated before the job fails over.");
inline const auto kExternalizedCheckpointRetention = option<ExternalizedCheckpointRetention>(
    "execution.checkpointing.externalized-checkpoint-retention",
    ExternalizedCheckpointRetention::NO_EXTERNALIZED_CHECKPOINTS,
    "DELETE_ON_CANCELLATION, RETAIN_ON_CANCELLATION or NO_EXTERNALIZED_CHECKPOINTS.");
inline const auto kNumRetainedCheckpoints =
    option<int32_t>("execution.checkpointing.num-retained", 1,
                    "Completed checkpoints kept (the newest ones).")
        .withFallbackKeys({"state.checkpoints.num-retained"});
inline const auto kUnalignedCheckpoints =
    option<bool>("execution.checkpointing.unaligned.enabled", false,
                 "Unaligned checkpoints: barriers overtake buffered data, which is stored with "
                 "the checkpoint (exactly-once only).")
        .withFallbackKeys({"execution.checkpointing.unaligned"});
inline const auto kCheckpointStorage =
    optionWithoutDefault<std::string>("execution.checkpointing.storage",
                                      "'jobmanager' (in memory) or 'filesystem'; default: "
                                      "filesystem when a checkpoint directory is set.")
        .withFallbackKeys({"state.checkpoint-storage"});
inline const auto kCheckpointsDirectory =
    optionWithoutDefault<std::string>("execution.checkpointing.dir",
                                      "Directory (path or file:// URI) of checkpoint data and "
                                      "metadata.")
        .withFallbackKeys({"state.checkpoints.dir"});
inline const auto kSavepointDirectory =
    optionWithoutDefault<std::string>("execution.checkpointing.savepoint-dir",
                                      "Default directory of savepoints.")
        .withFallbackKeys({"state.savepoints.dir"});
inline const auto kJobManagerStorageMaxStateSize = option<MemorySize>(
    "execution.checkpointing.jobmanager-storage.max-state-size", MemorySize::ofMebiBytes(5),
    "Largest piece of state (the keyed state, or the operator state, of one operator subtask) that "
    "the 'jobmanager' checkpoint "
    "storage accepts (Weir-specific; Flink's MemoryStateBackend limit).");
inline const auto kFileStateSizeThreshold =
    option<MemorySize>("execution.checkpointing.data-inline-threshold", MemorySize::ofKibiBytes(20),
                       "State smaller than this is kept inside the checkpoint's metadata file "
                       "instead of a file of its own.")
        .withFallbackKeys({"state.storage.fs.memory-threshold"});
inline const auto kStateBackend =
    option<std::string>("state.backend.type", "hashmap",
                        "'hashmap' (heap) or 'rocksdb'; the 1.x names 'memory', 'filesystem' / "
                        "'fs' (both heap) are accepted too.")
        .withFallbackKeys({"state.backend"});
inline const auto kRocksDbLocalDirectory =
    optionWithoutDefault<std::string>("state.backend.rocksdb.localdir",
                                      "Where RocksDB keeps its working files; default: the "
                                      "system's temporary directory.");
inline const auto kRocksDbMemoryPerSlot =
    option<MemorySize>("state.backend.rocksdb.memory.fixed-per-slot", MemorySize::ofMebiBytes(128),
                       "Memory (block cache and memtables) of the RocksDB instances of one task, "
                       "shared evenly by its keyed operators.");
inline const auto kRocksDbWriteCacheEntries =
    option<int32_t>("state.backend.rocksdb.window-cache.entries", 16384,
                    "Weir only: window accumulators (reduce, aggregate, sliced windows) of this "
                    "many (key, window) pairs per operator stay in memory and reach RocksDB "
                    "when the cache is full and before every snapshot; 0 turns it off.");
inline const auto kIncrementalCheckpoints =
    option<bool>("execution.checkpointing.incremental", false,
                 "RocksDB: upload only the files that are new since the last checkpoint.")
        .withFallbackKeys({"state.backend.incremental"});
inline const auto kStateRecoveryPath =
    optionWithoutDefault<std::string>("execution.state-recovery.path",
                                      "Savepoint or retained checkpoint to start the job from.")
        .withFallbackKeys({"execution.savepoint.path"});
inline const auto kIgnoreUnclaimedState =
    option<bool>("execution.state-recovery.ignore-unclaimed-state", false,
                 "Allow a restore whose snapshot has state of operators the job no longer has.")
        .withFallbackKeys({"execution.savepoint.ignore-unclaimed-state"});

inline const auto kRestartStrategy =
    optionWithoutDefault<std::string>("restart-strategy.type",
                                      "none / off / disable, fixed-delay, failure-rate or "
                                      "exponential-delay; default: exponential-delay when "
                                      "checkpointing is on, none otherwise.")
        .withFallbackKeys({"restart-strategy"});
inline const auto kFixedDelayAttempts = option<int32_t>(
    "restart-strategy.fixed-delay.attempts", 1, "Restarts before the job is declared failed.");
inline const auto kFixedDelayDelay = option<Duration>("restart-strategy.fixed-delay.delay",
                                                      Duration(1000), "Wait between two restarts.");
inline const auto kFailureRateMaxFailures =
    option<int32_t>("restart-strategy.failure-rate.max-failures-per-interval", 1,
                    "Failures within one interval before the job is declared failed.");
inline const auto kFailureRateInterval =
    option<Duration>("restart-strategy.failure-rate.failure-rate-interval", Duration(60 * 1000),
                     "The interval failures are counted over.");
inline const auto kFailureRateDelay = option<Duration>(
    "restart-strategy.failure-rate.delay", Duration(1000), "Wait between two restarts.");
inline const auto kExponentialInitialBackoff =
    option<Duration>("restart-strategy.exponential-delay.initial-backoff", Duration(1000),
                     "Wait before the first restart.");
inline const auto kExponentialMaxBackoff =
    option<Duration>("restart-strategy.exponential-delay.max-backoff", Duration(60 * 1000),
                     "Longest wait between restarts.");
inline const auto kExponentialMultiplier =
    option<double>("restart-strategy.exponential-delay.backoff-multiplier", 1.5,
                   "Factor applied to the wait after each failure.");
inline const auto kExponentialResetThreshold = option<Duration>(
    "restart-strategy.exponential-delay.reset-backoff-threshold", Duration(60 * 60 * 1000),
    "A job running this long without failure starts again from the initial "
    "backoff.");
inline const auto kExponentialJitter =
    option<double>("restart-strategy.exponential-delay.jitter-factor", 0.1,
                   "Random share (0..1) added to or taken from each wait.");
inline const auto kExponentialAttempts =
    option<int32_t>("restart-strategy.exponential-delay.attempts-before-reset-backoff", INT32_MAX,
                    "Restarts before the job is declared failed.");

/// The keys (and fallback keys) of the options above.
inline std::vector<std::string> checkpointingKeys() {
    return optionKeys(
        kCheckpointingInterval, kCheckpointingMode, kCheckpointTimeout, kMinPauseBetweenCheckpoints,
        kMaxConcurrentCheckpoints, kTolerableFailedCheckpoints, kExternalizedCheckpointRetention,
        kNumRetainedCheckpoints, kUnalignedCheckpoints, kCheckpointStorage, kCheckpointsDirectory,
        kSavepointDirectory, kJobManagerStorageMaxStateSize, kFileStateSizeThreshold, kStateBackend,
        kRocksDbLocalDirectory, kRocksDbMemoryPerSlot, kRocksDbWriteCacheEntries,
        kIncrementalCheckpoints, kStateRecoveryPath, kIgnoreUnclaimedState, kRestartStrategy,
        kFixedDelayAttempts, kFixedDelayDelay, kFailureRateMaxFailures, kFailureRateInterval,
        kFailureRateDelay, kExponentialInitialBackoff, kExponentialMaxBackoff,
        kExponentialMultiplier, kExponentialResetThreshold, kExponentialJitter,
        kExponentialAttempts);
}

}  // namespace options
}  // namespace weir
