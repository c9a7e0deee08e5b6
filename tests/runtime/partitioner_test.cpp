// Routing of every partitioner, through the real record writer, result partition and input gates.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "capture_operator.h"
#include "core/concurrency/wakeup_signal.h"
#include "runtime/io/input_gate.h"
#include "runtime/io/result_partition.h"
#include "weir/core/key_hash.h"
#include "weir/runtime/chain_outputs.h"
#include "weir/runtime/network_input.h"

namespace weir {
namespace {

using testing::CaptureOperator;

class KeyById final : public KeyGroupSelector<int64_t> {
public:
    int32_t keyGroupOf(const int64_t& v, int32_t maxParallelism) const override {
        return keygroups::assignToKeyGroup(keyHash(v), maxParallelism);
    }
};

/// One producer subtask wired to `consumers` consumer gates; returns what each consumer got.
std::vector<std::vector<int64_t>> route(PartitionerSpec spec, int consumers,
                                        const std::vector<int64_t>& values,
                                        int32_t maxParallelism = 128, int32_t subtaskIndex = 0) {
    WakeupSignal signal;
    std::atomic<bool> cancelled{false};
    // Small buffers so that records span buffers too; enough of them for the whole test.
    ResultPartition partition(consumers, std::make_unique<BufferPool>("p", 4096, 64), &cancelled);
    std::vector<std::unique_ptr<InputGate>> gates;
    for (int c = 0; c < consumers; ++c) {
        gates.push_back(std::make_unique<InputGate>(1, &signal));
        gates.back()->setChannel(0, std::make_unique<LocalInputChannel>(
                                        gates.back().get(), 0, &partition.subpartition(c)));
        gates.back()->requestPartitions();
    }
    RecordWriter writer(&partition);
    RecordWriterOutput<int64_t> out(&writer, spec, subtaskIndex, maxParallelism);
    for (int64_t v : values) out.collect(v, kNoTimestamp);
    partition.finish();

    std::vector<std::vector<int64_t>> received;
    for (auto& gate : gates) {
        CaptureOperator<int64_t> op;
        NetworkInput<int64_t> input(&op, 0, 1);
        bool ended = false;
        while (auto e = gate->poll()) {
            if (e->event)
                ended = input.endOfPartition(0);
            else
                input.processBuffer(e->buffer.data(), e->buffer.size(), 0);
        }
        EXPECT_TRUE(ended);
        received.push_back(op.values);
    }
    return received;
}

std::vector<int64_t> numbers(int n) {
    std::vector<int64_t> v(n);
    for (int i = 0; i < n; ++i) v[i] = i;
    return v;
}

TEST(Partitioner, ForwardAndGlobalSendEverythingToChannelZero) {
    for (auto kind : {PartitionerKind::FORWARD, PartitionerKind::GLOBAL}) {
        auto got = route({kind, nullptr}, kind == PartitionerKind::FORWARD ? 1 : 3, numbers(100));
        EXPECT_EQ(got[0], numbers(100));
        for (size_t c = 1; c < got.size(); ++c) EXPECT_TRUE(got[c].empty());
    }
}

TEST(Partitioner, RebalanceIsRoundRobinOverAllChannels) {
    auto got = route({PartitionerKind::REBALANCE, nullptr}, 4, numbers(400));
    std::multiset<int64_t> all;
    for (const auto& g : got) {
        EXPECT_EQ(g.size(), 100u);
        for (size_t i = 1; i < g.size(); ++i) EXPECT_EQ(g[i] - g[i - 1], 4);  // consecutive turns
        all.insert(g.begin(), g.end());
    }
    EXPECT_EQ(all.size(), 400u);
}

TEST(Partitioner, RescaleIsRoundRobinOverItsGroup) {
    auto got = route({PartitionerKind::RESCALE, nullptr}, 2, numbers(10));
    EXPECT_EQ(got[0].size(), 5u);
    EXPECT_EQ(got[1].size(), 5u);
}

TEST(Partitioner, ShuffleReachesEveryChannelAndLosesNothing) {
    auto got = route({PartitionerKind::SHUFFLE, nullptr}, 3, numbers(3000));
    size_t total = 0;
    for (const auto& g : got) {
        EXPECT_GT(g.size(), 700u);
        total += g.size();
    }
    EXPECT_EQ(total, 3000u);
}

TEST(Partitioner, BroadcastCopiesEveryRecordToEveryChannel) {
    auto got = route({PartitionerKind::BROADCAST, nullptr}, 3, numbers(50));
    for (const auto& g : got) EXPECT_EQ(g, numbers(50));
}

TEST(Partitioner, HashSendsEachKeyToTheSubtaskOwningItsKeyGroup) {
    for (int32_t maxP : {128, 7}) {
        for (int p : {1, 2, 3, 5}) {
            if (p > maxP) continue;
            auto got =
                route({PartitionerKind::HASH, std::make_shared<KeyById>()}, p, numbers(1000), maxP);
            size_t total = 0;
            for (int c = 0; c < p; ++c) {
                KeyGroupRange range = keygroups::rangeForOperatorIndex(maxP, p, c);
                for (int64_t v : got[c]) {
                    int32_t kg = keygroups::assignToKeyGroup(keyHash(v), maxP);
                    EXPECT_TRUE(range.contains(kg))
                        << v << " kg " << kg << " at subtask " << c << " of " << p;
                }
                total += got[c].size();
            }
            EXPECT_EQ(total, 1000u);
        }
    }
}

}  // namespace
}  // namespace weir
