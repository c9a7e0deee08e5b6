#pragma once
// The engine-wide configuration options, with Flink's 2.x keys (and 1.x names as fallbacks).
// docs/configuration.md lists them for users.

#include <cstdint>
#include <string>
#include <vector>

#include "weir/core/configuration.h"
#include "weir/core/runtime_mode.h"

namespace weir {

template <>
struct ConfigEnum<RuntimeExecutionMode> {
    static constexpr std::pair<RuntimeExecutionMode, const char*> values[] = {
        {RuntimeExecutionMode::STREAMING, "STREAMING"},
        {RuntimeExecutionMode::BATCH, "BATCH"},
        {RuntimeExecutionMode::AUTOMATIC, "AUTOMATIC"},
    };
};

/// Which time the classic shorthands (timeWindow) and sources without a watermark strategy use.
enum class TimeCharacteristic { ProcessingTime, IngestionTime, EventTime };

template <>
struct ConfigEnum<TimeCharacteristic> {
    static constexpr std::pair<TimeCharacteristic, const char*> values[] = {
        {TimeCharacteristic::ProcessingTime, "ProcessingTime"},
        {TimeCharacteristic::IngestionTime, "IngestionTime"},
        {TimeCharacteristic::EventTime, "EventTime"},
    };
};

namespace options {

inline const auto kParallelism = option<int32_t>(
    "parallelism.default", 1, "Parallelism of operators that do not set their own.");
inline const auto kMaxParallelism =
    option<int32_t>("pipeline.max-parallelism", -1,
                    "Number of key groups (upper bound for rescaling keyed state). -1: 1.5 x "
                    "parallelism rounded up "
                    "to a power of two, at least 128.");
inline const auto kRuntimeMode =
    option<RuntimeExecutionMode>("execution.runtime-mode", RuntimeExecutionMode::STREAMING,
                                 "STREAMING, BATCH (bounded input, final results only) or "
                                 "AUTOMATIC (BATCH if all sources are bounded).");
inline const auto kPipelineName =
    optionWithoutDefault<std::string>("pipeline.name", "The job name.");
inline const auto kOperatorChaining =
    option<bool>("pipeline.operator-chaining.enabled", true,
                 "Chain operators joined by forward edges of equal parallelism into one task.")
        .withFallbackKeys({"pipeline.operator-chaining"});
inline const auto kBufferTimeout =
    option<Duration>("execution.buffer-timeout.interval", Duration(100),
                     "Longest time a partially filled output buffer waits before it is sent. "
                     "Buffers are also sent as soon as a task runs out of input.")
        .withFallbackKeys({"execution.buffer-timeout"});
inline const auto kAutoWatermarkInterval =
    option<Duration>("pipeline.auto-watermark-interval", Duration(200),
                     "Interval of periodic watermark emission; 0 turns periodic emission off.");
inline const auto kTimeCharacteristic = option<TimeCharacteristic>(
    "pipeline.time-characteristic", TimeCharacteristic::EventTime,
    "EventTime (default), ProcessingTime or IngestionTime: the time of timeWindow(); with "
    "IngestionTime, sources without a watermark strategy stamp records with the time they enter "
    "the job.");
inline const auto kWindowSlicing = option<bool>(
    "pipeline.window.slicing.enabled", true,
    "Weir-specific: compute sliding event-time windows with reduce/aggregate (default trigger, "
    "no evictor, no allowed lateness) from one accumulator per slice of gcd(size, slide), "
    "combined when a window fires. Needs an associative reduce function or a correct "
    "AggregateFunction::merge; false computes every window separately, as Flink does.");
inline const auto kSegmentSize = option<MemorySize>(
    "taskmanager.memory.segment-size", MemorySize::ofKibiBytes(32), "Size of one network buffer.");
inline const auto kBuffersPerChannel =
    option<int32_t>("taskmanager.network.memory.buffers-per-channel", 2,
                    "Network buffers per outgoing channel of a result partition.");
inline const auto kFloatingBuffersPerGate =
    option<int32_t>("taskmanager.network.memory.floating-buffers-per-gate", 8,
                    "Extra network buffers per result partition shared by its channels.");

inline const auto kOverdraftBuffers = option<int32_t>(
    "taskmanager.network.memory.max-overdraft-buffers-per-gate", 5,
    "Buffers a result partition keeps in reserve: a record whose output needs more buffers than "
    "were free takes them from here instead of stopping the task in the middle of the record.");
inline const auto kProcessMemory = option<MemorySize>(
    "taskmanager.memory.process.size", MemorySize::ofMebiBytes(1728),
    "Total memory of a TaskManager process; the network buffers and the managed memory "
    "(RocksDB) are carved from it.");
inline const auto kNetworkFraction = option<double>(
    "taskmanager.memory.network.fraction", 0.1,
    "Share of taskmanager.memory.process.size for network buffers (within .min and .max).");
inline const auto kNetworkMin = option<MemorySize>(
    "taskmanager.memory.network.min", MemorySize::ofMebiBytes(64), "Least network memory.");
inline const auto kNetworkMax = option<MemorySize>(
    "taskmanager.memory.network.max", MemorySize::ofMebiBytes(1024), "Most network memory.");

/// The keys (and fallback keys) of the options above.
inline std::vector<std::string> engineKeys() {
    return optionKeys(kParallelism, kMaxParallelism, kRuntimeMode, kPipelineName, kOperatorChaining,
                      kBufferTimeout, kAutoWatermarkInterval, kTimeCharacteristic, kWindowSlicing,
                      kSegmentSize, kBuffersPerChannel, kFloatingBuffersPerGate, kOverdraftBuffers,
                      kProcessMemory, kNetworkFraction, kNetworkMin, kNetworkMax);
}

/// The network memory of a TaskManager: fraction x process size, within [min, max].
inline MemorySize networkMemory(const Configuration& c) {
    double bytes = static_cast<double>(c.get(kProcessMemory).bytes()) * c.get(kNetworkFraction);
    uint64_t lo = c.get(kNetworkMin).bytes(), hi = c.get(kNetworkMax).bytes();
    uint64_t b = static_cast<uint64_t>(bytes);
    return MemorySize(b < lo ? lo : b > hi ? hi : b);
}

}  // namespace options
}  // namespace weir
