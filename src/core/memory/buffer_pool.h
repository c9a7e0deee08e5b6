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

class WakeupSignal;

class BufferPool {
public:
    BufferPool(std::string name, uint32_t numBuffers, uint32_t bufferSize);
    ~BufferPool();
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    /// A free buffer, or nothing if all are in use.
    std::optional<Buffer> tryRequest();
    /// Waits for a free buffer. Returns nothing when `cancelled` becomes true (checked on every
    /// wake-up; cancelAll() wakes every waiter).
    std::optional<Buffer> requestBlocking(const std::atomic<bool>& cancelled);

    bool isAvailable() const { return available_.load(std::memory_order_acquire) > 0; }
    uint32_t numBuffers() const { return numBuffers_; }
    uint32_t bufferSize() const { return bufferSize_; }
    uint32_t availableBuffers() const { return available_.load(std::memory_order_acquire); }

    /// `signal` is notified whenever a buffer comes back to an empty pool.
    void addAvailabilityListener(WakeupSignal* signal);
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

    std::string name_;
    uint32_t numBuffers_;
    uint32_t bufferSize_;
    std::unique_ptr<uint8_t[]> memory_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<uint8_t*> free_;
    std::atomic<uint32_t> available_{0};
    uint32_t wakeAt_;        // free buffers at which a depleted pool wakes its waiters
    bool depleted_ = false;  // the pool ran empty since waiters were last woken
    std::vector<WakeupSignal*> listeners_;
};

}  // namespace weir
