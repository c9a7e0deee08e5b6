#pragma once
// ResultPartition: the output of one producer subtask on one edge, with one subpartition (an
// outgoing queue, result_subpartition.h) per consumer subtask it feeds. Elements are copied into
// the subpartition's current buffer; a full buffer is appended to the subpartition's queue, from
// which the consumer's channel takes it (in memory within a TaskManager, over TCP otherwise).
// Buffers come from the partition's fixed pool, so a slow consumer stops the producer
// (backpressure) instead of growing a queue.
//
// The fill level of each current buffer lives in the subpartition's WriteCursor while the buffer
// is being written (record writers append through it without a call); the partition brings the
// buffer's size up to date before it hands the buffer on.
//
// Thread-safety: written by the producer task's thread only; subpartitions are polled from the
// consumer side (see ResultSubpartition).

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/memory/buffer_pool.h"
#include "runtime/io/result_subpartition.h"
#include "weir/runtime/record_writer.h"

namespace weir {

class ResultPartition {
public:
    ResultPartition(int32_t numSubpartitions, std::unique_ptr<BufferPool> pool,
                    const std::atomic<bool>* cancelled);
    ~ResultPartition();

    int32_t numSubpartitions() const { return static_cast<int32_t>(subpartitions_.size()); }
    ResultSubpartition& subpartition(int32_t i) { return *subpartitions_[i].queue; }

    /// Appends `size` bytes (one or more whole elements) to subpartition `sub`.
    void emit(int32_t sub, const uint8_t* data, size_t size);
    void broadcast(const uint8_t* data, size_t size);
    /// Hands partially filled buffers to the queues.
    void flushAll();
    /// Flushes, then sends `event` to every consumer. An unaligned barrier overtakes the queued
    /// buffers; their bytes (per subpartition, non-empty only) are appended to `overtaken`.
    void broadcastEvent(const RuntimeEvent& event,
                        std::vector<std::pair<int32_t, std::string>>* overtaken = nullptr);
    /// Sends end-of-partition to every consumer (`suspend`: see RuntimeEvent::suspend).
    void finish(bool suspend = false);

    BufferPool& pool() { return *pool_; }
    /// False when no buffer beyond the reserve is free (the producer should wait before it takes
    /// more input).
    bool isAvailable() const { return pool_->isAvailable(); }
    /// True once data has been emitted but not flushed.
    bool hasUnflushedData() const;
    /// One write cursor per subpartition, for record writers; stable for the partition's life.
    WriteCursor* cursors() { return cursors_.data(); }

private:
    struct Subpartition {
        std::unique_ptr<ResultSubpartition> queue;
        Buffer current;
    };
    void requestBuffer(Subpartition& s);
    /// Brings subpartition i's buffer size up to date with its cursor.
    void syncSize(size_t i);
    /// Points subpartition i's cursor at the free space of its current buffer (none if absent).
    void resetCursor(size_t i);

    // The pool is declared first so that it outlives the buffers the subpartitions hold.
    std::unique_ptr<BufferPool> pool_;
    std::vector<Subpartition> subpartitions_;
    std::vector<WriteCursor> cursors_;  // parallel to subpartitions_
    const std::atomic<bool>* cancelled_;
};

}  // namespace weir
