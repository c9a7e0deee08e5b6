// The built-in sequence and collection readers: a batch of records per poll, and a position
// taken between polls that a restored reader (also at another parallelism) resumes exactly.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "weir/connectors/collection_source.h"

namespace weir {
namespace {

template <class T>
struct Recorder final : ReaderOutput<T> {
    std::vector<T> values;
    void collect(const T& v) override { values.push_back(v); }
    void collect(const T& v, int64_t) override { values.push_back(v); }
};

SourceReaderContext context(int32_t index, int32_t parallelism,
                            std::optional<std::vector<std::string>> restored = std::nullopt) {
    SourceReaderContext ctx;
    ctx.subtaskIndex = index;
    ctx.parallelism = parallelism;
    ctx.restoredSplits = std::move(restored);
    return ctx;
}

TEST(SequenceReader, EmitsABatchPerPollAndEndsWithTheLastOne) {
    NumberSequenceSource source(1, 150);
    auto reader = source.createReader(context(0, 1));
    Recorder<int64_t> out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_EQ(out.values.size(), static_cast<size_t>(kRecordsPerPoll));
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT);
    ASSERT_EQ(out.values.size(), 150u);
    for (int64_t i = 0; i < 150; ++i) EXPECT_EQ(out.values[static_cast<size_t>(i)], i + 1);
}

TEST(SequenceReader, APositionTakenBetweenPollsResumesExactlyAtAnotherParallelism) {
    NumberSequenceSource source(0, 999);
    std::vector<int64_t> seen;
    std::vector<std::string> splits;
    for (int32_t i = 0; i < 2; ++i) {
        auto reader = source.createReader(context(i, 2));
        Recorder<int64_t> out;
        reader->pollNext(out);
        reader->pollNext(out);
        seen.insert(seen.end(), out.values.begin(), out.values.end());
        for (auto& s : reader->snapshotState(1)) splits.push_back(s);
    }
    // Three new readers share the remaining splits (list state redistribution, never cut).
    for (int32_t i = 0; i < 3; ++i) {
        std::vector<std::string> mine;
        for (size_t s = static_cast<size_t>(i); s < splits.size(); s += 3)
            mine.push_back(splits[s]);
        auto reader = source.createReader(context(i, 3, mine));
        Recorder<int64_t> out;
        while (reader->pollNext(out) != InputStatus::END_OF_INPUT) {
        }
        seen.insert(seen.end(), out.values.begin(), out.values.end());
    }
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), 1000u) << "every number exactly once";
    for (int64_t i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
}

TEST(CollectionReader, EmitsEveryValueInOrderInBatches) {
    std::vector<std::string> values;
    for (int i = 0; i < 100; ++i) values.push_back("v" + std::to_string(i));
    CollectionSource<std::string> source(values);
    auto reader = source.createReader(context(0, 1));
    Recorder<std::string> out;
    int polls = 0;
    while (reader->pollNext(out) != InputStatus::END_OF_INPUT) ++polls;
    EXPECT_EQ(polls, 1) << "100 values in two polls of at most 64";
    EXPECT_EQ(out.values, values);
}

}  // namespace
}  // namespace weir
