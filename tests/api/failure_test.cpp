#include <gtest/gtest.h>

#include "../harness/eventually.h"
#include "weir/weir.h"

namespace weir {
namespace {

std::string failureOf(StreamExecutionEnvironment& env) {
    try {
        env.execute("failing job");
    } catch (const JobExecutionException& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(Failure, ExceptionInUserCodeFailsTheJobNamingOperatorAndCause) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 1000)
        .map([](const int64_t& x) {
            if (x == 500) throw std::runtime_error("bad record 500");
            return x;
        })
        .name("Validator")
        .print();
    std::string what = failureOf(env);
    EXPECT_TRUE(contains(what, "failing job")) << what;
    EXPECT_TRUE(contains(what, "Validator")) << what;
    EXPECT_TRUE(contains(what, "bad record 500")) << what;
}

TEST(Failure, FailureBehindANetworkExchangeCancelsEveryTaskWithoutHanging) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.fromSequence(1, 100000000)  // long enough that the sources are still running
        .keyBy([](const int64_t& x) { return x % 10; })
        .reduce([](const int64_t& a, const int64_t& b) {
            if (a > 1000000) throw std::logic_error("overflow in reduce");
            return a + b;
        })
        .print();
    std::string what = failureOf(env);
    EXPECT_TRUE(contains(what, "Keyed Reduce")) << what;
    EXPECT_TRUE(contains(what, "overflow in reduce")) << what;
}

struct FailingOpen : RichMapFunction<int64_t, int64_t> {
    void open(const OpenContext&) override { throw std::runtime_error("cannot open connection"); }
    int64_t map(const int64_t& v) override { return v; }
};

TEST(Failure, ExceptionInOpenFailsTheJob) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10).map(FailingOpen{}).name("Opener").print();
    std::string what = failureOf(env);
    EXPECT_TRUE(contains(what, "Opener")) << what;
    EXPECT_TRUE(contains(what, "cannot open connection")) << what;
}

class ThrowingSource final : public Source<int64_t> {
public:
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    std::unique_ptr<SourceReader<int64_t>> createReader(const SourceReaderContext&) const override {
        struct Reader : SourceReader<int64_t> {
            int n = 0;
            InputStatus pollNext(ReaderOutput<int64_t>& out) override {
                if (++n > 3) throw std::runtime_error("disk read error");
                out.collect(n);
                return InputStatus::MORE_AVAILABLE;
            }
        };
        return std::make_unique<Reader>();
    }
};

TEST(Failure, ExceptionInASourceReaderFailsTheJob) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSource(ThrowingSource{}, "flaky source").print();
    std::string what = failureOf(env);
    EXPECT_TRUE(contains(what, "flaky source")) << what;
    EXPECT_TRUE(contains(what, "disk read error")) << what;
}

TEST(Failure, NonStandardExceptionIsReportedToo) {
    auto env = StreamExecutionEnvironment::create();
    env.fromSequence(1, 10)
        .filter([](const int64_t&) -> bool { throw 42; })
        .name("Thrower")
        .print();
    std::string what = failureOf(env);
    EXPECT_TRUE(contains(what, "Thrower")) << what;
}

TEST(Cancel, CancellingAnUnboundedJobEndsItAsCancelled) {
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(2);
    env.fromSequence(0, INT64_MAX - 1)
        .rebalance()
        .filter([](const int64_t&) { return false; })
        .print();
    JobClient client = env.executeAsync("endless");
    EXPECT_TRUE(testing::eventually([&] { return client.getJobStatus() == JobStatus::RUNNING; }));
    client.cancel();
    EXPECT_THROW(client.getJobExecutionResult(), JobCancellationException);
    EXPECT_EQ(client.getJobStatus(), JobStatus::CANCELED);
}

}  // namespace
}  // namespace weir
