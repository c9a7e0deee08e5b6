#pragma once
// State assignment: which part of a completed checkpoint each operator subtask restores, at the
// checkpoint's parallelism or another one.
//
//   keyed state     the sections of the key groups the new subtask owns, read from every old
//                   subtask whose range overlaps;
//   list state      same parallelism: the subtask's own list; otherwise the lists of all old
//                   subtasks, concatenated and cut into one contiguous share per new subtask;
//   union state     every element of every old subtask;
//   broadcast state old subtask 0's copy.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/checkpoint/incremental_snapshots.h"
#include "runtime/checkpoint/state_handles.h"
#include "weir/runtime/state/state_snapshot.h"

namespace weir {

struct OperatorRestore {
    /// False when the checkpoint has no state for the operator (it starts empty).
    bool hasState = false;
    std::vector<KeyGroupSection> keyGroups;  // views into `blobs`
    /// The recorded key and keyed state types (the union over the old subtasks).
    KeyedStateTypes keyedTypes;
    std::vector<OperatorStateEntry> operatorState;
    /// Unaligned checkpoints: in-flight input data per input channel of the task.
    std::vector<std::pair<int32_t, std::string>> inputChannelState;
    /// Unaligned checkpoints: in-flight output data the task had queued for its consumers.
    std::vector<ResultSubpartitionState> resultSubpartitionState;
    std::vector<std::shared_ptr<const std::string>> blobs;
    /// Incremental RocksDB state of the old subtasks whose key groups overlap ours.
    std::vector<IncrementalRestore> incremental;
};

/// The state of operator `operatorId` for subtask `subtaskIndex` of `parallelism`, whose key
/// groups are `range`. Reads files relative to the checkpoint's directory. Throws
/// CheckpointException when a file is missing or corrupt, StateMigrationException when the
/// checkpoint does not fit (another max parallelism).
OperatorRestore assignOperatorState(const CompletedCheckpoint& checkpoint,
                                    const std::string& operatorId, int32_t subtaskIndex,
                                    int32_t parallelism, int32_t maxParallelism,
                                    const KeyGroupRange& range);

}  // namespace weir
