#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "weir/weir.h"

namespace weir {
namespace {

template <class T>
std::vector<T> sorted(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    return v;
}

TEST(DataStream, MapFlatMapFilterOnElements) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<std::string>({"a b", "c", ""})
                   .flatMap([](const std::string& line, Collector<std::string>& o) {
                       size_t start = 0;
                       while (start < line.size()) {
                           size_t end = line.find(' ', start);
                           if (end == std::string::npos) end = line.size();
                           if (end > start) o.collect(line.substr(start, end - start));
                           start = end + 1;
                       }
                   })
                   .map([](const std::string& w) { return w + w; })
                   .filter([](const std::string& w) { return w != "cc"; })
                   .executeAndCollect();
    EXPECT_EQ(out, (std::vector<std::string>{"aa", "bb"}));
}

TEST(DataStream, FlatMapWithAGenericLambdaAndAnExplicitType) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<int64_t>({3})
                   .flatMap<std::string>([](const auto& v, auto& collector) {
                       for (int64_t i = 0; i < v; ++i) collector.collect(std::to_string(i));
                   })
                   .executeAndCollect();
    EXPECT_EQ(out, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(DataStream, FromSequenceIsSplitAmongSubtasksWithoutLossOrDuplicates) {
    for (int p : {1, 2, 3}) {
        auto env = StreamExecutionEnvironment::create();
        env.setParallelism(p);
        auto out = env.fromSequence(-5, 1000)
                       .map([](const int64_t& x) { return x * 2; })
                       .executeAndCollect();
        std::vector<int64_t> expected;
        for (int64_t x = -5; x <= 1000; ++x) expected.push_back(x * 2);
        EXPECT_EQ(sorted(out), expected) << "parallelism " << p;
    }
}

struct Doubler : RichMapFunction<int64_t, std::string> {
    int subtask = -1;
    void open(const OpenContext&) override {
        subtask = getRuntimeContext().getIndexOfThisSubtask();
    }
    std::string map(const int64_t& v) override {
        return std::to_string(subtask) + ":" + std::to_string(v * 2);
    }
};

TEST(DataStream, RichFunctionIsOpenedWithItsRuntimeContext) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto out = env.fromSequence(1, 4).map(Doubler{}).executeAndCollect();
    ASSERT_EQ(out.size(), 4u);
    std::set<std::string> subtasks;
    for (const auto& s : out) subtasks.insert(s.substr(0, 1));
    EXPECT_EQ(subtasks, (std::set<std::string>{"0", "1"}));
}

TEST(DataStream, UnionMergesStreamsOfTheSameType) {
    auto env = StreamExecutionEnvironment::create();
    auto a = env.fromElements<int64_t>({1, 2});
    auto b = env.fromElements<int64_t>({3});
    auto c = env.fromSequence(4, 5);
    EXPECT_EQ(sorted(a.union_(b, c).executeAndCollect()), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(DataStream, ConnectWithCoMapLambdas) {
    auto env = StreamExecutionEnvironment::create();
    auto numbers = env.fromElements<int64_t>({1, 2});
    auto words = env.fromElements<std::string>({"x"});
    auto out = numbers.connect(words)
                   .map([](const int64_t& n) { return "n" + std::to_string(n); },
                        [](const std::string& w) { return "w" + w; })
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"n1", "n2", "wx"}));
}

struct Tagger : CoProcessFunction<int64_t, std::string, std::string> {
    void processElement1(const int64_t& v, Context&, Collector<std::string>& out) override {
        out.collect("int:" + std::to_string(v));
    }
    void processElement2(const std::string& v, Context& ctx, Collector<std::string>& out) override {
        out.collect("str:" + v + (ctx.timestamp() ? "@ts" : ""));
    }
};

TEST(DataStream, ConnectWithCoProcessAndCoFlatMap) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<int64_t>({7})
                   .connect(env.fromElements<std::string>({"s"}))
                   .process(Tagger{})
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<std::string>{"int:7", "str:s"}));

    auto env2 = StreamExecutionEnvironment::create();
    auto out2 = env2.fromElements<int64_t>({2})
                    .connect(env2.fromElements<int64_t>({10}))
                    .flatMap<int64_t>(
                        [](const int64_t& v, Collector<int64_t>& o) {
                            o.collect(v);
                            o.collect(v);
                        },
                        [](const int64_t& v, Collector<int64_t>& o) { o.collect(-v); })
                    .executeAndCollect();
    EXPECT_EQ(sorted(out2), (std::vector<int64_t>{-10, 2, 2}));
}

struct EvenOdd : ProcessFunction<int64_t, int64_t> {
    OutputTag<std::string> odd{"odd"};
    void processElement(const int64_t& v, Context& ctx, Collector<int64_t>& out) override {
        if (v % 2 == 0)
            out.collect(v);
        else
            ctx.output(odd, "odd-" + std::to_string(v));
    }
};

TEST(DataStream, SideOutputsCarryTheirOwnType) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto main = env.fromSequence(1, 6).process(EvenOdd{});
    auto oddSink = std::make_shared<CollectSink<std::string>>();
    auto oddBuffer = oddSink->buffer();
    main.getSideOutput(OutputTag<std::string>{"odd"}).sinkTo(*oddSink);
    auto even = main.executeAndCollect();
    EXPECT_EQ(sorted(even), (std::vector<int64_t>{2, 4, 6}));
    EXPECT_EQ(sorted(oddBuffer->values), (std::vector<std::string>{"odd-1", "odd-3", "odd-5"}));
}

TEST(DataStream, SideOutputAcrossTheNetworkWhenNotChained) {
    auto env = StreamExecutionEnvironment::create();
    auto main = env.fromSequence(1, 5).process(EvenOdd{});
    auto odd = main.getSideOutput(OutputTag<std::string>{"odd"}).map([](const std::string& s) {
        return s + "!";
    });
    odd.setParallelism(2);
    EXPECT_EQ(sorted(odd.executeAndCollect()),
              (std::vector<std::string>{"odd-1!", "odd-3!", "odd-5!"}));
}

TEST(DataStream, EveryPartitionerDeliversEveryRecord) {
    for (int kind = 0; kind < 5; ++kind) {
        auto env = StreamExecutionEnvironment::create();
        env.setParallelism(2);
        auto s = env.fromSequence(1, 1000);
        DataStream<int64_t> p = kind == 0   ? s.rebalance()
                                : kind == 1 ? s.rescale()
                                : kind == 2 ? s.shuffle()
                                : kind == 3 ? s.global()
                                            : s.forward();
        auto out = p.map([](const int64_t& x) { return x; })
                       .setParallelism(kind == 4 ? 2 : 3)
                       .executeAndCollect();
        std::vector<int64_t> expected(1000);
        for (int i = 0; i < 1000; ++i) expected[i] = i + 1;
        EXPECT_EQ(sorted(out), expected) << kind;
    }
}

TEST(DataStream, BroadcastCopiesToEverySubtask) {
    auto env = StreamExecutionEnvironment::create();
    auto out = env.fromElements<int64_t>({1, 2})
                   .broadcast()
                   .map([](const int64_t& x) { return x; })
                   .setParallelism(3)
                   .executeAndCollect();
    EXPECT_EQ(sorted(out), (std::vector<int64_t>{1, 1, 1, 2, 2, 2}));
}

TEST(DataStream, WriteAsTextWritesOneFilePerSubtask) {
    auto dir = std::filesystem::temp_directory_path() / ("weir-text-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.fromSequence(1, 10).writeAsText(dir.string());
    env.execute();
    int lines = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(f.path());
        for (std::string l; std::getline(in, l);) ++lines;
    }
    EXPECT_EQ(lines, 10);
    EXPECT_TRUE(std::filesystem::exists(dir / "1"));
    EXPECT_TRUE(std::filesystem::exists(dir / "2"));
    std::filesystem::remove_all(dir);
}

TEST(Environment, CommandLineSetsParallelismAndConfiguration) {
    const char* argv[] = {"prog", "-p", "3", "-D", "pipeline.name=from-cli", "--input", "x"};
    auto env = StreamExecutionEnvironment::create(7, argv);
    EXPECT_EQ(env.getParallelism(), 3);
    EXPECT_EQ(env.getConfiguration().getString("pipeline.name"), "from-cli");
    EXPECT_EQ(env.programArguments(), (std::vector<std::string>{"--input", "x"}));
    env.setParallelism(1);  // the API wins
    EXPECT_EQ(env.getParallelism(), 1);
}

TEST(Environment, ExecuteAsyncReturnsAClientThatReportsTheResult) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 100).sinkTo(CollectSink<int64_t>());
    JobClient client = env.executeAsync("async job");
    auto result = client.getJobExecutionResult();
    EXPECT_EQ(result.getJobName(), "async job");
    EXPECT_EQ(client.getJobStatus(), JobStatus::FINISHED);
}

}  // namespace
}  // namespace weir
