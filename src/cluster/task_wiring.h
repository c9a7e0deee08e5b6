#pragma once
// Task wiring: expands a JobGraph into subtasks (vertex x parallelism) and connects result
// partitions to input gates (all-to-all, or pointwise for forward and rescale edges), with the
// state each operator subtask restores from a completed checkpoint.

#include <functional>
#include <memory>
#include <vector>

#include "graph/job_graph.h"
#include "runtime/checkpoint/state_handles.h"
#include "runtime/task/stream_task.h"

namespace weir {

struct TaskWiringCallbacks {
    StreamTask::CompletionCallback onDone;
    std::function<void(StreamTask&)> onEndOfInput;
};

class NetworkBufferPool;

/// Creates every task of the job (not started), their buffers taken from `network` (throws
/// ConfigException when it has too few). Task i has TaskCheckpointSettings::taskIndex i;
/// `checkpointing` gives the rest of the settings. With `restore`, each operator subtask gets its
/// share of that checkpoint (throws CheckpointException / StateMigrationException when it
/// cannot be read or does not fit).
std::vector<std::unique_ptr<StreamTask>> wireTasks(const JobGraph& jobGraph,
                                                   const TaskCheckpointSettings& checkpointing,
                                                   const CompletedCheckpoint* restore,
                                                   const TaskWiringCallbacks& callbacks,
                                                   NetworkBufferPool& network);

}  // namespace weir
