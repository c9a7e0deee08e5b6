// ResultPartition: bytes fill a subpartition's buffer, full buffers go to its queue (and so to
// the consumer's channel) at once, partial ones on flush; events flush first; the fixed pool is
// the only memory; an unaligned barrier overtakes the queued buffers and returns their bytes.

#include "runtime/io/result_partition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/concurrency/wakeup_signal.h"
#include "core/memory/buffer_pool.h"
#include "runtime/io/input_gate.h"
#include "weir/core/exceptions.h"
#include "weir/runtime/record_writer.h"

namespace weir {
namespace {

struct ResultPartitionTest : ::testing::Test {
    WakeupSignal signal;
    std::atomic<bool> cancelled{false};
    std::unique_ptr<ResultPartition> partition;  // owns the pool and the queues
    BufferPool* pool = nullptr;
    InputGate gate{2, &signal};  // reads both subpartitions through local channels

    void create(uint32_t numBuffers, uint32_t bufferSize) {
        auto p = std::make_unique<BufferPool>("out", numBuffers, bufferSize);
        pool = p.get();
        partition = std::make_unique<ResultPartition>(2, std::move(p), &cancelled);
        for (int32_t c = 0; c < 2; ++c)
            gate.setChannel(c, std::make_unique<LocalInputChannel>(&gate, c,
                                                                   &partition->subpartition(c)));
        gate.requestPartitions();
    }
    ~ResultPartitionTest() override { gate.releaseAll(); }
    void emit(int32_t sub, const std::string& bytes) {
        partition->emit(sub, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    /// Everything the gate holds, as "c<channel>:<bytes>" or "c<channel>:<event type>".
    std::vector<std::string> received() {
        std::vector<std::string> out;
        while (auto e = gate.poll()) {
            std::string s = "c" + std::to_string(e->channel) + ":";
            if (e->event)
                s += e->event->type == RuntimeEventType::kEndOfPartition ? "end" : "barrier";
            else
                s.append(reinterpret_cast<const char*>(e->buffer.data()), e->buffer.size());
            out.push_back(s);
        }
        return out;
    }
};

TEST_F(ResultPartitionTest, PartialBuffersReachTheConsumerOnlyOnFlush) {
    create(4, 64);
    emit(0, "hello");
    emit(1, "world");
    EXPECT_TRUE(partition->hasUnflushedData());
    EXPECT_TRUE(received().empty());
    partition->flushAll();
    EXPECT_FALSE(partition->hasUnflushedData());
    EXPECT_EQ(received(), (std::vector<std::string>{"c0:hello", "c1:world"}));
}

TEST_F(ResultPartitionTest, AFullBufferIsHandedOverAtOnceAndElementsSpanBuffers) {
    create(4, 64);
    std::string full(64, 'x');
    emit(0, full + "tail");  // 64 bytes fill a buffer, 4 wait in the next
    EXPECT_EQ(received(), std::vector<std::string>{"c0:" + full});
    partition->flushAll();
    EXPECT_EQ(received(), std::vector<std::string>{"c0:tail"});
}

TEST_F(ResultPartitionTest, EventsFlushFirstSoOrderIsKept) {
    create(4, 64);
    emit(1, "before");
    RuntimeEvent barrier;
    barrier.type = RuntimeEventType::kCheckpointBarrier;
    barrier.checkpointId = 1;
    partition->broadcastEvent(barrier);
    emit(1, "after");
    partition->finish();
    std::vector<std::string> c0, c1;  // the order within each channel is what counts
    for (const auto& r : received()) (r.rfind("c0:", 0) == 0 ? c0 : c1).push_back(r);
    EXPECT_EQ(c0, (std::vector<std::string>{"c0:barrier", "c0:end"}));
    EXPECT_EQ(c1, (std::vector<std::string>{"c1:before", "c1:barrier", "c1:after", "c1:end"}));
}

TEST_F(ResultPartitionTest, AnUnalignedBarrierOvertakesQueuedBuffersAndReturnsTheirBytes) {
    create(8, 64);
    std::string full(64, 'x');
    emit(0, full);     // queued
    emit(0, "part");   // current buffer: flushed before the barrier, so overtaken too
    emit(1, "other");  // current buffer of subpartition 1
    RuntimeEvent barrier;
    barrier.type = RuntimeEventType::kCheckpointBarrier;
    barrier.checkpointId = 5;
    barrier.unaligned = true;
    std::vector<std::pair<int32_t, std::string>> overtaken;
    partition->broadcastEvent(barrier, &overtaken);
    EXPECT_EQ(overtaken, (std::vector<std::pair<int32_t, std::string>>{{0, full + "part"},
                                                                       {1, "other"}}));
    emit(0, "after");
    partition->flushAll();
    std::vector<std::string> c0, c1;
    for (const auto& r : received()) (r.rfind("c0:", 0) == 0 ? c0 : c1).push_back(r);
    EXPECT_EQ(c0, (std::vector<std::string>{"c0:barrier", "c0:" + full, "c0:part", "c0:after"}));
    EXPECT_EQ(c1, (std::vector<std::string>{"c1:barrier", "c1:other"}));
}

TEST_F(ResultPartitionTest, BroadcastWritesEverySubpartition) {
    create(4, 64);
    partition->broadcast(reinterpret_cast<const uint8_t*>("wm"), 2);
    partition->flushAll();
    EXPECT_EQ(received(), (std::vector<std::string>{"c0:wm", "c1:wm"}));
}

TEST_F(ResultPartitionTest, TheFixedPoolIsTheOnlyMemoryAndConsumingFreesIt) {
    create(2, 64);
    emit(0, std::string(64, 'a'));
    emit(1, std::string(64, 'b'));
    EXPECT_FALSE(partition->isAvailable()) << "both buffers wait for the consumer";
    EXPECT_EQ(pool->availableBuffers(), 0u);
    EXPECT_EQ(received().size(), 2u);
    EXPECT_TRUE(partition->isAvailable());
    EXPECT_EQ(pool->availableBuffers(), 2u);
}

TEST_F(ResultPartitionTest, AProducerBlockedOnAFullPoolIsReleasedByCancellation) {
    create(1, 64);
    emit(0, std::string(64, 'f'));  // the only buffer now waits at the consumer
    cancelled = true;
    pool->cancelAll();
    EXPECT_THROW(emit(0, "more"), Exception);
}

// A record writer appends through the partition's write cursors while a record fits the current
// buffer and through the partition otherwise; both paths keep the bytes in order, and flushes,
// events and full buffers see what the cursors wrote.
TEST_F(ResultPartitionTest, RecordWriterAppendsInlineAndThroughThePartitionInOrder) {
    create(8, 64);
    RecordWriter writer(partition.get());
    auto write = [&](int32_t channel, const std::string& bytes) {
        writer.scratch().clear();
        writer.scratch().writeRaw(bytes.data(), bytes.size());
        writer.emit(channel);
    };
    const std::string six = "klmnop";
    auto writeSix = [&](int32_t channel) {
        writer.emitBytes<6>(channel, reinterpret_cast<const uint8_t*>(six.data()));
    };
    const std::string a(30, 'a'), b(28, 'b'), c(58, 'c'), d(64, 'd');
    // The gate serves channels in turn: order matters within a channel only.
    auto byChannel = [&] {
        std::vector<std::string> r = received();
        std::stable_sort(r.begin(), r.end(),
                         [](const std::string& x, const std::string& y) { return x[1] < y[1]; });
        return r;
    };
    write(0, a);  // no buffer yet: through the partition
    EXPECT_TRUE(partition->hasUnflushedData());
    write(0, b);  // inline
    writeSix(0);  // exactly the 6 bytes left: inline, the buffer is full now
    EXPECT_TRUE(received().empty()) << "a buffer filled inline is handed over by the next write";
    write(0, "q");  // through the partition: hands the full buffer over first
    EXPECT_EQ(received(), (std::vector<std::string>{"c0:" + a + b + six}));
    write(1, c);
    writeSix(1);            // fills the buffer inline
    write(1, d);            // into a full buffer: through the partition, which hands over the full
                            // buffer, then fills a new one and hands it over too
    partition->flushAll();  // and now channel 0's partial buffer
    EXPECT_FALSE(partition->hasUnflushedData());
    EXPECT_EQ(byChannel(), (std::vector<std::string>{"c0:q", "c1:" + c + six, "c1:" + d}));
    write(0, "after");
    RuntimeEvent barrier;
    barrier.type = RuntimeEventType::kCheckpointBarrier;
    partition->broadcastEvent(barrier);  // flushes what the cursor wrote first
    EXPECT_EQ(byChannel(), (std::vector<std::string>{"c0:after", "c0:barrier", "c1:barrier"}));
}

}  // namespace
}  // namespace weir
