#include "cluster/mini_cluster.h"

#include <cstdio>

#include "cluster/local_job.h"

namespace weir {

std::shared_ptr<JobHandle> MiniCluster::submit(std::shared_ptr<const StreamGraph> graph,
                                               const Configuration& configuration) {
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016llx",
                  static_cast<unsigned long long>(currentTimeMillis()),
                  static_cast<unsigned long long>(nextJob_++));
    auto job = std::make_shared<LocalJob>(createJobGraph(std::move(graph), configuration), id);
    job->start();
    return job;
}

}  // namespace weir
