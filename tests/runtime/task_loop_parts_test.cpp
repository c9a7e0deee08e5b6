// The parts of a task's mailbox loop: the mailbox (mails from other threads run on the task
// thread, in order) and the timer service (processing-time timers on an injected clock).

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "core/time/clock.h"
#include "runtime/task/mailbox.h"
#include "runtime/task/task_timer_service.h"

namespace weir {
namespace {

using namespace std::chrono_literals;

TEST(Mailbox, RunsMailsInTheOrderTheyWerePut) {
    WakeupSignal signal;
    Mailbox mailbox(&signal);
    std::vector<int> ran;
    for (int i = 0; i < 5; ++i) mailbox.put([&ran, i] { ran.push_back(i); });
    mailbox.runAll();
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
    mailbox.runAll();  // nothing left
    EXPECT_EQ(ran.size(), 5u);
}

TEST(Mailbox, AMailPutByAMailRunsInTheNextRound) {
    WakeupSignal signal;
    Mailbox mailbox(&signal);
    std::vector<std::string> ran;
    mailbox.put([&] {
        ran.push_back("first");
        mailbox.put([&] { ran.push_back("second"); });
    });
    mailbox.runAll();
    EXPECT_EQ(ran, std::vector<std::string>{"first"});
    mailbox.runAll();
    EXPECT_EQ(ran, (std::vector<std::string>{"first", "second"}));
}

TEST(Mailbox, MailsFromOtherThreadsAllRunOnTheTaskThread) {
    WakeupSignal signal;
    Mailbox mailbox(&signal);
    std::vector<std::thread::id> ranOn;
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t)
        producers.emplace_back([&] {
            for (int i = 0; i < 250; ++i)
                mailbox.put([&] { ranOn.push_back(std::this_thread::get_id()); });
        });
    for (auto& p : producers) p.join();
    mailbox.runAll();
    ASSERT_EQ(ranOn.size(), 1000u);
    for (auto id : ranOn) EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(TaskTimerService, FiresDueTimersInTimeOrderThenRegistrationOrder) {
    ManualClock clock;
    TaskTimerService timers(clock);
    int64_t t0 = clock.currentTimeMillis();
    std::vector<std::string> fired;
    timers.registerTimer(t0 + 30,
                         [&](int64_t t) { fired.push_back("c@" + std::to_string(t - t0)); });
    timers.registerTimer(t0 + 10,
                         [&](int64_t t) { fired.push_back("a@" + std::to_string(t - t0)); });
    timers.registerTimer(t0 + 10,
                         [&](int64_t t) { fired.push_back("b@" + std::to_string(t - t0)); });
    timers.fireDue();
    EXPECT_TRUE(fired.empty());
    clock.advance(10ms);
    timers.fireDue();
    EXPECT_EQ(fired, (std::vector<std::string>{"a@10", "b@10"}));
    clock.advance(100ms);
    timers.fireDue();
    EXPECT_EQ(fired, (std::vector<std::string>{"a@10", "b@10", "c@30"}));
    EXPECT_TRUE(timers.empty());
}

TEST(TaskTimerService, ATimerRegisteredByACallbackForNowFiresInTheSameRound) {
    ManualClock clock;
    TaskTimerService timers(clock);
    int64_t now = clock.currentTimeMillis();
    int fired = 0;
    timers.registerTimer(now, [&](int64_t) {
        ++fired;
        timers.registerTimer(now, [&](int64_t) { ++fired; });
        timers.registerTimer(now + 1, [&](int64_t) { ++fired; });
    });
    timers.fireDue();
    EXPECT_EQ(fired, 2);
    EXPECT_EQ(timers.size(), 1u);
}

TEST(TaskTimerService, TheLoopSleepsNoLongerThanTheNextTimer) {
    ManualClock clock;
    TaskTimerService timers(clock);
    EXPECT_EQ(timers.sleepBudget(100ms), 100ms) << "no timer: the loop's own limit";
    timers.registerTimer(clock.currentTimeMillis() + 30, [](int64_t) {});
    EXPECT_EQ(timers.sleepBudget(100ms), 30ms);
    EXPECT_EQ(timers.sleepBudget(10ms), 10ms);
    clock.advance(30ms);
    EXPECT_EQ(timers.sleepBudget(100ms), 0ms) << "due: no sleep at all";
}

TEST(TaskTimerService, ProcessingTimeIsTheInjectedClocks) {
    ManualClock clock(5'000);
    TaskTimerService timers(clock);
    EXPECT_EQ(timers.getCurrentProcessingTime(), 5'000);
    clock.advance(250ms);
    EXPECT_EQ(timers.getCurrentProcessingTime(), 5'250);
}

}  // namespace
}  // namespace weir
