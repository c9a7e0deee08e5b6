#pragma once
// Sink<T>: where a job's results go. A sink makes one SinkWriter per parallel subtask; the writer
// gets every record of its subtask, a flush before each checkpoint and at the end of input, and
// close.
//
// Exactly-once sinks derive from TwoPhaseCommittingSink<T>: their writer closes a transaction on
// each checkpoint (prepareCommit, the pre-commit) and hands back committables; the sink operator
// keeps them in its checkpointed state and gives them to the sink's Committer once the
// checkpoint has completed. After a failure the restored committables are committed again, so a
// Committer must be idempotent (committing what is already committed does nothing). At the end
// of a bounded job the last transaction is committed when every task has finished.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/core/configuration.h"

namespace weir {

struct SinkWriterContext {
    int32_t subtaskIndex = 0;
    int32_t parallelism = 1;
    const Configuration* configuration = nullptr;
    /// True when the job restarted from a checkpoint or savepoint.
    bool restored = false;
    /// The writer states that SinkWriter::snapshotState returned at that checkpoint (for this
    /// subtask; after rescaling, any share of the old subtasks' states).
    std::vector<std::string> restoredState;
};

template <class T>
class SinkWriter {
public:
    virtual ~SinkWriter() = default;
    virtual void write(const T& value, int64_t timestamp) = 0;
    /// Called before each checkpoint (endOfInput = false) and at the end of input (true).
    virtual void flush(bool endOfInput) {}
    /// The writer's own state at a checkpoint (serialized by the sink), e.g. an open file and its
    /// length; handed back through SinkWriterContext::restoredState.
    virtual std::vector<std::string> snapshotState(int64_t checkpointId) { return {}; }
    virtual void close() {}
};

template <class T>
class Sink {
public:
    using InputType = T;
    virtual ~Sink() = default;
    virtual std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext& context) const = 0;
};

/// The writer of a TwoPhaseCommittingSink.
template <class T>
class PrecommittingSinkWriter : public SinkWriter<T> {
public:
    /// Pre-commits everything written since the last call (after flush): returns the
    /// committables (serialized by the sink) that make it visible once committed. Called at
    /// every checkpoint and once at the end of input.
    virtual std::vector<std::string> prepareCommit() = 0;
};

/// Commits the committables of completed checkpoints; runs on the sink's task thread.
class Committer {
public:
    virtual ~Committer() = default;
    /// Must be idempotent: after a failure the same committable may be committed again.
    /// Throws when a committable cannot be committed (the job then fails over).
    virtual void commit(const std::vector<std::string>& committables) = 0;
};

template <class T>
class TwoPhaseCommittingSink : public Sink<T> {
public:
    /// The writer (must return a PrecommittingSinkWriter).
    std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext& context) const final {
        return createPrecommittingWriter(context);
    }
    virtual std::unique_ptr<PrecommittingSinkWriter<T>> createPrecommittingWriter(
        const SinkWriterContext& context) const = 0;
    virtual std::unique_ptr<Committer> createCommitter(const SinkWriterContext& context) const = 0;
};

}  // namespace weir
