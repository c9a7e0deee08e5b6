#pragma once
// weir::toString(value): the printed form of a value, as print() sinks and error messages show it.
// Follows what Flink users see: tuples and pairs "(a,b)", lists "[a, b]", maps "{k=v}", absent
// optionals "null", doubles with a decimal point ("1.0"), WEIR_TYPE structs
// "Order{id=1, user=alice}". A type with its own operator<< prints with that.

#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weir/core/weir_type.h"

namespace weir {

template <class T>
std::string toString(const T& v);

namespace detail {

template <class T>
concept Streamable = requires(std::ostream& os, const T& v) {
    os << v;
};

template <class T>
struct IsSequence : std::false_type {};
template <class T, class A>
struct IsSequence<std::vector<T, A>> : std::true_type {};
template <class T, size_t N>
struct IsSequence<std::array<T, N>> : std::true_type {};
template <class T, class C, class A>
struct IsSequence<std::set<T, C, A>> : std::true_type {};

template <class T>
struct IsMap : std::false_type {};
template <class K, class V, class C, class A>
struct IsMap<std::map<K, V, C, A>> : std::true_type {};
template <class K, class V, class H, class E, class A>
struct IsMap<std::unordered_map<K, V, H, E, A>> : std::true_type {};

template <class T>
struct IsTupleLike : std::false_type {};
template <class A, class B>
struct IsTupleLike<std::pair<A, B>> : std::true_type {};
template <class... Ts>
struct IsTupleLike<std::tuple<Ts...>> : std::true_type {};

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

std::string formatDouble(double v);

}  // namespace detail

template <class T>
std::string toString(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? "true" : "false";
    } else if constexpr (std::is_same_v<T, char>) {
        return std::string(1, v);
    } else if constexpr (std::is_floating_point_v<T>) {
        return detail::formatDouble(static_cast<double>(v));
    } else if constexpr (std::is_arithmetic_v<T>) {
        return std::to_string(v);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return std::string(std::string_view(v));
    } else if constexpr (detail::IsOptional<T>::value) {
        return v ? toString(*v) : std::string("null");
    } else if constexpr (detail::IsTupleLike<T>::value) {
        std::string s = "(";
        bool first = true;
        std::apply(
            [&](const auto&... e) {
                ((s += first ? "" : ",", s += toString(e), first = false), ...);
            },
            v);
        return s + ")";
    } else if constexpr (detail::IsMap<T>::value) {
        std::string s = "{";
        bool first = true;
        for (const auto& [k, val] : v) {
            if (!first) s += ", ";
            first = false;
            s += toString(k) + "=" + toString(val);
        }
        return s + "}";
    } else if constexpr (detail::IsSequence<T>::value) {
        std::string s = "[";
        bool first = true;
        for (const auto& e : v) {
            if (!first) s += ", ";
            first = false;
            s += toString(e);
        }
        return s + "]";
    } else if constexpr (detail::Streamable<T>) {
        std::ostringstream os;
        os << v;
        return os.str();
    } else if constexpr (WeirStruct<T>) {
        constexpr auto fields = structFields<T>();
        auto names = fields.names();
        std::string s = std::string(fields.typeName) + "{";
        size_t i = 0;
        std::apply(
            [&](auto... m) {
                ((s += (i ? ", " : ""), s += names[i++] + "=" + toString(v.*m)), ...);
            },
            fields.members);
        return s + "}";
    } else if constexpr (std::is_enum_v<T>) {
        return std::to_string(static_cast<std::underlying_type_t<T>>(v));
    } else {
        static_assert(sizeof(T) == 0, "weir::toString: give this type an operator<< or WEIR_TYPE");
    }
}

}  // namespace weir
