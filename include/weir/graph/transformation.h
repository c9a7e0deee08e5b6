#pragma once
// Transformation: one step of a user program as the API records it (nothing runs yet).
// execute() turns the transformations into a StreamGraph, then a JobGraph.
//
// Physical transformations (source, one-input, two-input, sink) become operators; virtual ones
// (partition, union, side output) only shape the edges between operators.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weir/functions/source.h"
#include "weir/runtime/partitioner.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/type_information.h"

namespace weir {

enum class TransformationKind { SOURCE, ONE_INPUT, TWO_INPUT, SINK, PARTITION, UNION, SIDE_OUTPUT };

/// Whether an operator may be chained to its predecessor (HEAD: starts a chain) or to anything.
enum class ChainingStrategy { ALWAYS, HEAD, NEVER };

struct Transformation {
    int32_t id = 0;
    TransformationKind kind = TransformationKind::ONE_INPUT;
    std::string name;
    std::string uid;
    /// -1: the environment's default parallelism.
    int32_t parallelism = -1;
    /// -1: derived from the parallelism (see keygroups::defaultMaxParallelism) or the environment.
    int32_t maxParallelism = -1;
    /// Non-parallel operators (fromElements, collect sink) must run with parallelism 1.
    bool nonParallel = false;
    ChainingStrategy chaining = ChainingStrategy::ALWAYS;
    std::string slotSharingGroup = "default";

    std::vector<std::shared_ptr<Transformation>> inputs;
    /// The type of the elements this transformation produces.
    std::shared_ptr<const TypeInformationBase> outputType;
    /// Physical transformations: the serializer identity of the elements each input takes
    /// (checked against the incoming edges' types when the graph is built); empty: unchecked.
    std::vector<std::string> inputTypes;

    /// Physical transformations: makes one operator instance per subtask.
    OperatorFactory operatorFactory;
    /// The operator keeps keyed state (it runs after keyBy).
    bool keyed = false;
    /// Keyed operators: the identity of the key's serializer (serializerIdentity<K>()).
    std::string keyType;
    /// SOURCE only.
    Boundedness boundedness = Boundedness::BOUNDED;
    /// PARTITION only.
    PartitionerSpec partitioner;
    /// SIDE_OUTPUT only: the tag's routing key (id and element type, OutputTag::routingKey) and
    /// its id as the user wrote it.
    std::string sideOutputTag;
    std::string sideOutputId;

    bool isPhysical() const {
        return kind != TransformationKind::PARTITION && kind != TransformationKind::UNION &&
               kind != TransformationKind::SIDE_OUTPUT;
    }
};

}  // namespace weir
