// StreamExecutionEnvironment::create: the environment wired to the embedded mini-cluster, or,
// while a job library's plan is being captured on this thread (client/program/plan_capture.h),
// to the capture. It lives in the umbrella library because the API layer must not depend on the
// cluster layer.

#include "client/program/plan_capture.h"
#include "cluster/mini_cluster.h"
#include "weir/api/stream_execution_environment.h"

namespace weir {

namespace {

StreamExecutionEnvironment makeEnvironment(Configuration conf) {
    if (PlanCapture* capture = PlanCapture::current()) {
        Configuration captured = capture->base();
        captured.addAll(conf);
        return StreamExecutionEnvironment(capture->executor(), std::move(captured));
    }
    Configuration loaded = Configuration::loadDefault();
    loaded.addAll(conf);
    return StreamExecutionEnvironment(std::make_shared<MiniCluster>(), std::move(loaded));
}

}  // namespace

StreamExecutionEnvironment StreamExecutionEnvironment::create(int argc, const char* const* argv) {
    Configuration conf;
    std::vector<std::string> remaining;
    if (argc > 0 && argv) conf = Configuration::fromCommandLine(argc, argv, &remaining);
    StreamExecutionEnvironment env = makeEnvironment(std::move(conf));
    env.programArguments_ = std::move(remaining);
    return env;
}

StreamExecutionEnvironment StreamExecutionEnvironment::create(const Configuration& configuration) {
    // Unlike create(argc, argv), the given configuration is the whole configuration (no
    // conf/config.yaml), as before; under a capture it still goes on top of the capture's base.
    if (PlanCapture::current()) return makeEnvironment(configuration);
    return StreamExecutionEnvironment(std::make_shared<MiniCluster>(), configuration);
}

}  // namespace weir
