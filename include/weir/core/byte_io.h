#pragma once
// ByteWriter / ByteReader: the byte streams that serializers write to and read from.
// Fixed-width values are little-endian; lengths and counts are unsigned LEB128 varints.
// ByteReader checks every read against the end of its input and throws SerializationException
// on truncated input, so corrupt bytes never read out of bounds.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {

class ByteWriter {
public:
    ByteWriter() = default;
    explicit ByteWriter(size_t reserve) { grow(reserve); }
    ByteWriter(const ByteWriter&) = delete;
    ByteWriter& operator=(const ByteWriter&) = delete;
    ByteWriter(ByteWriter&&) noexcept = default;
    ByteWriter& operator=(ByteWriter&&) noexcept = default;

    void writeRaw(const void* p, size_t n) {
        ensure(n);
        if (n) std::memcpy(data_.get() + size_, p, n);
        size_ += n;
    }
    template <class T>
    requires std::is_trivially_copyable_v<T>
    [[gnu::always_inline]] void writeFixed(T v) {
        ensure(sizeof(T));
        std::memcpy(data_.get() + size_, &v, sizeof(T));
        size_ += sizeof(T);
    }
    [[gnu::always_inline]] void writeByte(uint8_t b) {
        ensure(1);
        data_[size_++] = b;
    }
    void writeVarUInt(uint64_t v) {
        ensure(10);
        while (v >= 0x80) {
            data_[size_++] = static_cast<uint8_t>(v) | 0x80;
            v >>= 7;
        }
        data_[size_++] = static_cast<uint8_t>(v);
    }
    void writeString(std::string_view s) {
        writeVarUInt(s.size());
        writeRaw(s.data(), s.size());
    }

    /// Reserves n bytes and returns their offset, to be patched later (e.g. a length prefix).
    [[gnu::always_inline]] size_t reserve(size_t n) {
        ensure(n);
        size_t old = size_;
        size_ += n;
        return old;
    }
    uint8_t* at(size_t offset) { return data_.get() + offset; }
    /// Drops everything after the first `size` bytes.
    void truncate(size_t size) {
        if (size < size_) size_ = size;
    }

    const uint8_t* data() const { return data_.get(); }
    size_t size() const { return size_; }
    void clear() { size_ = 0; }
    /// A copy of the bytes written so far.
    std::vector<uint8_t> bytes() const {
        return std::vector<uint8_t>(data_.get(), data_.get() + size_);
    }
    /// The bytes written so far; the writer is empty afterwards.
    std::vector<uint8_t> release() {
        std::vector<uint8_t> out = bytes();
        size_ = 0;
        return out;
    }

private:
    [[gnu::always_inline]] void ensure(size_t n) {
        if (size_ + n > capacity_) [[unlikely]]
            grow(size_ + n);
    }
    // Out of line and cold, so that ensure() and the writes that call it stay small enough to
    // be inlined into serializers.
    [[gnu::noinline, gnu::cold]] void grow(size_t needed) {
        size_t capacity = capacity_ ? capacity_ : 64;
        while (capacity < needed) capacity *= 2;
        auto bigger = std::make_unique<uint8_t[]>(capacity);
        if (size_) std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        capacity_ = capacity;
    }

    std::unique_ptr<uint8_t[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size) : pos_(data), end_(data + size) {}
    explicit ByteReader(const std::vector<uint8_t>& v) : ByteReader(v.data(), v.size()) {}

    [[gnu::always_inline]] void readRaw(void* p, size_t n) {
        need(n);
        if (n) std::memcpy(p, pos_, n);
        pos_ += n;
    }
    template <class T>
    requires std::is_trivially_copyable_v<T>
    [[gnu::always_inline]] T readFixed() {
        T v;
        readRaw(&v, sizeof(T));
        return v;
    }
    uint8_t readByte() {
        need(1);
        return *pos_++;
    }
    uint64_t readVarUInt() {
        uint64_t result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = readByte();
            result |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return result;
        }
        throw SerializationException("corrupt input: varint longer than 10 bytes");
    }
    /// A length or count that must fit in the remaining input (each element takes at least
    /// `minBytesEach` bytes), so corrupt input cannot make a reader allocate without bound.
    size_t readLength(size_t minBytesEach = 1) {
        uint64_t n = readVarUInt();
        if (minBytesEach && n > remaining() / minBytesEach)
            throw SerializationException("corrupt input: length " + std::to_string(n) +
                                         " exceeds the " + std::to_string(remaining()) +
                                         " bytes left");
        return static_cast<size_t>(n);
    }
    void readString(std::string& out) {
        size_t n = readLength();
        out.assign(reinterpret_cast<const char*>(pos_), n);
        pos_ += n;
    }

    size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
    bool atEnd() const { return pos_ == end_; }
    const uint8_t* position() const { return pos_; }
    void skip(size_t n) {
        need(n);
        pos_ += n;
    }

private:
    void need(size_t n) const {
        if (static_cast<size_t>(end_ - pos_) < n) [[unlikely]]
            throwTruncated(n);
    }
    [[noreturn, gnu::noinline, gnu::cold]] void throwTruncated(size_t n) const {
        throw SerializationException("truncated input: need " + std::to_string(n) + " bytes, " +
                                     std::to_string(end_ - pos_) + " left");
    }
    const uint8_t* pos_;
    const uint8_t* end_;
};

}  // namespace weir
