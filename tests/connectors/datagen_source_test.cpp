#include "weir/connectors/datagen/data_generator_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <class T>
class CollectingOutput final : public ReaderOutput<T> {
public:
    void collect(const T& value) override { values.push_back(value); }
    void collect(const T& value, int64_t) override { values.push_back(value); }
    std::vector<T> values;
};

template <class T>
std::unique_ptr<SourceReader<T>> makeReader(const Source<T>& source, int32_t index,
                                            int32_t parallelism) {
    SourceReaderContext context;
    context.subtaskIndex = index;
    context.parallelism = parallelism;
    auto reader = source.createReader(context);
    reader->start();
    return reader;
}

/// Polls until END_OF_INPUT; on NOTHING_AVAILABLE re-polls after 1 ms as the task would.
template <class T>
std::vector<T> pollToEnd(SourceReader<T>& reader) {
    CollectingOutput<T> out;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        InputStatus status = reader.pollNext(out);
        if (status == InputStatus::END_OF_INPUT) return out.values;
        if (status == InputStatus::NOTHING_AVAILABLE) std::this_thread::sleep_for(1ms);
    }
    ADD_FAILURE() << "reader did not end";
    return out.values;
}

/// A clock the test moves by hand.
struct FakeClock {
    std::shared_ptr<std::chrono::nanoseconds> now = std::make_shared<std::chrono::nanoseconds>(0);
    MonotonicClock clock() const {
        return [now = now] { return *now; };
    }
    void advance(std::chrono::nanoseconds d) const { *now += d; }
};

TEST(DataGeneratorSource, BoundedCountIsSplitIntoContiguousRangesPerSubtask) {
    DataGeneratorSource<std::string> source([](int64_t i) { return "r" + std::to_string(i); }, 10);
    EXPECT_EQ(source.getBoundedness(), Boundedness::BOUNDED);
    for (int32_t p = 1; p <= 4; ++p) {
        std::vector<std::string> all;
        for (int32_t i = 0; i < p; ++i) {
            std::vector<std::string> part = pollToEnd(*makeReader(source, i, p));
            EXPECT_GE(part.size(), static_cast<size_t>(10 / p));
            EXPECT_LE(part.size(), static_cast<size_t>(10 / p + 1));
            all.insert(all.end(), part.begin(), part.end());
        }
        EXPECT_THAT(all, ElementsAre("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"))
            << p;
    }
}

TEST(DataGeneratorSource, LastRecordComesWithEndOfInput) {
    DataGeneratorSource<int64_t> source([](int64_t i) { return i * i; }, 3);
    auto reader = makeReader(source, 0, 1);
    CollectingOutput<int64_t> out;
    // One batch holds all three; the poll that emits the last record says END_OF_INPUT.
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT);
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT);
    EXPECT_THAT(out.values, ElementsAre(0, 1, 4));
}

TEST(DataGeneratorSource, MoreSubtasksThanRecordsLeavesSomeEmpty) {
    DataGeneratorSource<int64_t> source([](int64_t i) { return i; }, 2);
    std::vector<int64_t> all;
    for (int32_t i = 0; i < 4; ++i) {
        std::vector<int64_t> part = pollToEnd(*makeReader(source, i, 4));
        all.insert(all.end(), part.begin(), part.end());
    }
    EXPECT_THAT(all, ElementsAre(0, 1));
    EXPECT_THAT(
        pollToEnd(*makeReader(DataGeneratorSource<int64_t>([](int64_t i) { return i; }, 0), 0, 1)),
        IsEmpty());
}

TEST(DataGeneratorSource, UnboundedCountNeverEnds) {
    DataGeneratorSource<int64_t> source([](int64_t i) { return i; },
                                        DataGeneratorSource<int64_t>::kUnbounded);
    EXPECT_EQ(source.getBoundedness(), Boundedness::CONTINUOUS_UNBOUNDED);
    auto reader = makeReader(source, 0, 2);
    CollectingOutput<int64_t> out;
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    std::vector<int64_t> expected(1000 * kRecordsPerPoll);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(out.values, expected);
}

TEST(DataGeneratorSource, EachSubtaskCallsItsOwnCopyOfTheGenerator) {
    int64_t calls = 0;  // captured by value: each copy counts its own calls
    DataGeneratorSource<int64_t> source([calls](int64_t) mutable { return calls++; }, 6);
    std::vector<int64_t> all;
    for (int32_t i = 0; i < 2; ++i) {
        std::vector<int64_t> part = pollToEnd(*makeReader(source, i, 2));
        all.insert(all.end(), part.begin(), part.end());
    }
    EXPECT_THAT(all, ElementsAre(0, 1, 2, 0, 1, 2));
}

TEST(DataGeneratorSource, InvalidArgumentsAreRejected) {
    EXPECT_THROW(DataGeneratorSource<int64_t>([](int64_t i) { return i; }, -1),
                 InvalidProgramException);
    EXPECT_THROW(DataGeneratorSource<int64_t>(nullptr, 5), InvalidProgramException);
    EXPECT_THROW(RateLimiterStrategy::perSecond(0), InvalidProgramException);
    EXPECT_THROW(RateLimiterStrategy::perSecond(-3), InvalidProgramException);
}

TEST(DataGeneratorSource, UnlimitedReaderEmitsABatchPerPoll) {
    DataGeneratorSource<int64_t> source([](int64_t i) { return i * 2; }, 100);
    auto reader = makeReader(source, 0, 1);
    CollectingOutput<int64_t> out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    ASSERT_EQ(out.values.size(), static_cast<size_t>(kRecordsPerPoll));
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT);
    ASSERT_EQ(out.values.size(), 100u);
    for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(out.values[static_cast<size_t>(i)], 2 * i);
}

TEST(DataGeneratorSource, RateLimitedBatchStopsWhereTheLimiterDoes) {
    FakeClock time;
    // 10 records/s on one subtask: after a 500 ms stall, about 5 records at once, not 64.
    DataGeneratorSource<int64_t> source([](int64_t i) { return i; }, 1000,
                                        RateLimiterStrategy::perSecond(10, time.clock()));
    auto reader = makeReader(source, 0, 1);
    CollectingOutput<int64_t> out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    time.advance(500ms);
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_GE(out.values.size(), 5u);
    EXPECT_LE(out.values.size(), 7u);
}

TEST(DataGeneratorSource, RateLimitedReaderReturnsNothingAvailableWhenAheadOfSchedule) {
    FakeClock time;
    // 10 records/s in total over 2 subtasks: one record every 200 ms per subtask.
    DataGeneratorSource<int64_t> source([](int64_t i) { return i; }, 100,
                                        RateLimiterStrategy::perSecond(10, time.clock()));
    auto reader = makeReader(source, 1, 2);
    CollectingOutput<int64_t> out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    time.advance(199ms);
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    time.advance(1ms);
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    EXPECT_THAT(out.values, ElementsAre(50, 51));
}

TEST(DataGeneratorSource, RateLimiterCatchesUpAtMostOneSecondAfterAStall) {
    FakeClock time;
    RateLimiter limiter = RateLimiterStrategy::perSecond(10, time.clock()).createRateLimiter(1);
    EXPECT_TRUE(limiter.tryAcquire());
    time.advance(10s);
    int burst = 0;
    while (limiter.tryAcquire()) ++burst;
    EXPECT_GE(burst, 10);
    EXPECT_LE(burst, 12);
}

TEST(DataGeneratorSource, NoOpRateLimiterAlwaysPermits) {
    RateLimiter limiter = RateLimiterStrategy::noOp().createRateLimiter(4);
    EXPECT_FALSE(limiter.isLimited());
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.tryAcquire());
}

TEST(DataGeneratorSource, RateLimitedSourceEventuallyProducesAllRecords) {
    DataGeneratorSource<int64_t> source([](int64_t i) { return i; }, 40,
                                        RateLimiterStrategy::perSecond(2000));
    std::vector<int64_t> all;
    for (int32_t i = 0; i < 2; ++i) {
        std::vector<int64_t> part = pollToEnd(*makeReader(source, i, 2));
        all.insert(all.end(), part.begin(), part.end());
    }
    std::vector<int64_t> expected(40);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(all, expected);
}

}  // namespace
}  // namespace weir
