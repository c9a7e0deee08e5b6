#include "core/memory/buffer_pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/concurrency/wakeup_signal.h"

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
    held->recycle();
    auto start = std::chrono::steady_clock::now();
    signal.wait(std::chrono::seconds(5));  // returns at once: already notified
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

}  // namespace
}  // namespace weir
