#include "weir/core/time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string parseError(std::string_view text) {
    try {
        parseDuration(text);
    } catch (const ConfigException& e) {
        return e.what();
    }
    ADD_FAILURE() << "parseDuration('" << text << "') did not throw";
    return "";
}

TEST(ParseDuration, BareNumberIsMilliseconds) {
    EXPECT_EQ(parseDuration("0"), 0ms);
    EXPECT_EQ(parseDuration("1500"), 1500ms);
}

TEST(ParseDuration, AcceptsEveryMillisecondUnitName) {
    for (const char* text : {"250ms", "250milli", "250millis", "250millisecond", "250milliseconds"})
        EXPECT_EQ(parseDuration(text), 250ms) << text;
}

TEST(ParseDuration, AcceptsEverySecondUnitName) {
    for (const char* text : {"10s", "10sec", "10secs", "10second", "10seconds"})
        EXPECT_EQ(parseDuration(text), 10s) << text;
}

TEST(ParseDuration, AcceptsEveryMinuteUnitName) {
    for (const char* text : {"3min", "3m", "3minute", "3minutes"})
        EXPECT_EQ(parseDuration(text), 3min) << text;
}

TEST(ParseDuration, AcceptsEveryHourUnitName) {
    for (const char* text : {"2h", "2hour", "2hours"}) EXPECT_EQ(parseDuration(text), 2h) << text;
}

TEST(ParseDuration, AcceptsEveryDayUnitName) {
    for (const char* text : {"1d", "1day", "1days"}) EXPECT_EQ(parseDuration(text), 24h) << text;
    EXPECT_EQ(parseDuration("7 days"), 7 * 24h);
}

TEST(ParseDuration, UnitsAreCaseInsensitive) {
    EXPECT_EQ(parseDuration("200MS"), 200ms);
    EXPECT_EQ(parseDuration("10Sec"), 10s);
    EXPECT_EQ(parseDuration("1MIN"), 1min);
    EXPECT_EQ(parseDuration("1M"), 1min);
    EXPECT_EQ(parseDuration("2Hours"), 2h);
    EXPECT_EQ(parseDuration("1D"), 24h);
}

TEST(ParseDuration, AllowsWhitespaceBetweenNumberAndUnitAndAround) {
    EXPECT_EQ(parseDuration("10 s"), 10s);
    EXPECT_EQ(parseDuration("10\t  min"), 10min);
    EXPECT_EQ(parseDuration("  42ms  "), 42ms);
    EXPECT_EQ(parseDuration(" 7 "), 7ms);
}

TEST(ParseDuration, AcceptsLargestRepresentableValue) {
    EXPECT_EQ(parseDuration("9223372036854775807"), Duration::max());
    EXPECT_EQ(parseDuration("106751991167d"), Duration(106751991167LL * 86'400'000LL));
}

TEST(ParseDuration, NegativeDurationIsRejectedNamingTheText) {
    std::string message = parseError("-5s");
    EXPECT_THAT(message, HasSubstr("'-5s'"));
    EXPECT_THAT(message, HasSubstr("negative"));
}

TEST(ParseDuration, NonNumericTextIsRejectedNamingTheText) {
    std::string message = parseError("soon");
    EXPECT_THAT(message, HasSubstr("invalid duration 'soon'"));
    EXPECT_THAT(message, HasSubstr("does not start with a number"));
}

TEST(ParseDuration, EmptyOrBlankTextIsRejected) {
    EXPECT_THAT(parseError(""), HasSubstr("empty"));
    EXPECT_THAT(parseError("   "), HasSubstr("empty"));
}

TEST(ParseDuration, UnknownUnitIsRejectedNamingUnitAndListingTheValidOnes) {
    std::string message = parseError("5 fortnights");
    EXPECT_THAT(message, HasSubstr("'5 fortnights'"));
    EXPECT_THAT(message, HasSubstr("unknown time unit 'fortnights'"));
    EXPECT_THAT(message, HasSubstr("min/m/minute/minutes"));
}

TEST(ParseDuration, FractionsSignsAndTrailingGarbageAreRejected) {
    EXPECT_THROW(parseDuration("1.5s"), ConfigException);
    EXPECT_THROW(parseDuration("+5s"), ConfigException);
    EXPECT_THROW(parseDuration("5s later"), ConfigException);
    EXPECT_THROW(parseDuration("5 s s"), ConfigException);
    EXPECT_THROW(parseDuration("1h30min"), ConfigException);
    EXPECT_THROW(parseDuration("ms"), ConfigException);
}

TEST(ParseDuration, OverflowIsRejected) {
    EXPECT_THAT(parseError("9223372036854775808"), HasSubstr("too large"));
    EXPECT_THAT(parseError("99999999999999999999999ms"), HasSubstr("too large"));
    EXPECT_THAT(parseError("106751991168d"), HasSubstr("too long"));
}

TEST(FormatDuration, UsesLargestUnitThatDividesExactly) {
    EXPECT_EQ(formatDuration(2h), "2h");
    EXPECT_EQ(formatDuration(1min), "1min");
    EXPECT_EQ(formatDuration(3s), "3s");
    EXPECT_EQ(formatDuration(150ms), "150ms");
    EXPECT_EQ(formatDuration(48h), "2d");
    EXPECT_EQ(formatDuration(90s), "90s");
    EXPECT_EQ(formatDuration(90min), "90min");
    EXPECT_EQ(formatDuration(1001ms), "1001ms");
}

TEST(FormatDuration, ZeroIsZeroMilliseconds) {
    EXPECT_EQ(formatDuration(0ms), "0ms");
}

TEST(FormatDuration, NegativeDurationKeepsItsSign) {
    EXPECT_EQ(formatDuration(-3s), "-3s");
}

TEST(FormatDuration, RoundTripsThroughParseDuration) {
    for (Duration d : {Duration(0), Duration(1), Duration(999), Duration(60'000), Duration(61'000),
                       Duration(3'600'000), Duration(86'400'000), Duration::max()}) {
        EXPECT_EQ(parseDuration(formatDuration(d)), d) << formatDuration(d);
    }
}

TEST(CurrentTimeMillis, FollowsTheSystemClock) {
    using namespace std::chrono;
    int64_t before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    int64_t now = currentTimeMillis();
    int64_t after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    EXPECT_LE(before, now);
    EXPECT_LE(now, after);
}

TEST(TimeConstants, WatermarkBoundsAreTheInt64Extremes) {
    EXPECT_LT(kMinWatermark, 0);
    EXPECT_EQ(kMaxWatermark, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(kNoTimestamp, std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace weir
