#pragma once
// StreamGraph: one node per operator, edges carrying the partitioner, the input index and the
// type of the data. Built from transformations by StreamGraphGenerator.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "weir/core/configuration.h"
#include "weir/graph/transformation.h"

namespace weir {

struct StreamEdge {
    int32_t sourceId = 0;
    int32_t targetId = 0;
    /// 0 for the first input, 1 for the second input of a two-input operator.
    int32_t inputIndex = 0;
    PartitionerSpec partitioner;
    /// Non-empty for an edge that carries a side output.
    std::string sideOutputTag;
    std::shared_ptr<const TypeInformationBase> type;
};

struct StreamNode {
    int32_t id = 0;
    std::string name;
    std::string uid;
    /// Stable across runs of the same program: derived from the uid, or the graph position.
    std::string operatorId;
    int32_t parallelism = 1;
    int32_t maxParallelism = 128;
    ChainingStrategy chaining = ChainingStrategy::ALWAYS;
    std::string slotSharingGroup;
    TransformationKind kind = TransformationKind::ONE_INPUT;
    bool keyed = false;
    std::string keyType;
    Boundedness boundedness = Boundedness::BOUNDED;
    OperatorFactory operatorFactory;
    std::shared_ptr<const TypeInformationBase> outputType;
    std::vector<int32_t> inEdges;   // indices into StreamGraph::edges
    std::vector<int32_t> outEdges;  // indices into StreamGraph::edges
};

struct StreamGraph {
    /// Keeps the code of the operators' factories loaded (a job library) for as long as the graph
    /// exists; declared first so that it is released last. Null for programs linked in.
    std::shared_ptr<const void> codeOwner;
    std::string jobName;
    RuntimeExecutionMode executionMode = RuntimeExecutionMode::STREAMING;
    bool chainingEnabled = true;
    std::map<int32_t, StreamNode> nodes;  // by id, ascending = the order the program declared them
    std::vector<StreamEdge> edges;

    const StreamNode& node(int32_t id) const { return nodes.at(id); }
};

}  // namespace weir
