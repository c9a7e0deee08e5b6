#pragma once
// CheckpointResponder: how a task talks to its job's checkpoint coordinator. Thread-safe: tasks
// call it from their own threads and from the snapshot I/O threads.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/checkpoint/checkpoint_storage.h"
#include "runtime/checkpoint/state_handles.h"

namespace weir {

class CheckpointResponder {
public:
    virtual ~CheckpointResponder() = default;
    /// Where checkpoint `checkpointId` is written; null when it is no longer pending.
    virtual std::shared_ptr<const CheckpointStorageLocation> location(int64_t checkpointId) = 0;
    /// Task `taskIndex` (of execution `epoch`) has stored its state for the checkpoint: one
    /// entry per operator of its chain (operator id, state).
    virtual void acknowledge(int64_t epoch, int32_t taskIndex, int64_t checkpointId,
                             std::vector<std::pair<std::string, OperatorSubtaskState>> states) = 0;
    /// The task could not take or store its snapshot.
    virtual void decline(int64_t epoch, int32_t taskIndex, int64_t checkpointId,
                         const std::string& reason) = 0;
};

}  // namespace weir
