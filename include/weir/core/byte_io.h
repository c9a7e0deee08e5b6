#pragma once
// ByteWriter / ByteReader: the byte streams that serializers write to and read from.
// Fixed-width values are little-endian; lengths and counts are unsigned LEB128 varints.
// ByteReader checks every read against the end of its input and throws SerializationException
// on truncated input, so corrupt bytes never read out of bounds.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {

class ByteWriter {
public:
    ByteWriter() = default;
    explicit ByteWriter(size_t reserve) { data_.reserve(reserve); }

    void writeRaw(const void* p, size_t n) {
        size_t old = data_.size();
        data_.resize(old + n);
        if (n) std::memcpy(data_.data() + old, p, n);
    }
    template <class T>
    requires std::is_trivially_copyable_v<T>
    void writeFixed(T v) { writeRaw(&v, sizeof(T)); }
    void writeByte(uint8_t b) { data_.push_back(b); }
    void writeVarUInt(uint64_t v) {
        while (v >= 0x80) {
            data_.push_back(static_cast<uint8_t>(v) | 0x80);
            v >>= 7;
        }
        data_.push_back(static_cast<uint8_t>(v));
    }
    void writeString(std::string_view s) {
        writeVarUInt(s.size());
        writeRaw(s.data(), s.size());
    }

    /// Reserves n bytes and returns their offset, to be patched later (e.g. a length prefix).
    size_t reserve(size_t n) {
        size_t old = data_.size();
        data_.resize(old + n);
        return old;
    }
    uint8_t* at(size_t offset) { return data_.data() + offset; }

    const uint8_t* data() const { return data_.data(); }
    size_t size() const { return data_.size(); }
    void clear() { data_.clear(); }
    std::vector<uint8_t> release() { return std::move(data_); }
    const std::vector<uint8_t>& bytes() const { return data_; }

private:
    std::vector<uint8_t> data_;
};

class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size) : pos_(data), end_(data + size) {}
    explicit ByteReader(const std::vector<uint8_t>& v) : ByteReader(v.data(), v.size()) {}

    void readRaw(void* p, size_t n) {
        need(n);
        if (n) std::memcpy(p, pos_, n);
        pos_ += n;
    }
    template <class T>
    requires std::is_trivially_copyable_v<T> T readFixed() {
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
        if (static_cast<size_t>(end_ - pos_) < n)
            throw SerializationException("truncated input: need " + std::to_string(n) + " bytes, " +
                                         std::to_string(end_ - pos_) + " left");
    }
    const uint8_t* pos_;
    const uint8_t* end_;
};

}  // namespace weir
