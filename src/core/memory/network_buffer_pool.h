#pragma once
// NetworkBufferPool: a TaskManager's whole network memory (taskmanager.memory.network.*), cut
// into equal segments (taskmanager.memory.segment-size, 32 KiB). Every BufferPool of the
// TaskManager (one per result partition and per input gate with remote channels) takes a fixed
// number of segments from it when its task is deployed and gives them back when the task ends,
// so the memory for data in flight never exceeds the budget: a task that does not fit is refused
// with a message that says how many buffers it needs and how to give it more.
//
// The memory is reserved once, untouched (pages become resident only when a buffer is first
// written).
//
// Thread-safety: all methods may be called from any thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace weir {

class NetworkBufferPool {
public:
    NetworkBufferPool(uint32_t numSegments, uint32_t segmentSize);
    NetworkBufferPool(const NetworkBufferPool&) = delete;
    NetworkBufferPool& operator=(const NetworkBufferPool&) = delete;
    ~NetworkBufferPool();

    /// Takes `n` segments for `owner`; throws ConfigException (naming the owner, what it needs,
    /// what is free and the options that size the budget) when fewer are free.
    std::vector<uint8_t*> requestSegments(uint32_t n, const std::string& owner);
    /// Gives segments back.
    void recycleSegments(const std::vector<uint8_t*>& segments);

    uint32_t segmentSize() const { return segmentSize_; }
    uint32_t totalSegments() const { return numSegments_; }
    uint32_t availableSegments() const;

private:
    uint32_t numSegments_;
    uint32_t segmentSize_;
    std::unique_ptr<uint8_t[]> memory_;
    mutable std::mutex mutex_;
    std::vector<uint8_t*> free_;
};

}  // namespace weir
