#pragma once
// TaskInfo: what a running subtask knows about itself; rich functions read it through their
// RuntimeContext.

#include <cstdint>
#include <string>

#include "weir/core/runtime_mode.h"

namespace weir {

struct TaskInfo {
    std::string taskName;  ///< the vertex name, e.g. "Source: numbers -> Map"
    int32_t subtaskIndex = 0;
    int32_t parallelism = 1;
    int32_t maxParallelism = 128;
    int32_t attemptNumber = 0;

    /// "Map (2/4)#0", as logs and failure messages name a subtask.
    std::string taskNameWithSubtask() const {
        return taskName + " (" + std::to_string(subtaskIndex + 1) + "/" +
               std::to_string(parallelism) + ")#" + std::to_string(attemptNumber);
    }
};

}  // namespace weir
