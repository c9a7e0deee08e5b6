#pragma once
// KeyHash<K>: the deterministic hash code of a key, the same in every process and run (unlike
// std::hash). keyBy uses it, through keygroups::assignToKeyGroup, to pick a key group.
// Built in for everything Serializer<T> supports; specialize KeyHash<K> for other key types.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "weir/core/weir_type.h"

namespace weir {

namespace detail {
/// 32-bit hash of bytes (murmur3_x86_32, seed 0).
uint32_t hashBytes(const void* data, size_t size);
inline uint32_t combineHash(uint32_t h, uint32_t v) {
    return h * 31u + v;
}
}  // namespace detail

template <class K, class = void>
struct KeyHash;

template <class K>
uint32_t keyHash(const K& key) {
    return KeyHash<K>::hash(key);
}

template <class K>
struct KeyHash<K, std::enable_if_t<std::is_integral_v<K> || std::is_enum_v<K>>> {
    static uint32_t hash(K k) {
        uint64_t v = static_cast<uint64_t>(k);
        return static_cast<uint32_t>(v ^ (v >> 32));  // like Java's Long.hashCode
    }
};

template <class K>
struct KeyHash<K, std::enable_if_t<std::is_floating_point_v<K>>> {
    static uint32_t hash(K k) {
        double d = k == 0 ? 0.0 : static_cast<double>(k);  // +0 and -0 are the same key
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        return static_cast<uint32_t>(bits ^ (bits >> 32));
    }
};

template <>
struct KeyHash<std::string> {
    static uint32_t hash(const std::string& s) { return detail::hashBytes(s.data(), s.size()); }
};
template <>
struct KeyHash<std::string_view> {
    static uint32_t hash(std::string_view s) { return detail::hashBytes(s.data(), s.size()); }
};

template <class A, class B>
struct KeyHash<std::pair<A, B>> {
    static uint32_t hash(const std::pair<A, B>& p) {
        return detail::combineHash(keyHash(p.first), keyHash(p.second));
    }
};

template <class... Ts>
struct KeyHash<std::tuple<Ts...>> {
    static uint32_t hash(const std::tuple<Ts...>& t) {
        uint32_t h = 1;
        std::apply([&](const auto&... e) { ((h = detail::combineHash(h, keyHash(e))), ...); }, t);
        return h;
    }
};

template <class T>
struct KeyHash<std::optional<T>> {
    static uint32_t hash(const std::optional<T>& o) { return o ? keyHash(*o) : 0u; }
};

template <class T>
struct KeyHash<std::vector<T>> {
    static uint32_t hash(const std::vector<T>& v) {
        uint32_t h = 1;
        for (const auto& e : v) h = detail::combineHash(h, keyHash(e));
        return h;
    }
};

template <class T, size_t N>
struct KeyHash<std::array<T, N>> {
    static uint32_t hash(const std::array<T, N>& v) {
        uint32_t h = 1;
        for (const auto& e : v) h = detail::combineHash(h, keyHash(e));
        return h;
    }
};

template <class K>
struct KeyHash<K, std::enable_if_t<WeirStruct<K>>> {
    static uint32_t hash(const K& k) {
        uint32_t h = 1;
        std::apply([&](auto... m) { ((h = detail::combineHash(h, keyHash(k.*m))), ...); },
                   structFields<K>().members);
        return h;
    }
};

}  // namespace weir
