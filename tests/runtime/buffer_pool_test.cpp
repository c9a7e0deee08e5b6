#include "core/memory/buffer_pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/concurrency/wakeup_signal.h"
#include "core/memory/network_buffer_pool.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

TEST(BufferPool, HandsOutAtMostItsBuffersAndTakesThemBack) {
    BufferPool pool("test", 2, 1024);
    auto a = pool.tryRequest();
    auto b = pool.tryRequest();
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(pool.tryRequest());
    EXPECT_FALSE(pool.isAvailable());
    a->recycle();
    EXPECT_TRUE(pool.isAvailable());
    EXPECT_TRUE(pool.tryRequest());
}

TEST(BufferPool, BlockingRequestWaitsForARecycledBuffer) {
    BufferPool pool("test", 1, 1024);
    auto held = pool.tryRequest();
    std::atomic<bool> cancelled{false};
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        held.reset();
    });
    auto b = pool.requestBlocking(cancelled);
    EXPECT_TRUE(b.has_value());
    releaser.join();
}

TEST(BufferPool, BlockingRequestReturnsNothingWhenCancelled) {
    BufferPool pool("test", 1, 1024);
    auto held = pool.tryRequest();
    std::atomic<bool> cancelled{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        cancelled = true;
        pool.cancelAll();
    });
    EXPECT_FALSE(pool.requestBlocking(cancelled).has_value());
    canceller.join();
}

TEST(BufferPool, ListenerIsNotifiedWhenAnEmptyPoolGetsABufferBack) {
    BufferPool pool("test", 1, 1024);
    WakeupSignal signal;
    pool.addAvailabilityListener(&signal);
    auto held = pool.tryRequest();
    EXPECT_FALSE(signal.pending());
    held->recycle();
    EXPECT_TRUE(signal.pending());
}

TEST(BufferPool, AThreadWithoutDeferralWakesTheProducerAtOnce) {
    BufferPool pool("test", 4, 1024);
    WakeupSignal signal;
    pool.addAvailabilityListener(&signal);
    std::vector<Buffer> held;
    for (int i = 0; i < 4; ++i) held.push_back(*pool.tryRequest());
    held.pop_back();  // one buffer back into the drained pool
    EXPECT_TRUE(signal.pending());
}

TEST(BufferPool, DeferredWakeupsWaitForHalfThePoolOrAFlush) {
    BufferPool pool("test", 4, 1024);  // wakes at 2 free buffers
    WakeupSignal signal;
    pool.addAvailabilityListener(&signal);
    std::vector<Buffer> held;
    for (int i = 0; i < 4; ++i) held.push_back(*pool.tryRequest());
    {
        BufferPool::DeferredWakeups defer;
        held.pop_back();
        EXPECT_FALSE(signal.pending()) << "one free buffer of four: held back";
        EXPECT_TRUE(pool.isAvailable());
        held.pop_back();
        EXPECT_TRUE(signal.pending()) << "half the pool free: the producer wakes";
        signal.wait(std::chrono::milliseconds(0));

        // Drained again, one back: held until the consumer flushes (before it sleeps).
        held.push_back(*pool.tryRequest());
        held.push_back(*pool.tryRequest());
        held.pop_back();
        EXPECT_FALSE(signal.pending());
        BufferPool::flushDeferredWakeups();
        EXPECT_TRUE(signal.pending());
        signal.wait(std::chrono::milliseconds(0));

        held.push_back(*pool.tryRequest());
        held.pop_back();
        EXPECT_FALSE(signal.pending());
    }
    EXPECT_TRUE(signal.pending()) << "leaving the scope sends what it held back";
}

TEST(BufferPool, AConsumerAboutToBlockOnItsOwnOutputFirstSendsHeldBackWakeups) {
    // A task that consumes pool A and produces into pool B: before it blocks on B it must wake
    // A's producer, or a topology where B's consumer waits on A's producer could stall.
    BufferPool a("a", 4, 1024);
    BufferPool b("b", 1, 1024);
    WakeupSignal producerOfA;
    a.addAvailabilityListener(&producerOfA);
    std::vector<Buffer> heldA;
    for (int i = 0; i < 4; ++i) heldA.push_back(*a.tryRequest());
    auto heldB = b.tryRequest();
    std::atomic<bool> cancelled{false};
    std::thread consumer([&] {
        BufferPool::DeferredWakeups defer;
        heldA.pop_back();  // held back: one of four
        auto got = b.requestBlocking(cancelled);  // blocks: b is drained
        EXPECT_TRUE(got.has_value());
    });
    // Woken by the flush before the block (bounded wait: a missing wake-up fails, not hangs).
    bool woken = false;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
         !woken && std::chrono::steady_clock::now() < until;) {
        woken = producerOfA.pending();
        if (!woken) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(woken);
    heldB.reset();  // lets the consumer go
    consumer.join();
}

TEST(NetworkBufferPool, PoolsTakeTheirSegmentsFromTheBudgetAndGiveThemBack) {
    NetworkBufferPool network(10, 4096);
    {
        BufferPool a("a", network, 6);
        EXPECT_EQ(network.availableSegments(), 4u);
        EXPECT_EQ(a.bufferSize(), 4096u);
        try {
            BufferPool b("task x output 0", network, 5);
            FAIL() << "expected ConfigException";
        } catch (const ConfigException& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("task x output 0: it needs 5 buffers"), std::string::npos) << what;
            EXPECT_NE(what.find("only 4 of 10 are free"), std::string::npos) << what;
            EXPECT_NE(what.find("taskmanager.memory.network.fraction"), std::string::npos) << what;
        }
        EXPECT_EQ(network.availableSegments(), 4u) << "a refused pool takes nothing";
        BufferPool c("c", network, 4);
        EXPECT_EQ(network.availableSegments(), 0u);
    }
    EXPECT_EQ(network.availableSegments(), 10u);
}

TEST(BufferPool, TheReserveIsNotAvailableButCanBeTakenMidRecord) {
    NetworkBufferPool network(8, 4096);
    BufferPool pool("out", network, 4, /*reserve=*/2);
    std::atomic<int32_t> unavailable{0};
    pool.setUnavailableCounter(&unavailable);
    auto a = pool.tryRequest();
    EXPECT_TRUE(pool.isAvailable());
    EXPECT_EQ(unavailable.load(), 0);
    auto b = pool.tryRequest();
    EXPECT_FALSE(pool.isAvailable()) << "two free, both reserved";
    EXPECT_EQ(unavailable.load(), 1);
    // A record that needs more takes the reserve instead of waiting.
    auto c = pool.tryRequest();
    auto d = pool.tryRequest();
    EXPECT_TRUE(c && d);
    EXPECT_FALSE(pool.tryRequest());
    EXPECT_EQ(unavailable.load(), 1) << "counted once";
    c.reset();
    d.reset();
    EXPECT_EQ(unavailable.load(), 1) << "back to the reserve only";
    a.reset();
    EXPECT_TRUE(pool.isAvailable());
    EXPECT_EQ(unavailable.load(), 0);
}

}  // namespace
}  // namespace weir
