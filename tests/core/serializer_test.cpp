#include "weir/core/serializer.h"

#include <gtest/gtest.h>

#include <limits>

#include "weir/core/key_hash.h"
#include "weir/core/to_string.h"

namespace app {
struct Order {
    int64_t id = 0;
    std::string user;
    double amount = 0;
    std::vector<std::string> tags;
    std::optional<int32_t> discount;
    bool operator==(const Order&) const = default;
};
WEIR_TYPE(Order, id, user, amount, tags, discount);

struct Nested {
    Order order;
    std::map<std::string, int64_t> counts;
    bool operator==(const Nested&) const = default;
};
WEIR_TYPE(Nested, order, counts);

/// An enum whose serializer is the user's own (a varint), not the built-in fixed-width one.
enum class Varint : int64_t {};
}  // namespace app

template <>
struct weir::Serializer<app::Varint> {
    static void serialize(const app::Varint& v, ByteWriter& out) {
        out.writeVarUInt(static_cast<uint64_t>(v));
    }
    static void deserialize(ByteReader& in, app::Varint& v) {
        v = static_cast<app::Varint>(in.readVarUInt());
    }
    static std::string name() { return "varint"; }
};

namespace weir {
namespace {

template <class T>
void expectRoundTrip(const T& value) {
    auto bytes = serializeToBytes(value);
    T back = deserializeFromBytes<T>(bytes);
    EXPECT_EQ(back, value) << Serializer<T>::name();
}

TEST(Serializer, RoundTripsArithmeticTypes) {
    expectRoundTrip<int8_t>(-7);
    expectRoundTrip<int16_t>(std::numeric_limits<int16_t>::min());
    expectRoundTrip<int32_t>(std::numeric_limits<int32_t>::max());
    expectRoundTrip<int64_t>(std::numeric_limits<int64_t>::min());
    expectRoundTrip<uint8_t>(255);
    expectRoundTrip<uint16_t>(65535);
    expectRoundTrip<uint32_t>(4000000000u);
    expectRoundTrip<uint64_t>(std::numeric_limits<uint64_t>::max());
    expectRoundTrip<float>(3.25f);
    expectRoundTrip<double>(-1e300);
    expectRoundTrip<char>('x');
    expectRoundTrip<bool>(true);
    expectRoundTrip<bool>(false);
}

TEST(Serializer, RoundTripsStringsIncludingEmptyAndBinary) {
    expectRoundTrip<std::string>("");
    expectRoundTrip<std::string>("hello");
    expectRoundTrip<std::string>(std::string("a\0b\xff", 4));
    expectRoundTrip<std::string>(std::string(100000, 'z'));
}

TEST(Serializer, RoundTripsContainers) {
    expectRoundTrip<std::vector<int32_t>>({});
    expectRoundTrip<std::vector<int32_t>>({1, 2, 3});
    expectRoundTrip<std::vector<bool>>({true, false, true});
    expectRoundTrip<std::vector<std::string>>({"a", "", "ccc"});
    expectRoundTrip<std::optional<std::string>>(std::nullopt);
    expectRoundTrip<std::optional<std::string>>("x");
    expectRoundTrip<std::map<std::string, int32_t>>({{"a", 1}, {"b", 2}});
    expectRoundTrip<std::unordered_map<int64_t, std::string>>({{1, "one"}, {2, "two"}});
    expectRoundTrip<std::set<int32_t>>({3, 1, 2});
    expectRoundTrip<std::pair<std::string, int64_t>>({"k", 42});
    expectRoundTrip<std::tuple<int32_t, std::string, double>>({1, "two", 3.0});
    expectRoundTrip<std::tuple<>>({});
    expectRoundTrip<std::array<int16_t, 3>>({1, -2, 3});
    expectRoundTrip<std::variant<int64_t, std::string>>(int64_t{5});
    expectRoundTrip<std::variant<int64_t, std::string>>(std::string("five"));
    expectRoundTrip<std::vector<std::vector<std::pair<int32_t, std::string>>>>(
        {{{1, "a"}}, {}, {{2, "b"}, {3, "c"}}});
}

TEST(Serializer, RoundTripsWeirTypeStructs) {
    app::Order o{7, "alice", 12.5, {"x", "y"}, 3};
    expectRoundTrip(o);
    expectRoundTrip(app::Order{});
    expectRoundTrip(app::Nested{o, {{"n", 1}}});
    EXPECT_EQ(
        Serializer<app::Order>::name(),
        "Order{id:int64,user:string,amount:double,tags:vector<string>,discount:optional<int32>}");
}

TEST(Serializer, TruncatedInputThrowsInsteadOfReadingPastTheEnd) {
    auto bytes = serializeToBytes(app::Order{7, "alice", 12.5, {"x"}, 3});
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        EXPECT_THROW(deserializeFromBytes<app::Order>(bytes.data(), cut), SerializationException)
            << cut;
    }
}

TEST(Serializer, HugeLengthPrefixIsRejectedWithoutAllocating) {
    ByteWriter w;
    w.writeVarUInt(uint64_t(1) << 40);  // a vector claiming 2^40 elements
    EXPECT_THROW(deserializeFromBytes<std::vector<int64_t>>(w.bytes()), SerializationException);
}

TEST(Serializer, TrailingBytesAreReported) {
    auto bytes = serializeToBytes<int32_t>(5);
    bytes.push_back(0);
    EXPECT_THROW(deserializeFromBytes<int32_t>(bytes), SerializationException);
}

TEST(Serializer, CorruptVariantIndexIsRejected) {
    std::vector<uint8_t> bytes{9, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_THROW((deserializeFromBytes<std::variant<int64_t, std::string>>(bytes)),
                 SerializationException);
}

TEST(Serializer, CorruptBoolIsRejected) {
    std::vector<uint8_t> bytes{7};
    EXPECT_THROW(deserializeFromBytes<bool>(bytes), SerializationException);
}

TEST(WeirType, GivesFieldNamesInDeclarationOrder) {
    auto names = structFields<app::Order>().names();
    EXPECT_EQ(names, (std::vector<std::string>{"id", "user", "amount", "tags", "discount"}));
}

TEST(ToString, PrintsLikeFlink) {
    EXPECT_EQ(toString(std::pair<std::string, int64_t>{"to", 13}), "(to,13)");
    EXPECT_EQ(toString(std::tuple<int, std::string, bool>{1, "a", true}), "(1,a,true)");
    EXPECT_EQ(toString(std::vector<int>{1, 2}), "[1, 2]");
    EXPECT_EQ(toString(std::map<std::string, int>{{"a", 1}}), "{a=1}");
    EXPECT_EQ(toString(std::optional<int>{}), "null");
    EXPECT_EQ(toString(1.0), "1.0");
    EXPECT_EQ(toString(2.5), "2.5");
    EXPECT_EQ(toString(app::Order{1, "bob", 2.0, {}, std::nullopt}),
              "Order{id=1, user=bob, amount=2.0, tags=[], discount=null}");
}

TEST(KeyHash, IsDeterministicAndSpreadsKeys) {
    EXPECT_EQ(keyHash(std::string("alice")), keyHash(std::string("alice")));
    EXPECT_NE(keyHash(std::string("alice")), keyHash(std::string("bob")));
    EXPECT_EQ(keyHash(0.0), keyHash(-0.0));
    EXPECT_EQ(keyHash(app::Order{1, "a", 1, {}, {}}), keyHash(app::Order{1, "a", 1, {}, {}}));
    EXPECT_NE(keyHash(std::pair<int, int>{1, 2}), keyHash(std::pair<int, int>{2, 1}));
}

// Records of fixed-size types go onto the network without a ByteWriter: the bytes must be the
// serializer's.
TEST(FixedSerializedSize, WritesTheSerializersBytes) {
    static_assert(FixedSerializedSize<int64_t>::value == 8);
    static_assert(FixedSerializedSize<std::pair<int32_t, double>>::value == 12);
    static_assert(FixedSerializedSize<std::pair<int64_t, std::pair<bool, int16_t>>>::value == 11);
    static_assert(FixedSerializedSize<std::string>::value == 0);
    static_assert(FixedSerializedSize<std::pair<int64_t, std::string>>::value == 0);
    // A type with a serializer of its own is never copied raw unless that serializer says so.
    static_assert(FixedSerializedSize<app::Varint>::value == 0);
    static_assert(FixedSerializedSize<std::pair<int64_t, app::Varint>>::value == 0);
    auto same = [](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        ByteWriter w;
        Serializer<T>::serialize(v, w);
        std::vector<uint8_t> fixed(FixedSerializedSize<T>::value);
        writeFixedSerialized(v, fixed.data());
        return w.bytes() == fixed;
    };
    EXPECT_TRUE(same(int64_t{-42}));
    EXPECT_TRUE(same(3.25));
    EXPECT_TRUE(same(true));
    EXPECT_TRUE(same(std::pair<int64_t, int64_t>{7, -9}));
    EXPECT_TRUE(same(std::pair<const int32_t, std::pair<bool, int16_t>>{1, {false, 300}}));
}

}  // namespace
}  // namespace weir
