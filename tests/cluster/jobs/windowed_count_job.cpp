// A keyed, windowed job built with weir_add_job, used by the cluster tests (job library loading,
// plan capture, and the end-to-end tests that submit it to a real cluster).
//
//   windowed_count_job --output DIR [--count N] [--keys K] [--rate R]
//
// Numbers 0..N-1 become events of key (i mod K) at event time i ms; a one-second tumbling
// event-time window counts them per key and the exactly-once FileSink writes "key,windowStart,
// count" lines into DIR. With --rate, the source emits at most R records per second (so that a
// test can stop or kill the job while it runs).
#include <string>

#include <weir/weir.h>

struct Event {
    int64_t key = 0;
    int64_t ts = 0;
};
WEIR_TYPE(Event, key, ts);

struct Counted {
    int64_t key = 0;
    int64_t windowStart = 0;
    int64_t count = 0;
};
WEIR_TYPE(Counted, key, windowStart, count);

struct CountPerWindow
    : weir::ProcessWindowFunction<int64_t, Counted, int64_t, weir::TimeWindow> {
    void process(const int64_t& key, Context& ctx, const std::vector<int64_t>& counts,
                 weir::Collector<Counted>& out) override {
        out.collect({key, ctx.window().getStart(), counts.at(0)});
    }
};

struct CountAggregate : weir::AggregateFunction<Event, int64_t, int64_t> {
    int64_t createAccumulator() override { return 0; }
    int64_t add(const Event&, int64_t acc) override { return acc + 1; }
    int64_t getResult(const int64_t& acc) override { return acc; }
    int64_t merge(int64_t a, const int64_t& b) override { return a + b; }
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    std::string output;
    int64_t count = 10'000;
    int64_t keys = 16;
    double rate = 0;
    const auto& args = env.programArguments();
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--output") output = args[i + 1];
        else if (args[i] == "--count") count = std::stoll(args[i + 1]);
        else if (args[i] == "--keys") keys = std::stoll(args[i + 1]);
        else if (args[i] == "--rate") rate = std::stod(args[i + 1]);
    }
    if (output.empty()) throw weir::InvalidProgramException("windowed_count_job needs --output DIR");

    weir::DataGeneratorSource<Event> source(
        [keys](int64_t i) { return Event{i % keys, i}; }, count,
        rate > 0 ? weir::RateLimiterStrategy::perSecond(rate) : weir::RateLimiterStrategy::noOp());
    env.fromSource(source,
                   weir::WatermarkStrategy<Event>::forMonotonousTimestamps().withTimestampAssigner(
                       [](const Event& e, int64_t) { return e.ts; }),
                   "events")
        .uid("events")
        .keyBy(&Event::key)
        .window(weir::TumblingEventTimeWindows::of(1s))
        .aggregate(CountAggregate{}, CountPerWindow{})
        .uid("window-count")
        .map([](const Counted& c) {
            return std::to_string(c.key) + "," + std::to_string(c.windowStart) + "," +
                   std::to_string(c.count);
        })
        .sinkTo(weir::FileSink<std::string>::forRowFormat(output).build())
        .uid("file-sink");
    env.execute("windowed count");
    return 0;
}
