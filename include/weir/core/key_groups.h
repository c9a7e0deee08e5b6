#pragma once
// Key groups: the unit in which keyed state is partitioned, stored and redistributed.
//
// A key hashes to one of `maxParallelism` key groups; subtask i of p owns the contiguous range
// [ceil(i*m/p), ceil((i+1)*m/p)). The hash partitioner (keyBy) and the keyed state backends use
// these same functions, so a record always reaches the subtask that holds its state.

#include <bit>
#include <cstdint>
#include <string>

namespace weir {

/// Half-open range [start, end) of key groups.
struct KeyGroupRange {
    int32_t start = 0;
    int32_t end = 0;

    int32_t size() const { return end - start; }
    bool contains(int32_t keyGroup) const { return keyGroup >= start && keyGroup < end; }
    bool empty() const { return end <= start; }
    KeyGroupRange intersect(const KeyGroupRange& o) const;
    std::string toString() const;
    friend bool operator==(const KeyGroupRange&, const KeyGroupRange&) = default;
};

namespace keygroups {

/// The default maximum parallelism for an operator of the given parallelism: 1.5 x p rounded up
/// to a power of two, at least 128 and at most 32768 (Flink's rule).
int32_t defaultMaxParallelism(int32_t parallelism);

/// The murmur3 scrambling applied to a hash code before the modulo (non-negative result).
/// Inline: keyBy runs it once per record on the sender and once on the receiver.
inline int32_t murmurHash(uint32_t code) {
    code *= 0xcc9e2d51u;
    code = (code << 15) | (code >> 17);
    code *= 0x1b873593u;
    code = (code << 13) | (code >> 19);
    code = code * 5 + 0xe6546b64u;
    code ^= 4;
    code ^= code >> 16;
    code *= 0x85ebca6bu;
    code ^= code >> 13;
    code *= 0xc2b2ae35u;
    code ^= code >> 16;
    auto signedCode = static_cast<int32_t>(code);
    if (signedCode >= 0) return signedCode;
    if (signedCode != INT32_MIN) return -signedCode;
    return 0;
}

/// Key group of a key whose hash code is `keyHash` (the hash is scrambled with murmur3 first).
/// A power-of-two maximum parallelism (the default) takes a mask instead of a division.
inline int32_t assignToKeyGroup(uint32_t keyHash, int32_t maxParallelism) {
    auto h = static_cast<uint32_t>(murmurHash(keyHash));
    auto m = static_cast<uint32_t>(maxParallelism);
    if ((m & (m - 1)) == 0) return static_cast<int32_t>(h & (m - 1));
    return static_cast<int32_t>(h % m);
}

/// The key groups that subtask `index` of `parallelism` owns.
KeyGroupRange rangeForOperatorIndex(int32_t maxParallelism, int32_t parallelism, int32_t index);

/// The subtask that owns `keyGroup`.
inline int32_t operatorIndexForKeyGroup(int32_t maxParallelism, int32_t parallelism,
                                        int32_t keyGroup) {
    auto product = static_cast<uint64_t>(keyGroup) * static_cast<uint64_t>(parallelism);
    auto m = static_cast<uint32_t>(maxParallelism);
    if ((m & (m - 1)) == 0) return static_cast<int32_t>(product >> std::countr_zero(m));
    return static_cast<int32_t>(product / m);
}

}  // namespace keygroups
}  // namespace weir
