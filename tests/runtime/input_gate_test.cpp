// InputGate: per-channel order, round robin across channels, blocking for alignment, unaligned
// barriers that overtake data, and the in-flight data copied for unaligned checkpoints.

#include "runtime/io/input_gate.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "core/memory/buffer_pool.h"

namespace weir {
namespace {

struct InputGateTest : ::testing::Test {
    WakeupSignal signal;
    BufferPool pool{"test", 16, 64};
    InputGate gate{3, &signal};

    Buffer bufferOf(const std::string& bytes) {
        auto b = pool.tryRequest();
        EXPECT_TRUE(b.has_value());
        std::memcpy(b->data(), bytes.data(), bytes.size());
        b->setSize(static_cast<uint32_t>(bytes.size()));
        return std::move(*b);
    }
    static RuntimeEvent barrier(int64_t id, bool unaligned = false) {
        RuntimeEvent e;
        e.type = RuntimeEventType::kCheckpointBarrier;
        e.checkpointId = id;
        e.unaligned = unaligned;
        return e;
    }
    /// "c<channel>:<bytes>" for buffers, "c<channel>:barrier <id>" / "c<channel>:end" for events.
    static std::string describe(const BufferOrEvent& e) {
        std::string out = "c" + std::to_string(e.channel) + ":";
        if (!e.event)
            return out +
                   std::string(reinterpret_cast<const char*>(e.buffer.data()), e.buffer.size());
        if (e.event->type == RuntimeEventType::kCheckpointBarrier)
            return out + (e.priority ? "priority " : "") + "barrier " +
                   std::to_string(e.event->checkpointId);
        return out + "end";
    }
    std::vector<std::string> drain() {
        std::vector<std::string> out;
        while (auto e = gate.poll()) out.push_back(describe(*e));
        return out;
    }
};

TEST_F(InputGateTest, EmptyGateGivesNothing) {
    EXPECT_FALSE(gate.poll().has_value());
    EXPECT_FALSE(gate.pollPriority().has_value());
}

TEST_F(InputGateTest, ChannelsAreServedRoundRobinAndEachInOrder) {
    gate.pushBuffer(1, bufferOf("a1"));
    gate.pushBuffer(1, bufferOf("a2"));
    gate.pushBuffer(1, bufferOf("a3"));
    gate.pushBuffer(0, bufferOf("b1"));
    gate.pushBuffer(2, bufferOf("c1"));
    gate.pushBuffer(0, bufferOf("b2"));
    EXPECT_EQ(drain(),
              (std::vector<std::string>{"c1:a1", "c0:b1", "c2:c1", "c1:a2", "c0:b2", "c1:a3"}));
}

TEST_F(InputGateTest, EventsKeepTheirPlaceAmongTheChannelsBuffers) {
    gate.pushBuffer(0, bufferOf("x"));
    gate.pushEvent(0, barrier(4));
    gate.pushBuffer(0, bufferOf("y"));
    gate.pushEvent(0, RuntimeEvent{});
    EXPECT_EQ(drain(), (std::vector<std::string>{"c0:x", "c0:barrier 4", "c0:y", "c0:end"}));
}

TEST_F(InputGateTest, ABlockedChannelKeepsItsDataUntilUnblocked) {
    gate.pushBuffer(0, bufferOf("held"));
    gate.pushBuffer(1, bufferOf("free"));
    gate.setBlocked(0, true);
    EXPECT_EQ(drain(), std::vector<std::string>{"c1:free"});
    gate.pushBuffer(0, bufferOf("more"));
    EXPECT_TRUE(drain().empty()) << "only blocked channels have data";
    gate.setBlocked(0, false);
    EXPECT_EQ(drain(), (std::vector<std::string>{"c0:held", "c0:more"}));
}

TEST_F(InputGateTest, AnUnalignedBarrierOvertakesQueuedDataAndLeavesAMarkerInPlace) {
    gate.pushBuffer(2, bufferOf("d1"));
    gate.pushUnalignedBarrier(2, barrier(7, true));
    gate.pushBuffer(2, bufferOf("d2"));
    auto first = gate.pollPriority();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(describe(*first), "c2:priority barrier 7");
    EXPECT_FALSE(gate.pollPriority().has_value());
    EXPECT_EQ(drain(), (std::vector<std::string>{"c2:d1", "c2:barrier 7", "c2:d2"}));
}

TEST_F(InputGateTest, PollDeliversPriorityEventsFirstEvenFromABlockedChannel) {
    gate.pushBuffer(0, bufferOf("d"));
    gate.setBlocked(0, true);
    gate.pushUnalignedBarrier(0, barrier(3, true));
    auto e = gate.poll();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(describe(*e), "c0:priority barrier 3");
    EXPECT_FALSE(gate.poll().has_value());
}

TEST_F(InputGateTest, CopiesTheInFlightDataBeforeTheMarkerOfACheckpoint) {
    gate.pushBuffer(1, bufferOf("abc"));
    gate.pushEvent(1, barrier(6));  // an older, aligned barrier is skipped
    gate.pushBuffer(1, bufferOf("de"));
    gate.pushUnalignedBarrier(1, barrier(7, true));
    gate.pushBuffer(1, bufferOf("after"));
    std::string out;
    size_t buffers = 0;
    EXPECT_TRUE(gate.copyQueuedData(1, 7, out, buffers));
    EXPECT_EQ(out, "abcde");
    EXPECT_EQ(buffers, 2u);
    // Without its marker queued yet, every queued buffer is in flight.
    out.clear();
    EXPECT_FALSE(gate.copyQueuedData(1, 8, out, buffers));
    EXPECT_EQ(out, "abcdeafter");
    EXPECT_EQ(buffers, 3u);
    // Copying leaves the queue as it was.
    EXPECT_EQ(gate.pollPriority().has_value(), true);
    EXPECT_EQ(drain(), (std::vector<std::string>{"c1:abc", "c1:barrier 6", "c1:de", "c1:barrier 7",
                                                 "c1:after"}));
}

TEST_F(InputGateTest, BuffersGoBackToTheirPoolWhenConsumed) {
    uint32_t before = pool.availableBuffers();
    gate.pushBuffer(0, bufferOf("x"));
    EXPECT_EQ(pool.availableBuffers(), before - 1);
    { auto e = gate.poll(); }
    EXPECT_EQ(pool.availableBuffers(), before);
}

}  // namespace
}  // namespace weir
