// Job libraries built with weir_add_job, loaded with dlopen(RTLD_LOCAL) into a process that has
// the engine's shared libraries loaded already: plan capture, fingerprints, errors, and running
// the captured graph (its operators and types come from the library, the engine does the rest).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../harness/temp_dir.h"
#include "client/program/job_library.h"
#include "cluster/mini_cluster.h"
#include "graph/job_graph.h"
#include "graph/job_graph_description.h"
#include "weir/core/exceptions.h"
#include "weir/core/options.h"

namespace weir {
namespace {

/// Finished lines of a FileSink output directory (files whose names start with '.' or '_' are
/// in progress or pending).
std::vector<std::string> finishedLines(const std::string& dir) {
    std::vector<std::string> lines;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.' || name[0] == '_') continue;
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    return lines;
}

TEST(JobLibrary, CapturesThePlanAndRunsItOnTheMiniCluster) {
    testing::TempDir out("weir-joblib");
    auto library = JobLibrary::open(WEIR_TEST_JOB_LIBRARY);
    Configuration base;
    base.set(options::kParallelism, 2);
    ProgramPlan plan = library->extractPlan({"--output", out.path, "--count", "5000", "--keys", "7"},
                                            base);
    ASSERT_TRUE(plan.graph);
    EXPECT_EQ(plan.graph->jobName, "windowed count");
    EXPECT_EQ(plan.configuration.get(options::kParallelism), 2);
    EXPECT_EQ(plan.graph->codeOwner.get(), library.get());

    MiniCluster cluster;
    auto job = cluster.submit(plan.graph, plan.configuration);
    job->waitForResult();

    // Every event counted once, in the window of its key.
    std::map<std::pair<int64_t, int64_t>, int64_t> expected;
    for (int64_t i = 0; i < 5000; ++i) ++expected[{i % 7, i / 1000 * 1000}];
    std::map<std::pair<int64_t, int64_t>, int64_t> actual;
    for (const auto& line : finishedLines(out.path)) {
        int64_t key = 0, start = 0, count = 0;
        ASSERT_EQ(std::sscanf(line.c_str(), "%ld,%ld,%ld", &key, &start, &count), 3) << line;
        EXPECT_TRUE(actual.emplace(std::make_pair(key, start), count).second) << "twice: " << line;
    }
    EXPECT_EQ(actual, expected);
}

TEST(JobLibrary, SameArgumentsGiveTheSameFingerprintOtherArgumentsAnother) {
    auto library = JobLibrary::open(WEIR_TEST_JOB_LIBRARY);
    auto describe = [&](std::vector<std::string> args) {
        ProgramPlan plan = library->extractPlan(args, Configuration());
        return describeJobGraph(createJobGraph(plan.graph, plan.configuration));
    };
    std::string a = describe({"--output", "/tmp/x"});
    std::string b = describe({"--output", "/tmp/x"});
    std::string c = describe({"--output", "/tmp/x", "-p", "3"});
    EXPECT_EQ(jobGraphFingerprint(a), jobGraphFingerprint(b));
    EXPECT_EQ(jobGraphMismatch(a, b), "");
    EXPECT_NE(jobGraphFingerprint(a), jobGraphFingerprint(c));
    std::string why = jobGraphMismatch(a, c);
    EXPECT_NE(why.find("differs: expected 'node"), std::string::npos) << why;
    EXPECT_NE(why.find("p=3"), std::string::npos) << why;
}

TEST(JobLibrary, PlanJsonHasFlinksShape) {
    auto library = JobLibrary::open(WEIR_TEST_JOB_LIBRARY);
    ProgramPlan plan = library->extractPlan({"--output", "/tmp/x"}, Configuration());
    std::string json = executionPlanJson(*plan.graph);
    EXPECT_NE(json.find("\"nodes\""), std::string::npos);
    EXPECT_NE(json.find("\"pact\": \"Data Source\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"ship_strategy\": \"HASH\""), std::string::npos) << json;
}

TEST(JobLibrary, ProgramFailureBeforeExecuteIsReportedWithItsCause) {
    auto library = JobLibrary::open(WEIR_TEST_JOB_LIBRARY);
    try {
        library->extractPlan({}, Configuration());
        FAIL() << "expected ProgramInvocationException";
    } catch (const ProgramInvocationException& e) {
        EXPECT_NE(std::string(e.what()).find("failed before it called execute(): "
                                             "windowed_count_job needs --output DIR"),
                  std::string::npos)
            << e.what();
    }
}

TEST(JobLibrary, LibraryWithoutEntryPointIsRefused) {
    try {
        JobLibrary::open(WEIR_TEST_NO_ENTRY_LIBRARY);
        FAIL() << "expected ProgramInvocationException";
    } catch (const ProgramInvocationException& e) {
        EXPECT_NE(std::string(e.what()).find("has no entry point"), std::string::npos) << e.what();
    }
    EXPECT_THROW(JobLibrary::open("/nonexistent/job.so"), ProgramInvocationException);
}

}  // namespace
}  // namespace weir
