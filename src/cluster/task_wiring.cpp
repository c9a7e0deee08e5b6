#include "cluster/task_wiring.h"

#include <map>

#include "core/memory/buffer_pool.h"
#include "core/memory/network_buffer_pool.h"
#include "runtime/checkpoint/state_assignment.h"
#include "weir/core/options.h"

namespace weir {

namespace {

/// For each producer subtask, the consumer subtasks it sends to (in channel order).
std::vector<std::vector<int32_t>> connections(PartitionerKind kind, int32_t producers,
                                              int32_t consumers) {
    std::vector<std::vector<int32_t>> out(producers);
    for (int32_t p = 0; p < producers; ++p) {
        if (!isPointwise(kind)) {
            for (int32_t c = 0; c < consumers; ++c) out[p].push_back(c);
        } else if (producers >= consumers) {
            out[p].push_back(static_cast<int32_t>(int64_t(p) * consumers / producers));
        } else {
            for (int32_t c = 0; c < consumers; ++c)
                if (int64_t(c) * producers / consumers == p) out[p].push_back(c);
        }
    }
    return out;
}

}  // namespace

std::vector<std::unique_ptr<StreamTask>> wireTasks(const JobGraph& jobGraph,
                                                   const TaskCheckpointSettings& checkpointing,
                                                   const CompletedCheckpoint* restore,
                                                   const TaskWiringCallbacks& callbacks,
                                                   NetworkBufferPool& network) {
    std::vector<std::unique_ptr<StreamTask>> tasks;
    const StreamGraph& graph = *jobGraph.streamGraph;
    const Configuration& config = jobGraph.configuration;
    const int32_t perChannel = config.get(options::kBuffersPerChannel);
    const int32_t floating = config.get(options::kFloatingBuffersPerGate);
    const int32_t overdraft = config.get(options::kOverdraftBuffers);
    const auto& vertices = jobGraph.vertices;
    const auto& edges = jobGraph.edges;

    // Which consumer subtasks each producer subtask of each edge sends to.
    std::vector<std::vector<std::vector<int32_t>>> conn(edges.size());
    for (size_t e = 0; e < edges.size(); ++e)
        conn[e] = connections(graph.edges[edges[e].streamEdge].partitioner.kind,
                              vertices[edges[e].sourceVertex].parallelism,
                              vertices[edges[e].targetVertex].parallelism);

    // Gate layout of every consumer subtask: channels ordered by operator input, edge, producer.
    struct GateLayout {
        std::vector<TaskInputSpec> inputs;
        std::vector<std::pair<int32_t, int32_t>> channelToInput;
        std::map<std::pair<int32_t, int32_t>, int32_t> channelOf;  // (edge, producer) -> channel
    };
    std::vector<std::vector<GateLayout>> layouts(vertices.size());
    for (const auto& v : vertices) {
        layouts[v.id].resize(v.parallelism);
        for (int32_t c = 0; c < v.parallelism; ++c) {
            GateLayout& g = layouts[v.id][c];
            for (int32_t inputIndex = 0; inputIndex < 2; ++inputIndex) {
                TaskInputSpec spec;
                spec.inputIndex = inputIndex;
                for (int32_t e : v.inputEdges) {
                    const StreamEdge& se = graph.edges[edges[e].streamEdge];
                    if (se.inputIndex != inputIndex) continue;
                    spec.type = se.type;
                    for (size_t p = 0; p < conn[e].size(); ++p) {
                        for (int32_t target : conn[e][p]) {
                            if (target != c) continue;
                            g.channelOf[{e, static_cast<int32_t>(p)}] =
                                static_cast<int32_t>(g.channelToInput.size());
                            g.channelToInput.emplace_back(static_cast<int32_t>(g.inputs.size()),
                                                          spec.numChannels++);
                        }
                    }
                }
                if (spec.type) g.inputs.push_back(std::move(spec));
            }
        }
    }

    // Subtasks.
    std::vector<std::vector<StreamTask*>> taskOf(vertices.size());
    for (const auto& v : vertices) {
        std::map<int32_t, int32_t> position;
        for (size_t i = 0; i < v.chainedNodes.size(); ++i)
            position[v.chainedNodes[i]] = static_cast<int32_t>(i);
        std::map<int32_t, int32_t> partitionOfEdge;  // stream edge -> index in v.outputEdges
        for (size_t i = 0; i < v.outputEdges.size(); ++i)
            partitionOfEdge[edges[v.outputEdges[i]].streamEdge] = static_cast<int32_t>(i);

        for (int32_t s = 0; s < v.parallelism; ++s) {
            TaskDeployment d;
            d.taskInfo.taskName = v.name;
            d.taskInfo.subtaskIndex = s;
            d.taskInfo.parallelism = v.parallelism;
            d.taskInfo.maxParallelism = v.maxParallelism;
            d.taskInfo.attemptNumber = static_cast<int32_t>(checkpointing.epoch);
            d.executionMode = graph.executionMode;
            d.inputs = layouts[v.id][s].inputs;
            for (int32_t nodeId : v.chainedNodes) {
                const StreamNode& n = graph.node(nodeId);
                ChainedOperatorSpec op;
                op.name = n.name;
                op.operatorId = n.operatorId;
                op.factory = n.operatorFactory;
                op.outputType = n.outputType;
                op.keyed = n.keyed;
                op.keyType = n.keyType;
                op.isSource = n.kind == TransformationKind::SOURCE;
                for (int32_t e : n.outEdges) {
                    const StreamEdge& se = graph.edges[e];
                    OperatorOutputSpec out;
                    out.sideOutputTag = se.sideOutputTag;
                    out.type = se.type;
                    out.partitioner = se.partitioner;
                    out.consumerMaxParallelism = graph.node(se.targetId).maxParallelism;
                    if (auto it = partitionOfEdge.find(e); it != partitionOfEdge.end()) {
                        out.partition = it->second;
                    } else {
                        out.chained = true;
                        out.chainedOperator = position.at(se.targetId);
                    }
                    op.outputs.push_back(std::move(out));
                }
                d.operators.push_back(std::move(op));
            }
            d.checkpointing = checkpointing;
            d.checkpointing.taskIndex = static_cast<int32_t>(tasks.size());
            if (restore) {
                KeyGroupRange range =
                    keygroups::rangeForOperatorIndex(v.maxParallelism, v.parallelism, s);
                for (const auto& op : d.operators)
                    d.restores.push_back(std::make_shared<OperatorRestore>(assignOperatorState(
                        *restore, op.operatorId, s, v.parallelism, v.maxParallelism, range)));
            }
            tasks.push_back(std::make_unique<StreamTask>(std::move(d), &jobGraph.configuration,
                                                         callbacks.onDone));
            StreamTask* task = tasks.back().get();
            task->setEndOfInputListener(callbacks.onEndOfInput);
            taskOf[v.id].push_back(task);
            const GateLayout& g = layouts[v.id][s];
            if (!g.channelToInput.empty()) {
                task->createInputGate(static_cast<int32_t>(g.channelToInput.size()));
                task->setInputChannelMapping(g.channelToInput);
            }
        }
    }

    // Result partitions, in the order of each vertex's output edges, each subpartition read by
    // a local channel of its consumer's gate (everything runs in this process).
    for (const auto& v : vertices) {
        for (int32_t e : v.outputEdges) {
            const JobEdge& je = edges[e];
            for (int32_t p = 0; p < v.parallelism; ++p) {
                StreamTask* producer = taskOf[v.id][p];
                const auto& consumers = conn[e][p];
                auto n = static_cast<uint32_t>(consumers.size());
                auto pool = std::make_unique<BufferPool>(
                    producer->info().taskNameWithSubtask() + " output " + std::to_string(e),
                    network,
                    n * static_cast<uint32_t>(perChannel) +
                        static_cast<uint32_t>(floating + overdraft),
                    static_cast<uint32_t>(overdraft));
                auto partition = std::make_unique<ResultPartition>(
                    static_cast<int32_t>(n), std::move(pool), producer->cancelFlag());
                for (uint32_t i = 0; i < n; ++i) {
                    int32_t c = consumers[i];
                    InputGate* gate = taskOf[je.targetVertex][c]->inputGate();
                    int32_t channel = layouts[je.targetVertex][c].channelOf.at({e, p});
                    gate->setChannel(channel, std::make_unique<LocalInputChannel>(
                                                  gate, channel, &partition->subpartition(i)));
                }
                producer->addResultPartition(std::move(partition));
            }
        }
    }
    return tasks;
}

}  // namespace weir
