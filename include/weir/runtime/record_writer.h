#pragma once
// RecordWriter: serializes elements into the buffers of one result partition (one per outgoing
// edge of a task). A typed RecordWriterOutput<T> serializes a record into scratch() and calls
// emit(channel); the writer copies it into that channel's current buffer, spanning buffers when
// needed, and waits for a free buffer when the pool is empty (backpressure). A record that fits
// the current buffer is copied inline through the partition's write cursors (no call); the rest
// goes through the partition.
//
// Thread-safety: used only by its task's thread.

#include <cstdint>

#include <cstring>

#include "weir/core/byte_io.h"
#include "weir/core/time.h"
#include "weir/runtime/stream_element.h"

namespace weir {

class ResultPartition;

/// Where the next bytes of a channel go in its current buffer: [pos, end). The result partition
/// keeps one per channel; pos == end when the channel has no buffer (or a full one).
struct WriteCursor {
    uint8_t* pos = nullptr;
    uint8_t* end = nullptr;
};

class RecordWriter {
public:
    explicit RecordWriter(ResultPartition* partition);

    int32_t numberOfChannels() const;
    ByteWriter& scratch() { return scratch_; }

    /// Copies the element in scratch() into `channel`.
    void emit(int32_t channel) {
        WriteCursor& c = cursors_[channel];
        size_t n = scratch_.size();
        if (static_cast<size_t>(c.end - c.pos) >= n) {
            std::memcpy(c.pos, scratch_.data(), n);
            c.pos += n;
            return;
        }
        emitThroughPartition(channel);
    }
    /// Copies the element in scratch() into every channel.
    void broadcastEmit();
    void broadcastWatermark(int64_t watermark);
    void broadcastWatermarkStatus(bool idle);

    /// Appends the N bytes at `element` (one whole element) to `channel`.
    template <size_t N>
    void emitBytes(int32_t channel, const uint8_t* element) {
        WriteCursor& c = cursors_[channel];
        if (static_cast<size_t>(c.end - c.pos) >= N) {
            std::memcpy(c.pos, element, N);
            c.pos += N;
            return;
        }
        emitThroughPartition(channel, element, N);
    }

private:
    void emitThroughPartition(int32_t channel);
    void emitThroughPartition(int32_t channel, const uint8_t* element, size_t size);

    ResultPartition* partition_;
    WriteCursor* cursors_;  // the partition's, one per channel
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
[[noreturn, gnu::noinline, gnu::cold]] inline void throwRecordTooLarge(size_t size) {
    throw SerializationException("a record of " + std::to_string(size) +
                                 " bytes exceeds the limit of " + std::to_string(kMaxRecordSize) +
                                 " bytes");
}
/// Patches the length of the record started at `lengthAt`.
inline void endRecord(ByteWriter& out, size_t lengthAt) {
    size_t size = out.size() - lengthAt - 4;
    if (size > kMaxRecordSize) [[unlikely]]
        throwRecordTooLarge(size);
    uint32_t length = static_cast<uint32_t>(size);
    std::memcpy(out.at(lengthAt), &length, 4);
}
}  // namespace detail

}  // namespace weir
