#pragma once
// Built-in bounded sources: a collection of values (fromElements / fromCollection; not parallel)
// and a sequence of numbers (fromSequence; split evenly among the subtasks).

#include <memory>
#include <vector>

#include "weir/connectors/index_range_splits.h"
#include "weir/functions/source.h"

namespace weir {

template <class T>
class CollectionSource final : public Source<T> {
public:
    explicit CollectionSource(std::vector<T> values)
        : values_(std::make_shared<const std::vector<T>>(std::move(values))) {}
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    std::unique_ptr<SourceReader<T>> createReader(const SourceReaderContext& ctx) const override {
        return std::make_unique<Reader>(values_, ctx);
    }

private:
    /// Position: the index of the next value (a checkpoint rewinds to it).
    class Reader final : public SourceReader<T> {
    public:
        Reader(std::shared_ptr<const std::vector<T>> values, const SourceReaderContext& ctx)
            : values_(std::move(values)), splits_(ctx, 0, static_cast<int64_t>(values_->size())) {}
        InputStatus pollNext(ReaderOutput<T>& out) override {
            if (splits_.empty()) return InputStatus::END_OF_INPUT;
            // A batch per poll: the task checks for mail and backpressure between polls, and
            // a checkpoint's position is taken between them too.
            for (int n = 0; n < kRecordsPerPoll && !splits_.empty(); ++n) {
                int64_t i = splits_.take();
                if (i < 0 || static_cast<size_t>(i) >= values_->size())
                    throw StateMigrationException("restored collection position " +
                                                  std::to_string(i) +
                                                  " is outside the collection of " +
                                                  std::to_string(values_->size()) + " values");
                out.collect((*values_)[static_cast<size_t>(i)]);
            }
            return splits_.empty() ? InputStatus::END_OF_INPUT : InputStatus::MORE_AVAILABLE;
        }
        std::vector<std::string> snapshotState(int64_t) override { return splits_.snapshot(); }

    private:
        std::shared_ptr<const std::vector<T>> values_;
        IndexRangeSplits splits_;
    };
    std::shared_ptr<const std::vector<T>> values_;
};

/// The numbers from..to (both inclusive), split into one contiguous range per subtask.
class NumberSequenceSource final : public Source<int64_t> {
public:
    NumberSequenceSource(int64_t from, int64_t to) : from_(from), to_(to) {}
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    std::unique_ptr<SourceReader<int64_t>> createReader(
        const SourceReaderContext& ctx) const override {
        // Readers count offsets from `from` in unsigned arithmetic: to - from + 1 may not fit.
        uint64_t count =
            to_ < from_ ? 0 : static_cast<uint64_t>(to_) - static_cast<uint64_t>(from_) + 1;
        auto share = [&](int32_t i) {
            return static_cast<int64_t>((static_cast<unsigned __int128>(count) * i) /
                                        ctx.parallelism);
        };
        // Offsets fit in int64 except for the full int64 range, which nobody enumerates.
        return std::make_unique<Reader>(from_, ctx, share(ctx.subtaskIndex),
                                        share(ctx.subtaskIndex + 1));
    }

private:
    /// Position: the offsets (from `from`) it has left, as index ranges.
    class Reader final : public SourceReader<int64_t> {
    public:
        Reader(int64_t from, const SourceReaderContext& ctx, int64_t begin, int64_t end)
            : from_(from), splits_(ctx, begin, end) {}
        InputStatus pollNext(ReaderOutput<int64_t>& out) override {
            if (splits_.empty()) return InputStatus::END_OF_INPUT;
            for (int n = 0; n < kRecordsPerPoll && !splits_.empty(); ++n)
                out.collect(static_cast<int64_t>(static_cast<uint64_t>(from_) +
                                                 static_cast<uint64_t>(splits_.take())));
            return splits_.empty() ? InputStatus::END_OF_INPUT : InputStatus::MORE_AVAILABLE;
        }
        std::vector<std::string> snapshotState(int64_t) override { return splits_.snapshot(); }

    private:
        int64_t from_;
        IndexRangeSplits splits_;
    };
    int64_t from_;
    int64_t to_;
};

}  // namespace weir
