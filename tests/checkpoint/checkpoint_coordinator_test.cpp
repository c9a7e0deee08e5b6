// CheckpointCoordinator driven by fake hooks and fake tasks: trigger -> acknowledgements ->
// _metadata + notifyComplete; declines, timeouts and the tolerable-failure threshold; retention
// of completed checkpoints; the periodic trigger's limits; epochs; savepoints; shutdown.

#include "runtime/checkpoint/checkpoint_coordinator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time/clock.h"
#include "../harness/temp_dir.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::TempDir;

/// What the coordinator told the job, recorded from its hooks (which it calls from its own
/// thread and from the callers' threads).
struct FakeJob {
    explicit FakeJob(const Clock& clock) : clock(clock) {}
    const Clock& clock;
    mutable std::mutex mutex;
    std::condition_variable cv;
    std::vector<RuntimeEvent> triggers;
    std::vector<Clock::TimePoint> triggerTimes;
    std::vector<int64_t> completed;
    std::vector<int64_t> aborted;
    std::vector<std::string> failJob;
    std::string notReady;
    /// Called after a trigger is recorded, without the lock (e.g. to acknowledge at once).
    std::function<void(const RuntimeEvent&)> onTrigger;

    CheckpointCoordinator::Hooks hooks() {
        CheckpointCoordinator::Hooks h;
        h.readiness = [this] {
            std::lock_guard lock(mutex);
            return notReady;
        };
        h.trigger = [this](const RuntimeEvent& barrier) {
            std::function<void(const RuntimeEvent&)> after;
            {
                std::lock_guard lock(mutex);
                triggers.push_back(barrier);
                triggerTimes.push_back(clock.now());
                after = onTrigger;
            }
            cv.notify_all();
            if (after) after(barrier);
        };
        h.notifyComplete = [this](int64_t id) { record(completed, id); };
        h.notifyAborted = [this](int64_t id) { record(aborted, id); };
        h.failJob = [this](const std::string& reason) {
            {
                std::lock_guard lock(mutex);
                failJob.push_back(reason);
            }
            cv.notify_all();
        };
        return h;
    }
    void record(std::vector<int64_t>& list, int64_t id) {
        {
            std::lock_guard lock(mutex);
            list.push_back(id);
        }
        cv.notify_all();
    }
    /// Waits up to `timeout` for `pred` (called with the lock held).
    bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 2s) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, timeout, pred);
    }
    size_t numTriggers() const {
        std::lock_guard lock(mutex);
        return triggers.size();
    }
    std::vector<int64_t> completedIds() const {
        std::lock_guard lock(mutex);
        return completed;
    }
    std::vector<int64_t> abortedIds() const {
        std::lock_guard lock(mutex);
        return aborted;
    }
    size_t numFailJob() const {
        std::lock_guard lock(mutex);
        return failJob.size();
    }
};

/// The job: a source (parallelism 1) and a keyed "sum" (parallelism 2); task 0 is the source's
/// subtask 0, tasks 1 and 2 are sum's subtasks 0 and 1.
struct CoordinatorTest : ::testing::Test {
    TempDir tmp;
    ManualClock clock;  // the coordinator's time: tests advance it and call tick()
    FakeJob job{clock};
    std::unique_ptr<CheckpointCoordinator> coordinator;  // destroyed before `job`
    const std::string jobId = "0a1b2c3d4e5f";

    std::string jobDir() const { return tmp.path + "/" + jobId; }
    std::string chkDir(int64_t id) const { return jobDir() + "/chk-" + std::to_string(id); }

    void create(std::initializer_list<std::pair<std::string, std::string>> entries = {},
                bool withDirectory = true) {
        Configuration config;
        if (withDirectory) config.setString("execution.checkpointing.dir", tmp.path);
        for (const auto& [k, v] : entries) config.setString(k, v);
        coordinator = std::make_unique<CheckpointCoordinator>(
            config, jobId,
            std::map<std::string, std::pair<int32_t, int32_t>>{{"src", {1, 128}},
                                                               {"sum", {2, 128}}},
            std::vector<int32_t>{0, 0, 1}, job.hooks(), clock);
    }
    /// Moves the coordinator's time on by `d` and lets it act on it.
    void advance(std::chrono::milliseconds d) {
        clock.advance(d);
        coordinator->tick();
    }

    /// Task `task`'s acknowledgement, with a little state of its operator.
    std::vector<std::pair<std::string, OperatorSubtaskState>> stateOf(int32_t task) {
        OperatorSubtaskState st;
        if (task == 0) {
            StreamStateHandle h;
            h.inlineData = "offset=42";
            h.size = h.inlineData.size();
            st.operatorState = h;
            return {{"src", st}};
        }
        KeyedStateHandle k;
        k.range = keygroups::rangeForOperatorIndex(128, 2, task - 1);
        k.offsets.assign(static_cast<size_t>(k.range.size()) + 1, 0);
        k.data.inlineData = std::string(static_cast<size_t>(10 * task), 'k');
        k.data.size = k.data.inlineData.size();
        k.offsets.back() = k.data.size;
        st.keyed = k;
        return {{"sum", st}};
    }
    void ack(int32_t task, int64_t id, int64_t epoch = 0) {
        coordinator->acknowledge(epoch, task, id, stateOf(task));
    }
    void ackAll(int64_t id, int64_t epoch = 0) {
        for (int32_t t = 0; t < 3; ++t) ack(t, id, epoch);
    }
    /// Acknowledges every checkpoint as soon as it is triggered.
    void autoAcknowledge() {
        std::lock_guard lock(job.mutex);
        job.onTrigger = [this](const RuntimeEvent& b) { ackAll(b.checkpointId); };
    }
    /// Triggers and completes checkpoint by hand; returns its id.
    int64_t completeOne() {
        auto f = coordinator->triggerCheckpoint();
        int64_t id = job.triggers.back().checkpointId;
        ackAll(id);
        EXPECT_EQ(f.get(), id);
        return id;
    }

    template <class T>
    static std::string failureOf(std::future<T>& f) {
        try {
            f.get();
        } catch (const CheckpointException& e) {
            return e.what();
        }
        ADD_FAILURE() << "the future did not fail with a CheckpointException";
        return "";
    }
};

// ---- trigger, acknowledge, complete ----------------------------------------------------------

TEST_F(CoordinatorTest, CompletesWhenEveryTaskAcknowledgedThenWritesMetadataAndNotifies) {
    create();
    auto future = coordinator->triggerCheckpoint();
    ASSERT_EQ(job.numTriggers(), 1u);
    const RuntimeEvent barrier = job.triggers[0];
    EXPECT_EQ(barrier.type, RuntimeEventType::kCheckpointBarrier);
    EXPECT_EQ(barrier.checkpointId, 1);
    EXPECT_EQ(barrier.kind, SnapshotKind::kCheckpoint);
    EXPECT_GT(barrier.timestamp, 0);
    ASSERT_NE(coordinator->location(1), nullptr);
    EXPECT_EQ(coordinator->location(1)->directory(), chkDir(1));
    ASSERT_EQ(coordinator->pendingBarriers().size(), 1u);
    EXPECT_EQ(coordinator->pendingBarriers()[0].checkpointId, 1);

    ack(0, 1);
    ack(2, 1);
    EXPECT_EQ(future.wait_for(0ms), std::future_status::timeout);
    EXPECT_FALSE(fs::exists(chkDir(1) + "/_metadata"));
    EXPECT_TRUE(job.completedIds().empty());

    ack(1, 1);
    ASSERT_EQ(future.wait_for(0ms), std::future_status::ready);
    EXPECT_EQ(future.get(), 1);
    EXPECT_EQ(job.completedIds(), std::vector<int64_t>{1});
    EXPECT_TRUE(job.abortedIds().empty());
    EXPECT_EQ(coordinator->location(1), nullptr);
    EXPECT_TRUE(coordinator->pendingBarriers().empty());

    // _metadata holds what the tasks acknowledged, under the operators' subtask indexes.
    ASSERT_TRUE(fs::exists(chkDir(1) + "/_metadata"));
    CompletedCheckpoint c = loadCompletedCheckpoint(chkDir(1));
    EXPECT_EQ(c.jobId, jobId);
    EXPECT_EQ(c.checkpointId, 1);
    EXPECT_EQ(c.timestamp, barrier.timestamp);
    EXPECT_EQ(c.type, CheckpointType::kCheckpoint);
    ASSERT_EQ(c.operators.size(), 2u);
    EXPECT_EQ(c.operators["src"].parallelism, 1);
    EXPECT_EQ(c.operators["sum"].parallelism, 2);
    EXPECT_EQ(c.operators["sum"].maxParallelism, 128);
    ASSERT_EQ(c.operators["sum"].subtasks.size(), 2u);
    EXPECT_EQ(c.operators["sum"].subtasks[1].keyed->range, (KeyGroupRange{64, 128}));
    EXPECT_EQ(c.operators["sum"].subtasks[1].keyed->data.inlineData, std::string(20, 'k'));
    EXPECT_EQ(c.operators["src"].subtasks[0].operatorState->inlineData, "offset=42");
    EXPECT_EQ(c.stateSize, 9u + 10u + 20u);

    auto latest = coordinator->latestCompleted();
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->checkpointId, 1);
    EXPECT_EQ(latest->externalPath, chkDir(1));
    auto stats = coordinator->stats();
    EXPECT_EQ(stats.numCompleted, 1);
    EXPECT_EQ(stats.numFailed, 0);
    EXPECT_EQ(stats.lastCompletedId, 1);
    EXPECT_EQ(stats.lastStateSize, 39u);
    EXPECT_EQ(stats.lastExternalPath, chkDir(1));
}

TEST_F(CoordinatorTest, InMemoryCheckpointCompletesWithoutFiles) {
    create({}, /*withDirectory=*/false);
    auto future = coordinator->triggerCheckpoint();
    EXPECT_TRUE(coordinator->location(1)->directory().empty());
    ackAll(1);
    EXPECT_EQ(future.get(), 1);
    auto latest = coordinator->latestCompleted();
    ASSERT_TRUE(latest);
    EXPECT_TRUE(latest->externalPath.empty());
    EXPECT_EQ(latest->operators.at("src").subtasks.at(0).operatorState->inlineData, "offset=42");
    EXPECT_TRUE(fs::is_empty(tmp.path));
}

TEST_F(CoordinatorTest, DuplicateInvalidAndUnknownAcknowledgementsAreIgnored) {
    create();
    auto future = coordinator->triggerCheckpoint();
    ack(0, 1);
    ack(0, 1);                               // the same task again
    coordinator->acknowledge(0, 7, 1, {});   // no such task
    coordinator->acknowledge(0, -1, 1, {});  // no such task
    ack(1, 99);                              // no such checkpoint
    ack(1, 1);
    EXPECT_EQ(future.wait_for(0ms), std::future_status::timeout);
    ack(2, 1);
    EXPECT_EQ(future.get(), 1);
    ack(2, 1);  // after completion: nothing happens
    EXPECT_EQ(job.completedIds(), std::vector<int64_t>{1});
}

TEST_F(CoordinatorTest, CheckpointIdsIncreaseAndContinueAfterARestoredOne) {
    create();
    EXPECT_EQ(completeOne(), 1);
    EXPECT_EQ(completeOne(), 2);
    coordinator->continueAfter(41);
    EXPECT_EQ(completeOne(), 42);
    coordinator->continueAfter(5);  // never goes back
    EXPECT_EQ(completeOne(), 43);
}

TEST_F(CoordinatorTest, NotReadyTriggersNothingAndSaysWhy) {
    create();
    job.notReady = "tasks are still deploying";
    auto future = coordinator->triggerCheckpoint();
    std::string why = failureOf(future);
    EXPECT_NE(why.find("tasks are still deploying"), std::string::npos) << why;
    EXPECT_EQ(job.numTriggers(), 0u);
    EXPECT_FALSE(fs::exists(chkDir(1)));
    job.notReady.clear();
    EXPECT_EQ(completeOne(), 1);  // no id was used up
}

TEST_F(CoordinatorTest, TimeoutMustBePositive) {
    EXPECT_THROW(create({{"execution.checkpointing.timeout", "0"}}), ConfigException);
}

TEST_F(CoordinatorTest, BarriersAreAlignedUnlessUnalignedExactlyOnceIsConfigured) {
    create();
    coordinator->triggerCheckpoint();
    EXPECT_FALSE(job.triggers.back().unaligned);
}

TEST_F(CoordinatorTest, UnalignedCheckpointsButAlignedSavepoints) {
    create({{"execution.checkpointing.unaligned.enabled", "true"},
            {"execution.checkpointing.max-concurrent-checkpoints", "2"}});
    coordinator->triggerCheckpoint();
    EXPECT_TRUE(job.triggers.back().unaligned);
    coordinator->triggerSavepoint(tmp.path + "/sp", SnapshotKind::kSavepoint);
    EXPECT_FALSE(job.triggers.back().unaligned);
}

TEST_F(CoordinatorTest, AtLeastOnceIsNeverUnaligned) {
    create({{"execution.checkpointing.unaligned", "true"},
            {"execution.checkpointing.mode", "AT_LEAST_ONCE"}});
    coordinator->triggerCheckpoint();
    EXPECT_FALSE(job.triggers.back().unaligned);
}

TEST_F(CoordinatorTest, InFlightDataCountsInTheStatistics) {
    create({{"execution.checkpointing.unaligned.enabled", "true"}});
    coordinator->triggerCheckpoint();
    auto states = stateOf(1);
    StreamStateHandle inFlight;
    inFlight.inlineData = std::string(100, 'd');
    inFlight.size = 100;
    states[0].second.inputChannelState = inFlight;
    ack(0, 1);
    coordinator->acknowledge(0, 1, 1, states);
    ack(2, 1);
    auto stats = coordinator->stats();
    EXPECT_EQ(stats.numCompleted, 1);
    EXPECT_EQ(stats.lastInFlightDataSize, 100u);
    EXPECT_EQ(stats.numWithInFlightData, 1);
    EXPECT_EQ(stats.lastStateSize, 9u + 10u + 20u + 100u);
    CompletedCheckpoint c = loadCompletedCheckpoint(chkDir(1));
    ASSERT_TRUE(c.operators["sum"].subtasks[0].inputChannelState);
    EXPECT_EQ(c.operators["sum"].subtasks[0].inputChannelState->inlineData, std::string(100, 'd'));
    completeOne();  // without in-flight data
    EXPECT_EQ(coordinator->stats().lastInFlightDataSize, 0u);
    EXPECT_EQ(coordinator->stats().numWithInFlightData, 1);
}

// ---- failures ---------------------------------------------------------------------------------

TEST_F(CoordinatorTest, DeclineAbortsNotifiesAndDeletesTheCheckpoint) {
    create({{"execution.checkpointing.tolerable-failed-checkpoints", "5"}});
    auto future = coordinator->triggerCheckpoint();
    ack(0, 1);
    ASSERT_TRUE(fs::is_directory(chkDir(1)));
    coordinator->decline(0, 2, 1, "task sum (2/2): disk full");
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    std::string why = failureOf(future);
    EXPECT_NE(why.find("checkpoint 1"), std::string::npos) << why;
    EXPECT_NE(why.find("disk full"), std::string::npos) << why;
    EXPECT_FALSE(fs::exists(chkDir(1)));
    EXPECT_EQ(coordinator->location(1), nullptr);
    auto stats = coordinator->stats();
    EXPECT_EQ(stats.numFailed, 1);
    EXPECT_NE(stats.lastFailure.find("disk full"), std::string::npos) << stats.lastFailure;
    // Late acknowledgements of the aborted checkpoint change nothing.
    ack(1, 1);
    ack(2, 1);
    EXPECT_TRUE(job.completedIds().empty());
    EXPECT_FALSE(coordinator->latestCompleted());
    EXPECT_EQ(job.numFailJob(), 0u);
}

TEST_F(CoordinatorTest, ByDefaultTheFirstCheckpointFailureFailsTheJob) {
    create();
    auto future = coordinator->triggerCheckpoint();
    coordinator->decline(0, 0, 1, "boom");
    ASSERT_EQ(job.numFailJob(), 1u);
    EXPECT_NE(job.failJob[0].find("tolerable-failed-checkpoints"), std::string::npos)
        << job.failJob[0];
    EXPECT_NE(job.failJob[0].find("boom"), std::string::npos) << job.failJob[0];
}

TEST_F(CoordinatorTest, JobFailsOnlyAfterMoreThanTolerableConsecutiveFailures) {
    create({{"execution.checkpointing.tolerable-failed-checkpoints", "2"}});
    for (int64_t id = 1; id <= 2; ++id) {
        coordinator->triggerCheckpoint();
        coordinator->decline(0, 1, id, "nope");
        EXPECT_EQ(job.numFailJob(), 0u) << id;
    }
    coordinator->triggerCheckpoint();
    coordinator->decline(0, 1, 3, "nope");
    EXPECT_EQ(job.numFailJob(), 1u);
    EXPECT_EQ(coordinator->stats().numFailed, 3);
}

TEST_F(CoordinatorTest, ACompletedCheckpointResetsTheConsecutiveFailures) {
    create({{"execution.checkpointing.tolerable-failed-checkpoints", "1"}});
    coordinator->triggerCheckpoint();
    coordinator->decline(0, 1, 1, "first");
    EXPECT_EQ(completeOne(), 2);
    coordinator->triggerCheckpoint();
    coordinator->decline(0, 1, 3, "again");
    EXPECT_EQ(job.numFailJob(), 0u);  // one consecutive failure: tolerated
    coordinator->triggerCheckpoint();
    coordinator->decline(0, 1, 4, "and again");
    EXPECT_EQ(job.numFailJob(), 1u);
}

TEST_F(CoordinatorTest, UnfinishedCheckpointExpiresAfterTheTimeout) {
    create({{"execution.checkpointing.timeout", "100ms"},
            {"execution.checkpointing.tolerable-failed-checkpoints", "3"}});
    auto future = coordinator->triggerCheckpoint();
    ack(0, 1);
    advance(99ms);
    EXPECT_TRUE(job.abortedIds().empty()) << "aborted before its timeout";
    advance(1ms);
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    std::string why = failureOf(future);
    EXPECT_NE(why.find("expired"), std::string::npos) << why;
    EXPECT_NE(why.find("execution.checkpointing.timeout"), std::string::npos) << why;
    EXPECT_FALSE(fs::exists(chkDir(1)));
    EXPECT_EQ(coordinator->stats().numFailed, 1);
    EXPECT_EQ(job.numFailJob(), 0u);
    ack(1, 1);
    ack(2, 1);
    EXPECT_TRUE(job.completedIds().empty());
}

TEST_F(CoordinatorTest, TheCoordinatorsThreadExpiresCheckpointsOnTheRealClock) {
    // The one test of start(): its thread calls tick() with the system clock.
    Configuration config;
    config.setString("execution.checkpointing.dir", tmp.path);
    config.setString("execution.checkpointing.timeout", "50ms");
    config.setString("execution.checkpointing.tolerable-failed-checkpoints", "3");
    coordinator = std::make_unique<CheckpointCoordinator>(
        config, jobId,
        std::map<std::string, std::pair<int32_t, int32_t>>{{"src", {1, 128}}, {"sum", {2, 128}}},
        std::vector<int32_t>{0, 0, 1}, job.hooks());
    coordinator->start();
    auto future = coordinator->triggerCheckpoint();
    // An event, not a duration: the abort arrives whenever the machine gets to it.
    ASSERT_TRUE(job.waitFor([&] { return !job.aborted.empty(); }, 60s));
    EXPECT_NE(failureOf(future).find("expired"), std::string::npos);
}

TEST_F(CoordinatorTest, MetadataThatCannotBeWrittenFailsTheCheckpoint) {
    create({{"execution.checkpointing.tolerable-failed-checkpoints", "3"}});
    auto future = coordinator->triggerCheckpoint();
    fs::remove_all(chkDir(1));
    ackAll(1);
    std::string why = failureOf(future);
    EXPECT_NE(why.find("metadata"), std::string::npos) << why;
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    EXPECT_TRUE(job.completedIds().empty());
    EXPECT_FALSE(coordinator->latestCompleted());
    EXPECT_EQ(coordinator->stats().numFailed, 1);
}

TEST_F(CoordinatorTest, ANewerCompletedCheckpointSubsumesOlderPendingOnes) {
    create({{"execution.checkpointing.max-concurrent-checkpoints", "2"}});
    auto first = coordinator->triggerCheckpoint();
    auto second = coordinator->triggerCheckpoint();
    ackAll(2);
    EXPECT_EQ(second.get(), 2);
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    std::string why = failureOf(first);
    EXPECT_NE(why.find("subsumed"), std::string::npos) << why;
    EXPECT_FALSE(fs::exists(chkDir(1)));
    EXPECT_EQ(coordinator->stats().numFailed, 0);  // not a failure
    EXPECT_EQ(job.numFailJob(), 0u);
}

// ---- retention ------------------------------------------------------------------------------

TEST_F(CoordinatorTest, OnlyTheNewestCheckpointIsRetainedByDefault) {
    create();
    completeOne();
    completeOne();
    EXPECT_FALSE(fs::exists(chkDir(1)));
    EXPECT_TRUE(fs::exists(chkDir(2) + "/_metadata"));
}

// Discarding a subsumed checkpoint must never throw into the acknowledging task's I/O thread
// (it would terminate the process): a directory that cannot be removed is only logged.
TEST_F(CoordinatorTest, DiscardingAnOldCheckpointNeverThrowsIntoTheAcknowledgingTask) {
    create();
    completeOne();
    // Checkpoint 1's location can no longer be created as a directory (in production: no
    // permission on the job directory, a read-only mount, ...).
    fs::remove_all(chkDir(1));
    { std::ofstream(chkDir(1)) << "not a directory"; }
    auto future = coordinator->triggerCheckpoint();
    EXPECT_NO_THROW(ackAll(2));
    EXPECT_EQ(future.wait_for(0ms), std::future_status::ready);
    EXPECT_EQ(job.completedIds(), (std::vector<int64_t>{1, 2}));
    EXPECT_FALSE(fs::is_directory(chkDir(1)));  // nothing was created to be deleted
}

TEST_F(CoordinatorTest, NumRetainedKeepsTheNewestAndDeletesOlderOnes) {
    create({{"execution.checkpointing.num-retained", "2"}});
    for (int i = 0; i < 4; ++i) completeOne();
    EXPECT_FALSE(fs::exists(chkDir(1)));
    EXPECT_FALSE(fs::exists(chkDir(2)));
    EXPECT_TRUE(fs::exists(chkDir(3) + "/_metadata"));
    EXPECT_TRUE(fs::exists(chkDir(4) + "/_metadata"));
    EXPECT_EQ(coordinator->latestCompleted()->checkpointId, 4);
    // What is left restores: the newest.
    EXPECT_EQ(loadCheckpointForRecovery(jobDir()).checkpointId, 4);
}

TEST_F(CoordinatorTest, NumRetainedFallbackKey) {
    create({{"state.checkpoints.num-retained", "3"}});
    for (int i = 0; i < 4; ++i) completeOne();
    EXPECT_FALSE(fs::exists(chkDir(1)));
    for (int64_t id : {2, 3, 4}) EXPECT_TRUE(fs::exists(chkDir(id))) << id;
}

// ---- the periodic trigger -------------------------------------------------------------------

TEST_F(CoordinatorTest, PeriodicTriggerTakesCheckpointsEveryInterval) {
    create({{"execution.checkpointing.interval", "20ms"}});
    EXPECT_TRUE(coordinator->periodicCheckpointsEnabled());
    autoAcknowledge();
    advance(19ms);
    EXPECT_EQ(job.numTriggers(), 0u);
    advance(1ms);
    EXPECT_EQ(job.numTriggers(), 1u);
    advance(19ms);
    EXPECT_EQ(job.numTriggers(), 1u);
    advance(1ms);
    advance(20ms);
    EXPECT_EQ(job.completedIds(), (std::vector<int64_t>{1, 2, 3}));
    std::lock_guard lock(job.mutex);
    for (size_t i = 1; i < job.triggerTimes.size(); ++i)
        EXPECT_EQ(job.triggerTimes[i] - job.triggerTimes[i - 1], 20ms) << i;
    EXPECT_TRUE(job.aborted.empty());
}

TEST_F(CoordinatorTest, NoIntervalMeansNoPeriodicCheckpoints) {
    create();
    EXPECT_FALSE(coordinator->periodicCheckpointsEnabled());
    advance(std::chrono::hours(1));
    EXPECT_EQ(job.numTriggers(), 0u);
}

TEST_F(CoordinatorTest, PeriodicTriggerWaitsWhileMaxConcurrentCheckpointsArePending) {
    create({{"execution.checkpointing.interval", "10ms"}});
    advance(10ms);
    EXPECT_EQ(job.numTriggers(), 1u);
    for (int i = 0; i < 15; ++i) advance(10ms);  // 15 intervals, but checkpoint 1 is pending
    EXPECT_EQ(job.numTriggers(), 1u);
    ackAll(1);
    advance(0ms);  // the interval has long passed: the next one starts at once
    ASSERT_EQ(job.numTriggers(), 2u);
    std::lock_guard lock(job.mutex);
    EXPECT_EQ(job.triggers[1].checkpointId, 2);
}

TEST_F(CoordinatorTest, PeriodicTriggerAllowsMaxConcurrentCheckpoints) {
    create({{"execution.checkpointing.interval", "10ms"},
            {"execution.checkpointing.max-concurrent-checkpoints", "2"}});
    advance(10ms);
    advance(10ms);
    EXPECT_EQ(job.numTriggers(), 2u);
    for (int i = 0; i < 10; ++i) advance(10ms);
    EXPECT_EQ(job.numTriggers(), 2u);
    EXPECT_EQ(coordinator->pendingBarriers().size(), 2u);
}

TEST_F(CoordinatorTest, PeriodicTriggerDoesNotSpinWhileAtMaxConcurrentCheckpoints) {
    // The thread sleeps until the time tick() returns: held back by a pending checkpoint, that
    // must be ahead of now, or the thread would busy-loop until the checkpoint ends.
    create({{"execution.checkpointing.interval", "10ms"}});
    advance(10ms);
    ASSERT_EQ(job.numTriggers(), 1u);
    for (int i = 0; i < 30; ++i) {
        clock.advance(10ms);
        EXPECT_GT(coordinator->tick(), clock.now()) << "after " << (i + 1) * 10 << " ms";
    }
    EXPECT_EQ(job.numTriggers(), 1u);
}

TEST_F(CoordinatorTest, PeriodicTriggerKeepsMinPauseAfterEachCompletion) {
    create({{"execution.checkpointing.interval", "10ms"},
            {"execution.checkpointing.min-pause", "120ms"}});
    autoAcknowledge();
    for (int i = 0; i < 40; ++i) advance(10ms);
    std::lock_guard lock(job.mutex);
    // Completed at once at 10 ms, then each 120 ms after the previous completion.
    ASSERT_EQ(job.triggerTimes.size(), 4u);
    for (size_t i = 1; i < job.triggerTimes.size(); ++i)
        EXPECT_EQ(job.triggerTimes[i] - job.triggerTimes[i - 1], 120ms) << i;
}

TEST_F(CoordinatorTest, PeriodicTriggerWaitsUntilTheJobIsReady) {
    create({{"execution.checkpointing.interval", "10ms"}});
    job.notReady = "deploying";
    autoAcknowledge();
    for (int i = 0; i < 8; ++i) advance(10ms);
    EXPECT_EQ(job.numTriggers(), 0u);
    {
        std::lock_guard lock(job.mutex);
        job.notReady.clear();
    }
    advance(10ms);
    ASSERT_FALSE(job.completedIds().empty());
    EXPECT_EQ(job.completedIds()[0], 1);  // no ids used up while not ready
}

// ---- epochs -----------------------------------------------------------------------------------

TEST_F(CoordinatorTest, RestartAbortsPendingCheckpointsWithoutCountingThemAsFailures) {
    create();
    auto future = coordinator->triggerCheckpoint();
    EXPECT_EQ(coordinator->epoch(), 0);
    EXPECT_EQ(coordinator->restartEpoch(), 1);
    EXPECT_EQ(coordinator->epoch(), 1);
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    std::string why = failureOf(future);
    EXPECT_NE(why.find("restarting"), std::string::npos) << why;
    EXPECT_EQ(coordinator->stats().numFailed, 0);
    EXPECT_EQ(job.numFailJob(), 0u);  // tolerable is 0, yet a restart is no checkpoint failure
}

TEST_F(CoordinatorTest, TriggersRacingAShutdownAllSettle) {
    // Every future a trigger returns settles: before the shutdown it is aborted by it, after it
    // is refused, and one that started while the shutdown ran is one of the two (never left
    // pending: the shutdown aborts only what is pending when it looks).
    create({{"execution.checkpointing.max-concurrent-checkpoints", "1000"}});
    std::vector<std::future<int64_t>> futures;
    std::thread triggering([&] {
        for (int i = 0; i < 200; ++i) futures.push_back(coordinator->triggerCheckpoint());
    });
    coordinator->shutdown(JobStatus::CANCELED);
    triggering.join();
    for (auto& f : futures) {
        ASSERT_EQ(f.wait_for(30s), std::future_status::ready) << "a trigger was never settled";
        EXPECT_FALSE(failureOf(f).empty());
    }
}

TEST_F(CoordinatorTest, AcknowledgementsAndDeclinesOfAnOldEpochAreIgnored) {
    create();
    coordinator->restartEpoch();
    auto future = coordinator->triggerCheckpoint();
    ASSERT_EQ(job.triggers.back().checkpointId, 1);
    ackAll(1, /*epoch=*/0);  // tasks of the execution before the restart
    coordinator->decline(0, 1, 1, "old task");
    EXPECT_EQ(future.wait_for(0ms), std::future_status::timeout);
    EXPECT_TRUE(job.abortedIds().empty());
    ackAll(1, /*epoch=*/1);
    EXPECT_EQ(future.get(), 1);
    EXPECT_EQ(job.completedIds(), std::vector<int64_t>{1});
}

// ---- savepoints -------------------------------------------------------------------------------

TEST_F(CoordinatorTest, SavepointFutureGivesItsIdAndPath) {
    create();
    completeOne();
    auto future = coordinator->triggerSavepoint(tmp.path + "/savepoints", SnapshotKind::kSavepoint);
    ASSERT_EQ(job.numTriggers(), 2u);
    EXPECT_EQ(job.triggers[1].kind, SnapshotKind::kSavepoint);
    EXPECT_EQ(job.triggers[1].checkpointId, 2);
    ackAll(2);
    auto result = future.get();
    EXPECT_EQ(result.id, 2);
    EXPECT_EQ(result.path.rfind(tmp.path + "/savepoints/savepoint-0a1b2c-", 0), 0u) << result.path;
    CompletedCheckpoint sp = loadCompletedCheckpoint(result.path);
    EXPECT_EQ(sp.type, CheckpointType::kSavepoint);
    EXPECT_EQ(sp.checkpointId, 2);
    EXPECT_EQ(sp.operators.at("src").subtasks.at(0).operatorState->inlineData, "offset=42");
    // A savepoint commits nothing (as in Flink since 1.15): the tasks hear of checkpoint 1 only.
    EXPECT_EQ(job.completedIds(), std::vector<int64_t>{1});
    // A savepoint is not a retained checkpoint: it neither subsumes nor counts as one.
    EXPECT_EQ(coordinator->latestCompleted()->checkpointId, 1);
    EXPECT_TRUE(fs::exists(chkDir(1)));
    EXPECT_EQ(coordinator->stats().numCompleted, 1);
    EXPECT_EQ(coordinator->stats().lastExternalPath, result.path);
}

TEST_F(CoordinatorTest, SavepointGoesToTheConfiguredDirectoryByDefault) {
    create({{"execution.checkpointing.savepoint-dir", tmp.path + "/sp-default"}});
    auto future = coordinator->triggerSavepoint("", SnapshotKind::kSavepointTerminate);
    EXPECT_EQ(job.triggers.back().kind, SnapshotKind::kSavepointTerminate);
    ackAll(1);
    auto result = future.get();
    EXPECT_EQ(result.path.rfind(tmp.path + "/sp-default/", 0), 0u) << result.path;
    EXPECT_TRUE(fs::exists(result.path + "/_metadata"));
    // Stop-with-savepoint ends the job with it, so its side effects are committed.
    EXPECT_EQ(job.completedIds(), std::vector<int64_t>{1});
}

TEST_F(CoordinatorTest, SavepointWithoutDirectoryFailsAtOnce) {
    create();
    auto future = coordinator->triggerSavepoint("", SnapshotKind::kSavepoint);
    std::string why = failureOf(future);
    EXPECT_NE(why.find("execution.checkpointing.savepoint-dir"), std::string::npos) << why;
    EXPECT_EQ(job.numTriggers(), 0u);
}

TEST_F(CoordinatorTest, FailedSavepointIsNoCheckpointFailure) {
    create();
    auto future = coordinator->triggerSavepoint(tmp.path + "/sp", SnapshotKind::kSavepoint);
    coordinator->decline(0, 1, 1, "cannot");
    std::string why = failureOf(future);
    EXPECT_NE(why.find("savepoint 1"), std::string::npos) << why;
    EXPECT_NE(why.find("cannot"), std::string::npos) << why;
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{1});
    EXPECT_EQ(coordinator->stats().numFailed, 0);
    EXPECT_EQ(job.numFailJob(), 0u);
    EXPECT_TRUE(fs::is_empty(tmp.path + "/sp"));  // its directory is gone
}

TEST_F(CoordinatorTest, ACompletedSavepointDoesNotSubsumePendingCheckpoints) {
    create({{"execution.checkpointing.max-concurrent-checkpoints", "2"}});
    auto checkpoint = coordinator->triggerCheckpoint();
    auto savepoint = coordinator->triggerSavepoint(tmp.path + "/sp", SnapshotKind::kSavepoint);
    ackAll(2);
    EXPECT_EQ(savepoint.get().id, 2);
    EXPECT_TRUE(job.abortedIds().empty());
    ackAll(1);
    EXPECT_EQ(checkpoint.get(), 1);
}

// ---- shutdown ---------------------------------------------------------------------------------

struct RetentionCase {
    const char* retention;
    JobStatus terminal;
    const char* terminalName;
    bool kept;
};
void PrintTo(const RetentionCase& c, std::ostream* os) {
    *os << c.retention << " / " << c.terminalName;
}

class CoordinatorRetention : public CoordinatorTest,
                             public ::testing::WithParamInterface<RetentionCase> {};

TEST_P(CoordinatorRetention, ShutdownKeepsOrDeletesTheRetainedCheckpoints) {
    const RetentionCase& rc = GetParam();
    create({{"execution.checkpointing.externalized-checkpoint-retention", rc.retention},
            {"execution.checkpointing.num-retained", "2"}});
    completeOne();
    completeOne();
    coordinator->shutdown(rc.terminal);
    EXPECT_EQ(fs::exists(chkDir(1) + "/_metadata"), rc.kept);
    EXPECT_EQ(fs::exists(chkDir(2) + "/_metadata"), rc.kept);
    // Nothing at all is left of a job whose checkpoints were deleted.
    EXPECT_EQ(fs::exists(jobDir()), rc.kept);
}

INSTANTIATE_TEST_SUITE_P(
    Policies, CoordinatorRetention,
    ::testing::Values(
        RetentionCase{"RETAIN_ON_CANCELLATION", JobStatus::CANCELED, "CANCELED", true},
        RetentionCase{"RETAIN_ON_CANCELLATION", JobStatus::FAILED, "FAILED", true},
        RetentionCase{"RETAIN_ON_CANCELLATION", JobStatus::FINISHED, "FINISHED", false},
        RetentionCase{"DELETE_ON_CANCELLATION", JobStatus::CANCELED, "CANCELED", false},
        RetentionCase{"DELETE_ON_CANCELLATION", JobStatus::FAILED, "FAILED", true},
        RetentionCase{"DELETE_ON_CANCELLATION", JobStatus::FINISHED, "FINISHED", false},
        RetentionCase{"NO_EXTERNALIZED_CHECKPOINTS", JobStatus::CANCELED, "CANCELED", false},
        RetentionCase{"NO_EXTERNALIZED_CHECKPOINTS", JobStatus::FAILED, "FAILED", false},
        RetentionCase{"NO_EXTERNALIZED_CHECKPOINTS", JobStatus::FINISHED, "FINISHED", false}),
    [](const ::testing::TestParamInfo<RetentionCase>& info) {
        return std::string(info.param.retention) + "_" + info.param.terminalName;
    });

TEST_F(CoordinatorTest, ShutdownAbortsPendingCheckpointsWithoutFailingTheJob) {
    create(
        {{"execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION"}});
    completeOne();
    auto future = coordinator->triggerCheckpoint();
    ack(0, 2);
    coordinator->shutdown(JobStatus::CANCELED);
    EXPECT_EQ(job.abortedIds(), std::vector<int64_t>{2});
    std::string why = failureOf(future);
    EXPECT_NE(why.find("checkpoint 2"), std::string::npos) << why;
    EXPECT_FALSE(fs::exists(chkDir(2)));  // the unfinished one is gone
    EXPECT_TRUE(fs::exists(chkDir(1)));   // the retained one is kept
    EXPECT_EQ(coordinator->stats().numFailed, 0);
    EXPECT_EQ(job.numFailJob(), 0u);
}

TEST_F(CoordinatorTest, NothingIsTriggeredAfterShutdown) {
    create({{"execution.checkpointing.interval", "10ms"}});
    coordinator->shutdown(JobStatus::CANCELED);
    auto future = coordinator->triggerCheckpoint();
    std::string why = failureOf(future);
    EXPECT_NE(why.find("shutting down"), std::string::npos) << why;
    advance(100ms);
    EXPECT_EQ(job.numTriggers(), 0u);
}

TEST_F(CoordinatorTest, SavepointsSurviveShutdownWhateverTheRetention) {
    create();
    auto future = coordinator->triggerSavepoint(tmp.path + "/sp", SnapshotKind::kSavepoint);
    ackAll(1);
    std::string path = future.get().path;
    coordinator->shutdown(JobStatus::FINISHED);
    EXPECT_TRUE(fs::exists(path + "/_metadata"));
}

}  // namespace
}  // namespace weir
