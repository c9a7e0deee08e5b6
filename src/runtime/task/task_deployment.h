#pragma once
// TaskDeployment: everything one subtask needs to run, as the job master hands it over: its
// operator chain (factories and how their outputs connect), its inputs and its outputs.

#include <memory>
#include <string>
#include <vector>

#include "core/time/clock.h"
#include "runtime/checkpoint/state_assignment.h"
#include "weir/core/configuration.h"
#include "weir/functions/task_info.h"
#include "weir/runtime/partitioner.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/type_information.h"

namespace weir {

/// Where one operator output goes: to another operator of the chain, or to a result partition.
struct OperatorOutputSpec {
    bool chained = false;
    int32_t chainedOperator = -1;  // index into TaskDeployment::operators
    int32_t partition = -1;        // index into the task's result partitions
    PartitionerSpec partitioner;
    int32_t consumerMaxParallelism = 128;
    std::string sideOutputTag;
    std::shared_ptr<const TypeInformationBase> type;
};

struct ChainedOperatorSpec {
    std::string name;
    std::string operatorId;
    OperatorFactory factory;
    std::shared_ptr<const TypeInformationBase> outputType;
    bool keyed = false;
    /// Keyed operators: the key's serializer identity (recorded in and checked against
    /// snapshots).
    std::string keyType;
    bool isSource = false;
    std::vector<OperatorOutputSpec> outputs;
};

struct TaskInputSpec {
    int32_t inputIndex = 0;  // operator input (0 or 1) of the chain head
    std::shared_ptr<const TypeInformationBase> type;
    int32_t numChannels = 0;
};

class CheckpointResponder;
class SnapshotExecutor;

/// How a task takes part in checkpoints (responder null: checkpointing is off).
struct TaskCheckpointSettings {
    CheckpointResponder* responder = nullptr;
    SnapshotExecutor* executor = nullptr;
    /// The task's index in the job and the execution (restart) it belongs to.
    int32_t taskIndex = 0;
    int64_t epoch = 0;
    /// Exactly-once aligns barriers; at-least-once does not.
    bool aligned = true;
    /// Unaligned checkpoints (exactly-once): the first barrier triggers the snapshot, and the
    /// in-flight data is stored with it.
    bool unaligned = false;
};

struct TaskDeployment {
    TaskInfo taskInfo;
    RuntimeExecutionMode executionMode = RuntimeExecutionMode::STREAMING;
    /// Head first; an operator is listed before the operators it feeds.
    std::vector<ChainedOperatorSpec> operators;
    /// One per operator input of the head that is fed by the network.
    std::vector<TaskInputSpec> inputs;
    TaskCheckpointSettings checkpointing;
    /// Per operator (same order as `operators`): the state to restore, or null.
    std::vector<std::shared_ptr<const OperatorRestore>> restores;
    /// Processing time of the task's timers (null: the system clock).
    const Clock* clock = nullptr;
};

}  // namespace weir
