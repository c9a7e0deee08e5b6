#pragma once
// RecordWriter: serializes elements into the buffers of one result partition (one per outgoing
// edge of a task). A typed RecordWriterOutput<T> serializes a record into scratch() and calls
// emit(channel); the writer copies it into that channel's current buffer, spanning buffers when
// needed, and waits for a free buffer when the pool is empty (backpressure).
//
// Thread-safety: used only by its task's thread.

#include <cstdint>

#include <cstring>

#include "weir/core/byte_io.h"
#include "weir/core/time.h"
#include "weir/runtime/stream_element.h"

namespace weir {

class ResultPartition;

class RecordWriter {
public:
    explicit RecordWriter(ResultPartition* partition) : partition_(partition) {}

    int32_t numberOfChannels() const;
    ByteWriter& scratch() { return scratch_; }

    /// Copies the element in scratch() into `channel`.
    void emit(int32_t channel);
    /// Copies the element in scratch() into every channel.
    void broadcastEmit();
    void broadcastWatermark(int64_t watermark);
    void broadcastWatermarkStatus(bool idle);

private:
    ResultPartition* partition_;
    ByteWriter scratch_{256};
};

namespace detail {
/// Starts a record element in `out` (tag, length placeholder, timestamp).
inline size_t beginRecord(ByteWriter& out, int64_t timestamp) {
    out.clear();
    bool withTime = timestamp != kNoTimestamp;
    out.writeByte(
        static_cast<uint8_t>(withTime ? ElementTag::kRecordWithTime : ElementTag::kRecord));
    size_t lengthAt = out.reserve(4);
    if (withTime) out.writeFixed<int64_t>(timestamp);
    return lengthAt;
}
/// Patches the length of the record started at `lengthAt`.
inline void endRecord(ByteWriter& out, size_t lengthAt) {
    size_t size = out.size() - lengthAt - 4;
    if (size > kMaxRecordSize)
        throw SerializationException("a record of " + std::to_string(size) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(kMaxRecordSize) + " bytes");
    uint32_t length = static_cast<uint32_t>(size);
    std::memcpy(out.at(lengthAt), &length, 4);
}
}  // namespace detail

}  // namespace weir
