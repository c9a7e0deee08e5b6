#include "core/memory/buffer_pool.h"

#include "core/concurrency/wakeup_signal.h"
#include "weir/core/check.h"

namespace weir {

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
      memory_(new uint8_t[static_cast<size_t>(numBuffers) * bufferSize]) {
    WEIR_CHECK(numBuffers > 0 && bufferSize >= 64) << "pool " << name_;
    free_.reserve(numBuffers);
    for (uint32_t i = 0; i < numBuffers; ++i)
        free_.push_back(memory_.get() + size_t(i) * bufferSize);
    available_ = numBuffers;
}

BufferPool::~BufferPool() = default;

std::optional<Buffer> BufferPool::tryRequest() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::nullopt;
    uint8_t* seg = free_.back();
    free_.pop_back();
    available_.store(static_cast<uint32_t>(free_.size()), std::memory_order_release);
    return Buffer(seg, bufferSize_, this);
}

std::optional<Buffer> BufferPool::requestBlocking(const std::atomic<bool>& cancelled) {
    std::unique_lock lock(mutex_);
    while (free_.empty()) {
        if (cancelled.load(std::memory_order_acquire)) return std::nullopt;
        cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    uint8_t* seg = free_.back();
    free_.pop_back();
    available_.store(static_cast<uint32_t>(free_.size()), std::memory_order_release);
    return Buffer(seg, bufferSize_, this);
}

void BufferPool::addAvailabilityListener(WakeupSignal* signal) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(signal);
}

void BufferPool::cancelAll() {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
    for (auto* l : listeners_) l->notify();
}

void BufferPool::recycle(uint8_t* segment) {
    bool wasEmpty;
    {
        std::lock_guard lock(mutex_);
        wasEmpty = free_.empty();
        free_.push_back(segment);
        available_.store(static_cast<uint32_t>(free_.size()), std::memory_order_release);
        if (wasEmpty)
            for (auto* l : listeners_) l->notify();
    }
    if (wasEmpty) cv_.notify_all();
}

}  // namespace weir
