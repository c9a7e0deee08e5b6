// Incremental RocksDB checkpoints: exactly-once under failures, only new SST files uploaded,
// shared files reference-counted (nothing leaks, nothing referenced is deleted), restore after
// rescaling.

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "../harness/eventually.h"
#include "runtime/checkpoint/checkpoint_storage.h"
#include "sequence_job.h"

namespace weir {
namespace {

using namespace weir::testing;

class IncrementalCheckpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("weir-inc-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
        gViolations = 0;
        gInjected = 0;
    }
    void TearDown() override { fs::remove_all(root_); }

    SequenceJobOptions options(int failures) {
        SequenceJobOptions o;
        o.stateBackend = "rocksdb";
        o.incremental = true;
        o.failures = failures;
        o.ballastBytes = 4096;  // written once per key: SST files that later checkpoints reuse
        return o;
    }
    fs::path root_;
};

TEST_F(IncrementalCheckpointTest, ExactlyOnceUnderFailures) {
    auto env = StreamExecutionEnvironment::create();
    buildSequenceJob(env, root_ / "out", options(3));
    env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
    JobClient client = env.executeAsync("incremental under failures");
    client.getJobExecutionResult();
    EXPECT_EQ(client.getCheckpointStatistics().numRestarts, 3);
    EXPECT_EQ(gViolations.load(), 0);
    OutputCheck c = checkOutput(readOutput(root_ / "out"));
    EXPECT_EQ(c.missing, 0);
    EXPECT_EQ(c.duplicated, 0);
}

TEST_F(IncrementalCheckpointTest, UploadsOnlyNewFilesAndKeepsExactlyTheReferencedOnes) {
    auto env = StreamExecutionEnvironment::create();
    auto o = options(0);
    o.ratePerMs = 2.0;
    buildSequenceJob(env, root_ / "out", o);
    env.getCheckpointConfig()
        .setCheckpointStorage((root_ / "checkpoints").string())
        .setExternalizedCheckpointRetention(ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION)
        .setNumRetainedCheckpoints(2);
    JobClient client = env.executeAsync("incremental");
    uint64_t maxUploaded = 0, reused = 0;
    int64_t seen = 0;
    ASSERT_TRUE(testing::eventually([&] {
        auto s = client.getCheckpointStatistics();
        if (s.numCompleted > seen) {
            seen = s.numCompleted;
            if (seen > 3) {  // after the first checkpoints every key's ballast is in place
                maxUploaded = std::max(maxUploaded, s.lastIncrementalFilesUploaded);
                reused = std::max(reused, s.lastIncrementalFilesReused);
            }
        }
        return seen >= 12;
    }));
    client.cancel();
    EXPECT_THROW(client.getJobExecutionResult(), JobCancellationException);
    // Each checkpoint re-uploads nothing that an earlier one uploaded: only the memtable
    // flushed since (one file per changed column family per subtask, or a compaction's output).
    EXPECT_GT(reused, 0u);
    EXPECT_LE(maxUploaded, 8u) << "uploaded more files than changed";

    // The files in shared/ are exactly those the retained checkpoints reference.
    fs::path jobDir = root_ / "checkpoints" / client.getJobId();
    std::set<std::string> referenced;
    int retained = 0;
    for (const auto& e : fs::directory_iterator(jobDir)) {
        if (e.path().filename().string().rfind("chk-", 0) != 0) continue;
        ++retained;
        CompletedCheckpoint c = loadCompletedCheckpoint(e.path().string());
        for (const auto& [id, op] : c.operators)
            for (const auto& [index, st] : op.subtasks)
                if (st.incrementalKeyed)
                    for (const auto& [name, h] : st.incrementalKeyed->sharedFiles) {
                        EXPECT_TRUE(fs::exists(e.path() / h.path)) << h.path;
                        referenced.insert(fs::path(h.path).filename().string());
                    }
    }
    EXPECT_EQ(retained, 2);
    std::set<std::string> present;
    for (const auto& e : fs::directory_iterator(jobDir / "shared"))
        present.insert(e.path().filename().string());
    EXPECT_FALSE(referenced.empty());
    EXPECT_EQ(present, referenced);
}

TEST_F(IncrementalCheckpointTest, RestoresAtAnotherParallelismFromARetainedCheckpoint) {
    std::string jobDir;
    {
        auto env = StreamExecutionEnvironment::create();
        auto o = options(0);
        o.ratePerMs = 3.0;
        buildSequenceJob(env, root_ / "out", o);
        env.getCheckpointConfig()
            .setCheckpointStorage((root_ / "checkpoints").string())
            .setExternalizedCheckpointRetention(
                ExternalizedCheckpointRetention::RETAIN_ON_CANCELLATION);
        JobClient client = env.executeAsync("incremental, part 1");
        ASSERT_TRUE(testing::eventually(
            [&] { return client.getCheckpointStatistics().numCompleted >= 4; }));
        client.cancel();
        EXPECT_THROW(client.getJobExecutionResult(), JobCancellationException);
        jobDir = (root_ / "checkpoints" / client.getJobId()).string();
    }
    // Resume at parallelism 3 (key groups copied out of the two old instances), then run on.
    // The sink's part files of part 1 after the checkpoint are discarded; the source rewinds.
    auto env = StreamExecutionEnvironment::create();
    auto o = options(1);
    o.parallelism = 3;
    o.ratePerMs = 30.0;
    buildSequenceJob(env, root_ / "out", o);
    env.getCheckpointConfig().setCheckpointStorage((root_ / "checkpoints").string());
    env.config().set(options::kStateRecoveryPath, jobDir);
    env.execute("incremental, part 2");
    EXPECT_EQ(gViolations.load(), 0);
    OutputCheck c = checkOutput(readOutput(root_ / "out"));
    EXPECT_EQ(c.missing, 0);
    EXPECT_EQ(c.duplicated, 0);
}

}  // namespace
}  // namespace weir
