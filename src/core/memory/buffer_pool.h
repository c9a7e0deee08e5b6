#pragma once
// BufferPool: a fixed set of equally sized memory segments, allocated once. A producer that finds
// the pool empty waits (backpressure) until a consumer recycles a buffer; nothing grows.
//
// Wake-ups under backpressure: a producer that drained the pool is woken once half of the pool
// is free again, not by every single recycled buffer, so that producer and consumer trade the
// processor once per several buffers instead of once per buffer (each trade is a futex wake and a
// context switch). A consumer thread that holds a DeferredWakeups scope keeps the wake-ups it
// held back below that mark and sends them before it sleeps (flushDeferredWakeups), so no
// producer waits on a buffer that is free while its consumer is idle. Threads without the scope
// wake the producer at once, as before.
//
// Reserve: a pool may keep `reserve` of its buffers back from isAvailable() (Flink's overdraft
// buffers). A task checks availability before it takes the next unit of input; a record whose
// output needs more buffers than were free then takes them from the reserve instead of parking
// the task in the middle of the record.
//
// Memory: a pool owns its memory, or borrows its segments from the TaskManager's
// NetworkBufferPool (network_buffer_pool.h) and returns them when destroyed. Every buffer must
// be back before the pool is destroyed.
//
// Thread-safety: all methods may be called from any thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/memory/buffer.h"

namespace weir {

class NetworkBufferPool;
class WakeupSignal;

class BufferPool {
public:
    /// A pool with memory of its own.
    BufferPool(std::string name, uint32_t numBuffers, uint32_t bufferSize);
    /// A pool of `numBuffers` segments of `global` (throws ConfigException when it has too few
    /// free), `reserve` of them held back from isAvailable().
    BufferPool(std::string name, NetworkBufferPool& global, uint32_t numBuffers,
               uint32_t reserve = 0);
    ~BufferPool();
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    /// A free buffer, or nothing if all are in use.
    std::optional<Buffer> tryRequest();
    /// Waits for a free buffer. Returns nothing when `cancelled` becomes true (checked on every
    /// wake-up; cancelAll() wakes every waiter).
    std::optional<Buffer> requestBlocking(const std::atomic<bool>& cancelled);

    /// True while more buffers than the reserve are free.
    bool isAvailable() const { return available_.load(std::memory_order_acquire) > reserve_; }
    uint32_t numBuffers() const { return numBuffers_; }
    uint32_t bufferSize() const { return bufferSize_; }
    uint32_t availableBuffers() const { return available_.load(std::memory_order_acquire); }
    uint32_t reserve() const { return reserve_; }

    /// `signal` is notified when a pool that was not available becomes available again.
    void addAvailabilityListener(WakeupSignal* signal);
    /// `counter` is incremented while the pool is not available and decremented when it is
    /// again (a task sums its output pools this way and checks one number per record).
    void setUnavailableCounter(std::atomic<int32_t>* counter);
    /// Wakes every thread blocked in requestBlocking so that it re-checks its cancel flag.
    void cancelAll();

    /// Called by Buffer when it is destroyed.
    void recycle(uint8_t* segment);

    /// While alive, recycling on this thread may hold wake-ups back (see the file comment).
    /// Pools must outlive the scope (the consumer's input buffers already keep them alive).
    class DeferredWakeups {
    public:
        DeferredWakeups();
        ~DeferredWakeups();
        DeferredWakeups(const DeferredWakeups&) = delete;
        DeferredWakeups& operator=(const DeferredWakeups&) = delete;
    };
    /// Sends the wake-ups this thread held back. Call before the thread sleeps.
    static void flushDeferredWakeups();

private:
    void wakeWaiters(std::unique_lock<std::mutex>& lock);
    Buffer take();  // mutex_ held, free_ not empty

    std::string name_;
    uint32_t numBuffers_;
    uint32_t bufferSize_;
    uint32_t reserve_ = 0;
    std::unique_ptr<uint8_t[]> memory_;    // own memory, or
    NetworkBufferPool* global_ = nullptr;  // where the segments go back to
    std::vector<uint8_t*> segments_;       // (the borrowed ones)
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<uint8_t*> free_;
    std::atomic<uint32_t> available_{0};
    uint32_t wakeAt_;              // free buffers at which a depleted pool wakes its waiters
    bool depleted_ = false;        // the pool ran down to its reserve since waiters were last woken
    uint32_t blockedWaiters_ = 0;  // threads in requestBlocking
    std::atomic<int32_t>* unavailableCounter_ = nullptr;
    bool countedUnavailable_ = false;  // this pool is counted in *unavailableCounter_
    std::vector<WakeupSignal*> listeners_;
};

}  // namespace weir
