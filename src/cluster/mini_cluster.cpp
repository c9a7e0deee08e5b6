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

const char* jobStatusName(JobStatus status) {
    switch (status) {
        case JobStatus::CREATED:
            return "CREATED";
        case JobStatus::RUNNING:
            return "RUNNING";
        case JobStatus::RESTARTING:
            return "RESTARTING";
        case JobStatus::FINISHED:
            return "FINISHED";
        case JobStatus::FAILED:
            return "FAILED";
        case JobStatus::CANCELLING:
            return "CANCELLING";
        case JobStatus::CANCELED:
            return "CANCELED";
    }
    return "?";
}

}  // namespace weir
