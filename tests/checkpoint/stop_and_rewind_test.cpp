// Stop-with-savepoint with drain (every window fires before the job stops) against without (open
// windows stay in the savepoint), and a file source that rewinds to its checkpointed split offsets
// after failures.

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "../harness/eventually.h"
#include "sequence_job.h"

namespace weir {
namespace {

using namespace weir::testing;

std::atomic<int64_t> gIntoWindows{0};
std::atomic<int64_t> gCountedByWindows{0};

class StopAndRewindTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("weir-stop-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
        gIntoWindows = 0;
        gCountedByWindows = 0;
        gViolations = 0;
    }
    void TearDown() override { fs::remove_all(root_); }

    /// Counts per key in 1 s event-time windows of records stamped seq * 10 ms; stopped with a
    /// savepoint midway. Returns (records into the windows, records counted by fired windows).
    std::pair<int64_t, int64_t> runAndStop(bool drain) {
        auto env = StreamExecutionEnvironment::create();
        env.setParallelism(2);
        env.enableCheckpointing(Duration(50));
        env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
        auto strategy =
            WatermarkStrategy<KeyedSeq>::forMonotonousTimestamps().withTimestampAssigner(
                [](const KeyedSeq& v, int64_t) { return v.second * 10; });
        env.fromSource(SequenceSource(8, 100000, 2.0), strategy, "sequences")
            .map([](const KeyedSeq& v) {
                ++gIntoWindows;
                return std::pair<int32_t, int64_t>(v.first, 1);
            })
            .keyBy([](const std::pair<int32_t, int64_t>& v) { return v.first; })
            .window(TumblingEventTimeWindows::of(Duration(1000)))
            .sum<1>()
            .map([](const std::pair<int32_t, int64_t>& v) {
                gCountedByWindows += v.second;
                return v.second;
            })
            .sinkTo(DiscardingSink<int64_t>());
        JobClient client = env.executeAsync(drain ? "drained" : "suspended");
        EXPECT_TRUE(testing::eventually(
            [&] { return client.getCheckpointStatistics().numCompleted >= 3; }));
        std::string savepoint = client.stopWithSavepoint(drain, (root_ / "savepoints").string());
        EXPECT_TRUE(fs::exists(fs::path(savepoint) / "_metadata"));
        EXPECT_EQ(client.getJobStatus(), JobStatus::FINISHED);
        return {gIntoWindows.load(), gCountedByWindows.load()};
    }

    fs::path root_;
};

TEST_F(StopAndRewindTest, DrainFiresEveryWindowBeforeTheJobStops) {
    auto [in, counted] = runAndStop(true);
    EXPECT_GT(in, 0);
    EXPECT_EQ(counted, in);
}

TEST_F(StopAndRewindTest, WithoutDrainOpenWindowsStayInTheSavepoint) {
    auto [in, counted] = runAndStop(false);
    EXPECT_GT(in, 0);
    EXPECT_LT(counted, in);  // the windows still open did not fire
}

/// Slows the file source down so that checkpoints and a failure happen while it reads.
class ThrottledFailingMapper final : public RichMapFunction<std::string, KeyedSeq>,
                                     public CheckpointListener {
public:
    KeyedSeq map(const std::string& line) override {
        // About 0.6 s per reader in all: each attempt lasts long enough for a checkpoint.
        if (++records_ % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        // Only subtask 0 fails, so that each failure is one restart.
        if (records_ >= 1000 && completed_ >= 1 &&
            getRuntimeContext().getIndexOfThisSubtask() == 0 && gFailuresLeft.fetch_sub(1) > 0) {
            ++gInjected;
            throw std::runtime_error("injected failure");
        }
        auto comma = line.find(',');
        return {std::stoi(line.substr(0, comma)), std::stoll(line.substr(comma + 1))};
    }
    void notifyCheckpointComplete(int64_t) override { ++completed_; }

private:
    int64_t records_ = 0;
    int64_t completed_ = 0;
};

TEST_F(StopAndRewindTest, FileSourceRewindsToItsCheckpointedOffsets) {
    // Two input files; each line "key,seq", per key in order within a file.
    fs::create_directories(root_ / "in");
    for (int f = 0; f < 2; ++f) {
        std::ofstream out(root_ / "in" / ("part-" + std::to_string(f)));
        for (int64_t s = 1; s <= kCount; ++s)
            for (int32_t k = f; k < kKeys; k += 2) out << k << "," << s << "\n";
    }
    gFailuresLeft = 2;
    gInjected = 0;
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.enableCheckpointing(Duration(50));
    env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
    env.setRestartStrategy(RestartStrategies::fixedDelay(3, Duration(10)));
    env.readTextFile((root_ / "in").string())
        .map(ThrottledFailingMapper())
        .keyBy([](const KeyedSeq& v) { return v.first; })
        .flatMap<std::string>(SequenceChecker(/*exactlyOnce=*/false))
        .sinkTo(FileSink<std::string>::forRowFormat((root_ / "out").string())
                    .withBucketAssigner(BasePathBucketAssigner())
                    .build());
    JobClient client = env.executeAsync("file source under failures");
    client.getJobExecutionResult();
    EXPECT_EQ(gInjected.load(), 2);
    EXPECT_EQ(client.getCheckpointStatistics().numRestarts, 2);
    // A file is cut into byte ranges per subtask, so one key's lines may be read by two readers
    // out of order: the checker runs in at-least-once mode; the output must be exactly once.
    OutputCheck c = checkOutput(readOutput(root_ / "out"));
    EXPECT_EQ(c.missing, 0);
    EXPECT_EQ(c.duplicated, 0);
}

}  // namespace
}  // namespace weir
