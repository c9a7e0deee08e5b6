#pragma once
// IndexRangeSplits: the position of a reader whose records are numbered (collections, number
// sequences, generators): the ranges of indices [next, end) it has left. Each range is one split
// in checkpoints, so after rescaling every range is resumed by exactly one reader.

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "weir/core/serializer.h"
#include "weir/functions/source.h"

namespace weir {

/// How many records the built-in readers (collection, sequence, data generator, text file) emit
/// per poll at most: one task-loop turn per batch instead of per record.
inline constexpr int kRecordsPerPoll = 64;

class IndexRangeSplits {
public:
    /// A fresh reader gets [begin, end); a restored one the ranges in ctx.restoredSplits.
    IndexRangeSplits(const SourceReaderContext& ctx, int64_t begin, int64_t end) {
        if (!ctx.restoredSplits) {
            if (begin < end) ranges_.emplace_back(begin, end);
            return;
        }
        for (const auto& split : *ctx.restoredSplits) {
            auto range = deserializeFromString<std::pair<int64_t, int64_t>>(split);
            if (range.first < range.second) ranges_.push_back(range);
        }
    }
    bool empty() const { return ranges_.empty(); }
    /// The next index; call only when !empty().
    int64_t take() {
        auto& r = ranges_.front();
        int64_t i = r.first++;
        if (r.first >= r.second) ranges_.pop_front();
        return i;
    }
    std::vector<std::string> snapshot() const {
        std::vector<std::string> out;
        for (const auto& r : ranges_) out.push_back(serializeToString(r));
        return out;
    }

private:
    std::deque<std::pair<int64_t, int64_t>> ranges_;
};

}  // namespace weir
