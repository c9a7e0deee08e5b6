// Golden values: the key hash, the key group and the serialized bytes of fixed values, as
// checked-in constants. Savepoints store keys by key group and values in their serialized form,
// so a change to any of these re-shards or misreads every existing savepoint. A failure here
// means a format change: it must come with a format version bump and a migration or a clear
// incompatibility error (docs/formats.md), never with new constants pasted in.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "weir/core/key_groups.h"
#include "weir/core/key_hash.h"
#include "weir/core/serializer.h"

namespace golden {
struct Trade {
    int64_t id = 0;
    std::string symbol;
    double price = 0;
};
WEIR_TYPE(Trade, id, symbol, price);

enum class Side : uint8_t { kBuy = 1, kSell = 2 };
}  // namespace golden

namespace weir {
namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

struct Pin {
    uint32_t hash;
    int32_t keyGroup128;
    int32_t keyGroup4096;
};

template <class K>
void expectPinned(const K& key, Pin pin, const char* what) {
    uint32_t h = keyHash(key);
    EXPECT_EQ(h, pin.hash) << what << ": key hash";
    EXPECT_EQ(keygroups::assignToKeyGroup(h, 128), pin.keyGroup128) << what << ": key group /128";
    EXPECT_EQ(keygroups::assignToKeyGroup(h, 4096), pin.keyGroup4096)
        << what << ": key group /4096";
}

// Published murmur3_x86_32 test vectors (seed 0): independent of this code base.
TEST(GoldenValues, StringHashIsMurmur3X86_32WithSeedZero) {
    EXPECT_EQ(detail::hashBytes("", 0), 0u);
    EXPECT_EQ(detail::hashBytes("hello", 5), 0x248bfa47u);
    const std::string fox = "The quick brown fox jumps over the lazy dog";
    EXPECT_EQ(detail::hashBytes(fox.data(), fox.size()), 0x2e4ff723u);
}

TEST(GoldenValues, KeyHashesAndKeyGroupsOfBuiltInTypes) {
    expectPinned<int32_t>(0, {0u, 94, 2526}, "int32 0");
    expectPinned<int32_t>(42, {42u, 29, 3613}, "int32 42");
    expectPinned<int32_t>(-1, {0u, 94, 2526}, "int32 -1");
    expectPinned<int32_t>(std::numeric_limits<int32_t>::min(), {2147483647u, 62, 3262}, "int32 min");
    expectPinned<int64_t>(1, {1u, 86, 4054}, "int64 1");
    expectPinned<int64_t>(-1, {0u, 94, 2526}, "int64 -1");
    expectPinned<int64_t>(int64_t{1} << 40, {256u, 54, 3382}, "int64 2^40");
    expectPinned<uint16_t>(65535, {65535u, 18, 658}, "uint16 65535");
    expectPinned<bool>(true, {1u, 86, 4054}, "bool true");
    expectPinned<golden::Side>(golden::Side::kSell, {2u, 127, 2943}, "enum kSell");
    expectPinned<double>(0.0, {0u, 94, 2526}, "double 0");
    expectPinned<double>(-0.0, {0u, 94, 2526}, "double -0");
    expectPinned<double>(1.5, {1073217536u, 65, 833}, "double 1.5");
    expectPinned<float>(2.5f, {1074003968u, 16, 3344}, "float 2.5");
    expectPinned<std::string>("", {0u, 94, 2526}, "string empty");
    expectPinned<std::string>("a", {1009084850u, 95, 1759}, "string a");
    expectPinned<std::string>("hello", {0x248bfa47u, 63, 3135}, "string hello");
    expectPinned<std::string>("user-17", {3579110121u, 42, 2730}, "string user-17");
    expectPinned(std::pair<std::string, int64_t>{"a", 7}, {1216859285u, 49, 1585}, "pair");
    expectPinned(std::tuple<int32_t, std::string, double>{3, "x", 0.25}, {3565766631u, 123, 3835}, "tuple");
    expectPinned(std::optional<int64_t>{}, {0u, 94, 2526}, "optional empty");
    expectPinned(std::optional<int64_t>{7}, {7u, 113, 241}, "optional 7");
    expectPinned(std::vector<int32_t>{1, 2, 3}, {30817u, 97, 1633}, "vector");
    expectPinned(std::array<int16_t, 2>{5, 6}, {1122u, 37, 2341}, "array");
    expectPinned(golden::Trade{9, "WEIR", 12.5}, {4002762540u, 120, 4088}, "WEIR_TYPE Trade");
}

TEST(GoldenValues, SerializedBytesOfBuiltInTypes) {
    EXPECT_EQ(hex(serializeToBytes<int32_t>(-2)), "feffffff");
    EXPECT_EQ(hex(serializeToBytes<int64_t>(300)), "2c01000000000000");
    EXPECT_EQ(hex(serializeToBytes<double>(1.5)), "000000000000f83f");
    EXPECT_EQ(hex(serializeToBytes<bool>(true)), "01");
    EXPECT_EQ(hex(serializeToBytes<golden::Side>(golden::Side::kSell)), "02");
    EXPECT_EQ(hex(serializeToBytes<std::string>("weir")), "0477656972");
    EXPECT_EQ(hex(serializeToBytes(std::vector<int16_t>{1, 2})), "0201000200");
    EXPECT_EQ(hex(serializeToBytes(std::optional<int32_t>{})), "00");
    EXPECT_EQ(hex(serializeToBytes(std::optional<int32_t>{5})), "0105000000");
    EXPECT_EQ(hex(serializeToBytes(std::pair<std::string, int32_t>{"k", 1})), "016b01000000");
    EXPECT_EQ(hex(serializeToBytes(std::map<std::string, int32_t>{{"a", 1}, {"b", 2}})), "02016101000000016202000000");
    EXPECT_EQ(hex(serializeToBytes(std::variant<int32_t, std::string>{std::string("v")})), "010176");
    EXPECT_EQ(hex(serializeToBytes(golden::Trade{9, "WEIR", 12.5})), "090000000000000004574549520000000000002940");
}

TEST(GoldenValues, SerializerIdentities) {
    EXPECT_EQ(serializerIdentity<int64_t>(), "int64");
    EXPECT_EQ(serializerIdentity<std::vector<std::string>>(), "vector<string>");
    EXPECT_EQ(serializerIdentity<std::optional<double>>(), "optional<double>");
    EXPECT_EQ(serializerIdentity<golden::Trade>(), "Trade{id:int64,symbol:string,price:double}");
    EXPECT_EQ((serializerIdentity<std::pair<golden::Side, bool>>()), "pair<enum8,bool>");
}

}  // namespace
}  // namespace weir
