#pragma once
// PlanCapture: runs a user program's main() to get its job instead of running it.
//
// While a PlanCapture is alive on a thread, StreamExecutionEnvironment::create() on that thread
// returns an environment built on the capture's base configuration (plus the program's own -D
// and -p arguments) whose execute()/executeAsync() records the StreamGraph and then unwinds
// main() by throwing ProgramPlanCaptured (deliberately not a std::exception, so that a program's
// `catch (const std::exception&)` does not swallow it). This is how the JobManager and the
// TaskManagers get a job library's graph (rule 8: user code is never shipped, it is re-run).

#include <memory>
#include <optional>

#include "graph/stream_graph.h"
#include "weir/core/configuration.h"

namespace weir {

class PipelineExecutor;

/// Thrown through a program's main() once its plan is recorded.
struct ProgramPlanCaptured {};

struct ProgramPlan {
    std::shared_ptr<const StreamGraph> graph;
    /// The configuration the program's environment had when it called execute().
    Configuration configuration;
};

class PlanCapture {
public:
    /// Installs the capture for the calling thread (captures do not nest).
    explicit PlanCapture(Configuration base);
    ~PlanCapture();
    PlanCapture(const PlanCapture&) = delete;
    PlanCapture& operator=(const PlanCapture&) = delete;

    /// The capture of the calling thread, or null.
    static PlanCapture* current();
    const Configuration& base() const { return base_; }
    /// The executor of environments created under this capture.
    std::shared_ptr<PipelineExecutor> executor();
    /// The recorded plan (after the program called execute()).
    std::optional<ProgramPlan>& plan() { return plan_; }

private:
    Configuration base_;
    std::optional<ProgramPlan> plan_;
};

}  // namespace weir
