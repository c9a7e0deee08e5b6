#pragma once
// DataGeneratorSource<T>: records made by a function of their index, as Flink's
// DataGeneratorSource. The indices 0..count-1 are split into one contiguous range per subtask
// (as NumberSequenceSource splits its numbers), and each subtask calls its own copy of the
// generator with the indices of its range, in order. count = kUnbounded makes an endless source.
//
// An optional RateLimiterStrategy caps the total rate. A reader that is ahead of schedule returns
// NOTHING_AVAILABLE without sleeping and without calling wakeUp: the task re-polls a reader that
// had nothing within 10 ms, which is when the next record is due at the rates this is meant for.
//
//   DataGeneratorSource<std::string> source([](int64_t i) { return "event-" + std::to_string(i); },
//                                           1'000'000, RateLimiterStrategy::perSecond(100));

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "weir/connectors/datagen/rate_limiter_strategy.h"
#include "weir/connectors/index_range_splits.h"
#include "weir/core/exceptions.h"
#include "weir/functions/source.h"

namespace weir {

template <class T>
class DataGeneratorSource final : public Source<T> {
public:
    /// The count of an endless source.
    static constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

    /// Throws InvalidProgramException if `generator` is empty or `count` is negative.
    DataGeneratorSource(std::function<T(int64_t index)> generator, int64_t count,
                        RateLimiterStrategy rate = RateLimiterStrategy::noOp())
        : generator_(std::move(generator)), count_(count), rate_(std::move(rate)) {
        if (!generator_)
            throw InvalidProgramException("DataGeneratorSource: the generator is empty");
        if (count_ < 0)
            throw InvalidProgramException("DataGeneratorSource: count must not be negative, got " +
                                          std::to_string(count_));
    }

    Boundedness getBoundedness() const override {
        return count_ == kUnbounded ? Boundedness::CONTINUOUS_UNBOUNDED : Boundedness::BOUNDED;
    }

    std::unique_ptr<SourceReader<T>> createReader(const SourceReaderContext& ctx) const override {
        int32_t parallelism = ctx.parallelism > 0 ? ctx.parallelism : 1;
        auto share = [&](int32_t i) {
            return static_cast<int64_t>(static_cast<unsigned __int128>(count_) * i / parallelism);
        };
        return std::make_unique<Reader>(generator_, ctx, share(ctx.subtaskIndex),
                                        share(ctx.subtaskIndex + 1),
                                        rate_.createRateLimiter(parallelism));
    }

    int64_t count() const { return count_; }
    const RateLimiterStrategy& rateLimiterStrategy() const { return rate_; }

private:
    /// Position: the index ranges it has left (a checkpoint rewinds to them).
    class Reader final : public SourceReader<T> {
    public:
        Reader(std::function<T(int64_t)> generator, const SourceReaderContext& ctx, int64_t begin,
               int64_t end, RateLimiter limiter)
            : generator_(std::move(generator)),
              splits_(ctx, begin, end),
              limiter_(std::move(limiter)) {}

        InputStatus pollNext(ReaderOutput<T>& out) override {
            if (splits_.empty()) return InputStatus::END_OF_INPUT;
            if (!limiter_.tryAcquire()) return InputStatus::NOTHING_AVAILABLE;
            // Up to kRecordsPerPoll records while the rate limiter lets them through.
            out.collect(generator_(splits_.take()));
            for (int n = 1; n < kRecordsPerPoll && !splits_.empty() && limiter_.tryAcquire(); ++n)
                out.collect(generator_(splits_.take()));
            return splits_.empty() ? InputStatus::END_OF_INPUT : InputStatus::MORE_AVAILABLE;
        }
        std::vector<std::string> snapshotState(int64_t) override { return splits_.snapshot(); }

    private:
        std::function<T(int64_t)> generator_;  // this subtask's own copy
        IndexRangeSplits splits_;
        RateLimiter limiter_;
    };

    std::function<T(int64_t index)> generator_;
    int64_t count_;
    RateLimiterStrategy rate_;
};

}  // namespace weir
