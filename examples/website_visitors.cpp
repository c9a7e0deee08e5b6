// Visitors per region per hour: a tumbling one-hour event-time window per region over page views
// that arrive up to 10 minutes out of order.
//
//   website_visitors
#include <string>
#include <vector>

#include <weir/weir.h>

struct PageView {
    std::string region;
    std::string user;
    int64_t ts = 0;  // milliseconds since the epoch
};
WEIR_TYPE(PageView, region, user, ts);

struct RegionCount {
    std::string region;
    int64_t windowStart = 0;
    int64_t windowEnd = 0;
    int64_t visits = 0;
};
WEIR_TYPE(RegionCount, region, windowStart, windowEnd, visits);

struct CountVisits
    : weir::ProcessWindowFunction<PageView, RegionCount, std::string, weir::TimeWindow> {
    void process(const std::string& region, Context& ctx, const std::vector<PageView>& views,
                 weir::Collector<RegionCount>& out) override {
        out.collect({region, ctx.window().getStart(), ctx.window().getEnd(),
                     static_cast<int64_t>(views.size())});
    }
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    std::vector<PageView> views = {
        {"eu", "ann", 5 * kMinute},
        {"us", "bob", 12 * kMinute},
        {"eu", "cid", 59 * kMinute},
        {"eu", "dan", 55 * kMinute},
        {"us", "eve", kHour + 1 * kMinute},
        // Out of order by 3 minutes: the watermark stays 10 minutes behind the largest timestamp
        // seen (at most 51 minutes here), so this view is never late, whenever the watermark is
        // emitted, and counts in the first hour.
        {"us", "gus", 58 * kMinute},
        {"eu", "fay", kHour + 30 * kMinute},
        {"eu", "hal", 2 * kHour + 5 * kMinute},
    };
    env.fromCollection(views)
        .assignTimestampsAndWatermarks(
            weir::WatermarkStrategy<PageView>::forBoundedOutOfOrderness(10min)
                .withTimestampAssigner([](const PageView& v, int64_t) { return v.ts; }))
        .keyBy(&PageView::region)
        .window(weir::TumblingEventTimeWindows::of(1h))
        .process(CountVisits{})
        .print();
    env.execute("Website visitors per region per hour");
}
