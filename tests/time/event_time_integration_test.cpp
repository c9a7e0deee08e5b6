// Event time through whole jobs: ingestion time, the classic time characteristic, idle inputs.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "weir/weir.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using KV = std::pair<std::string, int64_t>;

TEST(IngestionTime, StampsRecordsWithTheTimeTheyEnterTheJob) {
    auto env = StreamExecutionEnvironment::create();
    env.setStreamTimeCharacteristic(TimeCharacteristic::IngestionTime);
    int64_t before = currentTimeMillis();
    struct Stamp : ProcessFunction<int64_t, int64_t> {
        void processElement(const int64_t&, Context& ctx, Collector<int64_t>& out) override {
            out.collect(*ctx.timestamp());
        }
    };
    auto stamps = env.fromSequence(1, 100).process(Stamp{}).executeAndCollect();
    int64_t after = currentTimeMillis();
    ASSERT_EQ(stamps.size(), 100u);
    for (size_t i = 0; i < stamps.size(); ++i) {
        EXPECT_GE(stamps[i], before);
        EXPECT_LE(stamps[i], after);
        if (i) {
            EXPECT_GE(stamps[i], stamps[i - 1]);  // never goes back
        }
    }
}

TEST(TimeCharacteristic, TimeWindowShorthandFollowsTheEnvironment) {
    auto env = StreamExecutionEnvironment::create();
    env.setStreamTimeCharacteristic(TimeCharacteristic::ProcessingTime);
    auto s = env.fromElements<KV>({{"a", 1}})
                 .keyBy([](const KV& kv) { return kv.first; })
                 .timeWindow(1s)
                 .sum<1>();
    EXPECT_NE(s.transformation()->name.find("ProcessingTime"), std::string::npos)
        << s.transformation()->name;
    auto env2 = StreamExecutionEnvironment::create();
    auto e = env2.fromElements<KV>({{"a", 1}})
                 .keyBy([](const KV& kv) { return kv.first; })
                 .timeWindow(1s, 500ms)
                 .sum<1>();
    EXPECT_NE(e.transformation()->name.find("SlidingEventTime"), std::string::npos)
        << e.transformation()->name;
}

/// Subtask 0 emits events at 1 s, 2 s, ... then waits; subtask 1 never emits. Unbounded.
class HalfIdleSource final : public Source<KV> {
public:
    Boundedness getBoundedness() const override { return Boundedness::CONTINUOUS_UNBOUNDED; }
    std::unique_ptr<SourceReader<KV>> createReader(const SourceReaderContext& ctx) const override {
        struct Reader : SourceReader<KV> {
            int subtask;
            int next = 1;
            explicit Reader(int s) : subtask(s) {}
            InputStatus pollNext(ReaderOutput<KV>& out) override {
                if (subtask != 0 || next > 12) return InputStatus::NOTHING_AVAILABLE;
                out.collect({"k", next * 1000});
                ++next;
                return InputStatus::MORE_AVAILABLE;
            }
        };
        return std::make_unique<Reader>(ctx.subtaskIndex);
    }
};

class SharedSink final : public Sink<KV> {
public:
    struct Store {
        std::mutex m;
        std::vector<KV> values;
    };
    explicit SharedSink(std::shared_ptr<Store> s) : store_(std::move(s)) {}
    std::unique_ptr<SinkWriter<KV>> createWriter(const SinkWriterContext&) const override {
        struct W : SinkWriter<KV> {
            std::shared_ptr<Store> s;
            void write(const KV& v, int64_t) override {
                std::lock_guard l(s->m);
                s->values.push_back(v);
            }
        };
        auto w = std::make_unique<W>();
        w->s = store_;
        return w;
    }

private:
    std::shared_ptr<Store> store_;
};

std::vector<KV> runHalfIdle(bool withIdleness) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.config().set(options::kAutoWatermarkInterval, Duration(20));
    auto strategy = WatermarkStrategy<KV>::forMonotonousTimestamps().withTimestampAssigner(
        [](const KV& kv, int64_t) { return kv.second; });
    if (withIdleness) strategy = strategy.withIdleness(100ms);
    auto store = std::make_shared<SharedSink::Store>();
    env.fromSource(HalfIdleSource{}, strategy, "half idle")
        .keyBy([](const KV& kv) { return kv.first; })
        .window(TumblingEventTimeWindows::of(5s))
        .sum<1>()
        .sinkTo(SharedSink(store));
    JobClient job = env.executeAsync("half idle");
    // Wait (bounded) for the two windows that the active subtask's watermark closes.
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard l(store->m);
            if (store->values.size() >= 2) break;
        }
        std::this_thread::sleep_for(20ms);
    }
    if (!withIdleness)
        std::this_thread::sleep_for(300ms);  // give a wrong implementation time to fire
    job.cancel();
    EXPECT_THROW(job.getJobExecutionResult(), JobCancellationException);
    std::lock_guard l(store->m);
    return store->values;
}

TEST(Idleness, AnIdleSubtaskDoesNotHoldBackWindowsOnceMarkedIdle) {
    // Windows [0,5) and [5,10) close (watermark 11999); [10,15) stays open.
    EXPECT_EQ(runHalfIdle(true), (std::vector<KV>{{"k", 1000 + 2000 + 3000 + 4000},
                                                  {"k", 5000 + 6000 + 7000 + 8000 + 9000}}));
}

TEST(Idleness, WithoutIdlenessTheSilentSubtaskHoldsTheWatermarkBack) {
    EXPECT_TRUE(runHalfIdle(false).empty());
}

}  // namespace
}  // namespace weir
