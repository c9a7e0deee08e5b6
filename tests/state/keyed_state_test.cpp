#include <gtest/gtest.h>

#include "weir/runtime/runtime_context.h"
#include "weir/weir.h"

namespace weir {
namespace {

using namespace std::chrono_literals;

class ManualClock final : public ProcessingTimeService {
public:
    int64_t getCurrentProcessingTime() override { return now; }
    void registerTimer(int64_t, std::function<void(int64_t)>) override {}
    int64_t now = 0;
};

struct StateFixture : ::testing::Test {
    KeyedStateBackend backend{KeyGroupRange{0, 128}, 128};
    ManualClock clock;
    RuntimeContext ctx{TaskInfo{}, &backend, &clock};
    void key(const std::string& k) { backend.setCurrentKey(k); }
};

using KeyedState = StateFixture;

TEST_F(KeyedState, ValueStateIsPerKey) {
    auto& s = ctx.getState(ValueStateDescriptor<int64_t>{"v"});
    key("a");
    EXPECT_FALSE(s.value());
    s.update(1);
    key("b");
    EXPECT_FALSE(s.value());
    s.update(2);
    key("a");
    EXPECT_EQ(s.value(), 1);
    s.clear();
    EXPECT_FALSE(s.value());
    key("b");
    EXPECT_EQ(s.value(), 2);
}

TEST_F(KeyedState, ListAndMapState) {
    auto& list = ctx.getListState(ListStateDescriptor<std::string>{"l"});
    auto& map = ctx.getMapState(MapStateDescriptor<std::string, int64_t>{"m"});
    key("a");
    list.add("x");
    list.addAll({"y", "z"});
    EXPECT_EQ(list.get(), (std::vector<std::string>{"x", "y", "z"}));
    list.update({"q"});
    EXPECT_EQ(list.get(), (std::vector<std::string>{"q"}));
    map.put("k1", 1);
    map.put("k2", 2);
    map.remove("k1");
    EXPECT_FALSE(map.contains("k1"));
    EXPECT_EQ(map.get("k2"), 2);
    key("b");
    EXPECT_TRUE(list.get().empty());
    EXPECT_TRUE(map.isEmpty());
}

TEST_F(KeyedState, ReducingStateFoldsWhatIsAdded) {
    auto& s = ctx.getReducingState(ReducingStateDescriptor<int64_t>{
        "r", [](const int64_t& a, const int64_t& b) { return std::max(a, b); }});
    key("a");
    EXPECT_FALSE(s.get());
    for (int64_t v : {3, 9, 4}) s.add(v);
    EXPECT_EQ(s.get(), 9);
    key("b");
    s.add(1);
    EXPECT_EQ(s.get(), 1);
}

struct Avg : AggregateFunction<int64_t, std::pair<int64_t, int64_t>, double> {
    std::pair<int64_t, int64_t> createAccumulator() override { return {0, 0}; }
    std::pair<int64_t, int64_t> add(const int64_t& v, std::pair<int64_t, int64_t> a) override {
        return {a.first + v, a.second + 1};
    }
    double getResult(const std::pair<int64_t, int64_t>& a) override {
        return double(a.first) / double(a.second);
    }
    std::pair<int64_t, int64_t> merge(std::pair<int64_t, int64_t> a,
                                      const std::pair<int64_t, int64_t>& b) override {
        return {a.first + b.first, a.second + b.second};
    }
};

TEST_F(KeyedState, AggregatingStateKeepsAnAccumulator) {
    auto& s = ctx.getAggregatingState(
        AggregatingStateDescriptor<int64_t, std::pair<int64_t, int64_t>, double>{"avg", Avg{}});
    key("a");
    s.add(1);
    s.add(4);
    EXPECT_DOUBLE_EQ(*s.get(), 2.5);
    s.clear();
    EXPECT_FALSE(s.get());
}

TEST_F(KeyedState, SameNameWithAnotherTypeIsAnError) {
    ctx.getState(ValueStateDescriptor<int64_t>{"x"});
    EXPECT_THROW(ctx.getListState(ListStateDescriptor<int64_t>{"x"}), InvalidProgramException);
}

TEST_F(KeyedState, TtlValueExpiresAndIsNeverReturnedOnceExpired) {
    ValueStateDescriptor<std::string> d("session");
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).build());
    auto& s = ctx.getState(d);
    key("a");
    clock.now = 1000;
    s.update("x");
    clock.now = 1099;
    EXPECT_EQ(s.value(), "x");  // reading does not extend the time to live by default
    clock.now = 1100;
    EXPECT_FALSE(s.value());
    clock.now = 1000;  // gone for good: it was cleaned up on access
    EXPECT_FALSE(s.value());
}

TEST_F(KeyedState, TtlWriteRestartsTheTimeToLive) {
    ValueStateDescriptor<int64_t> d("v");
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).updateTtlOnCreateAndWrite().build());
    auto& s = ctx.getState(d);
    key("a");
    s.update(1);
    clock.now = 90;
    s.update(2);
    clock.now = 180;
    EXPECT_EQ(s.value(), 2);
    clock.now = 190;
    EXPECT_FALSE(s.value());
}

TEST_F(KeyedState, TtlOnReadAndWriteRestartsOnReads) {
    ValueStateDescriptor<int64_t> d("v");
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).updateTtlOnReadAndWrite().build());
    auto& s = ctx.getState(d);
    key("a");
    s.update(1);
    for (int64_t t = 90; t <= 450; t += 90) {
        clock.now = t;
        EXPECT_EQ(s.value(), 1) << t;
    }
    clock.now += 100;
    EXPECT_FALSE(s.value());
}

TEST_F(KeyedState, TtlReturnExpiredIfNotCleanedUpReturnsItOnce) {
    ValueStateDescriptor<int64_t> d("v");
    d.enableTimeToLive(StateTtlConfig::newBuilder(10ms).returnExpiredIfNotCleanedUp().build());
    auto& s = ctx.getState(d);
    key("a");
    s.update(7);
    clock.now = 50;
    EXPECT_EQ(s.value(), 7);
    EXPECT_FALSE(s.value());
}

TEST_F(KeyedState, TtlListExpiresElementByElement) {
    ListStateDescriptor<int64_t> d("l");
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).build());
    auto& s = ctx.getListState(d);
    key("a");
    s.add(1);
    clock.now = 60;
    s.add(2);
    clock.now = 120;
    EXPECT_EQ(s.get(), (std::vector<int64_t>{2}));
    clock.now = 200;
    EXPECT_TRUE(s.get().empty());
}

TEST_F(KeyedState, TtlMapExpiresEntryByEntry) {
    MapStateDescriptor<std::string, int64_t> d("m");
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).build());
    auto& s = ctx.getMapState(d);
    key("a");
    s.put("old", 1);
    clock.now = 60;
    s.put("new", 2);
    clock.now = 120;
    EXPECT_FALSE(s.get("old"));
    EXPECT_EQ(s.get("new"), 2);
    EXPECT_EQ(s.entries().size(), 1u);
}

TEST_F(KeyedState, TtlReducingState) {
    ReducingStateDescriptor<int64_t> d("sum",
                                       [](const int64_t& a, const int64_t& b) { return a + b; });
    d.enableTimeToLive(StateTtlConfig::newBuilder(100ms).build());
    auto& s = ctx.getReducingState(d);
    key("a");
    s.add(1);
    s.add(2);
    EXPECT_EQ(s.get(), 3);
    clock.now = 100;
    EXPECT_FALSE(s.get());
    s.add(5);
    EXPECT_EQ(s.get(), 5);
}

TEST(StateTtlConfig, RejectsNonPositiveTtl) {
    EXPECT_THROW(StateTtlConfig::newBuilder(0ms).build(), InvalidProgramException);
}

}  // namespace
}  // namespace weir
