#include "weir/core/key_groups.h"

#include <algorithm>

#include "weir/core/key_hash.h"

namespace weir {

KeyGroupRange KeyGroupRange::intersect(const KeyGroupRange& o) const {
    KeyGroupRange r{std::max(start, o.start), std::min(end, o.end)};
    if (r.end < r.start) r.end = r.start;
    return r;
}

std::string KeyGroupRange::toString() const {
    return "KeyGroupRange[" + std::to_string(start) + ", " + std::to_string(end) + ")";
}

namespace keygroups {

namespace {
uint32_t rotl(uint32_t x, int r) {
    return (x << r) | (x >> (32 - r));
}
uint32_t fmix(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85ebca6b;
    h ^= h >> 13;
    h *= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}
}  // namespace

KeyGroupRange rangeForOperatorIndex(int32_t maxParallelism, int32_t parallelism, int32_t index) {
    int64_t m = maxParallelism, p = parallelism, i = index;
    return {static_cast<int32_t>((i * m + p - 1) / p),
            static_cast<int32_t>(((i + 1) * m + p - 1) / p)};
}

int32_t defaultMaxParallelism(int32_t parallelism) {
    int64_t want = static_cast<int64_t>(parallelism) + parallelism / 2;
    int64_t pow2 = 1;
    while (pow2 < want) pow2 <<= 1;
    return static_cast<int32_t>(std::clamp<int64_t>(pow2, 128, 32768));
}

}  // namespace keygroups

namespace detail {

uint32_t hashBytes(const void* data, size_t size) {
    // murmur3_x86_32 with seed 0.
    const auto* bytes = static_cast<const uint8_t*>(data);
    const size_t blocks = size / 4;
    uint32_t h = 0;
    constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
    for (size_t i = 0; i < blocks; ++i) {
        uint32_t k;
        std::memcpy(&k, bytes + i * 4, 4);
        k *= c1;
        k = keygroups::rotl(k, 15);
        k *= c2;
        h ^= k;
        h = keygroups::rotl(h, 13);
        h = h * 5 + 0xe6546b64;
    }
    const uint8_t* tail = bytes + blocks * 4;
    uint32_t k = 0;
    switch (size & 3) {
        case 3:
            k ^= static_cast<uint32_t>(tail[2]) << 16;
            [[fallthrough]];
        case 2:
            k ^= static_cast<uint32_t>(tail[1]) << 8;
            [[fallthrough]];
        case 1:
            k ^= tail[0];
            k *= c1;
            k = keygroups::rotl(k, 15);
            k *= c2;
            h ^= k;
    }
    h ^= static_cast<uint32_t>(size);
    return keygroups::fmix(h);
}

}  // namespace detail
}  // namespace weir
