#pragma once
// Checkpoint storage: where the bytes of a checkpoint go.
//
//   jobmanager  state stays in memory (inline in the checkpoint's metadata), each operator
//               subtask's state limited to
//               execution.checkpointing.jobmanager-storage.max-state-size (5 MiB); with a
//               checkpoint directory the metadata is also written there.
//   filesystem  <dir>/<job-id>/chk-<n>/_metadata plus one file per state larger than
//               execution.checkpointing.data-inline-threshold; shared/ (incremental state) and
//               taskowned/ next to the chk-<n> directories.
//
// Every file is written under a temporary name (starting with '.'), flushed to disk and renamed,
// so a crash never leaves a file that looks complete but is not; _metadata is written last, so a
// chk-<n> directory without it is not a checkpoint.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/checkpoint/state_handles.h"
#include "weir/core/configuration.h"

namespace weir {

/// Where one checkpoint or savepoint is written. Thread-safe (tasks persist concurrently).
class CheckpointStorageLocation {
public:
    /// `directory` empty: everything stays in memory. `inlineThreshold`: state smaller than this
    /// stays inline. `maxInlineSize` (0: no limit): larger inline state is an error.
    CheckpointStorageLocation(std::string directory, uint64_t inlineThreshold,
                              uint64_t maxInlineSize);

    /// Stores one state blob; `name` is unique within the checkpoint. Throws CheckpointException
    /// (naming the file, or the size limit) on failure.
    StreamStateHandle persist(const std::string& name, std::string_view data) const;
    /// Copies the file `sourcePath` into the checkpoint (needs a directory): into this
    /// checkpoint's directory, or with `shared` into the job's shared/ directory (files that
    /// later checkpoints may reference). Throws CheckpointException naming the file.
    StreamStateHandle persistFile(const std::string& name, const std::string& sourcePath,
                                  bool shared) const;
    /// Writes _metadata durably; a no-op without a directory.
    void writeMetadata(const std::string& bytes) const;
    /// Deletes the directory and everything in it (no-op without a directory).
    void discard() const;
    const std::string& directory() const { return directory_; }

private:
    std::string directory_;
    uint64_t inlineThreshold_;
    uint64_t maxInlineSize_;
};

class CheckpointStorage {
public:
    /// From execution.checkpointing.storage / .dir; throws ConfigException on a bad combination.
    CheckpointStorage(const Configuration& config, std::string jobId);

    std::shared_ptr<CheckpointStorageLocation> initializeCheckpoint(int64_t checkpointId) const;
    /// `targetDirectory` empty: execution.checkpointing.savepoint-dir (ConfigException if unset).
    std::shared_ptr<CheckpointStorageLocation> initializeSavepoint(
        const std::string& targetDirectory) const;
    /// True when checkpoints are written to a directory (and can outlive the process).
    bool hasDirectory() const { return !jobDirectory_.empty(); }
    const std::string& jobDirectory() const { return jobDirectory_; }
    /// Removes the job directory if nothing is left in it.
    void removeJobDirectoryIfEmpty() const;

private:
    std::string jobId_;
    bool jobManager_;
    std::string jobDirectory_;  // <dir>/<job-id>, empty without a directory
    std::string savepointDirectory_;
    uint64_t inlineThreshold_;
    uint64_t maxJobManagerState_;
};

/// The bytes of a handle: inline, or the file (relative to `baseDirectory` unless absolute).
/// Throws CheckpointException naming the file when it is missing or unreadable.
std::string readStateHandle(const StreamStateHandle& handle, const std::string& baseDirectory);

/// Loads a checkpoint or savepoint: `path` is its directory or its _metadata file (a file://
/// URI is accepted). Throws CheckpointException when it is missing or corrupt.
CompletedCheckpoint loadCompletedCheckpoint(const std::string& path);

/// What a job restores from execution.state-recovery.path: a savepoint or checkpoint directory
/// (or its _metadata file), or a job's checkpoint directory <dir>/<job-id>, of which the newest
/// chk-<n> with valid metadata is taken (invalid ones are skipped with a warning). Throws
/// CheckpointException, listing what was wrong, when there is nothing valid to restore.
CompletedCheckpoint loadCheckpointForRecovery(const std::string& path);

/// "file:///a/b" -> "/a/b"; other paths unchanged.
std::string localPathOf(const std::string& uriOrPath);

}  // namespace weir
