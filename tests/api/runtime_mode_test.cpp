#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "weir/weir.h"

namespace weir {
namespace {

using KV = std::pair<std::string, int64_t>;

std::vector<KV> wordCount(RuntimeExecutionMode mode, int parallelism) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(parallelism);
    env.setRuntimeMode(mode);
    std::vector<std::string> words;
    for (int i = 0; i < 5000; ++i) words.push_back("w" + std::to_string(i % 37));
    return env.fromCollection(words)
        .map([](const std::string& w) {
            return KV{w, 1};
        })
        .keyBy([](const KV& kv) { return kv.first; })
        .sum<1>()
        .executeAndCollect();
}

TEST(RuntimeMode, BatchEmitsOneFinalResultPerKeyEqualToTheLastStreamingResult) {
    for (int p : {1, 3}) {
        auto streaming = wordCount(RuntimeExecutionMode::STREAMING, p);
        auto batch = wordCount(RuntimeExecutionMode::BATCH, p);
        EXPECT_EQ(streaming.size(), 5000u);  // one rolling result per input record
        ASSERT_EQ(batch.size(), 37u);        // one final result per key
        std::map<std::string, int64_t> finalStreaming;
        for (const auto& [w, n] : streaming) finalStreaming[w] = std::max(finalStreaming[w], n);
        std::map<std::string, int64_t> batchMap(batch.begin(), batch.end());
        EXPECT_EQ(batchMap, finalStreaming);
        int64_t total = 0;
        for (const auto& [w, n] : batch) total += n;
        EXPECT_EQ(total, 5000);
    }
}

TEST(RuntimeMode, AutomaticRunsBoundedProgramsAsBatch) {
    auto out = wordCount(RuntimeExecutionMode::AUTOMATIC, 2);
    EXPECT_EQ(out.size(), 37u);
}

TEST(RuntimeMode, ConfiguredByKey) {
    Configuration conf;
    conf.setString("execution.runtime-mode", "batch");
    auto env = StreamExecutionEnvironment::create(conf);
    auto out = env.fromElements<KV>({{"a", 1}, {"a", 2}})
                   .keyBy([](const KV& kv) { return kv.first; })
                   .sum<1>()
                   .executeAndCollect();
    EXPECT_EQ(out, (std::vector<KV>{{"a", 3}}));
}

}  // namespace
}  // namespace weir
