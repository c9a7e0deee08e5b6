// What happens when checkpoints themselves go wrong: timeouts and the tolerable-failure
// threshold, a full disk, corrupt or missing metadata on restore, retention on cancel, the
// jobmanager storage's size limit, savepoints of a running job and unclaimed state.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <thread>

#include "../harness/eventually.h"
#include "sequence_job.h"

namespace weir {
namespace {

using namespace weir::testing;

/// Takes `delay` to snapshot: makes checkpoints slower than their timeout.
class SlowSnapshotMapper final : public RichMapFunction<KeyedSeq, KeyedSeq>,
                                 public CheckpointedFunction {
public:
    explicit SlowSnapshotMapper(Duration delay) : delay_(delay) {}
    KeyedSeq map(const KeyedSeq& v) override { return v; }
    void snapshotState(const FunctionSnapshotContext&) override {
        std::this_thread::sleep_for(delay_);
    }
    void initializeState(FunctionInitializationContext&) override {}

private:
    Duration delay_;
};

class CheckpointFailuresTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("weir-cf-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
        gViolations = 0;
        gInjected = 0;
    }
    void TearDown() override {
        ::umount((root_ / "tiny-disk").c_str());  // if a failed test left it mounted
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    /// A job whose checkpoints take 150 ms against a 40 ms timeout.
    void buildSlowJob(StreamExecutionEnvironment& env, int32_t tolerable) {
        env.setParallelism(1);
        env.enableCheckpointing(Duration(20));
        env.getCheckpointConfig()
            .setCheckpointTimeout(Duration(40))
            .setTolerableCheckpointFailureNumber(tolerable)
            .setCheckpointStorage((root_ / "checkpoints").string());
        env.setRestartStrategy(RestartStrategies::noRestart());
        env.fromSource(SequenceSource(4, 100, 0.2), "slow sequences")
            .map(SlowSnapshotMapper(Duration(150)))
            .sinkTo(DiscardingSink<KeyedSeq>());
    }

    fs::path root_;
};

TEST_F(CheckpointFailuresTest, ExpiredCheckpointsBeyondTheToleratedNumberFailTheJob) {
    auto env = StreamExecutionEnvironment::create();
    buildSlowJob(env, 0);
    try {
        env.execute("slow checkpoints, none tolerated");
        FAIL() << "the job should fail";
    } catch (const JobExecutionException& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("tolerable failure threshold"), std::string::npos) << what;
        EXPECT_NE(what.find("expired before completing"), std::string::npos) << what;
    }
}

TEST_F(CheckpointFailuresTest, ToleratedExpiredCheckpointsLetTheJobFinish) {
    auto env = StreamExecutionEnvironment::create();
    buildSlowJob(env, 1000);
    JobClient client = env.executeAsync("slow checkpoints, tolerated");
    client.getJobExecutionResult();
    auto stats = client.getCheckpointStatistics();
    EXPECT_GT(stats.numFailed, 0);
    EXPECT_NE(stats.lastFailure.find("expired"), std::string::npos) << stats.lastFailure;
}

TEST_F(CheckpointFailuresTest, FullDiskFailsCheckpointsButTheJobRunsOnAndLosesNothing) {
    fs::path disk = root_ / "tiny-disk";
    fs::create_directories(disk);
    if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=64k") != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): " << std::strerror(errno);
    {
        auto env = StreamExecutionEnvironment::create();
        SequenceJobOptions o;
        o.ballastBytes = 4096;  // 40 keys x 4 KiB of keyed state: more than the 64 KiB disk
        o.ratePerMs = 30.0;
        buildSequenceJob(env, root_ / "out", o);
        env.getCheckpointConfig()
            .setCheckpointStorage(disk.string())
            .setTolerableCheckpointFailureNumber(1000000);
        env.config().set(options::kFileStateSizeThreshold, MemorySize(0));
        JobClient client = env.executeAsync("checkpoints onto a full disk");
        client.getJobExecutionResult();
        auto stats = client.getCheckpointStatistics();
        EXPECT_GT(stats.numFailed, 0);
        EXPECT_NE(stats.lastFailure.find("No space left on device"), std::string::npos)
            << stats.lastFailure;
        EXPECT_EQ(stats.numRestarts, 0);
    }
    ::umount(disk.c_str());
    OutputCheck c = checkOutput(readOutput(root_ / "out"));
    EXPECT_EQ(c.missing, 0);
    EXPECT_EQ(c.duplicated, 0);
    EXPECT_EQ(gViolations.load(), 0);
}

/// Runs the sequence job until `n` checkpoints completed, then cancels it.
std::string runAndCancel(const fs::path& root, ExternalizedCheckpointRetention retention,
                         int32_t retained = 1, int64_t n = 3) {
    auto env = StreamExecutionEnvironment::create();
    SequenceJobOptions o;
    o.ratePerMs = 2.0;
    buildSequenceJob(env, root / "out", o);
    env.getCheckpointConfig()
        .setCheckpointStorage((root / "checkpoints").string())
        .setExternalizedCheckpointRetention(retention)
        .setNumRetainedCheckpoints(retained);
    JobClient client = env.executeAsync("cancelled");
    EXPECT_TRUE(testing::eventually([&] {
        return client.getCheckpointStatistics().numCompleted >= n;
    })) << "fewer than "
        << n << " checkpoints completed";
    client.cancel();
    EXPECT_THROW(client.getJobExecutionResult(), JobCancellationException);
    return (root / "checkpoints" / client.getJobId()).string();
}

std::vector<fs::path> checkpointDirs(const fs::path& jobDir) {
    std::vector<fs::path> out;
    if (!fs::exists(jobDir)) return out;
    for (const auto& e : fs::directory_iterator(jobDir))
        if (e.path().filename().string().rfind("chk-", 0) == 0) out.push_back(e.path());
    std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
        return std::stoll(a.filename().string().substr(4)) <
               std::stoll(b.filename().string().substr(4));
    });
    return out;
}

TEST_F(CheckpointFailuresTest, RetainOnCancellationKeepsTheNewestCheckpoints) {
    std::string jobDir =
        runAndCancel(root_, ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION, 2);
    auto dirs = checkpointDirs(jobDir);
    ASSERT_EQ(dirs.size(), 2u) << jobDir;
    for (const auto& d : dirs) EXPECT_TRUE(fs::exists(d / "_metadata")) << d;
}

TEST_F(CheckpointFailuresTest, DeleteOnCancellationRemovesThem) {
    std::string jobDir =
        runAndCancel(root_, ExternalizedCheckpointRetention::DELETE_ON_CANCELLATION);
    EXPECT_TRUE(checkpointDirs(jobDir).empty()) << jobDir;
    EXPECT_FALSE(fs::exists(jobDir)) << jobDir;
}

/// Restores the sequence job from `path` and runs it to the end.
void resumeFrom(const fs::path& root, const std::string& path) {
    auto env = StreamExecutionEnvironment::create();
    SequenceJobOptions o;
    o.ratePerMs = 50.0;
    buildSequenceJob(env, root / "out", o);
    env.getCheckpointConfig().setCheckpointStorage((root / "checkpoints").string());
    env.config().set(options::kStateRecoveryPath, path);
    env.execute("resumed");
}

TEST_F(CheckpointFailuresTest, CorruptNewestMetadataMakesRecoveryUseTheNewestValidCheckpoint) {
    std::string jobDir =
        runAndCancel(root_, ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION, 2);
    auto dirs = checkpointDirs(jobDir);
    ASSERT_EQ(dirs.size(), 2u);
    {
        std::fstream f(dirs.back() / "_metadata", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40);
        f.put('\x5a');
    }
    // The corrupt checkpoint itself: a clear error naming its metadata file.
    try {
        resumeFrom(root_, dirs.back().string());
        FAIL() << "restoring a corrupt checkpoint must fail";
    } catch (const CheckpointException& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("checksum"), std::string::npos) << what;
        EXPECT_NE(what.find((dirs.back() / "_metadata").string()), std::string::npos) << what;
    }
    // The job's directory: the older, valid checkpoint is used; the output is still complete.
    gViolations = 0;
    resumeFrom(root_, jobDir);
    EXPECT_EQ(gViolations.load(), 0);
    OutputCheck c = checkOutput(readOutput(root_ / "out"));
    EXPECT_EQ(c.missing, 0);
    EXPECT_EQ(c.duplicated, 0);
}

TEST_F(CheckpointFailuresTest, MissingMetadataEverywhereFailsLoudly) {
    std::string jobDir =
        runAndCancel(root_, ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION, 2);
    for (const auto& d : checkpointDirs(jobDir)) fs::remove(d / "_metadata");
    try {
        resumeFrom(root_, jobDir);
        FAIL() << "restoring without any valid checkpoint must fail";
    } catch (const CheckpointException& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("no valid checkpoint"), std::string::npos) << what;
        EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
    }
}

TEST_F(CheckpointFailuresTest, JobManagerStorageRejectsStateAboveItsLimit) {
    auto env = StreamExecutionEnvironment::create();
    SequenceJobOptions o;
    o.ballastBytes = 4096;
    o.ratePerMs = 40.0;
    buildSequenceJob(env, root_ / "out", o);
    env.getCheckpointConfig()
        .setCheckpointStorage("jobmanager")
        .setTolerableCheckpointFailureNumber(1000000);
    env.config().set(options::kJobManagerStorageMaxStateSize, MemorySize::ofKibiBytes(16));
    JobClient client = env.executeAsync("too much state for the jobmanager storage");
    client.getJobExecutionResult();
    auto stats = client.getCheckpointStatistics();
    EXPECT_GT(stats.numFailed, 0);
    EXPECT_NE(stats.lastFailure.find("jobmanager-storage.max-state-size"), std::string::npos)
        << stats.lastFailure;
}

TEST_F(CheckpointFailuresTest, SavepointOfARunningJobRestoresAndUnclaimedStateIsRejected) {
    std::string savepoint;
    {
        auto env = StreamExecutionEnvironment::create();
        SequenceJobOptions o;
        o.ratePerMs = 2.0;
        buildSequenceJob(env, root_ / "out", o);
        env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
        JobClient client = env.executeAsync("savepointed");
        ASSERT_TRUE(testing::eventually(
            [&] { return client.getCheckpointStatistics().numCompleted >= 2; }));
        savepoint = client.triggerSavepoint((root_ / "savepoints").string());
        EXPECT_EQ(client.getJobStatus(), JobStatus::RUNNING);
        client.cancel();
        EXPECT_THROW(client.getJobExecutionResult(), JobCancellationException);
    }
    ASSERT_TRUE(fs::exists(fs::path(savepoint) / "_metadata"));

    // A job without the "checker" operator: its state is unclaimed.
    auto build = [&](StreamExecutionEnvironment& env) {
        env.setParallelism(2);
        env.config().set(options::kStateRecoveryPath, savepoint);
        env.fromSource(SequenceSource(kKeys, 10, 50.0), "sequences")
            .uid("sequences")
            .sinkTo(DiscardingSink<KeyedSeq>());
    };
    {
        auto env = StreamExecutionEnvironment::create();
        build(env);
        try {
            env.execute("without the checker");
            FAIL() << "unclaimed state must be rejected";
        } catch (const StateMigrationException& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("ignore-unclaimed-state"), std::string::npos) << what;
        }
    }
    auto env = StreamExecutionEnvironment::create();
    build(env);
    env.config().set(options::kIgnoreUnclaimedState, true);
    env.execute("without the checker, unclaimed state allowed");
}

}  // namespace
}  // namespace weir
