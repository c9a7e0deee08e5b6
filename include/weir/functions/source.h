#pragma once
// Source<T>: a data source (files, collections, sockets, generators, Kafka, ...).
//
// A source makes one SourceReader per parallel subtask. The task polls its reader from the
// mailbox loop, so reading interleaves with timers, checkpoints and cancellation without locks:
//   pollNext(output) emits zero or more records and says whether more are available now, nothing
//   is available now (the reader calls context.wakeUp() when data arrives), or the input ended.
// Readers split the work among themselves by subtask index and parallelism.
//
// Checkpoints: a reader's position is its list of split states (serialized by the source, e.g.
// "file f from byte 1234", "indices 500..999"), which snapshotState returns at each checkpoint.
// After a failure (or from a savepoint, possibly at another parallelism) the source makes its
// readers with SourceReaderContext::restoredSplits set to the splits each one resumes; a reader
// restored with no split has nothing to read. Readers that cannot rewind (sockets) keep the
// defaults and read from wherever their input is now.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weir/core/configuration.h"
#include "weir/core/time.h"

namespace weir {

enum class Boundedness { BOUNDED, CONTINUOUS_UNBOUNDED };

enum class InputStatus { MORE_AVAILABLE, NOTHING_AVAILABLE, END_OF_INPUT };

template <class T>
class ReaderOutput {
public:
    virtual ~ReaderOutput() = default;
    /// Emits a record without a timestamp of its own (the watermark strategy may assign one).
    virtual void collect(const T& value) = 0;
    /// Emits a record with a timestamp from the source (e.g. a Kafka record's timestamp).
    virtual void collect(const T& value, int64_t timestamp) = 0;
};

struct SourceReaderContext {
    int32_t subtaskIndex = 0;
    int32_t parallelism = 1;
    const Configuration* configuration = nullptr;
    /// Wakes the task after pollNext returned NOTHING_AVAILABLE and data has arrived. May be
    /// called from any thread.
    std::function<void()> wakeUp;
    /// Set when restoring: the split states this reader resumes (what readers' snapshotState
    /// returned; after rescaling, any share of them).
    std::optional<std::vector<std::string>> restoredSplits;
};

template <class T>
class SourceReader {
public:
    virtual ~SourceReader() = default;
    virtual void start() {}
    virtual InputStatus pollNext(ReaderOutput<T>& output) = 0;
    /// The state of every split this reader has not finished, at checkpoint `checkpointId`.
    virtual std::vector<std::string> snapshotState(int64_t checkpointId) { return {}; }
    virtual void notifyCheckpointComplete(int64_t checkpointId) {}
    virtual void close() {}
};

template <class T>
class Source {
public:
    using OutputType = T;
    virtual ~Source() = default;
    virtual Boundedness getBoundedness() const = 0;
    virtual std::unique_ptr<SourceReader<T>> createReader(
        const SourceReaderContext& context) const = 0;
};

}  // namespace weir
