#pragma once
// Built-in bounded sources: a collection of values (fromElements / fromCollection; not parallel)
// and a sequence of numbers (fromSequence; split evenly among the subtasks).

#include <memory>
#include <vector>

#include "weir/api/source.h"

namespace weir {

template <class T>
class CollectionSource final : public Source<T> {
public:
    explicit CollectionSource(std::vector<T> values)
        : values_(std::make_shared<const std::vector<T>>(std::move(values))) {}
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    std::unique_ptr<SourceReader<T>> createReader(const SourceReaderContext&) const override {
        return std::make_unique<Reader>(values_);
    }

private:
    class Reader final : public SourceReader<T> {
    public:
        explicit Reader(std::shared_ptr<const std::vector<T>> values)
            : values_(std::move(values)) {}
        InputStatus pollNext(ReaderOutput<T>& out) override {
            if (next_ >= values_->size()) return InputStatus::END_OF_INPUT;
            out.collect((*values_)[next_++]);
            return next_ < values_->size() ? InputStatus::MORE_AVAILABLE
                                           : InputStatus::END_OF_INPUT;
        }

    private:
        std::shared_ptr<const std::vector<T>> values_;
        size_t next_ = 0;
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
        if (to_ < from_) return std::make_unique<Reader>(1, 0);
        // Count in unsigned arithmetic: to - from + 1 may not fit in int64.
        uint64_t count = static_cast<uint64_t>(to_) - static_cast<uint64_t>(from_) + 1;
        auto share = [&](int32_t i) {
            return static_cast<uint64_t>((static_cast<unsigned __int128>(count) * i) /
                                         ctx.parallelism);
        };
        uint64_t begin = share(ctx.subtaskIndex), end = share(ctx.subtaskIndex + 1);
        return std::make_unique<Reader>(
            static_cast<int64_t>(static_cast<uint64_t>(from_) + begin),
            static_cast<int64_t>(static_cast<uint64_t>(from_) + end - 1));
    }

private:
    class Reader final : public SourceReader<int64_t> {
    public:
        Reader(int64_t first, int64_t last) : next_(first), last_(last), empty_(last < first) {}
        InputStatus pollNext(ReaderOutput<int64_t>& out) override {
            if (empty_) return InputStatus::END_OF_INPUT;
            out.collect(next_);
            if (next_ == last_) {
                empty_ = true;
                return InputStatus::END_OF_INPUT;
            }
            ++next_;
            return InputStatus::MORE_AVAILABLE;
        }

    private:
        int64_t next_;
        int64_t last_;
        bool empty_;
    };
    int64_t from_;
    int64_t to_;
};

}  // namespace weir
