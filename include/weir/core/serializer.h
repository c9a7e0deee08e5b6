#pragma once
// Serializer<T>: how a value of type T is written to and read from bytes, chosen at compile time
// (no virtual call per record). Built in: arithmetic types and enums, bool, std::string,
// std::vector, std::optional, std::map, std::unordered_map, std::set, std::pair, std::tuple,
// std::array, and structs declared with WEIR_TYPE. Add your own by specializing Serializer<T>
// with static serialize/deserialize/name.
//
// Formats are stable: state snapshots and savepoints store them.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "weir/core/byte_io.h"
#include "weir/core/weir_type.h"

namespace weir {

template <class T>
struct Serializer;

/// True when Serializer<T> is defined.
template <class T>
concept Serializable = requires(const T& v, T& out, ByteWriter& w, ByteReader& r) {
    Serializer<T>::serialize(v, w);
    Serializer<T>::deserialize(r, out);
    { Serializer<T>::name() } -> std::convertible_to<std::string>;
};

template <class T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) struct Serializer<T> {
    static constexpr size_t kFixedSize = sizeof(T);
    [[gnu::always_inline]] static void writeTo(const T& v, uint8_t* p) {
        std::memcpy(p, &v, sizeof v);
    }
    [[gnu::always_inline]] static void serialize(const T& v, ByteWriter& out) { out.writeFixed(v); }
    [[gnu::always_inline]] static void deserialize(ByteReader& in, T& v) { v = in.readFixed<T>(); }
    static std::string name() {
        if constexpr (std::is_floating_point_v<T>)
            return sizeof(T) == 4 ? "float" : "double";
        else if constexpr (std::is_same_v<T, char>)
            return "char";
        else
            return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * 8);
    }
};

template <>
struct Serializer<bool> {
    static constexpr size_t kFixedSize = 1;
    static void writeTo(bool v, uint8_t* p) { *p = v ? 1 : 0; }
    static void serialize(bool v, ByteWriter& out) { out.writeByte(v ? 1 : 0); }
    static void deserialize(ByteReader& in, bool& v) {
        uint8_t b = in.readByte();
        if (b > 1) throw SerializationException("corrupt input: bool byte " + std::to_string(b));
        v = b == 1;
    }
    static std::string name() { return "bool"; }
};

template <class T>
requires std::is_enum_v<T>
struct Serializer<T> {
    using U = std::underlying_type_t<T>;
    static constexpr size_t kFixedSize = sizeof(U);
    static void writeTo(const T& v, uint8_t* p) {
        U u = static_cast<U>(v);
        std::memcpy(p, &u, sizeof u);
    }
    static void serialize(const T& v, ByteWriter& out) { out.writeFixed(static_cast<U>(v)); }
    static void deserialize(ByteReader& in, T& v) { v = static_cast<T>(in.readFixed<U>()); }
    static std::string name() { return "enum" + std::to_string(sizeof(U) * 8); }
};

/// The number of bytes Serializer<T> writes for every value of T, when it is the same for all
/// values: the serializer's kFixedSize (the built-in ones of numbers, enums and bools, and pairs
/// of such); 0 when it has none (it varies, or the serializer is a user's that does not say).
/// A serializer with kFixedSize also has writeTo(value, p), which writes exactly those bytes at
/// p, so that the network path can copy such records without a ByteWriter.
template <class T>
struct FixedSerializedSize : std::integral_constant<size_t, 0> {};
template <class T>
requires requires {
    Serializer<T>::kFixedSize;
}
struct FixedSerializedSize<T> : std::integral_constant<size_t, Serializer<T>::kFixedSize> {};

/// Serializer<T>::writeTo: the FixedSerializedSize<T>::value bytes of `v` at `p`.
template <class T>
[[gnu::always_inline]] inline void writeFixedSerialized(const T& v, uint8_t* p) {
    static_assert(FixedSerializedSize<T>::value > 0, "T has no fixed serialized size");
    Serializer<T>::writeTo(v, p);
}

template <>
struct Serializer<std::string> {
    static void serialize(const std::string& v, ByteWriter& out) { out.writeString(v); }
    static void deserialize(ByteReader& in, std::string& v) { in.readString(v); }
    static std::string name() { return "string"; }
};

template <class T>
struct Serializer<std::vector<T>> {
    static void serialize(const std::vector<T>& v, ByteWriter& out) {
        out.writeVarUInt(v.size());
        for (const auto& e : v) Serializer<T>::serialize(e, out);
    }
    static void deserialize(ByteReader& in, std::vector<T>& v) {
        size_t n = in.readLength(std::is_same_v<T, bool> ? 1 : minSize());
        v.resize(n);
        for (size_t i = 0; i < n; ++i) {
            if constexpr (std::is_same_v<T, bool>) {
                bool b;
                Serializer<bool>::deserialize(in, b);
                v[i] = b;
            } else {
                Serializer<T>::deserialize(in, v[i]);
            }
        }
    }
    static std::string name() { return "vector<" + Serializer<T>::name() + ">"; }

private:
    // Every element takes at least one byte, except empty structs.
    static constexpr size_t minSize() { return std::is_empty_v<T> ? 0 : 1; }
};

template <class T>
struct Serializer<std::optional<T>> {
    static void serialize(const std::optional<T>& v, ByteWriter& out) {
        out.writeByte(v ? 1 : 0);
        if (v) Serializer<T>::serialize(*v, out);
    }
    static void deserialize(ByteReader& in, std::optional<T>& v) {
        bool present;
        Serializer<bool>::deserialize(in, present);
        if (!present) {
            v.reset();
            return;
        }
        if (!v) v.emplace();
        Serializer<T>::deserialize(in, *v);
    }
    static std::string name() { return "optional<" + Serializer<T>::name() + ">"; }
};

template <class A, class B>
struct Serializer<std::pair<A, B>> {
    using First = std::remove_const_t<A>;
    /// Fixed-size when both halves are (0 otherwise, and writeTo is not used).
    static constexpr size_t kFixedSize =
        FixedSerializedSize<First>::value == 0 || FixedSerializedSize<B>::value == 0
            ? 0
            : FixedSerializedSize<First>::value + FixedSerializedSize<B>::value;
    static void writeTo(const std::pair<A, B>& v, uint8_t* p) {
        writeFixedSerialized<First>(v.first, p);
        writeFixedSerialized<B>(v.second, p + FixedSerializedSize<First>::value);
    }
    static void serialize(const std::pair<A, B>& v, ByteWriter& out) {
        Serializer<std::remove_const_t<A>>::serialize(v.first, out);
        Serializer<B>::serialize(v.second, out);
    }
    static void deserialize(ByteReader& in, std::pair<A, B>& v) {
        Serializer<std::remove_const_t<A>>::deserialize(
            in, const_cast<std::remove_const_t<A>&>(v.first));
        Serializer<B>::deserialize(in, v.second);
    }
    static std::string name() {
        return "pair<" + Serializer<std::remove_const_t<A>>::name() + "," + Serializer<B>::name() +
               ">";
    }
};

template <class... Ts>
struct Serializer<std::tuple<Ts...>> {
    static void serialize(const std::tuple<Ts...>& v, ByteWriter& out) {
        std::apply([&](const auto&... e) { (Serializer<Ts>::serialize(e, out), ...); }, v);
    }
    static void deserialize(ByteReader& in, std::tuple<Ts...>& v) {
        std::apply([&](auto&... e) { (Serializer<Ts>::deserialize(in, e), ...); }, v);
    }
    static std::string name() {
        std::string s = "tuple<";
        bool first = true;
        ((s += (first ? "" : ","), s += Serializer<Ts>::name(), first = false), ...);
        return s + ">";
    }
};

template <class T, size_t N>
struct Serializer<std::array<T, N>> {
    static void serialize(const std::array<T, N>& v, ByteWriter& out) {
        for (const auto& e : v) Serializer<T>::serialize(e, out);
    }
    static void deserialize(ByteReader& in, std::array<T, N>& v) {
        for (auto& e : v) Serializer<T>::deserialize(in, e);
    }
    static std::string name() {
        return "array<" + Serializer<T>::name() + "," + std::to_string(N) + ">";
    }
};

namespace detail {
template <class M>
struct MapSerializer {
    using K = typename M::key_type;
    using V = typename M::mapped_type;
    static void serialize(const M& m, ByteWriter& out) {
        out.writeVarUInt(m.size());
        for (const auto& [k, v] : m) {
            Serializer<K>::serialize(k, out);
            Serializer<V>::serialize(v, out);
        }
    }
    static void deserialize(ByteReader& in, M& m) {
        m.clear();
        size_t n = in.readLength(std::is_empty_v<K> ? 0 : 1);
        for (size_t i = 0; i < n; ++i) {
            K k{};
            V v{};
            Serializer<K>::deserialize(in, k);
            Serializer<V>::deserialize(in, v);
            m.emplace(std::move(k), std::move(v));
        }
    }
};
}  // namespace detail

template <class K, class V, class C, class A>
struct Serializer<std::map<K, V, C, A>> : detail::MapSerializer<std::map<K, V, C, A>> {
    static std::string name() {
        return "map<" + Serializer<K>::name() + "," + Serializer<V>::name() + ">";
    }
};

template <class K, class V, class H, class E, class A>
struct Serializer<std::unordered_map<K, V, H, E, A>>
    : detail::MapSerializer<std::unordered_map<K, V, H, E, A>> {
    static std::string name() {
        return "unordered_map<" + Serializer<K>::name() + "," + Serializer<V>::name() + ">";
    }
};

template <class T, class C, class A>
struct Serializer<std::set<T, C, A>> {
    static void serialize(const std::set<T, C, A>& s, ByteWriter& out) {
        out.writeVarUInt(s.size());
        for (const auto& e : s) Serializer<T>::serialize(e, out);
    }
    static void deserialize(ByteReader& in, std::set<T, C, A>& s) {
        s.clear();
        size_t n = in.readLength(std::is_empty_v<T> ? 0 : 1);
        for (size_t i = 0; i < n; ++i) {
            T e{};
            Serializer<T>::deserialize(in, e);
            s.insert(std::move(e));
        }
    }
    static std::string name() { return "set<" + Serializer<T>::name() + ">"; }
};

template <class... Ts>
struct Serializer<std::variant<Ts...>> {
    static void serialize(const std::variant<Ts...>& v, ByteWriter& out) {
        out.writeByte(static_cast<uint8_t>(v.index()));
        std::visit([&](const auto& x) { Serializer<std::decay_t<decltype(x)>>::serialize(x, out); },
                   v);
    }
    static void deserialize(ByteReader& in, std::variant<Ts...>& v) {
        uint8_t index = in.readByte();
        if (index >= sizeof...(Ts))
            throw SerializationException("corrupt input: variant alternative " +
                                         std::to_string(index) + " of " +
                                         std::to_string(sizeof...(Ts)));
        emplace<0>(in, v, index);
    }
    static std::string name() {
        std::string s = "variant<";
        bool first = true;
        ((s += (first ? "" : ","), s += Serializer<Ts>::name(), first = false), ...);
        return s + ">";
    }

private:
    template <size_t I>
    static void emplace(ByteReader& in, std::variant<Ts...>& v, uint8_t index) {
        if constexpr (I < sizeof...(Ts)) {
            if (index == I) {
                auto& x = v.template emplace<I>();
                Serializer<std::variant_alternative_t<I, std::variant<Ts...>>>::deserialize(in, x);
            } else {
                emplace<I + 1>(in, v, index);
            }
        }
    }
};

template <WeirStruct T>
struct Serializer<T> {
    static void serialize(const T& v, ByteWriter& out) {
        std::apply([&](auto... m) { (serializeField(v.*m, out), ...); }, structFields<T>().members);
    }
    static void deserialize(ByteReader& in, T& v) {
        std::apply([&](auto... m) { (deserializeField(in, v.*m), ...); },
                   structFields<T>().members);
    }
    /// The struct's name with its fields' names and types ("Trade{id:int64,symbol:string}"):
    /// snapshots record it, so a savepoint of a changed struct is refused, not misread.
    static std::string name() {
        constexpr auto fields = structFields<T>();
        std::vector<std::string> names = fields.names();
        std::string s = std::string(fields.typeName) + "{";
        size_t i = 0;
        std::apply(
            [&](auto... m) {
                ((s += (i ? "," : ""), s += names[i++], s += ":", s += fieldName<decltype(m)>()),
                 ...);
            },
            fields.members);
        return s + "}";
    }

private:
    template <class M>
    static std::string fieldName() {
        return Serializer<
            std::remove_cvref_t<decltype(std::declval<const T&>().*std::declval<M>())>>::name();
    }
    template <class F>
    static void serializeField(const F& f, ByteWriter& out) {
        Serializer<F>::serialize(f, out);
    }
    template <class F>
    static void deserializeField(ByteReader& in, F& f) {
        Serializer<F>::deserialize(in, f);
    }
};

/// The identity of T's serialized form, as snapshots record it for every state (and stream
/// edges for their elements): the serializer's name, and its version when a serializer declares
/// one above 1 (`static int version()`). Restoring state whose recorded identity differs from
/// the program's is refused with both identities in the message.
template <Serializable T>
std::string serializerIdentity() {
    std::string id = Serializer<T>::name();
    if constexpr (requires { Serializer<T>::version(); }) {
        int v = Serializer<T>::version();
        if (v != 1) id += "@v" + std::to_string(v);
    }
    return id;
}

/// Serializes one value into a fresh byte vector.
template <Serializable T>
std::vector<uint8_t> serializeToBytes(const T& v) {
    ByteWriter out;
    Serializer<T>::serialize(v, out);
    return out.release();
}

/// Reads one value and checks that nothing is left over.
template <Serializable T>
T deserializeFromBytes(const uint8_t* data, size_t size) {
    ByteReader in(data, size);
    T v{};
    Serializer<T>::deserialize(in, v);
    if (!in.atEnd())
        throw SerializationException(std::to_string(in.remaining()) + " trailing bytes after a " +
                                     Serializer<T>::name());
    return v;
}

template <Serializable T>
T deserializeFromBytes(const std::vector<uint8_t>& bytes) {
    return deserializeFromBytes<T>(bytes.data(), bytes.size());
}

/// Serializes one value into a string (the form snapshots keep).
template <Serializable T>
std::string serializeToString(const T& v) {
    ByteWriter out;
    Serializer<T>::serialize(v, out);
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

template <Serializable T>
T deserializeFromString(std::string_view bytes) {
    return deserializeFromBytes<T>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace weir
