#pragma once
// Incremental checkpoints of a RocksDB instance (execution.checkpointing.incremental).
//
// The synchronous part is RocksDbStore::createNativeSnapshot (a flush and hard links). The upload
// copies each SST file that no completed checkpoint has uploaded yet into the job's shared/
// directory, and references the ones that have been: SST files never change, so a file with the
// same name is the same file. The other files (MANIFEST, CURRENT, OPTIONS) go into the
// checkpoint's own directory. Which files count as uploaded changes only when a checkpoint
// completes, so a file is never referenced before the checkpoint that uploaded it is durable.
//
// Restore: the files of the subtask's old instance are copied back and opened; after rescaling,
// the key groups a subtask now owns are copied out of every old instance that had some.
//
// Thread-safety: take/confirm on the task thread, upload on a snapshot I/O thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_storage.h"
#include "runtime/checkpoint/state_handles.h"
#include "weir/runtime/state/rocksdb_store.h"

namespace weir {

class IncrementalSnapshotter {
public:
    struct Upload {
        IncrementalKeyedStateHandle handle;
        uint64_t uploaded = 0;
        uint64_t reused = 0;
    };
    /// Uploads the snapshot's files (deletes the snapshot directory afterwards, also on error).
    Upload upload(int64_t checkpointId, const RocksDbStore::NativeSnapshot& snapshot,
                  const KeyGroupRange& range, const CheckpointStorageLocation& location,
                  const std::string& namePrefix);
    /// Checkpoint `checkpointId` completed: its files are the ones later checkpoints reuse.
    void confirm(int64_t checkpointId);
    /// A restored instance: its shared files count as uploaded.
    void seed(const IncrementalKeyedStateHandle& restored);

private:
    std::mutex mutex_;
    std::map<std::string, StreamStateHandle> confirmed_;  // SST name -> shared file
    std::map<int64_t, std::map<std::string, StreamStateHandle>> pending_;
};

/// One old subtask's incremental state, with absolute file paths.
struct IncrementalRestore {
    IncrementalKeyedStateHandle handle;
    std::string baseDirectory;  // of the checkpoint's _metadata
};

/// The RocksDB instance of a subtask owning `range`, made from the incremental states of the old
/// subtasks that overlap it. Throws CheckpointException when a file is missing.
std::unique_ptr<RocksDbStore> restoreRocksDb(const RocksDbOptions& options,
                                             const std::vector<IncrementalRestore>& restores,
                                             const KeyGroupRange& range);

}  // namespace weir
