#pragma once
// What a checkpoint records of each operator subtask's state: handles to bytes that are either
// kept inline (small state, the 'jobmanager' storage) or in a file of the checkpoint storage.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weir/core/key_groups.h"
#include "weir/core/weir_type.h"
#include "weir/runtime/state/state_snapshot.h"

namespace weir {

/// Bytes of a snapshot, inline or in a file. A file path is relative to the directory of the
/// checkpoint's _metadata (so savepoints can be moved), or absolute.
struct StreamStateHandle {
    std::string inlineData;
    std::string path;
    uint64_t size = 0;
    bool isFile() const { return !path.empty(); }
};

/// Keyed state of one subtask: one section per key group of `range`.
struct KeyedStateHandle {
    KeyGroupRange range;
    std::vector<uint64_t> offsets;  // range.size() + 1 entries
    StreamStateHandle data;
};

/// An incremental (native) RocksDB checkpoint of one subtask: the instance's files. SST files
/// are immutable and shared with other checkpoints that contain them (they live in the job's
/// shared/ directory); the other files belong to this checkpoint alone.
struct IncrementalKeyedStateHandle {
    KeyGroupRange range;
    std::vector<std::pair<std::string, StreamStateHandle>> sharedFiles;   // (file name, handle)
    std::vector<std::pair<std::string, StreamStateHandle>> privateFiles;  // (file name, handle)
};

/// In-flight output data of one subpartition (a producer's queue towards one consumer).
struct ResultSubpartitionState {
    int32_t partition = 0;     // the task's output edge
    int32_t subpartition = 0;  // the consumer
    std::string bytes;         // whole elements, in order
};
WEIR_TYPE(ResultSubpartitionState, partition, subpartition, bytes);

/// The state of one operator of one subtask.
struct OperatorSubtaskState {
    /// Keyed state in the canonical format; with an incremental checkpoint, only what is not in
    /// RocksDB (timers).
    std::optional<KeyedStateHandle> keyed;
    std::optional<IncrementalKeyedStateHandle> incrementalKeyed;
    /// The key type and the type of every keyed state (for either kind of keyed handle).
    KeyedStateTypes keyedTypes;
    /// Serialized std::vector<OperatorStateEntry> (operator_state_codec.h).
    std::optional<StreamStateHandle> operatorState;
    /// Unaligned checkpoints, head operator of a task: the in-flight input data, serialized
    /// std::vector<std::pair<int32_t channel, std::string bytes>>.
    std::optional<StreamStateHandle> inputChannelState;
    /// Unaligned checkpoints, head operator of a task: the output data queued for consumers that
    /// the barrier overtook, serialized std::vector<ResultSubpartitionState>.
    std::optional<StreamStateHandle> resultSubpartitionState;
    /// True once the subtask had finished its input (its state is final).
    bool finished = false;
    /// Statistics of an incremental upload (not stored in the metadata).
    uint64_t sharedFilesUploaded = 0;
    uint64_t sharedFilesReused = 0;
};

/// The state of one operator (by operator id) across its subtasks.
struct OperatorState {
    int32_t parallelism = 0;
    int32_t maxParallelism = 0;
    std::map<int32_t, OperatorSubtaskState> subtasks;
};

enum class CheckpointType : uint8_t { kCheckpoint = 0, kSavepoint = 1 };

/// A completed checkpoint or savepoint: what _metadata holds.
struct CompletedCheckpoint {
    std::string jobId;
    int64_t checkpointId = 0;
    int64_t timestamp = 0;
    CheckpointType type = CheckpointType::kCheckpoint;
    std::map<std::string, OperatorState> operators;  // by operator id
    /// Directory of _metadata (empty when the checkpoint lives in memory only).
    std::string externalPath;
    /// Total bytes of state (inline and files), for statistics.
    uint64_t stateSize = 0;
    /// Of which in-flight data of unaligned checkpoints.
    uint64_t inFlightDataSize = 0;
    /// Incremental checkpoints: shared files this checkpoint uploaded, and reused from earlier
    /// ones.
    uint64_t sharedFilesUploaded = 0;
    uint64_t sharedFilesReused = 0;
};

}  // namespace weir
