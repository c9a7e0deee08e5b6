#pragma once
// Buffer: a handle on one fixed-size memory segment taken from a BufferPool. Move-only; the
// segment goes back to its pool when the handle is destroyed. Nothing allocates network memory
// outside a pool, so the memory a job uses for data in flight is fixed when it starts.

#include <cstdint>
#include <utility>

namespace weir {

class BufferPool;

class Buffer {
public:
    Buffer() = default;
    Buffer(uint8_t* data, uint32_t capacity, BufferPool* pool)
        : data_(data), capacity_(capacity), pool_(pool) {}
    Buffer(Buffer&& o) noexcept { *this = std::move(o); }
    Buffer& operator=(Buffer&& o) noexcept {
        if (this != &o) {
            recycle();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
            capacity_ = std::exchange(o.capacity_, 0);
            pool_ = std::exchange(o.pool_, nullptr);
        }
        return *this;
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { recycle(); }

    uint8_t* data() { return data_; }
    const uint8_t* data() const { return data_; }
    uint32_t size() const { return size_; }
    uint32_t capacity() const { return capacity_; }
    uint32_t freeSpace() const { return capacity_ - size_; }
    void setSize(uint32_t s) { size_ = s; }
    bool valid() const { return data_ != nullptr; }

    /// Returns the segment to its pool now.
    void recycle();

private:
    uint8_t* data_ = nullptr;
    uint32_t size_ = 0;
    uint32_t capacity_ = 0;
    BufferPool* pool_ = nullptr;
};

}  // namespace weir
