#pragma once
// PipelineExecutor: what runs a StreamGraph. The environment holds one: the embedded mini-cluster
// by default (wired by the weir::weir library), a remote cluster later.

#include <memory>

#include "graph/stream_graph.h"
#include "weir/core/configuration.h"
#include "weir/core/job_client.h"

namespace weir {

class PipelineExecutor {
public:
    virtual ~PipelineExecutor() = default;
    virtual std::shared_ptr<JobHandle> submit(std::shared_ptr<const StreamGraph> graph,
                                              const Configuration& configuration) = 0;
};

}  // namespace weir
