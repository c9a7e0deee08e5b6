#include "graph/stream_graph_generator.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include "weir/core/exceptions.h"
#include "weir/core/key_groups.h"

namespace weir {

namespace {

/// One physical upstream of an operator input, after walking through virtual transformations.
struct ResolvedInput {
    int32_t nodeId;
    bool hasPartitioner = false;
    PartitionerSpec partitioner;
    std::string sideTag;
    std::shared_ptr<const TypeInformationBase> type;
};

std::vector<ResolvedInput> resolve(const std::shared_ptr<Transformation>& t) {
    switch (t->kind) {
        case TransformationKind::PARTITION: {
            auto inputs = resolve(t->inputs.at(0));
            for (auto& r : inputs) {
                r.hasPartitioner = true;
                r.partitioner = t->partitioner;
            }
            return inputs;
        }
        case TransformationKind::UNION: {
            std::vector<ResolvedInput> all;
            for (const auto& in : t->inputs) {
                auto part = resolve(in);
                all.insert(all.end(), part.begin(), part.end());
            }
            return all;
        }
        case TransformationKind::SIDE_OUTPUT: {
            auto inputs = resolve(t->inputs.at(0));
            for (auto& r : inputs) {
                r.sideTag = t->sideOutputTag;
                r.type = t->outputType;
            }
            return inputs;
        }
        default:
            return {ResolvedInput{t->id, false, {}, "", t->outputType}};
    }
}

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(uint64_t a, uint64_t b) {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return buf;
}

const char* kindName(TransformationKind k) {
    switch (k) {
        case TransformationKind::SOURCE:
            return "source";
        case TransformationKind::ONE_INPUT:
            return "one-input";
        case TransformationKind::TWO_INPUT:
            return "two-input";
        case TransformationKind::SINK:
            return "sink";
        default:
            return "virtual";
    }
}

}  // namespace

std::shared_ptr<StreamGraph> generateStreamGraph(
    const std::vector<std::shared_ptr<Transformation>>& transformations,
    const StreamGraphSettings& settings) {
    auto graph = std::make_shared<StreamGraph>();
    graph->jobName = settings.jobName;
    graph->chainingEnabled = settings.chainingEnabled;

    // Collect every transformation reachable from the recorded ones, in id order.
    std::map<int32_t, std::shared_ptr<Transformation>> all;
    std::vector<std::shared_ptr<Transformation>> stack(transformations.begin(),
                                                       transformations.end());
    while (!stack.empty()) {
        auto t = stack.back();
        stack.pop_back();
        if (!all.emplace(t->id, t).second) continue;
        for (const auto& in : t->inputs) stack.push_back(in);
    }
    bool hasSink = std::any_of(all.begin(), all.end(), [](const auto& e) {
        return e.second->kind == TransformationKind::SINK;
    });
    if (!hasSink)
        throw InvalidProgramException(
            "the program has no sink: add one (print(), sinkTo(...), writeAsText(...)) before "
            "execute()");

    // Side outputs are typed: one id asked of one operator with two element types is an error
    // (records of one type would otherwise be read as the other).
    std::map<std::pair<int32_t, std::string>, std::shared_ptr<Transformation>> sideOutputs;
    for (const auto& [id, t] : all) {
        if (t->kind != TransformationKind::SIDE_OUTPUT) continue;
        for (const auto& r : resolve(t->inputs.at(0))) {
            auto [it, fresh] = sideOutputs.emplace(std::pair(r.nodeId, t->sideOutputId), t);
            if (fresh || it->second->sideOutputTag == t->sideOutputTag) continue;
            throw InvalidProgramException(
                "side output '" + t->sideOutputId + "' of operator '" + all.at(r.nodeId)->name +
                "' is asked for with two element types, " + it->second->outputType->identity() +
                " and " + t->outputType->identity() +
                ": OutputTags with one id must have one type");
        }
    }

    // Nodes.
    bool allBounded = true;
    std::set<std::string> uids;
    for (const auto& [id, t] : all) {
        if (!t->isPhysical()) continue;
        StreamNode n;
        n.id = id;
        n.name = t->name;
        n.uid = t->uid;
        n.parallelism = t->nonParallel
                            ? 1
                            : (t->parallelism > 0 ? t->parallelism : settings.defaultParallelism);
        if (t->nonParallel && t->parallelism > 1)
            throw InvalidProgramException("operator '" + t->name +
                                          "' is not parallel: its parallelism must be 1, not " +
                                          std::to_string(t->parallelism));
        n.maxParallelism = t->maxParallelism > 0 ? t->maxParallelism
                           : settings.maxParallelism > 0
                               ? settings.maxParallelism
                               : keygroups::defaultMaxParallelism(n.parallelism);
        if (n.maxParallelism < n.parallelism)
            throw InvalidProgramException(
                "operator '" + t->name + "' has parallelism " + std::to_string(n.parallelism) +
                " above its max parallelism " + std::to_string(n.maxParallelism));
        n.chaining = t->chaining;
        n.slotSharingGroup = t->slotSharingGroup;
        n.kind = t->kind;
        n.keyed = t->keyed;
        n.keyType = t->keyType;
        n.boundedness = t->boundedness;
        n.operatorFactory = t->operatorFactory;
        n.outputType = t->outputType;
        if (t->kind == TransformationKind::SOURCE && t->boundedness != Boundedness::BOUNDED)
            allBounded = false;
        if (!t->uid.empty() && !uids.insert(t->uid).second)
            throw InvalidProgramException(
                "uid '" + t->uid + "' is used by more than one operator; uids must be unique");
        graph->nodes.emplace(id, std::move(n));
    }

    // Edges.
    for (const auto& [id, t] : all) {
        if (!t->isPhysical()) continue;
        for (size_t inputIndex = 0; inputIndex < t->inputs.size(); ++inputIndex) {
            for (auto& r : resolve(t->inputs[inputIndex])) {
                StreamEdge e;
                e.sourceId = r.nodeId;
                e.targetId = id;
                e.inputIndex = static_cast<int32_t>(inputIndex);
                e.sideOutputTag = r.sideTag;
                e.type = r.type;
                if (inputIndex < t->inputTypes.size() && !t->inputTypes[inputIndex].empty() &&
                    r.type && r.type->identity() != t->inputTypes[inputIndex])
                    throw InvalidProgramException(
                        "input " + std::to_string(inputIndex + 1) + " of operator '" + t->name +
                        "' takes " + t->inputTypes[inputIndex] + " but '" + all.at(r.nodeId)->name +
                        "' sends " + r.type->identity());
                const auto& up = graph->nodes.at(r.nodeId);
                const auto& down = graph->nodes.at(id);
                if (r.hasPartitioner) {
                    e.partitioner = r.partitioner;
                } else {
                    e.partitioner.kind = up.parallelism == down.parallelism
                                             ? PartitionerKind::FORWARD
                                             : PartitionerKind::REBALANCE;
                }
                if (e.partitioner.kind == PartitionerKind::FORWARD &&
                    up.parallelism != down.parallelism)
                    throw InvalidProgramException(
                        "forward partitioning does not allow a change of parallelism: upstream '" +
                        up.name + "' has parallelism " + std::to_string(up.parallelism) +
                        ", downstream '" + down.name + "' has " + std::to_string(down.parallelism) +
                        "; use another partitioning such as rebalance()");
                graph->edges.push_back(std::move(e));
                int32_t edgeIndex = static_cast<int32_t>(graph->edges.size() - 1);
                graph->nodes.at(r.nodeId).outEdges.push_back(edgeIndex);
                graph->nodes.at(id).inEdges.push_back(edgeIndex);
            }
        }
    }

    // Runtime mode.
    RuntimeExecutionMode mode = settings.executionMode;
    if (mode == RuntimeExecutionMode::AUTOMATIC)
        mode = allBounded ? RuntimeExecutionMode::BATCH : RuntimeExecutionMode::STREAMING;
    if (mode == RuntimeExecutionMode::BATCH && !allBounded)
        throw InvalidProgramException(
            "execution.runtime-mode is BATCH but the program has an unbounded source; use "
            "STREAMING or "
            "AUTOMATIC, or bounded sources");
    graph->executionMode = mode;

    // Operator ids: from the uid, else from the position in the graph and the inputs' ids.
    std::map<int32_t, std::pair<uint64_t, uint64_t>> hashes;
    int32_t position = 0;
    for (auto& [id, n] : graph->nodes) {
        std::string seed;
        if (!n.uid.empty()) {
            seed = "uid:" + n.uid;
        } else {
            seed = "pos:" + std::to_string(position) + ":" + kindName(n.kind);
            for (int32_t e : n.inEdges) {
                const auto& h = hashes.at(graph->edges[e].sourceId);
                seed += ":" + hex64(h.first, h.second) + "/" +
                        std::to_string(graph->edges[e].inputIndex);
            }
        }
        uint64_t a = fnv1a(seed), b = fnv1a(seed, a ^ 0x9e3779b97f4a7c15ull);
        hashes[id] = {a, b};
        n.operatorId = hex64(a, b);
        ++position;
    }
    return graph;
}

}  // namespace weir
