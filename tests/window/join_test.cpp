#include <gtest/gtest.h>

#include <algorithm>

#include "weir/weir.h"

namespace weir {
namespace {

using namespace std::chrono_literals;

struct Order {
    std::string user;
    int64_t ts = 0;
    int64_t amount = 0;
};
WEIR_TYPE(Order, user, ts, amount);

struct Click {
    std::string user;
    int64_t ts = 0;
    std::string page;
};
WEIR_TYPE(Click, user, ts, page);

template <class T>
struct PerEvent final : WatermarkGenerator<T> {
    void onEvent(const T&, int64_t ts, WatermarkOutput& out) override { out.emitWatermark(ts - 1); }
    void onPeriodicEmit(WatermarkOutput&) override {}
};

template <class T>
WatermarkStrategy<T> perEvent() {
    return WatermarkStrategy<T>::forGenerator([] { return std::make_unique<PerEvent<T>>(); })
        .withTimestampAssigner([](const T& e, int64_t) { return e.ts; });
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST(WindowJoin, PairsElementsWithEqualKeysInTheSameWindow) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto orders = env.fromElements<Order>({{"ann", 1000, 10}, {"bob", 2000, 20}, {"ann", 6000, 30}})
                      .assignTimestampsAndWatermarks(perEvent<Order>());
    auto clicks = env.fromElements<Click>({{"ann", 1500, "home"},
                                           {"ann", 4000, "cart"},
                                           {"ann", 7000, "pay"},
                                           {"cid", 100, "x"}})
                      .assignTimestampsAndWatermarks(perEvent<Click>());
    auto out = orders.join(clicks)
                   .where(&Order::user)
                   .equalTo(&Click::user)
                   .window(TumblingEventTimeWindows::of(5s))
                   .apply([](const Order& o, const Click& c) {
                       return o.user + ":" + std::to_string(o.amount) + ":" + c.page;
                   })
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"ann:10:cart", "ann:10:home", "ann:30:pay"}));
}

TEST(WindowJoin, LambdasWithACollectorNeedTheResultType) {
    auto env = StreamExecutionEnvironment::create();
    auto orders = env.fromElements<Order>({{"ann", 1000, 10}})
                      .assignTimestampsAndWatermarks(perEvent<Order>());
    auto clicks = env.fromElements<Click>({{"ann", 1500, "home"}})
                      .assignTimestampsAndWatermarks(perEvent<Click>());
    auto out =
        orders.join(clicks)
            .where(&Order::user)
            .equalTo(&Click::user)
            .window(TumblingEventTimeWindows::of(5s))
            .apply<std::string>([](const Order& o, const Click& c, Collector<std::string>& col) {
                col.collect(o.user);
                col.collect(c.page);
            })
            .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"ann", "home"}));
}

struct CountBoth : CoGroupFunction<Order, Click, std::string> {
    void coGroup(const std::vector<Order>& orders, const std::vector<Click>& clicks,
                 Collector<std::string>& out) override {
        std::string user = !orders.empty() ? orders[0].user : clicks[0].user;
        out.collect(user + " orders=" + std::to_string(orders.size()) +
                    " clicks=" + std::to_string(clicks.size()));
    }
};

TEST(WindowCoGroup, SeesBothSidesEvenWhenOneIsEmpty) {
    auto env = StreamExecutionEnvironment::create();
    auto orders = env.fromElements<Order>({{"ann", 1000, 10}, {"bob", 2000, 20}})
                      .assignTimestampsAndWatermarks(perEvent<Order>());
    auto clicks =
        env.fromElements<Click>({{"ann", 1500, "home"}, {"ann", 1600, "cart"}, {"cid", 100, "x"}})
            .assignTimestampsAndWatermarks(perEvent<Click>());
    auto out = orders.coGroup(clicks)
                   .where(&Order::user)
                   .equalTo(&Click::user)
                   .window(TumblingEventTimeWindows::of(5s))
                   .apply(CountBoth{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out),
              (std::vector<std::string>{"ann orders=1 clicks=2", "bob orders=1 clicks=0",
                                        "cid orders=0 clicks=1"}));
}

struct Describe : ProcessJoinFunction<Order, Click, std::string> {
    void processElement(const Order& o, const Click& c, Context& ctx,
                        Collector<std::string>& out) override {
        out.collect(o.user + " " + std::to_string(o.ts) + "~" + std::to_string(c.ts) + " @" +
                    std::to_string(ctx.getTimestamp()));
    }
};

TEST(IntervalJoin, JoinsElementsWithinTheBoundsWhicheverArrivesFirst) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto orders = env.fromElements<Order>({{"ann", 5000, 1}, {"bob", 5000, 2}})
                      .assignTimestampsAndWatermarks(
                          WatermarkStrategy<Order>::forMonotonousTimestamps().withTimestampAssigner(
                              [](const Order& o, int64_t) { return o.ts; }));
    auto clicks = env.fromElements<Click>({{"ann", 2900, "early"},
                                           {"ann", 3000, "lower"},
                                           {"ann", 6000, "upper"},
                                           {"ann", 6001, "too late"},
                                           {"bob", 4000, "b"}})
                      .assignTimestampsAndWatermarks(
                          WatermarkStrategy<Click>::forMonotonousTimestamps().withTimestampAssigner(
                              [](const Click& c, int64_t) { return c.ts; }));
    auto out = orders.keyBy(&Order::user)
                   .intervalJoin(clicks.keyBy(&Click::user))
                   .between(-2s, 1s)
                   .process(Describe{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"ann 5000~3000 @5000", "ann 5000~6000 @6000",
                                                     "bob 5000~4000 @5000"}));
}

TEST(IntervalJoin, ExclusiveBoundsLeaveOutTheEdges) {
    auto env = StreamExecutionEnvironment::create();
    auto orders = env.fromElements<Order>({{"ann", 5000, 1}})
                      .assignTimestampsAndWatermarks(perEvent<Order>());
    auto clicks = env.fromElements<Click>(
                         {{"ann", 3000, "lower"}, {"ann", 5500, "inside"}, {"ann", 6000, "upper"}})
                      .assignTimestampsAndWatermarks(perEvent<Click>());
    auto out = orders.keyBy(&Order::user)
                   .intervalJoin(clicks.keyBy(&Click::user))
                   .between(-2s, 1s)
                   .lowerBoundExclusive()
                   .upperBoundExclusive()
                   .process(Describe{})
                   .executeAndCollect();
    EXPECT_EQ(out, (std::vector<std::string>{"ann 5000~5500 @5500"}));
}

struct Matcher : KeyedCoProcessFunction<std::string, Order, Click, std::string> {
    void processElement1(const Order& o, Context& ctx, Collector<std::string>& out) override {
        auto& clicks = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"clicks"});
        out.collect(ctx.getCurrentKey() + " order after " +
                    std::to_string(clicks.value().value_or(0)) + " clicks");
        ctx.timerService().registerEventTimeTimer(o.ts + 100);
    }
    void processElement2(const Click&, Context&, Collector<std::string>&) override {
        auto& clicks = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"clicks"});
        clicks.update(clicks.value().value_or(0) + 1);
    }
    void onTimer(int64_t ts, OnTimerContext& ctx, Collector<std::string>& out) override {
        out.collect(ctx.getCurrentKey() + " timer " + std::to_string(ts));
    }
};

TEST(KeyedCoProcess, SharesKeyedStateAndTimersBetweenBothInputs) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto clicks = env.fromElements<Click>({{"ann", 1, "a"}, {"ann", 2, "b"}, {"bob", 3, "c"}});
    auto orders = env.fromElements<Order>({{"ann", 1000, 1}});
    // The two inputs interleave in no fixed order, so only the order's own line and the timer
    // (which fires at the end of input) are checked.
    auto out = orders.assignTimestampsAndWatermarks(perEvent<Order>())
                   .connect(clicks.assignTimestampsAndWatermarks(perEvent<Click>()))
                   .keyBy(&Order::user, &Click::user)
                   .process(Matcher{})
                   .executeAndCollect();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(sorted(out)[1], "ann timer 1100");
    EXPECT_EQ(sorted(out)[0].rfind("ann order after ", 0), 0u);
}

}  // namespace
}  // namespace weir
