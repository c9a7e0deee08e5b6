#include <gtest/gtest.h>

#include "graph/job_graph.h"
#include "graph/stream_graph_generator.h"
#include "weir/weir.h"

namespace weir {
namespace {

JobGraph plan(StreamExecutionEnvironment& env, StreamGraphSettings settings = {}) {
    settings.defaultParallelism = env.getParallelism();
    settings.chainingEnabled = env.getConfiguration().get(options::kOperatorChaining);
    auto graph = generateStreamGraph(env.state()->transformations, settings);
    return createJobGraph(graph, env.getConfiguration());
}

std::vector<std::string> vertexNames(const JobGraph& job) {
    std::vector<std::string> names;
    for (const auto& v : job.vertices) names.push_back(v.name);
    return names;
}

auto identity = [](const int64_t& x) { return x; };

TEST(Chaining, ForwardEdgesWithEqualParallelismChainIntoOneVertex) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10)
        .map(identity)
        .name("m")
        .filter([](const int64_t&) { return true; })
        .name("f")
        .print();
    auto job = plan(env);
    EXPECT_EQ(vertexNames(job),
              (std::vector<std::string>{"Source: Sequence Source -> m -> f -> Print to Std. Out"}));
    EXPECT_TRUE(job.edges.empty());
}

TEST(Chaining, ParallelismChangeBreaksTheChainWithRebalance) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.fromSequence(1, 10).map(identity).name("m").setParallelism(3).print().setParallelism(3);
    auto job = plan(env);
    ASSERT_EQ(job.vertices.size(), 2u);
    EXPECT_EQ(job.vertices[1].name, "m -> Print to Std. Out");
    ASSERT_EQ(job.edges.size(), 1u);
    EXPECT_EQ(job.streamGraph->edges[job.edges[0].streamEdge].partitioner.kind,
              PartitionerKind::REBALANCE);
}

TEST(Chaining, KeyByBreaksTheChainWithAHashEdge) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10)
        .keyBy(identity)
        .reduce([](const int64_t& a, const int64_t& b) { return a + b; })
        .print();
    auto job = plan(env);
    ASSERT_EQ(job.vertices.size(), 2u);
    EXPECT_EQ(job.streamGraph->edges[job.edges[0].streamEdge].partitioner.kind,
              PartitionerKind::HASH);
    EXPECT_EQ(job.vertices[1].name, "Keyed Reduce -> Print to Std. Out");
}

TEST(Chaining, DisableChainingIsolatesTheOperator) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10)
        .map(identity)
        .name("a")
        .map(identity)
        .name("b")
        .disableChaining()
        .map(identity)
        .name("c")
        .print();
    EXPECT_EQ(vertexNames(plan(env)), (std::vector<std::string>{"Source: Sequence Source -> a", "b",
                                                                "c -> Print to Std. Out"}));
}

TEST(Chaining, StartNewChainBeginsANewVertexThatStillChainsForward) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).map(identity).name("a").map(identity).name("b").startNewChain().print();
    EXPECT_EQ(vertexNames(plan(env)),
              (std::vector<std::string>{"Source: Sequence Source -> a", "b -> Print to Std. Out"}));
}

TEST(Chaining, GloballyDisabledChainingGivesOneVertexPerOperator) {
    auto env = StreamExecutionEnvironment::create();
    env.disableOperatorChaining();
    env.fromSequence(1, 10).map(identity).print();
    EXPECT_EQ(plan(env).vertices.size(), 3u);
}

TEST(Chaining, ExplicitPartitionerBreaksTheChain) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).rebalance().map(identity).print();
    auto job = plan(env);
    EXPECT_EQ(job.vertices.size(), 2u);
}

TEST(Chaining, OperatorWithTwoInputsIsAHead) {
    auto env = StreamExecutionEnvironment::create();
    auto a = env.fromSequence(1, 10);
    auto b = env.fromSequence(11, 20);
    a.union_(b).map(identity).name("m").print();
    auto job = plan(env);
    EXPECT_EQ(vertexNames(job),
              (std::vector<std::string>{"Source: Sequence Source", "Source: Sequence Source",
                                        "m -> Print to Std. Out"}));
    EXPECT_EQ(job.edges.size(), 2u);
}

TEST(Chaining, ForwardWithDifferentParallelismIsRejected) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).forward().map(identity).setParallelism(2).print();
    try {
        plan(env);
        FAIL() << "expected InvalidProgramException";
    } catch (const InvalidProgramException& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "forward partitioning does not allow a change of parallelism"),
                  std::string::npos);
    }
}

TEST(OperatorIds, AreStableAcrossRunsAndFollowTheUid) {
    auto build = [](bool withUid) {
        auto env = StreamExecutionEnvironment::create();
        auto s = env.fromSequence(1, 10).map(identity);
        if (withUid) s.uid("my-map");
        s.print();
        auto job = plan(env);
        std::vector<std::string> ids;
        for (const auto& [id, n] : job.streamGraph->nodes) ids.push_back(n.operatorId);
        return ids;
    };
    EXPECT_EQ(build(false), build(false));
    auto a = build(true), b = build(false);
    EXPECT_EQ(a[0], b[0]);  // the source is unchanged
    EXPECT_NE(a[1], b[1]);  // the uid decides the map's id
    std::set<std::string> unique(b.begin(), b.end());
    EXPECT_EQ(unique.size(), b.size());
}

TEST(OperatorIds, DuplicateUidIsRejected) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).uid("x").map(identity).uid("x").print();
    EXPECT_THROW(plan(env), InvalidProgramException);
}

TEST(StreamGraph, ProgramWithoutSinkIsRejected) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).map(identity);
    EXPECT_THROW(plan(env), InvalidProgramException);
}

TEST(StreamGraph, AutomaticModePicksBatchOnlyWhenAllSourcesAreBounded) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).print();
    StreamGraphSettings s;
    s.executionMode = RuntimeExecutionMode::AUTOMATIC;
    auto graph = generateStreamGraph(env.state()->transformations, s);
    EXPECT_EQ(graph->executionMode, RuntimeExecutionMode::BATCH);

    auto env2 = StreamExecutionEnvironment::create();
    env2.socketTextStream("localhost", 9).print();
    EXPECT_EQ(generateStreamGraph(env2.state()->transformations, s)->executionMode,
              RuntimeExecutionMode::STREAMING);
    s.executionMode = RuntimeExecutionMode::BATCH;
    EXPECT_THROW(generateStreamGraph(env2.state()->transformations, s), InvalidProgramException);
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

// Operator ids are how savepoints find an operator's state: they must not change for the same
// program, across builds and versions (docs/formats.md). Without uids they come from the graph
// position; with a uid, from the uid alone.
TEST(OperatorIds, ArePinnedForAFixedProgram) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    auto rules = env.fromElements<int64_t>({1, 2});
    env.fromSequence(1, 100)
        .map(identity)
        .keyBy(identity)
        .reduce([](const int64_t& a, const int64_t& b) { return a + b; })
        .union_(rules)
        .print();
    env.fromSequence(1, 10).uid("numbers").print();
    auto job = plan(env);
    std::vector<std::string> ids;
    for (const auto& [id, n] : job.streamGraph->nodes) ids.push_back(n.name + "=" + n.operatorId);
    EXPECT_EQ(ids, (std::vector<std::string>{
                       "Collection Source=b06dd5bfa1f4d43c79d9532dae1a752a",
                       "Sequence Source=75f90729803fe149193909218a408b1a",
                       "Map=d3f0aa3cbd930e8fcfadfb8d811c49fe",
                       "Keyed Reduce=cfcbb5fab5f1e4d987b862bfe5b33342",
                       "Print to Std. Out=9080b817b38b280972613e3be6f215a6",
                       "Sequence Source=262f84fbf776a94788af98c63aa5bd38",
                       "Print to Std. Out=acd790491f44c6941a903829463ccb72",
                   }));
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

TEST(SideOutputs, OneIdWithTwoElementTypesIsRejectedAtGraphBuilding) {
    struct Split : ProcessFunction<int64_t, int64_t> {
        void processElement(const int64_t& v, Context&, Collector<int64_t>& out) override {
            out.collect(v);
        }
    };
    auto env = StreamExecutionEnvironment::create();
    auto main = env.fromSequence(1, 10).process(Split{});
    main.getSideOutput(OutputTag<int64_t>("extra")).print();
    main.getSideOutput(OutputTag<std::string>("extra")).print();
    try {
        plan(env);
        FAIL() << "no exception";
    } catch (const InvalidProgramException& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("side output 'extra'"), std::string::npos) << what;
        EXPECT_NE(what.find("int64"), std::string::npos) << what;
        EXPECT_NE(what.find("string"), std::string::npos) << what;
    }
}

TEST(SideOutputs, RecordsGoOnlyToTheTagOfTheirType) {
    struct Split : ProcessFunction<int64_t, int64_t> {
        void processElement(const int64_t& v, Context& ctx, Collector<int64_t>& out) override {
            ctx.output(OutputTag<std::string>("extra"), "s" + std::to_string(v));
            out.collect(v);
        }
    };
    auto env = StreamExecutionEnvironment::create();
    auto main = env.fromSequence(1, 3).process(Split{});
    auto strings = main.getSideOutput(OutputTag<std::string>("extra")).executeAndCollect();
    std::sort(strings.begin(), strings.end());
    EXPECT_EQ(strings, (std::vector<std::string>{"s1", "s2", "s3"}));
}

}  // namespace
}  // namespace weir
