#pragma once
// SlicingWindowOperator: sliding event-time windows with an incremental reduce or aggregate,
// computed from slices instead of windows.
//
// Time is cut into slices of gcd(size, slide); each element updates the one accumulator of its
// slice (a HOP of size/slide = 5 costs one update per element, not five). When the watermark
// passes a window's end, the window's slices are combined (the policy's merge: the reduce
// function, or AggregateFunction::merge) and the result goes to the window function; the slices
// that no later window covers are dropped. Per key, one timer is pending at a time: the end of
// the next window that has data (each new slice registers the first of its windows that has not
// fired, and each firing registers the next window while slices remain).
//
// The DataStream API picks this operator for SlidingEventTimeWindows with reduce/aggregate
// (with or without a window function), the default trigger, no evictor and no allowed lateness,
// unless `pipeline.window.slicing.enabled` is false. The results equal WindowOperator's when
// the reduce function (or the aggregate's add and merge) is associative and does not depend on
// the arrival order within a window. Late elements behave as there: an element is added to its
// slice, counts in the windows that have not fired, and is dropped (or sent to the late-data
// side output) only when every window of it has fired.
//
// State: "window-slices" (the accumulator per key and slice, namespace = the slice as a
// TimeWindow), the timers "window-timers" (namespace = the window), and the operator's
// watermark (union list state "window-watermark"; restored as the minimum over the old
// subtasks). Unlike Flink's window operator, the watermark is restored: slices outlive the
// windows that fired, so an element that is late for a fired window must still be seen as late
// after a restart, or the window would fire again with its old slices. A restored job thus gives
// the results of an uninterrupted one. It is not compatible with WindowOperator's
// "window-contents": a restore across the two is refused.

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "weir/functions/operator_state.h"
#include "weir/functions/windows/window.h"
#include "weir/functions/windows/window_functions.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/state_factory.h"
#include "weir/runtime/time/internal_timer_service.h"
#include "weir/runtime/window/window_operator.h"
#include "weir/runtime/window/window_state_store.h"

namespace weir {

/// Window geometry of a sliding assigner, in milliseconds.
struct SlidingGeometry {
    int64_t size = 0;
    int64_t slide = 0;
    int64_t offset = 0;
    int64_t slice() const { return std::gcd(size, slide); }
};

template <class K, class T, class OUT, class Policy>
class SlicingWindowOperator final : public OneInputOperator<T, OUT> {
    using W = TimeWindow;
    using Acc = typename Policy::Acc;

public:
    SlicingWindowOperator(WindowSpec<K, T, W> spec, SlidingGeometry geometry, Policy policy)
        : spec_(std::move(spec)), geometry_(geometry), policy_(std::move(policy)) {}

    void open() override {
        backend_ = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend_ != nullptr) << "window operator without keyed state backend";
        if (backend_->hasRestoredState(kUnslicedState))
            throw StateMigrationException(
                "operator '" + this->setup_.operatorName +
                "' restores a snapshot of the same window computed without slices "
                "(pipeline.window.slicing.enabled was false): set it to false again to restore "
                "this snapshot");
        slices_.bind(*backend_, kSliceState);
        slices_.enableWriteBackCache(windowCacheEntries(this->setup_));
        timers_.emplace(
            *backend_, this->setup_.processingTimeService,
            [this](int64_t t, const W& w) { fire(t, w); }, [](int64_t, const W&) {},
            "window-timers");
        collector_.setOutput(this->output_);
        windowContext_.op = this;
        windowState_.emplace(backend_, true);
        globalState_.emplace(backend_, false);
        policy_.open(this->setup_);
        if (auto* store = this->setup_.operatorStateStore) {
            watermarkState_ =
                &store->getUnionListState(ListStateDescriptor<int64_t>(kWatermarkState));
            std::vector<int64_t> restored = watermarkState_->get();
            if (!restored.empty()) {
                restoredWatermark_ = *std::min_element(restored.begin(), restored.end());
                timers_->advanceWatermark(restoredWatermark_);
            }
        }
        slice_ = geometry_.slice();
        sliceOffset_ = geometry_.offset % slice_;
    }
    void close() override { policy_.close(); }

    void processElement(const T& value, int64_t timestamp) override {
        if (timestamp == kNoTimestamp)
            throw InvalidProgramException(
                "an element has no event timestamp: use assignTimestampsAndWatermarks before "
                "event-time windows");
        int64_t watermark = timers_->currentWatermark();
        // The latest window of the element ends at lastStart + size; if even it has fired, the
        // element is late for all of its windows.
        int64_t lastStart =
            TimeWindow::getWindowStartWithOffset(timestamp, geometry_.offset, geometry_.slide);
        if (lastStart + geometry_.size - 1 <= watermark) {
            ++droppedLateElements_;
            if (!spec_.lateDataTag.empty())
                this->rawOutput_->collectSide(spec_.lateDataTag, &value, timestamp);
            return;
        }
        currentKey_ = spec_.key(value);
        backend_->setCurrentKey(currentKey_);
        int64_t sliceStart = TimeWindow::getWindowStartWithOffset(timestamp, sliceOffset_, slice_);
        backend_->setCurrentNamespace(W(sliceStart, sliceStart + slice_));
        auto [acc, created] = slices_.getOrCreateFlagged();
        policy_.add(*acc, value, timestamp);
        slices_.commit();
        if (!created) return;  // the slice's windows are scheduled already
        // The first window of the slice that has not fired: the earliest start above
        // sliceStart - size, moved on past the watermark.
        int64_t firstStart = lastStart;
        while (firstStart - geometry_.slide > sliceStart - geometry_.size)
            firstStart -= geometry_.slide;
        while (firstStart + geometry_.size - 1 <= watermark) firstStart += geometry_.slide;
        schedule(firstStart);
    }

    /// Elements dropped because every window of theirs had fired (no late-data side output).
    int64_t numLateRecordsDropped() const {
        return spec_.lateDataTag.empty() ? droppedLateElements_ : 0;
    }

    void snapshotState(int64_t, int64_t) override {
        if (watermarkState_) watermarkState_->update({timers_->currentWatermark()});
    }

protected:
    void onWatermark(int64_t watermark) override {
        // Never behind the restored watermark (a restarted input starts from the minimum).
        timers_->advanceWatermark(std::max(watermark, restoredWatermark_));
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    static constexpr const char* kSliceState = "window-slices";
    static constexpr const char* kUnslicedState = "window-contents";
    static constexpr const char* kWatermarkState = "window-watermark";

    void schedule(int64_t windowStart) {
        W window(windowStart, windowStart + geometry_.size);
        timers_->registerEventTimeTimer(window, window.maxTimestamp());
    }

    /// The window's end passed: combine its slices, emit, drop the slices no later window
    /// needs, and schedule the next window while slices remain.
    void fire(int64_t, const W& window) {
        auto keyBytes = backend_->currentKeyBytes();
        currentKey_ = deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(keyBytes.data()),
                                              keyBytes.size());
        Acc combined{};
        bool any = false;
        bool remaining = false;  // slices that the next window covers
        int64_t nextStart = window.getStart() + geometry_.slide;
        for (int64_t s = window.getStart(); s < window.getEnd(); s += slice_) {
            backend_->setCurrentNamespace(W(s, s + slice_));
            Acc* acc = slices_.mutableValue();
            if (!acc) continue;
            any = true;
            policy_.merge(combined, Acc(*acc));
            if (s < nextStart)
                slices_.clear();
            else
                remaining = true;
        }
        if (any) {
            windowContext_.window_ = &window;
            windowState_->setWindowNamespace(serializeToString(window));
            collector_.setTimestamp(window.maxTimestamp());
            policy_.emit(currentKey_, windowContext_, combined, nullptr, collector_);
            policy_.clear(windowContext_);  // no lateness: the window is gone
        }
        if (remaining) schedule(nextStart);
    }

    struct WindowCtx final : WindowContext<W> {
        SlicingWindowOperator* op = nullptr;
        const W* window_ = nullptr;
        const W& window() const override { return *window_; }
        int64_t currentProcessingTime() const override {
            auto* time = op->setup_.processingTimeService;
            return time ? time->getCurrentProcessingTime() : currentTimeMillis();
        }
        int64_t currentWatermark() const override { return op->timers_->currentWatermark(); }
        KeyedStateStore& windowState() override { return *op->windowState_; }
        KeyedStateStore& globalState() override { return *op->globalState_; }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, window_->maxTimestamp());
        }
    };

    WindowSpec<K, T, W> spec_;
    SlidingGeometry geometry_;
    Policy policy_;
    int64_t slice_ = 1;
    int64_t sliceOffset_ = 0;
    KeyedStateBackend* backend_ = nullptr;
    InternalValueState<Acc> slices_;
    std::optional<InternalTimerService<W>> timers_;
    std::optional<KeyedStateStore> windowState_;
    std::optional<KeyedStateStore> globalState_;
    TimestampedCollector<OUT> collector_;
    WindowCtx windowContext_;
    K currentKey_{};
    int64_t droppedLateElements_ = 0;
    ListState<int64_t>* watermarkState_ = nullptr;
    int64_t restoredWatermark_ = kMinWatermark;
};

}  // namespace weir
