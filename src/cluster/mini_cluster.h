#pragma once
// MiniCluster: the embedded cluster that runs jobs inside the calling process; the default
// executor of StreamExecutionEnvironment for local runs.

#include <atomic>

#include "graph/pipeline_executor.h"

namespace weir {

class MiniCluster final : public PipelineExecutor {
public:
    std::shared_ptr<JobHandle> submit(std::shared_ptr<const StreamGraph> graph,
                                      const Configuration& configuration) override;

private:
    std::atomic<uint64_t> nextJob_{1};
};

}  // namespace weir
