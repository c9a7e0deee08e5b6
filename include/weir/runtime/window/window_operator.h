#pragma once
// WindowOperator: keyed windows with Flink's semantics.
//
// Each element goes to the windows its assigner gives it (merging session windows as they touch);
// the trigger decides when a window fires (its contents go to the window function, output records
// carry the window's max timestamp) and purges. Event-time windows are cleaned up at
// maxTimestamp + allowedLateness: an element for a window that is not yet cleaned up is added and
// may re-fire it with its whole updated contents; an element whose every window is past cleanup
// is late: dropped, or emitted to the late-data side output.
//
// State per key and window: the contents (policy dependent), the trigger's state, and for
// session windows the key's window -> state window mapping.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weir/functions/windows/assigners.h"
#include "weir/functions/windows/evictors.h"
#include "weir/functions/windows/triggers.h"
#include "weir/functions/windows/window_functions.h"
#include "weir/runtime/operators/udf_operator.h"
#include "weir/runtime/state/state_factory.h"
#include "weir/runtime/time/internal_timer_service.h"
#include "weir/runtime/window/merging_window_set.h"
#include "weir/runtime/window/window_cache.h"
#include "weir/runtime/window/window_contents.h"
#include "weir/runtime/window/window_state_store.h"

namespace weir {

template <class K, class T, class W>
struct WindowSpec {
    std::function<K(const T&)> key;
    std::shared_ptr<const WindowAssigner<W>> assigner;
    std::shared_ptr<Trigger<W>> trigger;
    std::shared_ptr<Evictor> evictor;
    int64_t allowedLateness = 0;
    std::string lateDataTag;  // empty: late elements are dropped
};

template <class K, class T, class OUT, class W, class Policy>
class WindowOperator final : public OneInputOperator<T, OUT> {
    using Acc = typename Policy::Acc;

public:
    WindowOperator(WindowSpec<K, T, W> spec, Policy policy)
        : spec_(std::move(spec)), policy_(std::move(policy)) {}

    void open() override {
        backend_ = this->setup_.keyedStateBackend;
        WEIR_CHECK(backend_ != nullptr) << "window operator without keyed state backend";
        time_ = this->setup_.processingTimeService;
        if (backend_->hasRestoredState("window-slices"))
            throw StateMigrationException(
                "operator '" + this->setup_.operatorName +
                "' restores a snapshot of the same window computed with slices "
                "(pipeline.window.slicing.enabled): it restores only into sliced windows (a "
                "sliding event-time window with reduce or aggregate, the default trigger, no "
                "evictor and no allowed lateness)");
        contents_.bind(*backend_, this->setup_);
        mergingWindows_.bind(*backend_, "merging-window-set");
        timers_.emplace(
            *backend_, time_, [this](int64_t t, const W& w) { onTimer(t, w, true); },
            [this](int64_t t, const W& w) { onTimer(t, w, false); }, "window-timers");
        collector_.setOutput(this->output_);
        triggerContext_.op = this;
        windowContext_.op = this;
        windowState_.emplace(backend_, true);
        globalState_.emplace(backend_, false);
        policy_.open(this->setup_);
        // Hoisted out of the per-element path.
        merging_ = spec_.assigner->isMerging();
        eventTime_ = spec_.assigner->isEventTime();
        timeTrigger_ = spec_.trigger->onlyRegistersTheWindowEndTimer();
    }
    void close() override { policy_.close(); }

    void processElement(const T& value, int64_t timestamp) override {
        currentKey_ = spec_.key(value);
        backend_->setCurrentKey(currentKey_);
        // Event-time assigners do not look at the clock: spare them a clock read per element.
        int64_t now = eventTime() ? 0 : processingTime();
        spec_.assigner->assignWindowsInto(&value, timestamp, now, windows_);
        const std::vector<W>& windows = windows_;
        bool skipped = true;
        if (merging_) {
            backend_->clearNamespace();
            MergingWindowSet<W> set(*spec_.assigner, mergingWindows_.getOrCreate());
            for (const auto& w : windows) {
                W actual =
                    set.addWindow(w, [&](const W& result, const std::vector<W>& merged,
                                         const W& stateResult, const std::vector<W>& mergedState) {
                        onMerge(result, merged, stateResult, mergedState);
                    });
                if (isWindowLate(actual)) {
                    set.retireWindow(actual);
                    continue;
                }
                skipped = false;
                W stateWindow = *set.stateWindow(actual);
                addElement(stateWindow, value, timestamp);
                TriggerResult r = callTrigger(actual, [&] {
                    return spec_.trigger->onElement(timestamp, actual, triggerContext_);
                });
                if (isFire(r)) emit(actual, stateWindow);
                if (isPurge(r)) clearContents(stateWindow);
                registerCleanupTimer(actual);
            }
            storeMapping(set);
        } else {
            for (const auto& w : windows) {
                if (isWindowLate(w)) continue;
                skipped = false;
                bool created = addElement(w, value, timestamp);
                // A time trigger registered its timer with the window's first element, and the
                // cleanup timer was registered then too: for the other elements of a window
                // that is not due yet there is nothing to do (no timer lookups per element).
                bool due = eventTime() && w.maxTimestamp() <= currentWatermark();
                if (!created && timeTrigger_ && !due) continue;
                TriggerResult r = callTrigger(
                    w, [&] { return spec_.trigger->onElement(timestamp, w, triggerContext_); });
                if (isFire(r)) emit(w, w);
                if (isPurge(r)) clearContents(w);
                // The time trigger's timer is the cleanup timer when there is no lateness.
                if (created && !(timeTrigger_ && !due && cleanupTime(w) == w.maxTimestamp()))
                    registerCleanupTimer(w);
            }
        }
        if (skipped && isElementLate(timestamp)) {
            ++droppedLateElements_;
            if (!spec_.lateDataTag.empty())
                this->rawOutput_->collectSide(spec_.lateDataTag, &value, timestamp);
        }
    }

    /// Elements dropped because they were late (and no late-data side output was set).
    int64_t numLateRecordsDropped() const {
        return spec_.lateDataTag.empty() ? droppedLateElements_ : 0;
    }

protected:
    void onWatermark(int64_t watermark) override {
        timers_->advanceWatermark(watermark);
        this->rawOutput_->emitWatermark(watermark);
    }

private:
    bool eventTime() const { return eventTime_; }
    int64_t processingTime() const {
        return time_ ? time_->getCurrentProcessingTime() : currentTimeMillis();
    }
    int64_t currentWatermark() const { return timers_->currentWatermark(); }

    int64_t cleanupTime(const W& w) const {
        if (!eventTime()) return w.maxTimestamp();
        int64_t t = w.maxTimestamp() + spec_.allowedLateness;
        return t >= w.maxTimestamp() ? t : kMaxWatermark;  // overflow
    }
    bool isWindowLate(const W& w) const {
        return eventTime() && cleanupTime(w) <= currentWatermark();
    }
    bool isElementLate(int64_t ts) const {
        return eventTime() && ts != kNoTimestamp &&
               ts + spec_.allowedLateness <= currentWatermark();
    }
    void registerCleanupTimer(const W& w) {
        int64_t t = cleanupTime(w);
        if (t == kMaxWatermark) return;  // windows that never end are never cleaned up
        if (eventTime())
            timers_->registerEventTimeTimer(w, t);
        else
            timers_->registerProcessingTimeTimer(w, t);
    }
    void deleteCleanupTimer(const W& w) {
        int64_t t = cleanupTime(w);
        if (t == kMaxWatermark) return;
        if (eventTime())
            timers_->deleteEventTimeTimer(w, t);
        else
            timers_->deleteProcessingTimeTimer(w, t);
    }

    /// Adds the element to the window's contents; true if the contents were created by it.
    bool addElement(const W& stateWindow, const T& value, int64_t ts) {
        backend_->setCurrentNamespace(stateWindow);
        return contents_.add(policy_, value, ts);
    }
    void clearContents(const W& stateWindow) {
        backend_->setCurrentNamespace(stateWindow);
        contents_.clear();
    }
    template <class F>
    TriggerResult callTrigger(const W& window, F&& f) {
        triggerContext_.window = &window;
        backend_->setCurrentNamespace(window);
        return f();
    }

    void emit(const W& window, const W& stateWindow) {
        backend_->setCurrentNamespace(stateWindow);
        Acc* acc = contents_.load();
        if (!acc) return;
        windowContext_.window_ = &window;
        windowState_->setWindowNamespace(serializedNamespace(window));
        collector_.setTimestamp(window.maxTimestamp());
        policy_.emit(currentKey_, windowContext_, *acc, spec_.evictor.get(), collector_);
        if (spec_.evictor) {  // evictors change the contents
            backend_->setCurrentNamespace(stateWindow);
            contents_.store(*acc);
        }
    }

    void onTimer(int64_t time, const W& window, bool eventTimeTimer) {
        auto keyBytes = backend_->currentKeyBytes();
        currentKey_ = deserializeFromBytes<K>(reinterpret_cast<const uint8_t*>(keyBytes.data()),
                                              keyBytes.size());
        std::optional<MergingWindowSet<W>> set;
        W stateWindow = window;
        if (merging_) {
            backend_->clearNamespace();
            auto* mapping = mergingWindows_.mutableValue();
            if (!mapping) return;  // the key has no windows left
            set.emplace(*spec_.assigner, *mapping);
            auto s = set->stateWindow(window);
            if (!s) return;  // the window was merged away or cleaned up
            stateWindow = *s;
        }
        TriggerResult r = callTrigger(window, [&] {
            return eventTimeTimer ? spec_.trigger->onEventTime(time, window, triggerContext_)
                                  : spec_.trigger->onProcessingTime(time, window, triggerContext_);
        });
        if (isFire(r)) emit(window, stateWindow);
        if (isPurge(r)) clearContents(stateWindow);
        if (eventTimeTimer == eventTime() && time == cleanupTime(window)) {
            clearContents(stateWindow);
            callTrigger(window, [&] {
                spec_.trigger->clear(window, triggerContext_);
                return TriggerResult::CONTINUE;
            });
            windowContext_.window_ = &window;
            windowState_->setWindowNamespace(serializedNamespace(window));
            policy_.clear(windowContext_);
            if (set) set->retireWindow(window);
        }
        if (set) storeMapping(*set);
    }

    void onMerge(const W& result, const std::vector<W>& merged, const W& stateResult,
                 const std::vector<W>& mergedState) {
        if (eventTime() && cleanupTime(result) <= currentWatermark())
            throw InternalError(
                "merging made an event-time window end before the current watermark");
        triggerContext_.mergedWindows = &merged;
        callTrigger(result, [&] {
            spec_.trigger->onMerge(result, triggerContext_);
            return TriggerResult::CONTINUE;
        });
        triggerContext_.mergedWindows = nullptr;
        for (const auto& m : merged) {
            callTrigger(m, [&] {
                spec_.trigger->clear(m, triggerContext_);
                return TriggerResult::CONTINUE;
            });
            deleteCleanupTimer(m);
        }
        // Fold the contents of the merged state windows into the result's.
        std::vector<Acc> pieces;
        for (const auto& s : mergedState) {
            backend_->setCurrentNamespace(s);
            if (auto piece = contents_.take()) pieces.push_back(std::move(*piece));
        }
        if (pieces.empty()) return;
        backend_->setCurrentNamespace(stateResult);
        contents_.mergeIn(policy_, pieces);
    }

    /// The set changed the key's mapping in place: write it back (RocksDB), or drop it if empty.
    void storeMapping(const MergingWindowSet<W>& set) {
        backend_->clearNamespace();
        if (set.mapping().empty())
            mergingWindows_.clear();
        else
            mergingWindows_.commit();
    }

    static std::string serializedNamespace(const W& w) {
        ByteWriter out;
        Serializer<W>::serialize(w, out);
        return std::string(reinterpret_cast<const char*>(out.data()), out.size());
    }

    struct TriggerCtx final : TriggerContext {
        WindowOperator* op = nullptr;
        const W* window = nullptr;
        const std::vector<W>* mergedWindows = nullptr;
        /// The trigger's states by name, found once (a trigger has one or two): no name is
        /// built and no backend map is searched per element.
        std::vector<std::pair<std::string, ValueState<int64_t>*>> longStates;
        ValueState<int64_t>& longState(const std::string& name) {
            for (auto& [n, state] : longStates)
                if (n == name) return *state;
            auto& state = state_factory::valueState<int64_t>(*op->backend_, "trigger:" + name);
            longStates.emplace_back(name, &state);
            return state;
        }
        int64_t getCurrentProcessingTime() override { return op->processingTime(); }
        int64_t getCurrentWatermark() override { return op->currentWatermark(); }
        void registerEventTimeTimer(int64_t t) override {
            op->timers_->registerEventTimeTimer(*window, t);
        }
        void registerProcessingTimeTimer(int64_t t) override {
            op->timers_->registerProcessingTimeTimer(*window, t);
        }
        void deleteEventTimeTimer(int64_t t) override {
            op->timers_->deleteEventTimeTimer(*window, t);
        }
        void deleteProcessingTimeTimer(int64_t t) override {
            op->timers_->deleteProcessingTimeTimer(*window, t);
        }
        ValueState<int64_t>& getLongState(const std::string& name) override {
            op->backend_->setCurrentNamespace(*window);
            return longState(name);
        }
        size_t mergedWindowCount() override { return mergedWindows ? mergedWindows->size() : 0; }
        std::optional<int64_t> mergedLongState(const std::string& name, size_t i) override {
            auto& state = longState(name);
            op->backend_->setCurrentNamespace((*mergedWindows)[i]);
            auto v = state.value();
            op->backend_->setCurrentNamespace(*window);
            return v;
        }
    };

    struct WindowCtx final : WindowContext<W> {
        WindowOperator* op = nullptr;
        const W* window_ = nullptr;
        const W& window() const override { return *window_; }
        int64_t currentProcessingTime() const override { return op->processingTime(); }
        int64_t currentWatermark() const override { return op->currentWatermark(); }
        KeyedStateStore& windowState() override { return *op->windowState_; }
        KeyedStateStore& globalState() override { return *op->globalState_; }
        void outputErased(const std::string& tagId, const void* value) override {
            op->rawOutput_->collectSide(tagId, value, window_->maxTimestamp());
        }
    };

    WindowSpec<K, T, W> spec_;
    Policy policy_;
    KeyedStateBackend* backend_ = nullptr;
    ProcessingTimeService* time_ = nullptr;
    WindowContents<Policy, T> contents_;
    InternalValueState<typename MergingWindowSet<W>::Mapping> mergingWindows_;
    std::optional<InternalTimerService<W>> timers_;
    std::optional<KeyedStateStore> windowState_;
    std::optional<KeyedStateStore> globalState_;
    TimestampedCollector<OUT> collector_;
    TriggerCtx triggerContext_;
    WindowCtx windowContext_;
    K currentKey_{};
    int64_t droppedLateElements_ = 0;
    std::vector<W> windows_;  // reused by every element
    bool merging_ = false;
    bool eventTime_ = false;
    bool timeTrigger_ = false;
};

}  // namespace weir
