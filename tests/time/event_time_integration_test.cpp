// Event time through whole jobs: ingestion time, the classic time characteristic, idle inputs.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "../harness/eventually.h"
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

/// Counts how often the active subtask emitted the watermark that closes windows [0,5) and
/// [5,10): the event after which a correct job has nothing more to do.
std::atomic<int> gClosingWatermarksEmitted{0};

class CountingMonotonousWatermarks final : public WatermarkGenerator<KV> {
public:
    void onEvent(const KV&, int64_t timestamp, WatermarkOutput&) override {
        max_ = std::max(max_, timestamp);
    }
    void onPeriodicEmit(WatermarkOutput& output) override {
        output.emitWatermark(max_ - 1);
        if (max_ - 1 >= 11999) ++gClosingWatermarksEmitted;
    }

private:
    int64_t max_ = kMinWatermark + 1;
};

std::vector<KV> runHalfIdle(bool withIdleness) {
    gClosingWatermarksEmitted = 0;
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.config().set(options::kAutoWatermarkInterval, Duration(20));
    auto strategy = WatermarkStrategy<KV>::forGenerator([] {
                        return std::make_unique<CountingMonotonousWatermarks>();
                    }).withTimestampAssigner([](const KV& kv, int64_t) { return kv.second; });
    if (withIdleness) strategy = strategy.withIdleness(100ms);
    auto store = std::make_shared<SharedSink::Store>();
    env.fromSource(HalfIdleSource{}, strategy, "half idle")
        .keyBy([](const KV& kv) { return kv.first; })
        .window(TumblingEventTimeWindows::of(5s))
        .sum<1>()
        .sinkTo(SharedSink(store));
    JobClient job = env.executeAsync("half idle");
    if (withIdleness) {
        // The two windows that the active subtask's watermark closes once the other is idle.
        EXPECT_TRUE(testing::eventually([&] {
            std::lock_guard l(store->m);
            return store->values.size() >= 2;
        }));
    } else {
        // Not a pause: the active subtask has emitted its closing watermark many times over, so a
        // job that let it through on its own would have fired by now.
        EXPECT_TRUE(testing::eventually([] { return gClosingWatermarksEmitted >= 50; }));
    }
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
