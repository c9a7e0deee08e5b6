#pragma once
// A JobGraph's deterministic description and fingerprint, and its plan as JSON.
//
// Rule 8 of the architecture: user code is never shipped. A process that runs part of a job
// loads the same program and rebuilds the graph; before it deploys anything it compares the
// fingerprint of what it built with the JobManager's. The description lists, one line each, the
// job, every operator (id, uid, name, parallelism, max parallelism, chaining, slot sharing group,
// keying and types), every edge (partitioner, input, side output, type) and every chain, and the
// configuration the program ran with; the fingerprint is its 64-bit xxHash in hex. A mismatch is
// reported with the first line that differs.

#include <string>

#include "graph/job_graph.h"

namespace weir {

/// One line per fact, in a fixed order (see the file comment).
std::string describeJobGraph(const JobGraph& graph);

/// xxHash64 of describeJobGraph(graph), 16 hex digits.
std::string jobGraphFingerprint(const std::string& description);

/// Compares a description built here with the expected one; empty if equal, else a message
/// naming the first line that differs.
std::string jobGraphMismatch(const std::string& expected, const std::string& actual);

/// The plan as JSON in the shape of Flink's execution plan (`flink info`): {"nodes": [{"id",
/// "type", "pact", "contents", "parallelism", "predecessors": [{"id", "ship_strategy",
/// "side"}]}]}.
std::string executionPlanJson(const StreamGraph& graph);

}  // namespace weir
