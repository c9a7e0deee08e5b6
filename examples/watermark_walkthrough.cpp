// The watermark walk-through: 5-second tumbling event-time windows, a watermark that trails the
// largest timestamp seen by 2 seconds. The event at 7 s moves the watermark to 4.999 s and closes
// the window [0 s, 5 s); the event at 12 s closes [5 s, 10 s). Events that arrive for a closed
// window are late: dropped by default, or (with --side-output) sent to a side output.
//
//   watermark_walkthrough [--side-output]
//
// The watermark is emitted on every event (not periodically) so that the output does not depend
// on timing.
#include <string>
#include <vector>

#include <weir/weir.h>

struct Event {
    std::string key;
    int64_t ts = 0;  // ms
};
WEIR_TYPE(Event, key, ts);

/// Bounded out-of-orderness, emitted on each event: max timestamp - delay - 1.
class PerEventBoundedOutOfOrderness final : public weir::WatermarkGenerator<Event> {
public:
    explicit PerEventBoundedOutOfOrderness(int64_t delay) : delay_(delay) {}
    void onEvent(const Event&, int64_t ts, weir::WatermarkOutput& out) override {
        max_ = std::max(max_, ts);
        out.emitWatermark(max_ - delay_ - 1);
    }
    void onPeriodicEmit(weir::WatermarkOutput&) override {}

private:
    int64_t delay_;
    int64_t max_ = weir::kMinWatermark + 1'000'000;
};

struct Describe : weir::ProcessWindowFunction<Event, std::string, std::string, weir::TimeWindow> {
    void process(const std::string& key, Context& ctx, const std::vector<Event>& events,
                 weir::Collector<std::string>& out) override {
        std::string ts;
        for (const auto& e : events)
            ts += (ts.empty() ? "" : ",") + weir::toString(e.ts / 1000.0) + "s";
        std::string when =
            ctx.currentWatermark() == weir::kMaxWatermark
                ? "at the end of input"
                : "at watermark " + weir::toString(ctx.currentWatermark() / 1000.0) + "s";
        out.collect("window [" + std::to_string(ctx.window().getStart() / 1000) + "s, " +
                    std::to_string(ctx.window().getEnd() / 1000) + "s) fired " + when + " with " +
                    ts);
    }
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    bool sideOutput = false;
    for (const auto& a : env.programArguments()) sideOutput = sideOutput || a == "--side-output";

    // Arrival order: 4 s arrives after 7 s has closed [0 s, 5 s); 9 s after 12 s closed [5 s, 10
    // s).
    std::vector<Event> events = {{"k", 1000}, {"k", 3000},  {"k", 7000}, {"k", 4000},
                                 {"k", 6000}, {"k", 12000}, {"k", 9000}, {"k", 14000}};
    auto strategy = weir::WatermarkStrategy<Event>::forGenerator([] {
                        return std::make_unique<PerEventBoundedOutOfOrderness>(2000);
                    }).withTimestampAssigner([](const Event& e, int64_t) { return e.ts; });

    weir::OutputTag<Event> late("late");
    auto windowed = env.fromCollection(events)
                        .assignTimestampsAndWatermarks(strategy)
                        .keyBy(&Event::key)
                        .window(weir::TumblingEventTimeWindows::of(5s));
    if (sideOutput) windowed.sideOutputLateData(late);
    auto result = windowed.process(Describe{});
    result.print();
    if (sideOutput)
        result.getSideOutput(late)
            .map([](const Event& e) {
                return "late event at " + weir::toString(e.ts / 1000.0) + "s";
            })
            .print();
    env.execute("Watermark walk-through");
}
