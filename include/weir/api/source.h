#pragma once
// Source<T>: a data source (files, collections, sockets, generators, Kafka, ...).
//
// A source makes one SourceReader per parallel subtask. The task polls its reader from the
// mailbox loop, so reading interleaves with timers, checkpoints and cancellation without locks:
//   pollNext(output) emits zero or more records and says whether more are available now, nothing
//   is available now (the reader calls context.wakeUp() when data arrives), or the input ended.
// Readers split the work among themselves by subtask index and parallelism.

#include <cstdint>
#include <functional>
#include <memory>

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
};

template <class T>
class SourceReader {
public:
    virtual ~SourceReader() = default;
    virtual void start() {}
    virtual InputStatus pollNext(ReaderOutput<T>& output) = 0;
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
