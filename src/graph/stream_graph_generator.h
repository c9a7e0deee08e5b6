#pragma once
// Turns the transformations of a program into a StreamGraph: resolves parallelism, default
// partitioners, virtual nodes (partition, union, side output), the runtime mode and operator ids.

#include <memory>
#include <vector>

#include "graph/stream_graph.h"

namespace weir {

struct StreamGraphSettings {
    std::string jobName = "Weir Streaming Job";
    int32_t defaultParallelism = 1;
    int32_t maxParallelism = -1;  // -1: per-operator default
    RuntimeExecutionMode executionMode = RuntimeExecutionMode::STREAMING;
    bool chainingEnabled = true;
};

/// Throws InvalidProgramException for programs that cannot run (no sinks, bad forward edge,
/// unbounded source in BATCH mode, duplicate uid).
std::shared_ptr<StreamGraph> generateStreamGraph(
    const std::vector<std::shared_ptr<Transformation>>& transformations,
    const StreamGraphSettings& settings);

}  // namespace weir
