#pragma once
// JobGraph: the StreamGraph with operators chained into vertices. Operators joined by a forward
// edge with equal parallelism (and chaining allowed) run in one task and call each other directly.

#include <memory>
#include <string>
#include <vector>

#include "graph/stream_graph.h"

namespace weir {

struct JobVertex {
    int32_t id = 0;
    std::string name;  // "Source: numbers -> Map -> Filter"
    int32_t parallelism = 1;
    int32_t maxParallelism = 128;
    /// The stream nodes of the chain, head first, each before the nodes it feeds.
    std::vector<int32_t> chainedNodes;
    std::vector<int32_t> inputEdges;   // indices into JobGraph::edges
    std::vector<int32_t> outputEdges;  // indices into JobGraph::edges
};

struct JobEdge {
    int32_t sourceVertex = 0;
    int32_t targetVertex = 0;
    /// The stream edge this job edge carries (between the last node of one chain and a head).
    int32_t streamEdge = 0;
};

struct JobGraph {
    std::string jobName;
    std::shared_ptr<const StreamGraph> streamGraph;
    std::vector<JobVertex> vertices;
    std::vector<JobEdge> edges;
    Configuration configuration;

    /// The vertex that runs stream node `nodeId`.
    int32_t vertexOf(int32_t nodeId) const;
};

/// Chains the stream graph into vertices.
JobGraph createJobGraph(std::shared_ptr<const StreamGraph> graph, const Configuration& config);

/// True if the edge's target can run in the same task as its source.
bool isChainable(const StreamGraph& graph, const StreamEdge& edge);

}  // namespace weir
