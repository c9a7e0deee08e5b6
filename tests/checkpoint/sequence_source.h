#pragma once
// SequenceSource: the source of the failure-injection tests. Key k (0..numKeys-1) gets the
// sequence numbers 1..count, one record (k, n) at a time, round robin over the keys of a reader;
// subtask i of p starts with the keys k with k % p == i. Each key is one split (key, next
// number), so after a restore, at any parallelism, every key continues from its checkpointed
// number in exactly one reader. A reader emits at most `ratePerMs` records per millisecond, so a
// run lasts long enough for checkpoints and failures to happen in the middle.
//
// While the failure-injection tests still have failures to inject (gFailuresLeft > 0), a reader
// holds back the last number of every key and says so in gSourceHolding: the job cannot end
// before its failures happened, however slow the machine, and the failing mapper knows it may
// fail without waiting for more records.

#include <atomic>
#include <chrono>
#include <deque>
#include <utility>

#include "weir/weir.h"

namespace weir::testing {

using KeyedSeq = std::pair<int32_t, int64_t>;  // (key, sequence number)

/// Failures the test still wants injected, and whether a reader is holding back its last
/// records because of them.
inline std::atomic<int> gFailuresLeft{0};
inline std::atomic<bool> gSourceHolding{false};

class SequenceSource final : public Source<KeyedSeq> {
public:
    SequenceSource(int32_t numKeys, int64_t count, double ratePerMs)
        : numKeys_(numKeys), count_(count), ratePerMs_(ratePerMs) {}
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    std::unique_ptr<SourceReader<KeyedSeq>> createReader(
        const SourceReaderContext& ctx) const override {
        std::deque<std::pair<int32_t, int64_t>> splits;  // (key, next number)
        if (ctx.restoredSplits) {
            for (const auto& s : *ctx.restoredSplits)
                splits.push_back(deserializeFromString<std::pair<int32_t, int64_t>>(s));
        } else {
            for (int32_t k = 0; k < numKeys_; ++k)
                if (k % ctx.parallelism == ctx.subtaskIndex) splits.emplace_back(k, 1);
        }
        return std::make_unique<Reader>(std::move(splits), count_, ratePerMs_);
    }

private:
    class Reader final : public SourceReader<KeyedSeq> {
    public:
        Reader(std::deque<std::pair<int32_t, int64_t>> splits, int64_t count, double ratePerMs)
            : splits_(std::move(splits)),
              count_(count),
              ratePerMs_(ratePerMs),
              start_(std::chrono::steady_clock::now()) {}
        InputStatus pollNext(ReaderOutput<KeyedSeq>& out) override {
            while (!splits_.empty() && splits_.front().second > count_) splits_.pop_front();
            if (splits_.empty()) return InputStatus::END_OF_INPUT;
            double elapsedMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                    .count();
            if (static_cast<double>(emitted_) > elapsedMs * ratePerMs_)
                return InputStatus::NOTHING_AVAILABLE;
            if (gFailuresLeft.load() > 0) {
                // Hold back each key's last number while failures are still to come.
                size_t held = 0;
                while (held < splits_.size() && splits_.front().second >= count_) {
                    splits_.push_back(splits_.front());
                    splits_.pop_front();
                    ++held;
                }
                if (held == splits_.size()) {
                    gSourceHolding = true;
                    return InputStatus::NOTHING_AVAILABLE;
                }
            }
            auto split = splits_.front();
            splits_.pop_front();
            out.collect(KeyedSeq(split.first, split.second));
            ++emitted_;
            if (++split.second <= count_) splits_.push_back(split);
            return splits_.empty() ? InputStatus::END_OF_INPUT : InputStatus::MORE_AVAILABLE;
        }
        std::vector<std::string> snapshotState(int64_t) override {
            std::vector<std::string> out;
            for (const auto& s : splits_) out.push_back(serializeToString(s));
            return out;
        }

    private:
        std::deque<std::pair<int32_t, int64_t>> splits_;
        int64_t count_;
        double ratePerMs_;
        std::chrono::steady_clock::time_point start_;
        int64_t emitted_ = 0;
    };
    int32_t numKeys_;
    int64_t count_;
    double ratePerMs_;
};

}  // namespace weir::testing
