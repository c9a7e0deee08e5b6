#include "graph/job_graph.h"

#include <functional>

#include "weir/core/check.h"

namespace weir {

int32_t JobGraph::vertexOf(int32_t nodeId) const {
    for (const auto& v : vertices)
        for (int32_t n : v.chainedNodes)
            if (n == nodeId) return v.id;
    throw InternalError("stream node " + std::to_string(nodeId) + " is in no vertex");
}

bool isChainable(const StreamGraph& graph, const StreamEdge& edge) {
    const auto& up = graph.node(edge.sourceId);
    const auto& down = graph.node(edge.targetId);
    return graph.chainingEnabled && down.inEdges.size() == 1 &&
           edge.partitioner.kind == PartitionerKind::FORWARD &&
           up.parallelism == down.parallelism && down.chaining == ChainingStrategy::ALWAYS &&
           up.chaining != ChainingStrategy::NEVER && up.slotSharingGroup == down.slotSharingGroup;
}

JobGraph createJobGraph(std::shared_ptr<const StreamGraph> graph, const Configuration& config) {
    JobGraph job;
    job.jobName = graph->jobName;
    job.configuration = config;
    std::map<int32_t, int32_t> vertexOfNode;

    // Heads: nodes whose single input is not chainable, or with zero or several inputs.
    for (const auto& [id, node] : graph->nodes) {
        bool head = node.inEdges.size() != 1 || !isChainable(*graph, graph->edges[node.inEdges[0]]);
        if (!head) continue;
        JobVertex v;
        v.id = static_cast<int32_t>(job.vertices.size());
        v.parallelism = node.parallelism;
        v.maxParallelism = node.maxParallelism;
        std::function<void(int32_t)> add = [&](int32_t nodeId) {
            v.chainedNodes.push_back(nodeId);
            vertexOfNode[nodeId] = v.id;
            for (int32_t e : graph->node(nodeId).outEdges)
                if (isChainable(*graph, graph->edges[e])) add(graph->edges[e].targetId);
        };
        add(id);
        for (size_t i = 0; i < v.chainedNodes.size(); ++i) {
            const auto& n = graph->node(v.chainedNodes[i]);
            if (i) v.name += " -> ";
            v.name += (n.kind == TransformationKind::SOURCE ? "Source: " : "") + n.name;
        }
        job.vertices.push_back(std::move(v));
    }

    // Edges between vertices: every stream edge that was not chained.
    for (size_t e = 0; e < graph->edges.size(); ++e) {
        const auto& se = graph->edges[e];
        if (isChainable(*graph, se)) continue;
        JobEdge je;
        je.sourceVertex = vertexOfNode.at(se.sourceId);
        je.targetVertex = vertexOfNode.at(se.targetId);
        je.streamEdge = static_cast<int32_t>(e);
        int32_t index = static_cast<int32_t>(job.edges.size());
        job.vertices[je.sourceVertex].outputEdges.push_back(index);
        job.vertices[je.targetVertex].inputEdges.push_back(index);
        job.edges.push_back(je);
    }
    job.streamGraph = std::move(graph);
    return job;
}

}  // namespace weir
