#include "client/program/plan_capture.h"

#include "graph/pipeline_executor.h"
#include "weir/core/check.h"

namespace weir {

namespace {

thread_local PlanCapture* tCurrent = nullptr;

class CapturingExecutor final : public PipelineExecutor {
public:
    explicit CapturingExecutor(PlanCapture* capture) : capture_(capture) {}
    std::shared_ptr<JobHandle> submit(std::shared_ptr<const StreamGraph> graph,
                                      const Configuration& configuration) override {
        // The first execute() is the job; a program that catches the unwind and executes again
        // does not replace it.
        if (!capture_->plan()) capture_->plan() = ProgramPlan{std::move(graph), configuration};
        throw ProgramPlanCaptured{};
    }

private:
    PlanCapture* capture_;
};

}  // namespace

PlanCapture::PlanCapture(Configuration base) : base_(std::move(base)) {
    WEIR_CHECK(tCurrent == nullptr) << "plan captures do not nest";
    tCurrent = this;
}

PlanCapture::~PlanCapture() {
    tCurrent = nullptr;
}

PlanCapture* PlanCapture::current() {
    return tCurrent;
}

std::shared_ptr<PipelineExecutor> PlanCapture::executor() {
    return std::make_shared<CapturingExecutor>(this);
}

}  // namespace weir
