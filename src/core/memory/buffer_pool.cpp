#include "core/memory/buffer_pool.h"

#include <algorithm>

#include "core/concurrency/wakeup_signal.h"
#include "core/memory/network_buffer_pool.h"
#include "weir/core/check.h"

namespace weir {

namespace {
struct ThreadDeferral {
    int depth = 0;
    std::vector<BufferPool*> pools;  // held-back wake-ups, each pool once
};
thread_local ThreadDeferral deferral;
}  // namespace

BufferPool::DeferredWakeups::DeferredWakeups() {
    ++deferral.depth;
}

BufferPool::DeferredWakeups::~DeferredWakeups() {
    if (--deferral.depth == 0) flushDeferredWakeups();
}

void BufferPool::flushDeferredWakeups() {
    // Swapped out first: waking may not re-enter, but keep the list consistent regardless.
    std::vector<BufferPool*> pools;
    pools.swap(deferral.pools);
    for (BufferPool* pool : pools) {
        std::unique_lock lock(pool->mutex_);
        if (pool->depleted_ && pool->free_.size() > pool->reserve_) pool->wakeWaiters(lock);
    }
    pools.clear();
    if (deferral.pools.empty()) deferral.pools.swap(pools);  // keep the capacity
}

void Buffer::recycle() {
    if (data_ && pool_) pool_->recycle(data_);
    data_ = nullptr;
    pool_ = nullptr;
    size_ = 0;
}

BufferPool::BufferPool(std::string name, uint32_t numBuffers, uint32_t bufferSize)
    : name_(std::move(name)),
      numBuffers_(numBuffers),
      bufferSize_(bufferSize),
      memory_(new uint8_t[static_cast<size_t>(numBuffers) * bufferSize]),
      wakeAt_(std::max<uint32_t>(1, numBuffers / 2)) {
    WEIR_CHECK(numBuffers > 0 && bufferSize >= 64) << "pool " << name_;
    free_.reserve(numBuffers);
    for (uint32_t i = 0; i < numBuffers; ++i)
        free_.push_back(memory_.get() + size_t(i) * bufferSize);
    available_ = numBuffers;
}

BufferPool::BufferPool(std::string name, NetworkBufferPool& global, uint32_t numBuffers,
                       uint32_t reserve)
    : name_(std::move(name)),
      numBuffers_(numBuffers),
      bufferSize_(global.segmentSize()),
      reserve_(reserve),
      global_(&global),
      segments_(global.requestSegments(numBuffers, name_)),
      wakeAt_(reserve + std::max<uint32_t>(1, (numBuffers - reserve) / 2)) {
    if (numBuffers <= reserve) {
        global.recycleSegments(segments_);
        WEIR_CHECK(numBuffers > reserve)
            << "pool " << name_ << " has no buffers beyond its reserve";
    }
    free_ = segments_;
    available_ = numBuffers;
}

BufferPool::~BufferPool() {
    if (global_) global_->recycleSegments(segments_);
}

Buffer BufferPool::take() {
    uint8_t* seg = free_.back();
    free_.pop_back();
    if (free_.size() <= reserve_) {
        depleted_ = true;
        if (unavailableCounter_ && !countedUnavailable_) {
            countedUnavailable_ = true;
            unavailableCounter_->fetch_add(1, std::memory_order_release);
        }
    }
    available_.store(static_cast<uint32_t>(free_.size()), std::memory_order_release);
    return Buffer(seg, bufferSize_, this);
}

std::optional<Buffer> BufferPool::tryRequest() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) {
        depleted_ = true;
        return std::nullopt;
    }
    return take();
}

std::optional<Buffer> BufferPool::requestBlocking(const std::atomic<bool>& cancelled) {
    std::unique_lock lock(mutex_);
    if (free_.empty()) {
        // About to sleep: first send the wake-ups this thread held back (it may be the consumer
        // of another pool whose producer this thread's progress depends on).
        lock.unlock();
        flushDeferredWakeups();
        lock.lock();
    }
    while (free_.empty()) {
        depleted_ = true;
        if (cancelled.load(std::memory_order_acquire)) return std::nullopt;
        ++blockedWaiters_;
        cv_.wait_for(lock, std::chrono::milliseconds(100));
        --blockedWaiters_;
    }
    return take();
}

void BufferPool::addAvailabilityListener(WakeupSignal* signal) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(signal);
}

void BufferPool::setUnavailableCounter(std::atomic<int32_t>* counter) {
    std::lock_guard lock(mutex_);
    unavailableCounter_ = counter;
    countedUnavailable_ = free_.size() <= reserve_;
    if (countedUnavailable_) counter->fetch_add(1, std::memory_order_release);
}

void BufferPool::cancelAll() {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
    for (auto* l : listeners_) l->notify();
}

void BufferPool::recycle(uint8_t* segment) {
    std::unique_lock lock(mutex_);
    free_.push_back(segment);
    available_.store(static_cast<uint32_t>(free_.size()), std::memory_order_release);
    if (countedUnavailable_ && free_.size() > reserve_) {
        countedUnavailable_ = false;
        unavailableCounter_->fetch_sub(1, std::memory_order_release);
    }
    if (!depleted_) return;
    if (free_.size() <= reserve_) {
        // Not available yet; only a thread parked for a single buffer can use it.
        if (blockedWaiters_ > 0) cv_.notify_all();
        return;
    }
    if (free_.size() >= wakeAt_ || deferral.depth == 0) {
        wakeWaiters(lock);
        return;
    }
    if (std::find(deferral.pools.begin(), deferral.pools.end(), this) == deferral.pools.end())
        deferral.pools.push_back(this);
}

void BufferPool::wakeWaiters(std::unique_lock<std::mutex>& lock) {
    depleted_ = false;
    for (auto* l : listeners_) l->notify();
    lock.unlock();
    cv_.notify_all();
}

}  // namespace weir
