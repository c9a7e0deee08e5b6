// InputGate over local input channels: per-channel order, round robin across channels, blocking
// for alignment, unaligned barriers that overtake the producer's queued data (which the producer
// gets back as its in-flight output), and buffers going back to their pool when consumed.

#include "runtime/io/input_gate.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "core/memory/buffer_pool.h"
#include "runtime/io/result_subpartition.h"

namespace weir {
namespace {

struct InputGateTest : ::testing::Test {
    WakeupSignal signal;
    BufferPool pool{"test", 16, 64};
    // The producers' queues, each read by one local channel of the gate.
    ResultSubpartition queues[3];
    InputGate gate{3, &signal};

    InputGateTest() {
        for (int32_t c = 0; c < 3; ++c)
            gate.setChannel(c, std::make_unique<LocalInputChannel>(&gate, c, &queues[c]));
        gate.requestPartitions();
    }
    void pushBuffer(int32_t c, Buffer b) { queues[c].add(std::move(b)); }
    void pushEvent(int32_t c, const RuntimeEvent& e) { queues[c].addEvent(e); }

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
    pushBuffer(1, bufferOf("a1"));
    pushBuffer(1, bufferOf("a2"));
    pushBuffer(1, bufferOf("a3"));
    pushBuffer(0, bufferOf("b1"));
    pushBuffer(2, bufferOf("c1"));
    pushBuffer(0, bufferOf("b2"));
    EXPECT_EQ(drain(),
              (std::vector<std::string>{"c1:a1", "c0:b1", "c2:c1", "c1:a2", "c0:b2", "c1:a3"}));
}

TEST_F(InputGateTest, EventsKeepTheirPlaceAmongTheChannelsBuffers) {
    pushBuffer(0, bufferOf("x"));
    pushEvent(0, barrier(4));
    pushBuffer(0, bufferOf("y"));
    pushEvent(0, RuntimeEvent{});
    EXPECT_EQ(drain(), (std::vector<std::string>{"c0:x", "c0:barrier 4", "c0:y", "c0:end"}));
}

TEST_F(InputGateTest, ABlockedChannelKeepsItsDataUntilUnblocked) {
    pushBuffer(0, bufferOf("held"));
    pushBuffer(1, bufferOf("free"));
    gate.setBlocked(0, true);
    EXPECT_EQ(drain(), std::vector<std::string>{"c1:free"});
    pushBuffer(0, bufferOf("more"));
    EXPECT_TRUE(drain().empty()) << "only blocked channels have data";
    gate.setBlocked(0, false);
    EXPECT_EQ(drain(), (std::vector<std::string>{"c0:held", "c0:more"}));
}

TEST_F(InputGateTest, AnUnalignedBarrierOvertakesTheQueuedDataWhichTheProducerGetsBack) {
    pushBuffer(2, bufferOf("d1"));
    pushBuffer(2, bufferOf("d2"));
    EXPECT_EQ(queues[2].addPriorityEvent(barrier(7, true)), "d1d2");
    pushBuffer(2, bufferOf("d3"));
    auto first = gate.pollPriority();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(describe(*first), "c2:priority barrier 7");
    EXPECT_FALSE(gate.pollPriority().has_value());
    EXPECT_EQ(drain(), (std::vector<std::string>{"c2:d1", "c2:d2", "c2:d3"}));
}

TEST_F(InputGateTest, PollDeliversPriorityEventsFirstEvenFromABlockedChannel) {
    pushBuffer(0, bufferOf("d"));
    gate.setBlocked(0, true);
    queues[0].addPriorityEvent(barrier(3, true));
    auto e = gate.poll();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(describe(*e), "c0:priority barrier 3");
    EXPECT_FALSE(gate.poll().has_value());
}

TEST_F(InputGateTest, DataAfterAPriorityEventOnAnEmptyChannelIsAnnouncedToo) {
    queues[0].addPriorityEvent(barrier(4, true));
    pushBuffer(0, bufferOf("next"));
    auto e = gate.pollPriority();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(drain(), std::vector<std::string>{"c0:next"});
}

TEST_F(InputGateTest, APriorityEventGoesBehindEarlierPriorityEventsOnly) {
    pushBuffer(1, bufferOf("x"));
    EXPECT_EQ(queues[1].addPriorityEvent(barrier(1, true)), "x");
    EXPECT_EQ(queues[1].addPriorityEvent(barrier(2, true)), "x");
    EXPECT_EQ(drain(), (std::vector<std::string>{"c1:priority barrier 1",
                                                 "c1:priority barrier 2", "c1:x"}));
}

TEST_F(InputGateTest, ALocalChannelHasNoInFlightDataOfItsOwn) {
    pushBuffer(1, bufferOf("abc"));
    std::string out;
    EXPECT_EQ(gate.copyQueuedData(1, out, 0), 0u);
    EXPECT_EQ(out, "");
}

TEST_F(InputGateTest, DataQueuedBeforeTheChannelStartsIsAnnouncedWhenItDoes) {
    ResultSubpartition early;
    pushEvent(0, barrier(1));
    early.add(bufferOf("early"));
    InputGate late(1, &signal);
    late.setChannel(0, std::make_unique<LocalInputChannel>(&late, 0, &early));
    EXPECT_FALSE(late.poll().has_value()) << "not requested yet";
    late.requestPartitions();
    auto e = late.poll();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(describe(*e), "c0:early");
}

TEST_F(InputGateTest, BuffersGoBackToTheirPoolWhenConsumed) {
    uint32_t before = pool.availableBuffers();
    pushBuffer(0, bufferOf("x"));
    EXPECT_EQ(pool.availableBuffers(), before - 1);
    { auto e = gate.poll(); }
    EXPECT_EQ(pool.availableBuffers(), before);
    pushBuffer(2, bufferOf("y"));
    queues[2].release();  // a released queue drops what it holds
    EXPECT_EQ(pool.availableBuffers(), before);
}

}  // namespace
}  // namespace weir
