#include "weir/core/job_client.h"

namespace weir {

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
