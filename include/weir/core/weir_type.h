#pragma once
// WEIR_TYPE(Struct, field...): makes a user struct a Weir type in one line, placed at namespace
// scope after the struct. It gives the struct a serializer, a printed form
// ("Order{id=1, user=alice}"), field names for the Table API, and field access by member pointer
// (`keyBy(&Order::user)`, `sum(&Order::amount)`).
//
//   struct Order { int64_t id; std::string user; double amount; };
//   WEIR_TYPE(Order, id, user, amount);
//
// The macro declares a function that argument-dependent lookup finds, so it works in any
// namespace and needs no specialization inside namespace weir.

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace weir::detail {

template <class... Members>
struct StructFields {
    const char* typeName;
    const char* fieldList;  // "id, user, amount" as written in the macro
    std::tuple<Members...> members;

    static constexpr size_t size() { return sizeof...(Members); }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        std::string_view list(fieldList);
        while (!list.empty()) {
            size_t comma = list.find(',');
            std::string_view item = list.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            out.emplace_back(item);
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
        return out;
    }
};

template <class... Members>
constexpr StructFields<Members...> makeStructFields(const char* typeName, const char* fieldList,
                                                    Members... members) {
    return {typeName, fieldList, std::tuple<Members...>(members...)};
}

}  // namespace weir::detail

// ---- preprocessor map over up to 32 fields ------------------------------------------------------
#define WEIR_PP_CAT_(a, b) a##b
#define WEIR_PP_CAT(a, b) WEIR_PP_CAT_(a, b)
#define WEIR_PP_NARG(...) WEIR_PP_NARG_(__VA_ARGS__, WEIR_PP_RSEQ())
#define WEIR_PP_NARG_(...) WEIR_PP_ARG_N(__VA_ARGS__)
#define WEIR_PP_ARG_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, \
                      _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32,  \
                      N, ...)                                                                     \
    N
#define WEIR_PP_RSEQ()                                                                             \
    32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, \
        8, 7, 6, 5, 4, 3, 2, 1, 0
#define WEIR_PP_M1(T, a) &T::a
#define WEIR_PP_M2(T, a, ...) &T::a, WEIR_PP_M1(T, __VA_ARGS__)
#define WEIR_PP_M3(T, a, ...) &T::a, WEIR_PP_M2(T, __VA_ARGS__)
#define WEIR_PP_M4(T, a, ...) &T::a, WEIR_PP_M3(T, __VA_ARGS__)
#define WEIR_PP_M5(T, a, ...) &T::a, WEIR_PP_M4(T, __VA_ARGS__)
#define WEIR_PP_M6(T, a, ...) &T::a, WEIR_PP_M5(T, __VA_ARGS__)
#define WEIR_PP_M7(T, a, ...) &T::a, WEIR_PP_M6(T, __VA_ARGS__)
#define WEIR_PP_M8(T, a, ...) &T::a, WEIR_PP_M7(T, __VA_ARGS__)
#define WEIR_PP_M9(T, a, ...) &T::a, WEIR_PP_M8(T, __VA_ARGS__)
#define WEIR_PP_M10(T, a, ...) &T::a, WEIR_PP_M9(T, __VA_ARGS__)
#define WEIR_PP_M11(T, a, ...) &T::a, WEIR_PP_M10(T, __VA_ARGS__)
#define WEIR_PP_M12(T, a, ...) &T::a, WEIR_PP_M11(T, __VA_ARGS__)
#define WEIR_PP_M13(T, a, ...) &T::a, WEIR_PP_M12(T, __VA_ARGS__)
#define WEIR_PP_M14(T, a, ...) &T::a, WEIR_PP_M13(T, __VA_ARGS__)
#define WEIR_PP_M15(T, a, ...) &T::a, WEIR_PP_M14(T, __VA_ARGS__)
#define WEIR_PP_M16(T, a, ...) &T::a, WEIR_PP_M15(T, __VA_ARGS__)
#define WEIR_PP_M17(T, a, ...) &T::a, WEIR_PP_M16(T, __VA_ARGS__)
#define WEIR_PP_M18(T, a, ...) &T::a, WEIR_PP_M17(T, __VA_ARGS__)
#define WEIR_PP_M19(T, a, ...) &T::a, WEIR_PP_M18(T, __VA_ARGS__)
#define WEIR_PP_M20(T, a, ...) &T::a, WEIR_PP_M19(T, __VA_ARGS__)
#define WEIR_PP_M21(T, a, ...) &T::a, WEIR_PP_M20(T, __VA_ARGS__)
#define WEIR_PP_M22(T, a, ...) &T::a, WEIR_PP_M21(T, __VA_ARGS__)
#define WEIR_PP_M23(T, a, ...) &T::a, WEIR_PP_M22(T, __VA_ARGS__)
#define WEIR_PP_M24(T, a, ...) &T::a, WEIR_PP_M23(T, __VA_ARGS__)
#define WEIR_PP_M25(T, a, ...) &T::a, WEIR_PP_M24(T, __VA_ARGS__)
#define WEIR_PP_M26(T, a, ...) &T::a, WEIR_PP_M25(T, __VA_ARGS__)
#define WEIR_PP_M27(T, a, ...) &T::a, WEIR_PP_M26(T, __VA_ARGS__)
#define WEIR_PP_M28(T, a, ...) &T::a, WEIR_PP_M27(T, __VA_ARGS__)
#define WEIR_PP_M29(T, a, ...) &T::a, WEIR_PP_M28(T, __VA_ARGS__)
#define WEIR_PP_M30(T, a, ...) &T::a, WEIR_PP_M29(T, __VA_ARGS__)
#define WEIR_PP_M31(T, a, ...) &T::a, WEIR_PP_M30(T, __VA_ARGS__)
#define WEIR_PP_M32(T, a, ...) &T::a, WEIR_PP_M31(T, __VA_ARGS__)
#define WEIR_PP_MEMBERS(T, ...) WEIR_PP_CAT(WEIR_PP_M, WEIR_PP_NARG(__VA_ARGS__))(T, __VA_ARGS__)

#define WEIR_TYPE(Type, ...)                                                         \
    [[maybe_unused]] inline constexpr auto weirStructFields(const Type*) {           \
        return ::weir::detail::makeStructFields(#Type, #__VA_ARGS__,                 \
                                                WEIR_PP_MEMBERS(Type, __VA_ARGS__)); \
    }                                                                                \
    static_assert(true, "WEIR_TYPE needs a semicolon")

namespace weir {

/// True for structs declared with WEIR_TYPE.
template <class T>
concept WeirStruct = requires(const T* p) {
    weirStructFields(p);
};

template <WeirStruct T>
constexpr auto structFields() {
    return weirStructFields(static_cast<const T*>(nullptr));
}

}  // namespace weir
