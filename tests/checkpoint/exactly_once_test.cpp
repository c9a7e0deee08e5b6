// Failure-injection tests in the spirit of Flink's own: sources emit per-key sequence numbers
// 1, 2, 3, ...; keyed state checks that each key's next number is exactly last + 1
// (exactly-once) or at most last + 1 (at-least-once); a mapper throws after N records and M
// completed checkpoints, several times per run; the FileSink output, read after the job
// finishes, must hold every record exactly once (at least once in AT_LEAST_ONCE mode).

#include <gtest/gtest.h>

#include <thread>

#include "../harness/eventually.h"
#include "sequence_job.h"

namespace weir {
namespace {

using namespace weir::testing;

struct RunResult {
    std::map<std::pair<int32_t, int64_t>, int> counts;  // (key, seq) -> occurrences
    CheckpointStatistics stats;
};

class ExactlyOnceTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("weir-eo-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
        gViolations = 0;
        gInjected = 0;
    }
    void TearDown() override { fs::remove_all(root_); }

    void buildJob(StreamExecutionEnvironment& env, CheckpointingMode mode, int failures,
                  int32_t parallelism, bool unaligned = false,
                  const std::string& backend = "hashmap") {
        SequenceJobOptions o;
        o.stateBackend = backend;
        o.mode = mode;
        o.failures = failures;
        o.parallelism = parallelism;
        o.unaligned = unaligned;
        buildSequenceJob(env, root_ / "out", o);
        env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
    }

    RunResult run(CheckpointingMode mode, int failures, bool unaligned = false,
                  const std::string& backend = "hashmap") {
        auto env = StreamExecutionEnvironment::create();
        buildJob(env, mode, failures, 2, unaligned, backend);
        JobClient client = env.executeAsync("exactly-once under failures");
        client.getJobExecutionResult();
        return RunResult{readOutput(root_ / "out"), client.getCheckpointStatistics()};
    }

    static void expectEveryRecord(const RunResult& r, bool exactlyOnce) {
        OutputCheck c = checkOutput(r.counts);
        EXPECT_EQ(c.missing, 0);
        if (exactlyOnce) EXPECT_EQ(c.duplicated, 0);
        EXPECT_EQ(c.distinct, static_cast<size_t>(kKeys * kCount));
    }

    void rescaleThroughSavepoint(const std::string& before, const std::string& after);

    fs::path root_;
};

TEST_F(ExactlyOnceTest, AlignedExactlyOnceSurvivesRepeatedFailures) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 3);
    EXPECT_EQ(gInjected.load(), 3);
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_GE(r.stats.numCompleted, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

TEST_F(ExactlyOnceTest, AtLeastOnceLosesNothing) {
    RunResult r = run(CheckpointingMode::AT_LEAST_ONCE, 3);
    EXPECT_EQ(gInjected.load(), 3);
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, false);
}

TEST_F(ExactlyOnceTest, UnalignedExactlyOnceSurvivesRepeatedFailures) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 3, /*unaligned=*/true);
    EXPECT_EQ(gInjected.load(), 3);
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_GE(r.stats.numCompleted, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

TEST_F(ExactlyOnceTest, UnalignedCheckpointsStoreInFlightDataUnderBackpressure) {
    auto env = StreamExecutionEnvironment::create();
    SequenceJobOptions o;
    o.failures = 2;
    o.unaligned = true;
    o.ratePerMs = 30.0;
    o.consumerDelay = std::chrono::microseconds(100);  // the checkers keep up with ~2/3 of it
    buildSequenceJob(env, root_ / "out", o);
    env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
    JobClient client = env.executeAsync("unaligned under backpressure");
    client.getJobExecutionResult();
    auto stats = client.getCheckpointStatistics();
    EXPECT_GT(stats.numWithInFlightData, 0) << "no checkpoint caught data in flight";
    EXPECT_EQ(stats.numRestarts, 2);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(RunResult{readOutput(root_ / "out"), stats}, true);
}

TEST_F(ExactlyOnceTest, RocksDbAlignedExactlyOnceSurvivesRepeatedFailures) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 3, false, "rocksdb");
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

TEST_F(ExactlyOnceTest, RocksDbAtLeastOnceLosesNothing) {
    RunResult r = run(CheckpointingMode::AT_LEAST_ONCE, 3, false, "rocksdb");
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, false);
}

TEST_F(ExactlyOnceTest, RocksDbUnalignedExactlyOnceSurvivesRepeatedFailures) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 3, true, "rocksdb");
    EXPECT_EQ(r.stats.numRestarts, 3);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

TEST_F(ExactlyOnceTest, WithoutFailuresEveryRecordIsWrittenOnce) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 0);
    EXPECT_EQ(r.stats.numRestarts, 0);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

/// Stops the job with a savepoint at parallelism 2 on `before` (one failure before), resumes it
/// at parallelism 3 on `after` (one more failure), and checks the output.
void ExactlyOnceTest::rescaleThroughSavepoint(const std::string& before, const std::string& after) {
    std::string savepoint;
    {
        auto env = StreamExecutionEnvironment::create();
        buildJob(env, CheckpointingMode::EXACTLY_ONCE, 1, 2, false, before);
        JobClient client = env.executeAsync("part 1");
        ASSERT_TRUE(testing::eventually([&] {
            auto s = client.getCheckpointStatistics();
            return s.numRestarts >= 1 && s.numCompleted >= 4;
        }));
        savepoint = client.stopWithSavepoint(false, (root_ / "savepoints").string());
        EXPECT_EQ(client.getJobStatus(), JobStatus::FINISHED);
    }
    ASSERT_TRUE(fs::exists(fs::path(savepoint) / "_metadata")) << savepoint;
    // Stopped midway: the part files are still in progress (hidden) and resume in part 2.
    auto partial = readOutput(root_ / "out");
    EXPECT_LT(partial.size(), static_cast<size_t>(kKeys * kCount)) << "stopped too late";

    auto env = StreamExecutionEnvironment::create();
    env.config().set(options::kStateRecoveryPath, savepoint);
    buildJob(env, CheckpointingMode::EXACTLY_ONCE, 1, 3, false, after);
    JobClient client = env.executeAsync("part 2");
    client.getJobExecutionResult();
    EXPECT_EQ(client.getCheckpointStatistics().numRestarts, 1);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(RunResult{readOutput(root_ / "out"), {}}, true);
}

TEST_F(ExactlyOnceTest, StopWithSavepointAtParallelismTwoAndResumeAtThree) {
    rescaleThroughSavepoint("hashmap", "hashmap");
}

TEST_F(ExactlyOnceTest, RescaleFromRocksDbToHashMap) {
    rescaleThroughSavepoint("rocksdb", "hashmap");
}

TEST_F(ExactlyOnceTest, RescaleFromHashMapToRocksDb) {
    rescaleThroughSavepoint("hashmap", "rocksdb");
}

}  // namespace
}  // namespace weir
