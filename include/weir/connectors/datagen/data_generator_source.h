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

#include "weir/api/source.h"
#include "weir/connectors/datagen/rate_limiter_strategy.h"
#include "weir/core/exceptions.h"

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
        return std::make_unique<Reader>(generator_, share(ctx.subtaskIndex),
                                        share(ctx.subtaskIndex + 1),
                                        rate_.createRateLimiter(parallelism));
    }

    int64_t count() const { return count_; }
    const RateLimiterStrategy& rateLimiterStrategy() const { return rate_; }

private:
    class Reader final : public SourceReader<T> {
    public:
        Reader(std::function<T(int64_t)> generator, int64_t begin, int64_t end, RateLimiter limiter)
            : generator_(std::move(generator)),
              next_(begin),
              end_(end),
              limiter_(std::move(limiter)) {}

        InputStatus pollNext(ReaderOutput<T>& out) override {
            if (next_ >= end_) return InputStatus::END_OF_INPUT;
            if (!limiter_.tryAcquire()) return InputStatus::NOTHING_AVAILABLE;
            out.collect(generator_(next_++));
            return next_ < end_ ? InputStatus::MORE_AVAILABLE : InputStatus::END_OF_INPUT;
        }

    private:
        std::function<T(int64_t)> generator_;  // this subtask's own copy
        int64_t next_;
        int64_t end_;  // exclusive
        RateLimiter limiter_;
    };

    std::function<T(int64_t index)> generator_;
    int64_t count_;
    RateLimiterStrategy rate_;
};

}  // namespace weir
