#pragma once
// RuntimeExecutionMode: how a job runs its operators (execution.runtime-mode).

namespace weir {

enum class RuntimeExecutionMode {
    STREAMING,  ///< Every record updates results at once (rolling results).
    BATCH,      ///< Bounded input: operators may wait for the end of input and emit final results.
    AUTOMATIC,  ///< BATCH when every source is bounded, else STREAMING.
};

}  // namespace weir
