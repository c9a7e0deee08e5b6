// StreamExecutionEnvironment::create: the environment wired to the embedded mini-cluster.
// It lives in the umbrella library because the API layer must not depend on the cluster layer.

#include "cluster/mini_cluster.h"
#include "weir/api/stream_execution_environment.h"

namespace weir {

StreamExecutionEnvironment StreamExecutionEnvironment::create(int argc, const char* const* argv) {
    Configuration conf = Configuration::loadDefault();
    std::vector<std::string> remaining;
    if (argc > 0 && argv) conf.addAll(Configuration::fromCommandLine(argc, argv, &remaining));
    StreamExecutionEnvironment env(std::make_shared<MiniCluster>(), std::move(conf));
    env.programArguments_ = std::move(remaining);
    return env;
}

StreamExecutionEnvironment StreamExecutionEnvironment::create(const Configuration& configuration) {
    return StreamExecutionEnvironment(std::make_shared<MiniCluster>(), configuration);
}

}  // namespace weir
