// Sessions of user activity: clicks of a user belong to one session until the user is inactive
// for 30 minutes (event time).
//
//   session_windows
#include <string>
#include <vector>

#include <weir/weir.h>

struct Click {
    std::string user;
    std::string page;
    int64_t ts = 0;
};
WEIR_TYPE(Click, user, page, ts);

struct DescribeSession
    : weir::ProcessWindowFunction<Click, std::string, std::string, weir::TimeWindow> {
    void process(const std::string& user, Context& ctx, const std::vector<Click>& clicks,
                 weir::Collector<std::string>& out) override {
        std::string pages;
        for (const auto& c : clicks) pages += (pages.empty() ? "" : ",") + c.page;
        out.collect(user + " session " + std::to_string(ctx.window().getStart() / 60'000) + "min-" +
                    std::to_string(ctx.window().getEnd() / 60'000) +
                    "min clicks=" + std::to_string(clicks.size()) + " pages=" + pages);
    }
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    constexpr int64_t kMinute = 60'000;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    // In timestamp order: with monotonous timestamps the watermark follows the largest timestamp
    // seen, so a click that came after a later one could be late (dropped), depending on when the
    // periodic watermark happens to be emitted.
    std::vector<Click> clicks = {
        {"ann", "home", 0},
        {"bob", "home", 5 * kMinute},
        {"ann", "cart", 10 * kMinute},
        {"ann", "pay", 35 * kMinute},    // 25 minutes after ann's previous click: same session
        {"bob", "help", 40 * kMinute},   // 35 minutes after bob's previous click: a new session
        {"ann", "home", 100 * kMinute},  // 65 minutes later: a new session
    };
    env.fromCollection(clicks)
        .assignTimestampsAndWatermarks(
            weir::WatermarkStrategy<Click>::forMonotonousTimestamps().withTimestampAssigner(
                [](const Click& c, int64_t) { return c.ts; }))
        .keyBy(&Click::user)
        .window(weir::EventTimeSessionWindows::withGap(30min))
        .process(DescribeSession{})
        .print();
    env.execute("Session windows");
}
