// A fast source feeding a slow sink through a network exchange: the source must be slowed down
// by the bounded buffer pools, so the records in flight (and the memory they take) stay bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "weir/weir.h"

namespace weir {
namespace {

struct Counters {
    std::atomic<int64_t> produced{0};
    std::atomic<int64_t> consumed{0};
    std::atomic<int64_t> maxInFlight{0};
};

class SlowSink final : public Sink<std::string> {
public:
    explicit SlowSink(std::shared_ptr<Counters> c) : counters_(std::move(c)) {}
    std::unique_ptr<SinkWriter<std::string>> createWriter(const SinkWriterContext&) const override {
        struct Writer : SinkWriter<std::string> {
            std::shared_ptr<Counters> c;
            void write(const std::string& v, int64_t) override {
                int64_t consumed = ++c->consumed;
                int64_t inFlight = c->produced.load() - consumed;
                int64_t prev = c->maxInFlight.load();
                while (inFlight > prev && !c->maxInFlight.compare_exchange_weak(prev, inFlight)) {
                }
                if (consumed % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                if (v.size() != 1024) throw std::runtime_error("corrupt record");
            }
        };
        auto w = std::make_unique<Writer>();
        w->c = counters_;
        return w;
    }

private:
    std::shared_ptr<Counters> counters_;
};

TEST(Backpressure, SlowSinkSlowsTheSourceAndKeepsRecordsInFlightBounded) {
    auto counters = std::make_shared<Counters>();
    auto env = StreamExecutionEnvironment::create();
    const int64_t records = 20000;  // 20 MB of payload, far more than the network buffers hold
    env.fromSequence(1, records)
        .map([counters](const int64_t& x) {
            ++counters->produced;
            return std::string(1024, static_cast<char>('a' + x % 26));
        })
        .rebalance()
        .sinkTo(SlowSink(counters))
        .disableChaining();
    env.execute("backpressure");
    EXPECT_EQ(counters->consumed.load(), records);
    // Producer pool: (1 channel x 2 + 8 floating + 5 reserve) buffers of 32 KiB = 480 KiB, about
    // 480 records of 1 KiB; allow for the record being serialized and the one being processed.
    EXPECT_LT(counters->maxInFlight.load(), 560)
        << "records in flight were not bounded by the buffer pool";
    EXPECT_GT(counters->maxInFlight.load(), 50)
        << "the source never got ahead: the test did not create backpressure";
}

}  // namespace
}  // namespace weir
