#pragma once
// Triggers decide when a window's contents are emitted (FIRE) and when they are dropped (PURGE).
// One trigger object serves every key and window of an operator: it keeps what it must remember
// in per-window state through the context, never in members.
//
// Deviation from Flink: onElement receives the element's timestamp, not the element itself.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include "weir/core/exceptions.h"
#include "weir/core/time.h"
#include "weir/functions/state.h"
#include "weir/functions/windows/window.h"

namespace weir {

enum class TriggerResult { CONTINUE, FIRE, PURGE, FIRE_AND_PURGE };

inline bool isFire(TriggerResult r) {
    return r == TriggerResult::FIRE || r == TriggerResult::FIRE_AND_PURGE;
}
inline bool isPurge(TriggerResult r) {
    return r == TriggerResult::PURGE || r == TriggerResult::FIRE_AND_PURGE;
}

/// What a trigger may do for the window it is called for (the current key's).
class TriggerContext {
public:
    virtual ~TriggerContext() = default;
    virtual int64_t getCurrentProcessingTime() = 0;
    virtual int64_t getCurrentWatermark() = 0;
    virtual void registerEventTimeTimer(int64_t time) = 0;
    virtual void registerProcessingTimeTimer(int64_t time) = 0;
    virtual void deleteEventTimeTimer(int64_t time) = 0;
    virtual void deleteProcessingTimeTimer(int64_t time) = 0;
    /// An int64 value kept per key and window (counts, next fire times).
    virtual ValueState<int64_t>& getLongState(const std::string& name) = 0;
    /// While merging windows: the windows being merged into the current one.
    virtual size_t mergedWindowCount() { return 0; }
    /// While merging windows: the value of `name` in merged window i.
    virtual std::optional<int64_t> mergedLongState(const std::string& name, size_t i) {
        return std::nullopt;
    }
};

template <class W>
class Trigger {
public:
    virtual ~Trigger() = default;
    virtual TriggerResult onElement(int64_t timestamp, const W& window, TriggerContext& ctx) = 0;
    virtual TriggerResult onEventTime(int64_t time, const W& window, TriggerContext& ctx) = 0;
    virtual TriggerResult onProcessingTime(int64_t time, const W& window, TriggerContext& ctx) = 0;
    /// The window is gone: delete its timers and state.
    virtual void clear(const W& window, TriggerContext& ctx) = 0;
    virtual bool canMerge() const { return false; }
    /// True for the time triggers whose onElement does nothing but (re-)register one timer at
    /// the window's maxTimestamp while that time is ahead: the window operator then calls
    /// onElement only for the first element of a window (and for late elements of event-time
    /// windows), since the timer already exists for the others.
    virtual bool onlyRegistersTheWindowEndTimer() const { return false; }
    /// Windows were merged into `window` (session windows).
    virtual void onMerge(const W& window, TriggerContext& ctx) {
        throw InvalidProgramException("this trigger does not support merging windows");
    }
};

/// Fires once the watermark passes the end of the window (the default of event-time windows).
class EventTimeTrigger final : public Trigger<TimeWindow> {
public:
    static EventTimeTrigger create() { return {}; }
    TriggerResult onElement(int64_t, const TimeWindow& w, TriggerContext& ctx) override {
        if (w.maxTimestamp() <= ctx.getCurrentWatermark())
            return TriggerResult::FIRE;  // late, within lateness
        ctx.registerEventTimeTimer(w.maxTimestamp());
        return TriggerResult::CONTINUE;
    }
    TriggerResult onEventTime(int64_t time, const TimeWindow& w, TriggerContext&) override {
        return time == w.maxTimestamp() ? TriggerResult::FIRE : TriggerResult::CONTINUE;
    }
    TriggerResult onProcessingTime(int64_t, const TimeWindow&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    void clear(const TimeWindow& w, TriggerContext& ctx) override {
        ctx.deleteEventTimeTimer(w.maxTimestamp());
    }
    bool onlyRegistersTheWindowEndTimer() const override { return true; }
    bool canMerge() const override { return true; }
    void onMerge(const TimeWindow& w, TriggerContext& ctx) override {
        if (w.maxTimestamp() > ctx.getCurrentWatermark())
            ctx.registerEventTimeTimer(w.maxTimestamp());
    }
};

/// Fires when the wall clock passes the end of the window.
class ProcessingTimeTrigger final : public Trigger<TimeWindow> {
public:
    static ProcessingTimeTrigger create() { return {}; }
    TriggerResult onElement(int64_t, const TimeWindow& w, TriggerContext& ctx) override {
        ctx.registerProcessingTimeTimer(w.maxTimestamp());
        return TriggerResult::CONTINUE;
    }
    TriggerResult onEventTime(int64_t, const TimeWindow&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    TriggerResult onProcessingTime(int64_t, const TimeWindow&, TriggerContext&) override {
        return TriggerResult::FIRE;
    }
    void clear(const TimeWindow& w, TriggerContext& ctx) override {
        ctx.deleteProcessingTimeTimer(w.maxTimestamp());
    }
    bool onlyRegistersTheWindowEndTimer() const override { return true; }
    bool canMerge() const override { return true; }
    void onMerge(const TimeWindow& w, TriggerContext& ctx) override {
        if (w.maxTimestamp() > ctx.getCurrentProcessingTime())
            ctx.registerProcessingTimeTimer(w.maxTimestamp());
    }
};

/// Fires each time the window has received `count` more elements.
template <class W>
class CountTriggerOf final : public Trigger<W> {
public:
    explicit CountTriggerOf(int64_t count) : count_(count) {
        if (count < 1) throw InvalidProgramException("CountTrigger needs a count of at least 1");
    }
    TriggerResult onElement(int64_t, const W&, TriggerContext& ctx) override {
        auto& state = ctx.getLongState(kState);
        int64_t n = state.value().value_or(0) + 1;
        if (n >= count_) {
            state.clear();
            return TriggerResult::FIRE;
        }
        state.update(n);
        return TriggerResult::CONTINUE;
    }
    TriggerResult onEventTime(int64_t, const W&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    TriggerResult onProcessingTime(int64_t, const W&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    void clear(const W&, TriggerContext& ctx) override { ctx.getLongState(kState).clear(); }
    bool canMerge() const override { return true; }
    void onMerge(const W&, TriggerContext& ctx) override {
        int64_t sum = 0;
        for (size_t i = 0; i < ctx.mergedWindowCount(); ++i)
            sum += ctx.mergedLongState(kState, i).value_or(0);
        if (sum > 0) ctx.getLongState(kState).update(sum);
    }

private:
    static constexpr const char* kState = "count-trigger";
    int64_t count_;
};

/// Makes every FIRE of the wrapped trigger a FIRE_AND_PURGE.
template <class W>
class PurgingTriggerOf final : public Trigger<W> {
public:
    explicit PurgingTriggerOf(std::shared_ptr<Trigger<W>> inner) : inner_(std::move(inner)) {}
    TriggerResult onElement(int64_t ts, const W& w, TriggerContext& ctx) override {
        return purge(inner_->onElement(ts, w, ctx));
    }
    TriggerResult onEventTime(int64_t t, const W& w, TriggerContext& ctx) override {
        return purge(inner_->onEventTime(t, w, ctx));
    }
    TriggerResult onProcessingTime(int64_t t, const W& w, TriggerContext& ctx) override {
        return purge(inner_->onProcessingTime(t, w, ctx));
    }
    void clear(const W& w, TriggerContext& ctx) override { inner_->clear(w, ctx); }
    bool canMerge() const override { return inner_->canMerge(); }
    void onMerge(const W& w, TriggerContext& ctx) override { inner_->onMerge(w, ctx); }

private:
    static TriggerResult purge(TriggerResult r) {
        return isFire(r) ? TriggerResult::FIRE_AND_PURGE : r;
    }
    std::shared_ptr<Trigger<W>> inner_;
};

/// Fires every `interval` of event time while the window is open, and at its end.
class ContinuousEventTimeTriggerOf final : public Trigger<TimeWindow> {
public:
    explicit ContinuousEventTimeTriggerOf(Duration interval) : interval_(interval.count()) {
        if (interval_ <= 0)
            throw InvalidProgramException("ContinuousEventTimeTrigger needs a positive interval");
    }
    TriggerResult onElement(int64_t ts, const TimeWindow& w, TriggerContext& ctx) override {
        if (w.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult::FIRE;
        ctx.registerEventTimeTimer(w.maxTimestamp());
        auto& next = ctx.getLongState(kState);
        if (!next.value()) {
            int64_t start = ts - (((ts % interval_) + interval_) % interval_);
            registerNext(start + interval_, w, ctx);
        }
        return TriggerResult::CONTINUE;
    }
    TriggerResult onEventTime(int64_t time, const TimeWindow& w, TriggerContext& ctx) override {
        if (time == w.maxTimestamp()) return TriggerResult::FIRE;
        auto& next = ctx.getLongState(kState);
        if (next.value() == time) {
            next.clear();
            registerNext(time + interval_, w, ctx);
            return TriggerResult::FIRE;
        }
        return TriggerResult::CONTINUE;
    }
    TriggerResult onProcessingTime(int64_t, const TimeWindow&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    void clear(const TimeWindow& w, TriggerContext& ctx) override {
        auto& next = ctx.getLongState(kState);
        if (auto t = next.value()) ctx.deleteEventTimeTimer(*t);
        next.clear();
        ctx.deleteEventTimeTimer(w.maxTimestamp());
    }
    bool canMerge() const override { return true; }
    void onMerge(const TimeWindow& w, TriggerContext& ctx) override {
        std::optional<int64_t> earliest;
        for (size_t i = 0; i < ctx.mergedWindowCount(); ++i)
            if (auto t = ctx.mergedLongState(kState, i))
                earliest = earliest ? std::min(*earliest, *t) : *t;
        if (earliest) registerNext(*earliest, w, ctx);
        if (w.maxTimestamp() > ctx.getCurrentWatermark())
            ctx.registerEventTimeTimer(w.maxTimestamp());
    }

private:
    void registerNext(int64_t time, const TimeWindow& w, TriggerContext& ctx) {
        int64_t next = std::min(time, w.maxTimestamp());
        ctx.getLongState(kState).update(next);
        ctx.registerEventTimeTimer(next);
    }
    static constexpr const char* kState = "continuous-fire-time";
    int64_t interval_;
};

/// Never fires (the default of GlobalWindows: pair it with another trigger).
template <class W>
class NeverTrigger final : public Trigger<W> {
public:
    TriggerResult onElement(int64_t, const W&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    TriggerResult onEventTime(int64_t, const W&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    TriggerResult onProcessingTime(int64_t, const W&, TriggerContext&) override {
        return TriggerResult::CONTINUE;
    }
    void clear(const W&, TriggerContext&) override {}
    bool canMerge() const override { return true; }
    void onMerge(const W&, TriggerContext&) override {}
};

// ---- Flink's factory names ------------------------------------------------------------------
// CountTrigger::of(n) and PurgingTrigger::of(t) do not depend on the window type; they give a
// spec that the windowed stream turns into a trigger for its window type (makeTrigger).

template <class W, class X>
std::shared_ptr<Trigger<W>> makeTrigger(X x);

struct CountTriggerSpec {
    int64_t count;
    template <class W>
    std::shared_ptr<Trigger<W>> build() const {
        return std::make_shared<CountTriggerOf<W>>(count);
    }
};

template <class Inner>
struct PurgingTriggerSpec {
    Inner inner;
    template <class W>
    std::shared_ptr<Trigger<W>> build() const {
        return std::make_shared<PurgingTriggerOf<W>>(makeTrigger<W>(inner));
    }
};

struct CountTrigger {
    static CountTriggerSpec of(int64_t count) {
        if (count < 1) throw InvalidProgramException("CountTrigger needs a count of at least 1");
        return {count};
    }
};

struct PurgingTrigger {
    template <class Inner>
    static PurgingTriggerSpec<Inner> of(Inner inner) {
        return {std::move(inner)};
    }
};

struct ContinuousEventTimeTrigger {
    static ContinuousEventTimeTriggerOf of(Duration interval) {
        return ContinuousEventTimeTriggerOf(interval);
    }
};

namespace detail {
template <class X>
struct IsSharedPtr : std::false_type {};
template <class Y>
struct IsSharedPtr<std::shared_ptr<Y>> : std::true_type {};
}  // namespace detail

/// A trigger for windows of type W from a trigger object, a shared_ptr to one, or a spec.
template <class W, class X>
std::shared_ptr<Trigger<W>> makeTrigger(X x) {
    if constexpr (detail::IsSharedPtr<X>::value) {
        return std::static_pointer_cast<Trigger<W>>(std::move(x));
    } else if constexpr (std::is_base_of_v<Trigger<W>, X>) {
        return std::make_shared<X>(std::move(x));
    } else {
        return x.template build<W>();
    }
}

}  // namespace weir
