// Sum of sensor readings per sensor over one-minute tumbling windows, and over one-minute windows
// sliding every 30 seconds.
//
//   sensor_sums
#include <string>
#include <vector>

#include <weir/weir.h>

struct Reading {
    std::string sensor;
    int64_t ts = 0;
    double value = 0;
};
WEIR_TYPE(Reading, sensor, ts, value);

struct Labelled : weir::ProcessWindowFunction<Reading, std::string, std::string, weir::TimeWindow> {
    explicit Labelled(std::string l) : label(std::move(l)) {}
    std::string label;
    void process(const std::string& sensor, Context& ctx, const std::vector<Reading>& sum,
                 weir::Collector<std::string>& out) override {
        out.collect(label + " " + sensor + " [" + std::to_string(ctx.window().getStart() / 1000) +
                    "s, " + std::to_string(ctx.window().getEnd() / 1000) +
                    "s) sum=" + weir::toString(sum.at(0).value));
    }
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    std::vector<Reading> readings = {
        {"s1", 10'000, 1.5},  {"s2", 20'000, 10.0}, {"s1", 40'000, 2.5},   {"s1", 65'000, 4.0},
        {"s2", 70'000, 20.0}, {"s1", 95'000, 8.0},  {"s2", 125'000, 30.0},
    };
    auto sumValues = [](const Reading& a, const Reading& b) {
        return Reading{a.sensor, a.ts, a.value + b.value};
    };
    auto readingsWithTime = env.fromCollection(readings).assignTimestampsAndWatermarks(
        weir::WatermarkStrategy<Reading>::forBoundedOutOfOrderness(5s).withTimestampAssigner(
            [](const Reading& r, int64_t) { return r.ts; }));

    readingsWithTime.keyBy(&Reading::sensor)
        .window(weir::TumblingEventTimeWindows::of(1min))
        .reduce(sumValues, Labelled("tumbling"))
        .print();
    readingsWithTime.keyBy(&Reading::sensor)
        .window(weir::SlidingEventTimeWindows::of(1min, 30s))
        .reduce(sumValues, Labelled("sliding"))
        .print();
    env.execute("Sensor sums");
}
