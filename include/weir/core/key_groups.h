#pragma once
// Key groups: the unit in which keyed state is partitioned, stored and redistributed.
//
// A key hashes to one of `maxParallelism` key groups; subtask i of p owns the contiguous range
// [ceil(i*m/p), ceil((i+1)*m/p)). The hash partitioner (keyBy) and the keyed state backends use
// these same functions, so a record always reaches the subtask that holds its state.

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

/// Key group of a key whose hash code is `keyHash` (the hash is scrambled with murmur3 first).
int32_t assignToKeyGroup(uint32_t keyHash, int32_t maxParallelism);

/// The key groups that subtask `index` of `parallelism` owns.
KeyGroupRange rangeForOperatorIndex(int32_t maxParallelism, int32_t parallelism, int32_t index);

/// The subtask that owns `keyGroup`.
inline int32_t operatorIndexForKeyGroup(int32_t maxParallelism, int32_t parallelism,
                                        int32_t keyGroup) {
    return static_cast<int32_t>(static_cast<int64_t>(keyGroup) * parallelism / maxParallelism);
}

/// The murmur3 scrambling applied to a hash code before the modulo (non-negative result).
int32_t murmurHash(uint32_t code);

}  // namespace keygroups
}  // namespace weir
