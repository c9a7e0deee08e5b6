#pragma once
// ResultPartition: the output of one producer subtask on one edge, with one subpartition per
// consumer it is connected to. Elements are copied into the subpartition's current buffer; a full
// buffer is handed to the consumer's input gate. Buffers come from the partition's fixed pool, so
// a slow consumer stops the producer (backpressure) instead of growing a queue.
//
// The fill level of each current buffer lives in the subpartition's WriteCursor while the buffer
// is being written (record writers append through it without a call); the partition brings the
// buffer's size up to date before it hands the buffer on.
//
// Thread-safety: written by the producer task's thread only.

#include <atomic>
#include <memory>
#include <vector>

#include "core/memory/buffer_pool.h"
#include "runtime/io/input_gate.h"
#include "weir/runtime/record_writer.h"

namespace weir {

class ResultPartition {
public:
    struct Target {
        InputGate* gate;
        int32_t channel;
    };
    ResultPartition(std::vector<Target> targets, std::unique_ptr<BufferPool> pool,
                    const std::atomic<bool>* cancelled);

    int32_t numSubpartitions() const { return static_cast<int32_t>(subpartitions_.size()); }
    /// Appends `size` bytes (one or more whole elements) to subpartition `sub`.
    void emit(int32_t sub, const uint8_t* data, size_t size);
    void broadcast(const uint8_t* data, size_t size);
    /// Hands partially filled buffers to consumers.
    void flushAll();
    /// Flushes, then sends `event` to every consumer.
    void broadcastEvent(const RuntimeEvent& event);
    /// Sends end-of-partition to every consumer (`suspend`: see RuntimeEvent::suspend).
    void finish(bool suspend = false);

    BufferPool& pool() { return *pool_; }
    /// False when no buffer is free (the producer should wait before producing more).
    bool isAvailable() const { return pool_->isAvailable(); }
    /// True once data has been emitted but not flushed.
    bool hasUnflushedData() const;
    /// One write cursor per subpartition, for record writers; stable for the partition's life.
    WriteCursor* cursors() { return cursors_.data(); }

private:
    struct Subpartition {
        Target target;
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
