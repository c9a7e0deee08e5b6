// Restart strategies: whether and after how long a failed job restarts, for each type, its
// aliases, its defaults and its configuration errors. Time is passed in, so nothing sleeps.

#include "runtime/checkpoint/restart_strategy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using Clock = RestartStrategy::Clock;

std::unique_ptr<RestartStrategy> create(
    std::initializer_list<std::pair<std::string, std::string>> entries) {
    Configuration config;
    for (const auto& [k, v] : entries) config.setString(k, v);
    return RestartStrategy::create(config);
}

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1000);

TEST(RestartStrategy, NoneNeverRestarts) {
    auto s = create({{"restart-strategy.type", "none"}});
    EXPECT_FALSE(s->onFailure(t0));
    EXPECT_FALSE(s->onFailure(t0 + 1h));
    EXPECT_EQ(s->describe(), "none");
}

TEST(RestartStrategy, NoneAliases) {
    for (const char* alias : {"none", "off", "disable", "NONE", "Off", "no-restart", "norestart",
                              "no_restart", "NoRestart"}) {
        SCOPED_TRACE(alias);
        auto s = create({{"restart-strategy.type", alias}});
        EXPECT_EQ(s->describe(), "none");
        EXPECT_FALSE(s->onFailure(t0));
    }
}

TEST(RestartStrategy, DefaultIsNoneWithoutCheckpointing) {
    EXPECT_EQ(create({})->describe(), "none");
    EXPECT_EQ(create({{"execution.checkpointing.interval", "0"}})->describe(), "none");
}

TEST(RestartStrategy, DefaultIsExponentialDelayWithCheckpointing) {
    auto s = create({{"execution.checkpointing.interval", "10s"}});
    EXPECT_EQ(s->describe().rfind("exponential-delay", 0), 0u) << s->describe();
    EXPECT_TRUE(s->onFailure(t0));
}

TEST(RestartStrategy, ExplicitTypeWinsOverTheCheckpointingDefault) {
    auto s =
        create({{"execution.checkpointing.interval", "10s"}, {"restart-strategy.type", "none"}});
    EXPECT_FALSE(s->onFailure(t0));
}

TEST(RestartStrategy, FixedDelayRestartsAttemptsTimesWithTheDelay) {
    auto s = create({{"restart-strategy.type", "fixed-delay"},
                     {"restart-strategy.fixed-delay.attempts", "3"},
                     {"restart-strategy.fixed-delay.delay", "250ms"}});
    for (int i = 0; i < 3; ++i) {
        auto d = s->onFailure(t0 + std::chrono::seconds(i));
        ASSERT_TRUE(d) << i;
        EXPECT_EQ(*d, Duration(250));
    }
    EXPECT_FALSE(s->onFailure(t0 + 10s));
    EXPECT_FALSE(s->onFailure(t0 + 10h));  // attempts never come back
    EXPECT_EQ(s->describe(), "fixed-delay (3 attempts)");
}

TEST(RestartStrategy, FixedDelayDefaultsToOneAttemptOfOneSecond) {
    auto s = create({{"restart-strategy.type", "fixed-delay"}});
    EXPECT_EQ(s->onFailure(t0), Duration(1000));
    EXPECT_FALSE(s->onFailure(t0));
}

TEST(RestartStrategy, FixedDelayAliasesAndFallbackKey) {
    for (const char* alias : {"fixed-delay", "fixeddelay", "FIXED_DELAY", "fixed"}) {
        SCOPED_TRACE(alias);
        EXPECT_EQ(create({{"restart-strategy.type", alias}})->describe(),
                  "fixed-delay (1 attempts)");
    }
    EXPECT_EQ(create({{"restart-strategy", "fixed-delay"}})->describe(),
              "fixed-delay (1 attempts)");
}

TEST(RestartStrategy, FixedDelayWithNoAttemptsFailsAtOnce) {
    for (const char* attempts : {"0", "-4"}) {
        auto s = create({{"restart-strategy.type", "fixed-delay"},
                         {"restart-strategy.fixed-delay.attempts", attempts}});
        EXPECT_FALSE(s->onFailure(t0)) << attempts;
    }
}

TEST(RestartStrategy, FailureRateAllowsMaxFailuresWithinTheInterval) {
    auto s = create({{"restart-strategy.type", "failure-rate"},
                     {"restart-strategy.failure-rate.max-failures-per-interval", "2"},
                     {"restart-strategy.failure-rate.failure-rate-interval", "10s"},
                     {"restart-strategy.failure-rate.delay", "5ms"}});
    EXPECT_EQ(s->onFailure(t0), Duration(5));
    EXPECT_EQ(s->onFailure(t0 + 4s), Duration(5));
    EXPECT_FALSE(s->onFailure(t0 + 9s));  // the third within 10 s
}

TEST(RestartStrategy, FailureRateForgetsFailuresOlderThanTheInterval) {
    auto s = create({{"restart-strategy.type", "failure-rate"},
                     {"restart-strategy.failure-rate.max-failures-per-interval", "2"},
                     {"restart-strategy.failure-rate.failure-rate-interval", "10s"},
                     {"restart-strategy.failure-rate.delay", "0ms"}});
    auto last = t0;
    // One failure every 6 s: never more than two within any 10 s.
    for (int i = 0; i < 20; ++i) {
        last = t0 + std::chrono::seconds(6 * i);
        ASSERT_TRUE(s->onFailure(last)) << i;
    }
    // One more 1 s after the last makes three within 10 s (last - 6 s, last, last + 1 s).
    EXPECT_FALSE(s->onFailure(last + 1s));
    EXPECT_EQ(s->describe(), "failure-rate (2 failures per 10000 ms)");
}

TEST(RestartStrategy, FailureRateDefaultsToOneFailurePerMinute) {
    auto s = create({{"restart-strategy.type", "failurerate"}});
    EXPECT_EQ(s->onFailure(t0), Duration(1000));
    EXPECT_FALSE(s->onFailure(t0 + 59s));
    auto t = create({{"restart-strategy.type", "FAILURE_RATE"}});
    EXPECT_TRUE(t->onFailure(t0));
    EXPECT_TRUE(t->onFailure(t0 + 61s));
}

std::unique_ptr<RestartStrategy> exponential(const std::string& jitter = "0",
                                             const std::string& attempts = "") {
    Configuration config;
    config.setString("restart-strategy.type", "exponential-delay");
    config.setString("restart-strategy.exponential-delay.initial-backoff", "100ms");
    config.setString("restart-strategy.exponential-delay.max-backoff", "1s");
    config.setString("restart-strategy.exponential-delay.backoff-multiplier", "2");
    config.setString("restart-strategy.exponential-delay.reset-backoff-threshold", "1min");
    config.setString("restart-strategy.exponential-delay.jitter-factor", jitter);
    if (!attempts.empty())
        config.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff",
                         attempts);
    return RestartStrategy::create(config);
}

TEST(RestartStrategy, ExponentialDelayGrowsByTheMultiplierUpToTheMaximum) {
    auto s = exponential();
    std::vector<int64_t> delays;
    auto t = t0;
    for (int i = 0; i < 7; ++i, t += 1s) delays.push_back(s->onFailure(t).value().count());
    EXPECT_EQ(delays, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000, 1000}));
}

TEST(RestartStrategy, ExponentialDelayResetsAfterTheThresholdWithoutFailure) {
    auto s = exponential();
    EXPECT_EQ(s->onFailure(t0), Duration(100));
    EXPECT_EQ(s->onFailure(t0 + 1s), Duration(200));
    EXPECT_EQ(s->onFailure(t0 + 2s), Duration(400));
    // A quiet minute: back to the initial backoff.
    EXPECT_EQ(s->onFailure(t0 + 2s + 60s), Duration(100));
    EXPECT_EQ(s->onFailure(t0 + 2s + 61s), Duration(200));
    // Just under the threshold is not quiet enough.
    EXPECT_EQ(s->onFailure(t0 + 2s + 61s + 59s), Duration(400));
}

TEST(RestartStrategy, ExponentialDelayStopsAfterItsAttemptsUntilTheReset) {
    auto s = exponential("0", "2");
    EXPECT_TRUE(s->onFailure(t0));
    EXPECT_TRUE(s->onFailure(t0 + 1s));
    EXPECT_FALSE(s->onFailure(t0 + 2s));
    EXPECT_EQ(s->describe(), "exponential-delay (2 attempts)");
    // After the reset threshold the attempts count again.
    EXPECT_EQ(s->onFailure(t0 + 2s + 60s), Duration(100));
}

TEST(RestartStrategy, ExponentialDelayJitterStaysWithinTheFactor) {
    auto s = exponential("0.5");
    std::set<int64_t> seen;
    auto t = t0;
    // Always the first failure after a reset, so the base is 100 ms each time.
    for (int i = 0; i < 200; ++i, t += 61s) {
        int64_t d = s->onFailure(t).value().count();
        EXPECT_GE(d, 50);
        EXPECT_LE(d, 150);
        seen.insert(d);
    }
    EXPECT_GT(seen.size(), 10u) << "jitter does not vary the delay";
}

TEST(RestartStrategy, ExponentialDelayDefaults) {
    auto s = create({{"restart-strategy.type", "exponential-delay"},
                     {"restart-strategy.exponential-delay.jitter-factor", "0"}});
    EXPECT_EQ(s->onFailure(t0), Duration(1000));
    EXPECT_EQ(s->onFailure(t0 + 1s), Duration(1500));
    EXPECT_EQ(s->onFailure(t0 + 2s), Duration(2250));
}

TEST(RestartStrategy, ExponentialDelayRejectsBadMultiplierAndJitter) {
    EXPECT_THROW(create({{"restart-strategy.type", "exponential-delay"},
                         {"restart-strategy.exponential-delay.backoff-multiplier", "0.5"}}),
                 ConfigException);
    EXPECT_THROW(create({{"restart-strategy.type", "exponential-delay"},
                         {"restart-strategy.exponential-delay.jitter-factor", "1.5"}}),
                 ConfigException);
    EXPECT_THROW(create({{"restart-strategy.type", "exponential-delay"},
                         {"restart-strategy.exponential-delay.jitter-factor", "-0.1"}}),
                 ConfigException);
}

TEST(RestartStrategy, UnknownTypeIsAConfigErrorListingTheChoices) {
    try {
        create({{"restart-strategy.type", "sometimes"}});
        FAIL() << "no exception";
    } catch (const ConfigException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("sometimes"), std::string::npos) << m;
        EXPECT_NE(m.find("restart-strategy.type"), std::string::npos) << m;
        EXPECT_NE(m.find("fixed-delay"), std::string::npos) << m;
    }
}

TEST(RestartStrategy, MalformedValuesAreConfigErrors) {
    EXPECT_THROW(create({{"restart-strategy.type", "fixed-delay"},
                         {"restart-strategy.fixed-delay.attempts", "many"}}),
                 ConfigException);
    EXPECT_THROW(create({{"restart-strategy.type", "fixed-delay"},
                         {"restart-strategy.fixed-delay.delay", "soon"}}),
                 ConfigException);
    EXPECT_THROW(create({{"restart-strategy.type", "failure-rate"},
                         {"restart-strategy.failure-rate.failure-rate-interval", "x"}}),
                 ConfigException);
}

}  // namespace
}  // namespace weir
