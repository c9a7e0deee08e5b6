#pragma once
// BufferPool: a fixed set of equally sized memory segments, allocated once. A producer that finds
// the pool empty waits (backpressure) until a consumer recycles a buffer; nothing grows.
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

private:
    std::string name_;
    uint32_t numBuffers_;
    uint32_t bufferSize_;
    std::unique_ptr<uint8_t[]> memory_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<uint8_t*> free_;
    std::atomic<uint32_t> available_{0};
    std::vector<WakeupSignal*> listeners_;
};

}  // namespace weir
