#pragma once
// The elements that travel in band on a channel, and their wire tags.
//
// Inside a data buffer each element is a one-byte tag followed by its payload:
// clang-format off
//   kRecord            u32 length, then the serialized value
//   kRecordWithTime    u32 length, then int64 timestamp and the serialized value
//                      (the length covers both)
//   kWatermark         int64 watermark
//   kWatermarkStatus   one byte: 1 idle, 0 active
// clang-format on
// Records are length-prefixed so a reader can copy or skip them without decoding; an element may
// span two buffers. Control events (end of partition, checkpoint barriers) travel as their own
// queue entries between buffers, never inside one.

#include <cstdint>

namespace weir {

enum class ElementTag : uint8_t {
    kRecord = 1,
    kRecordWithTime = 2,
    kWatermark = 3,
    kWatermarkStatus = 4,
};

/// Bytes before a record's payload: tag and length.
inline constexpr uint32_t kRecordHeaderSize = 5;
/// Largest serialized record (256 MiB): a reader never buffers more for one element.
inline constexpr uint32_t kMaxRecordSize = 256u << 20;

enum class RuntimeEventType : uint8_t {
    kEndOfPartition = 1,
    /// Checkpoint barrier `checkpointId`: everything before it on this channel belongs to the
    /// checkpoint, everything after it does not.
    kCheckpointBarrier = 2,
    /// Checkpoint `checkpointId` was abandoned upstream: stop aligning for it.
    kCancelCheckpoint = 3,
};

/// What a checkpoint barrier asks for.
enum class SnapshotKind : uint8_t {
    kCheckpoint = 0,
    /// A savepoint: canonical format, taken on request.
    kSavepoint = 1,
    /// A savepoint after which the sources stop (stop-with-savepoint); with drain, the sources
    /// first emit the final watermark so that every window and timer fires.
    kSavepointSuspend = 2,
    kSavepointTerminate = 3,
};

struct RuntimeEvent {
    RuntimeEventType type = RuntimeEventType::kEndOfPartition;
    int64_t checkpointId = 0;
    int64_t timestamp = 0;
    SnapshotKind kind = SnapshotKind::kCheckpoint;
    /// Unaligned barrier: it overtakes buffered data, which is stored with the snapshot.
    bool unaligned = false;
    /// End of partition of a job stopped with a savepoint without drain: consumers end without
    /// finishing their operators (nothing is flushed or rolled after the savepoint).
    bool suspend = false;
};

}  // namespace weir
