#include "core/memory/network_buffer_pool.h"

#include "weir/core/check.h"
#include "weir/core/exceptions.h"

namespace weir {

NetworkBufferPool::NetworkBufferPool(uint32_t numSegments, uint32_t segmentSize)
    : numSegments_(numSegments),
      segmentSize_(segmentSize),
      memory_(new uint8_t[static_cast<size_t>(numSegments) * segmentSize]) {
    WEIR_CHECK(segmentSize >= 64) << "segment size " << segmentSize;
    free_.reserve(numSegments);
    // Handed out from the front of the block, so a small job touches only its first pages.
    for (uint32_t i = numSegments; i-- > 0;)
        free_.push_back(memory_.get() + static_cast<size_t>(i) * segmentSize);
}

NetworkBufferPool::~NetworkBufferPool() = default;

std::vector<uint8_t*> NetworkBufferPool::requestSegments(uint32_t n, const std::string& owner) {
    std::lock_guard lock(mutex_);
    if (free_.size() < n)
        throw ConfigException(
            "insufficient network buffers for " + owner + ": it needs " + std::to_string(n) +
            " buffers of " + std::to_string(segmentSize_ / 1024) + " KiB but only " +
            std::to_string(free_.size()) + " of " + std::to_string(numSegments_) +
            " are free; give the TaskManager more network memory "
            "(taskmanager.memory.network.fraction / .min / .max, or "
            "taskmanager.memory.process.size), or fewer buffers per channel "
            "(taskmanager.network.memory.buffers-per-channel / floating-buffers-per-gate)");
    std::vector<uint8_t*> out(free_.end() - n, free_.end());
    free_.resize(free_.size() - n);
    return out;
}

void NetworkBufferPool::recycleSegments(const std::vector<uint8_t*>& segments) {
    std::lock_guard lock(mutex_);
    free_.insert(free_.end(), segments.begin(), segments.end());
}

uint32_t NetworkBufferPool::availableSegments() const {
    std::lock_guard lock(mutex_);
    return static_cast<uint32_t>(free_.size());
}

}  // namespace weir
