#pragma once
// Sink<T>: where a job's results go. A sink makes one SinkWriter per parallel subtask; the writer
// gets every record of its subtask, a flush at the end of input, and close.

#include <cstdint>
#include <memory>

#include "weir/core/configuration.h"

namespace weir {

struct SinkWriterContext {
    int32_t subtaskIndex = 0;
    int32_t parallelism = 1;
    const Configuration* configuration = nullptr;
};

template <class T>
class SinkWriter {
public:
    virtual ~SinkWriter() = default;
    virtual void write(const T& value, int64_t timestamp) = 0;
    /// Called at the end of input (endOfInput = true), and before checkpoints later on.
    virtual void flush(bool endOfInput) {}
    virtual void close() {}
};

template <class T>
class Sink {
public:
    using InputType = T;
    virtual ~Sink() = default;
    virtual std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext& context) const = 0;
};

}  // namespace weir
