// CheckpointBarrierHandler: when a task takes its snapshot, and which channels it holds back
// meanwhile, for aligned (exactly-once) and at-least-once checkpoints.

#include "runtime/checkpoint/barrier_handler.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

namespace weir {
namespace {

RuntimeEvent barrier(int64_t id, SnapshotKind kind = SnapshotKind::kCheckpoint) {
    RuntimeEvent e;
    e.type = RuntimeEventType::kCheckpointBarrier;
    e.checkpointId = id;
    e.timestamp = 1000 + id;
    e.kind = kind;
    return e;
}

/// Records the block/unblock calls and the current blocked state of every channel.
struct Channels {
    explicit Channels(int32_t n) : blocked(static_cast<size_t>(n), false) {}
    std::function<void(int32_t, bool)> callback() {
        return [this](int32_t channel, bool block) {
            calls.emplace_back(channel, block);
            blocked[static_cast<size_t>(channel)] = block;
        };
    }
    std::vector<bool> blocked;
    std::vector<std::pair<int32_t, bool>> calls;
};

struct BarrierFixture : ::testing::Test {
    std::optional<int64_t> abandoned;
};

using AlignedBarriers = BarrierFixture;
using AtLeastOnceBarriers = BarrierFixture;

TEST_F(AlignedBarriers, SnapshotIsTakenWhenTheLastChannelDeliversTheBarrier) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, /*aligned=*/true, ch.callback());
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(2, barrier(1), abandoned));
    auto trigger = h.onBarrier(1, barrier(1), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 1);
    EXPECT_EQ(trigger->timestamp, 1001);
    EXPECT_EQ(trigger->type, RuntimeEventType::kCheckpointBarrier);
    EXPECT_FALSE(abandoned);
    EXPECT_EQ(h.latestCheckpoint(), 1);
}

TEST_F(AlignedBarriers, ChannelsThatDeliveredTheBarrierAreBlockedUntilAlignmentCompletes) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, true, ch.callback());
    h.onBarrier(1, barrier(7), abandoned);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, true, false}));
    h.onBarrier(0, barrier(7), abandoned);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{true, true, false}));
    // The last channel's barrier completes the alignment and every channel is released.
    ASSERT_TRUE(h.onBarrier(2, barrier(7), abandoned));
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, false}));
    ASSERT_GE(ch.calls.size(), 2u);
    EXPECT_EQ(ch.calls[0], std::make_pair(1, true));
    EXPECT_EQ(ch.calls[1], std::make_pair(0, true));
}

TEST_F(AlignedBarriers, SingleChannelTriggersAtOnceWithoutStayingBlocked) {
    Channels ch(1);
    CheckpointBarrierHandler h(1, true, ch.callback());
    auto trigger = h.onBarrier(0, barrier(3), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 3);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false}));
}

TEST_F(AlignedBarriers, DuplicateBarrierOnOneChannelCountsOnce) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));  // not a second channel
    EXPECT_EQ(ch.calls.size(), 1u);                       // blocked once
    EXPECT_TRUE(h.onBarrier(1, barrier(1), abandoned));
}

TEST_F(AlignedBarriers, LateBarrierOfACompletedCheckpointIsIgnored) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(1), abandoned);
    ASSERT_TRUE(h.onBarrier(1, barrier(1), abandoned));
    size_t calls = ch.calls.size();
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    EXPECT_EQ(ch.calls.size(), calls);  // nothing blocked again
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false}));
}

TEST_F(AlignedBarriers, BarrierOfAnOlderCheckpointIsIgnored) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(5), abandoned);
    EXPECT_FALSE(h.onBarrier(1, barrier(4), abandoned));
    EXPECT_FALSE(abandoned);
    EXPECT_EQ(h.latestCheckpoint(), 5);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{true, false}));  // channel 1 not blocked for 4
    auto trigger = h.onBarrier(1, barrier(5), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 5);
}

TEST_F(AlignedBarriers, NewerBarrierAbandonsTheOlderAlignmentAndReleasesItsChannels) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, true, ch.callback());
    h.onBarrier(0, barrier(1), abandoned);
    h.onBarrier(1, barrier(1), abandoned);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{true, true, false}));

    EXPECT_FALSE(h.onBarrier(2, barrier(2), abandoned));
    ASSERT_TRUE(abandoned);
    EXPECT_EQ(*abandoned, 1);
    // Channels 0 and 1 are released; channel 2 is now blocked for checkpoint 2.
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, true}));
    EXPECT_EQ(h.latestCheckpoint(), 2);

    // Checkpoint 2 needs its own barrier on every channel; late barriers of 1 do not count.
    abandoned.reset();
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(0, barrier(2), abandoned));
    auto trigger = h.onBarrier(1, barrier(2), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 2);
    EXPECT_FALSE(abandoned);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, false}));
}

TEST_F(AlignedBarriers, NewerBarrierAfterACompletedOneAbandonsNothing) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(1), abandoned);
    ASSERT_TRUE(h.onBarrier(1, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(1, barrier(2), abandoned));
    EXPECT_FALSE(abandoned);
    EXPECT_TRUE(h.onBarrier(0, barrier(2), abandoned));
}

TEST_F(AlignedBarriers, EndOfPartitionCompletesAnAlignmentInProgress) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, true, ch.callback());
    h.onBarrier(0, barrier(4), abandoned);
    h.onBarrier(1, barrier(4), abandoned);
    auto trigger = h.onEndOfPartition(2);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 4);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, false}));
}

TEST_F(AlignedBarriers, EndedChannelCountsAsHavingDeliveredEveryLaterBarrier) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, true, ch.callback());
    EXPECT_FALSE(h.onEndOfPartition(1));  // nothing in progress: no snapshot
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    ASSERT_TRUE(h.onBarrier(2, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(2, barrier(2), abandoned));
    ASSERT_TRUE(h.onBarrier(0, barrier(2), abandoned));
    for (const auto& [channel, block] : ch.calls) EXPECT_NE(channel, 1) << "ended channel touched";
}

TEST_F(AlignedBarriers, RepeatedEndOfPartitionIsIgnored) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(1), abandoned);
    ASSERT_TRUE(h.onEndOfPartition(1));
    EXPECT_FALSE(h.onEndOfPartition(1));
}

TEST_F(AlignedBarriers, EveryChannelEndedWithoutABarrierTriggersNothing) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    EXPECT_FALSE(h.onEndOfPartition(0));
    EXPECT_FALSE(h.onEndOfPartition(1));
    EXPECT_TRUE(ch.calls.empty());
    EXPECT_EQ(h.latestCheckpoint(), -1);
}

TEST_F(AlignedBarriers, AbortReleasesTheChannelsAndIgnoresTheRestOfTheCheckpoint) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, true, ch.callback());
    h.onBarrier(0, barrier(1), abandoned);
    h.onBarrier(1, barrier(1), abandoned);
    h.abort(1);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, false}));
    EXPECT_FALSE(h.onBarrier(2, barrier(1), abandoned));  // no snapshot for an aborted one
    EXPECT_EQ(ch.blocked, (std::vector<bool>{false, false, false}));
    // The next checkpoint aligns normally.
    h.onBarrier(0, barrier(2), abandoned);
    h.onBarrier(1, barrier(2), abandoned);
    auto trigger = h.onBarrier(2, barrier(2), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 2);
    EXPECT_FALSE(abandoned);  // abort left nothing in progress to abandon
}

TEST_F(AlignedBarriers, AbortOfAnotherCheckpointChangesNothing) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(3), abandoned);
    h.abort(2);
    EXPECT_EQ(ch.blocked, (std::vector<bool>{true, false}));
    EXPECT_TRUE(h.onBarrier(1, barrier(3), abandoned));
}

TEST_F(AlignedBarriers, SavepointBarrierKeepsItsKind) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, true, ch.callback());
    h.onBarrier(0, barrier(9, SnapshotKind::kSavepointSuspend), abandoned);
    auto trigger = h.onBarrier(1, barrier(9, SnapshotKind::kSavepointSuspend), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->kind, SnapshotKind::kSavepointSuspend);
}

TEST_F(AtLeastOnceBarriers, NothingIsEverBlocked) {
    Channels ch(3);
    CheckpointBarrierHandler h(3, /*aligned=*/false, ch.callback());
    EXPECT_FALSE(h.onBarrier(0, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(1, barrier(1), abandoned));
    auto trigger = h.onBarrier(2, barrier(1), abandoned);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 1);
    // A newer barrier abandoning an older one, and an abort, block nothing either.
    h.onBarrier(0, barrier(2), abandoned);
    h.onBarrier(1, barrier(3), abandoned);
    EXPECT_EQ(abandoned, 2);
    h.abort(3);
    EXPECT_TRUE(ch.calls.empty());
}

TEST_F(AtLeastOnceBarriers, SnapshotWaitsForTheLastChannelOrItsEnd) {
    Channels ch(2);
    CheckpointBarrierHandler h(2, false, ch.callback());
    EXPECT_FALSE(h.onBarrier(1, barrier(1), abandoned));
    EXPECT_FALSE(h.onBarrier(1, barrier(1), abandoned));
    auto trigger = h.onEndOfPartition(0);
    ASSERT_TRUE(trigger);
    EXPECT_EQ(trigger->checkpointId, 1);
    EXPECT_TRUE(ch.calls.empty());
}

}  // namespace
}  // namespace weir
