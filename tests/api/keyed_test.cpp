#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "weir/weir.h"

namespace app {
struct Reading {
    std::string sensor;
    int64_t ts = 0;
    double value = 0;
    bool operator<(const Reading& o) const {
        return std::tie(sensor, ts, value) < std::tie(o.sensor, o.ts, o.value);
    }
    bool operator==(const Reading&) const = default;
};
WEIR_TYPE(Reading, sensor, ts, value);
}  // namespace app

namespace weir {
namespace {

using app::Reading;
using KV = std::pair<std::string, int64_t>;

template <class T>
std::vector<T> sorted(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<Reading> readings() {
    return {{"a", 1, 5.0}, {"b", 2, 1.0}, {"a", 3, 2.0},
            {"a", 4, 9.0}, {"b", 5, 4.0}, {"a", 6, 2.0}};
}

TEST(KeyedStream, ReduceEmitsARollingResultPerKey) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto out = env.fromElements<KV>({{"x", 1}, {"y", 10}, {"x", 2}, {"x", 3}, {"y", 20}})
                   .keyBy([](const KV& kv) { return kv.first; })
                   .reduce([](const KV& a, const KV& b) {
                       return KV{a.first, a.second + b.second};
                   })
                   .executeAndCollect();
    EXPECT_EQ(sorted(out),
              sorted(std::vector<KV>{{"x", 1}, {"x", 3}, {"x", 6}, {"y", 10}, {"y", 30}}));
}

TEST(KeyedStream, SumByTupleIndexKeepsTheOtherFields) {
    auto env = StreamExecutionEnvironment::create();
    using T3 = std::tuple<std::string, int64_t, std::string>;
    auto out = env.fromElements<T3>({{"k", 1, "first"}, {"k", 2, "second"}})
                   .keyBy([](const T3& t) { return std::get<0>(t); })
                   .sum<1>()
                   .executeAndCollect();
    EXPECT_EQ(out, (std::vector<T3>{{"k", 1, "first"}, {"k", 3, "first"}}));
}

TEST(KeyedStream, AggregationsByMemberPointer) {
    auto run = [](auto&& aggregate) {
        auto env = StreamExecutionEnvironment::create();
        auto keyed = env.fromCollection(readings()).keyBy(&Reading::sensor);
        auto out = aggregate(keyed).executeAndCollect();
        std::map<std::string, Reading> last;
        for (const auto& r : out) last[r.sensor] = r;
        return last;
    };
    auto sum = run([](auto& k) { return k.sum(&Reading::value); });
    EXPECT_DOUBLE_EQ(sum["a"].value, 18.0);
    EXPECT_EQ(sum["a"].ts, 1);  // other fields from the first element
    auto min = run([](auto& k) { return k.min(&Reading::value); });
    EXPECT_DOUBLE_EQ(min["a"].value, 2.0);
    EXPECT_EQ(min["a"].ts, 1);
    auto max = run([](auto& k) { return k.max(&Reading::value); });
    EXPECT_DOUBLE_EQ(max["b"].value, 4.0);
    EXPECT_EQ(max["b"].ts, 2);
    auto minBy = run([](auto& k) { return k.minBy(&Reading::value); });
    EXPECT_EQ(minBy["a"], (Reading{"a", 3, 2.0}));  // first of the ties
    auto maxBy = run([](auto& k) { return k.maxBy(&Reading::value); });
    EXPECT_EQ(maxBy["a"], (Reading{"a", 4, 9.0}));
}

TEST(KeyedStream, SumOfAStreamOfNumbers) {
    auto env = StreamExecutionEnvironment::create();
    env.setRuntimeMode(RuntimeExecutionMode::BATCH);
    auto out = env.fromSequence(1, 100)
                   .keyBy([](const int64_t& x) { return x % 2; })
                   .sum<0>()
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<int64_t>{2500, 2550}));
}

struct CountPerKey : KeyedProcessFunction<std::string, KV, std::string> {
    void processElement(const KV& v, Context& ctx, Collector<std::string>& out) override {
        auto& count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"});
        int64_t n = count.value().value_or(0) + 1;
        count.update(n);
        auto& seen = getRuntimeContext().getListState(ListStateDescriptor<int64_t>{"seen"});
        seen.add(v.second);
        auto& byValue =
            getRuntimeContext().getMapState(MapStateDescriptor<int64_t, int64_t>{"byValue"});
        byValue.put(v.second, byValue.get(v.second).value_or(0) + 1);
        out.collect(ctx.getCurrentKey() + "#" + std::to_string(n) +
                    " list=" + std::to_string(seen.get().size()) +
                    " dup=" + std::to_string(*byValue.get(v.second)));
    }
};

TEST(KeyedStream, ProcessFunctionKeepsStatePerKey) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto out = env.fromElements<KV>({{"a", 1}, {"b", 1}, {"a", 1}, {"a", 2}})
                   .keyBy([](const KV& kv) { return kv.first; })
                   .process(CountPerKey{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"a#1 list=1 dup=1", "a#2 list=2 dup=2",
                                                     "a#3 list=3 dup=1", "b#1 list=1 dup=1"}));
}

struct RunningCount : RichMapFunction<KV, std::string> {
    std::string map(const KV& v) override {
        auto& count = getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"count"});
        count.update(count.value().value_or(0) + v.second);
        return v.first + "=" + std::to_string(*count.value());
    }
};

TEST(KeyedStream, RichMapAfterKeyByUsesKeyedState) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto out = env.fromElements<KV>({{"a", 1}, {"b", 5}, {"a", 2}})
                   .keyBy([](const KV& kv) { return kv.first; })
                   .map(RunningCount{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"a=1", "a=3", "b=5"}));
}

struct DedupFilter : RichFilterFunction<KV> {
    bool filter(const KV& v) override {
        auto& seen = getRuntimeContext().getState(ValueStateDescriptor<bool>{"seen"});
        if (seen.value()) return false;
        seen.update(true);
        return true;
    }
};

TEST(KeyedStream, RichFilterAfterKeyByDeduplicatesPerKey) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<KV>({{"a", 1}, {"a", 2}, {"b", 3}, {"b", 4}})
                   .keyBy([](const KV& kv) { return kv.first; })
                   .filter(DedupFilter{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<KV>{{"a", 1}, {"b", 3}}));
}

struct NotKeyed : RichMapFunction<int64_t, int64_t> {
    int64_t map(const int64_t& v) override {
        getRuntimeContext().getState(ValueStateDescriptor<int64_t>{"x"});
        return v;
    }
};

TEST(KeyedStream, KeyedStateOutsideAKeyedStreamIsAClearError) {
    auto env = StreamExecutionEnvironment::create();
    env.fromElements<int64_t>({1}).map(NotKeyed{}).print();
    try {
        env.execute();
        FAIL();
    } catch (const JobExecutionException& e) {
        EXPECT_NE(std::string(e.what()).find("only available on a keyed stream"), std::string::npos)
            << e.what();
    }
}

TEST(KeyedStream, ManyKeysAtSeveralParallelismsGiveTheSameTotals) {
    for (int p : {1, 2, 4}) {
        auto env = StreamExecutionEnvironment::create();
        env.setParallelism(p);
        env.setRuntimeMode(RuntimeExecutionMode::BATCH);
        auto out = env.fromSequence(0, 99999)
                       .map([](const int64_t& x) {
                           return std::pair<int64_t, int64_t>{x % 1000, 1};
                       })
                       .keyBy([](const std::pair<int64_t, int64_t>& kv) { return kv.first; })
                       .sum<1>()
                       .executeAndCollect();
        ASSERT_EQ(out.size(), 1000u) << p;
        for (const auto& kv : out) EXPECT_EQ(kv.second, 100) << kv.first;
    }
}

}  // namespace
}  // namespace weir
