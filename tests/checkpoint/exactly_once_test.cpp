// Failure-injection tests in the spirit of Flink's own: sources emit per-key sequence numbers
// 1, 2, 3, ...; keyed state checks that each key's next number is exactly last + 1
// (exactly-once) or at most last + 1 (at-least-once); a mapper throws after N records and M
// completed checkpoints, several times per run; the FileSink output, read after the job
// finishes, must hold every record exactly once (at least once in AT_LEAST_ONCE mode).

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "sequence_source.h"
#include "weir/connectors/file/file_sink.h"
#include "weir/weir.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using testing::KeyedSeq;
using testing::SequenceSource;

constexpr int32_t kKeys = 40;
constexpr int64_t kCount = 1500;  // per key: 60k records in all

std::atomic<int> gFailuresLeft{0};
std::atomic<int64_t> gViolations{0};
std::atomic<int64_t> gInjected{0};

/// Throws once it has seen `afterRecords` records and `afterCheckpoints` completed checkpoints
/// in this attempt, while failures are left.
class FailingMapper final : public RichMapFunction<KeyedSeq, KeyedSeq>, public CheckpointListener {
public:
    FailingMapper(int64_t afterRecords, int64_t afterCheckpoints)
        : afterRecords_(afterRecords), afterCheckpoints_(afterCheckpoints) {}
    KeyedSeq map(const KeyedSeq& v) override {
        // Only subtask 0 fails, so that each failure is one restart.
        if (++records_ >= afterRecords_ && completed_ >= afterCheckpoints_ &&
            getRuntimeContext().getIndexOfThisSubtask() == 0 && gFailuresLeft.fetch_sub(1) > 0) {
            ++gInjected;
            throw std::runtime_error("injected failure");
        }
        return v;
    }
    void notifyCheckpointComplete(int64_t) override { ++completed_; }

private:
    int64_t afterRecords_;
    int64_t afterCheckpoints_;
    int64_t records_ = 0;
    int64_t completed_ = 0;
};

/// Checks each key's sequence in keyed state and passes every record on as "key,seq".
class SequenceChecker final : public RichFlatMapFunction<KeyedSeq, std::string> {
public:
    explicit SequenceChecker(bool exactlyOnce) : exactlyOnce_(exactlyOnce) {}
    void open(const OpenContext&) override {
        last_ = &getRuntimeContext().getState(ValueStateDescriptor<int64_t>("last"));
    }
    void flatMap(const KeyedSeq& v, Collector<std::string>& out) override {
        int64_t last = last_->value().value_or(0);
        bool ok = exactlyOnce_ ? v.second == last + 1 : v.second <= last + 1;
        if (!ok) ++gViolations;
        if (v.second > last) last_->update(v.second);
        out.collect(std::to_string(v.first) + "," + std::to_string(v.second));
    }

private:
    bool exactlyOnce_;
    ValueState<int64_t>* last_ = nullptr;
};

struct RunResult {
    std::map<std::pair<int32_t, int64_t>, int> counts;  // (key, seq) -> occurrences
    CheckpointStatistics stats;
};

std::map<std::pair<int32_t, int64_t>, int> readOutput(const fs::path& dir) {
    std::map<std::pair<int32_t, int64_t>, int> counts;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it) {
        std::string name = it->path().filename().string();
        if (name[0] == '.' || name[0] == '_') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file()) continue;
        std::ifstream in(it->path());
        std::string line;
        while (std::getline(in, line)) {
            auto comma = line.find(',');
            counts[{std::stoi(line.substr(0, comma)), std::stoll(line.substr(comma + 1))}]++;
        }
    }
    return counts;
}

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

    /// The job under test on `env`: sequences -> failing map -> keyBy -> checker -> FileSink.
    void buildJob(StreamExecutionEnvironment& env, CheckpointingMode mode, int failures,
                  int32_t parallelism, bool unaligned = false) {
        gFailuresLeft = failures;
        env.setParallelism(parallelism);
        env.enableCheckpointing(Duration(50), mode);
        env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
        env.getCheckpointConfig().enableUnalignedCheckpoints(unaligned);
        env.setRestartStrategy(RestartStrategies::fixedDelay(failures + 1, Duration(10)));
        bool exactlyOnce = mode == CheckpointingMode::EXACTLY_ONCE;
        env.fromSource(SequenceSource(kKeys, kCount, 15.0), "sequences")
            .uid("sequences")
            .map(FailingMapper(3000, 2))
            .uid("failing-mapper")
            .keyBy([](const KeyedSeq& v) { return v.first; })
            .flatMap<std::string>(SequenceChecker(exactlyOnce))
            .uid("checker")
            .sinkTo(FileSink<std::string>::forRowFormat((root_ / "out").string())
                        .withBucketAssigner(BasePathBucketAssigner())
                        .build())
            .uid("file-sink");
    }

    RunResult run(CheckpointingMode mode, int failures, bool unaligned = false) {
        auto env = StreamExecutionEnvironment::create();
        buildJob(env, mode, failures, 2, unaligned);
        JobClient client = env.executeAsync("exactly-once under failures");
        client.getJobExecutionResult();
        return RunResult{readOutput(root_ / "out"), client.getCheckpointStatistics()};
    }

    static void expectEveryRecord(const RunResult& r, bool exactlyOnce) {
        int64_t missing = 0, duplicated = 0;
        for (int32_t k = 0; k < kKeys; ++k)
            for (int64_t s = 1; s <= kCount; ++s) {
                auto it = r.counts.find({k, s});
                if (it == r.counts.end())
                    ++missing;
                else if (it->second > 1)
                    ++duplicated;
            }
        EXPECT_EQ(missing, 0);
        if (exactlyOnce) EXPECT_EQ(duplicated, 0);
        EXPECT_EQ(r.counts.size(), static_cast<size_t>(kKeys * kCount));
    }

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

TEST_F(ExactlyOnceTest, WithoutFailuresEveryRecordIsWrittenOnce) {
    RunResult r = run(CheckpointingMode::EXACTLY_ONCE, 0);
    EXPECT_EQ(r.stats.numRestarts, 0);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(r, true);
}

TEST_F(ExactlyOnceTest, StopWithSavepointAtParallelismTwoAndResumeAtThree) {
    // Part 1 at parallelism 2, with one failure, stopped with a savepoint midway.
    std::string savepoint;
    {
        auto env = StreamExecutionEnvironment::create();
        buildJob(env, CheckpointingMode::EXACTLY_ONCE, 1, 2);
        JobClient client = env.executeAsync("part 1");
        while (client.getCheckpointStatistics().numRestarts < 1 ||
               client.getCheckpointStatistics().numCompleted < 4)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        savepoint = client.stopWithSavepoint(false, (root_ / "savepoints").string());
        EXPECT_EQ(client.getJobStatus(), JobStatus::FINISHED);
    }
    ASSERT_TRUE(fs::exists(fs::path(savepoint) / "_metadata")) << savepoint;
    // Stopped midway: the part files are still in progress (hidden) and resume in part 2.
    auto partial = readOutput(root_ / "out");
    EXPECT_LT(partial.size(), static_cast<size_t>(kKeys * kCount)) << "stopped too late";

    // Part 2 at parallelism 3 from the savepoint, with one more failure.
    auto env = StreamExecutionEnvironment::create();
    env.config().set(options::kStateRecoveryPath, savepoint);
    buildJob(env, CheckpointingMode::EXACTLY_ONCE, 1, 3);
    JobClient client = env.executeAsync("part 2");
    client.getJobExecutionResult();
    EXPECT_EQ(client.getCheckpointStatistics().numRestarts, 1);
    EXPECT_EQ(gViolations.load(), 0);
    expectEveryRecord(RunResult{readOutput(root_ / "out"), {}}, true);
}

}  // namespace
}  // namespace weir
