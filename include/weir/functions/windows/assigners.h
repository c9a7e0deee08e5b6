#pragma once
// Window assigners: which windows an element belongs to, and which trigger fires them by default.
//
//   TumblingEventTimeWindows::of(1min)            [start, start + size), aligned to the epoch +
//   offset SlidingEventTimeWindows::of(1min, 30s)        size/slide windows per element
//   EventTimeSessionWindows::withGap(10min)       [ts, ts + gap), merged when they touch or overlap
//   ... the same in processing time, and GlobalWindows::create() (one window; count windows).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "weir/functions/windows/triggers.h"
#include "weir/functions/windows/window.h"

namespace weir {

template <class W>
class WindowAssigner {
public:
    using WindowType = W;
    virtual ~WindowAssigner() = default;
    /// `element` points at the element (used by dynamic session gaps); `timestamp` is its event
    /// timestamp, `processingTime` the current wall-clock time.
    virtual std::vector<W> assignWindows(const void* element, int64_t timestamp,
                                         int64_t processingTime) const = 0;
    /// The same into `out` (cleared first), which the window operator reuses across elements so
    /// that assigning allocates nothing.
    virtual void assignWindowsInto(const void* element, int64_t timestamp, int64_t processingTime,
                                   std::vector<W>& out) const {
        out = assignWindows(element, timestamp, processingTime);
    }
    virtual std::shared_ptr<Trigger<W>> defaultTrigger() const = 0;
    virtual bool isEventTime() const = 0;
    virtual std::string toString() const = 0;
    /// Session assigners merge windows.
    virtual bool isMerging() const { return false; }
    /// Groups `windows` into merged windows: each result is the covering window and the windows
    /// it covers (only groups of two or more windows, or a covering window that differs).
    virtual std::vector<std::pair<W, std::vector<W>>> mergeWindows(
        const std::vector<W>& windows) const {
        return {};
    }
};

namespace detail {
inline void checkSizeAndOffset(int64_t size, int64_t offset, const char* what) {
    if (size <= 0) throw InvalidProgramException(std::string(what) + " needs a positive size");
    if (offset < 0 || offset >= size)
        throw InvalidProgramException(std::string(what) + " needs 0 <= offset < size");
}

/// Merges overlapping or touching time windows (sessions).
inline std::vector<std::pair<TimeWindow, std::vector<TimeWindow>>> mergeTimeWindows(
    std::vector<TimeWindow> windows) {
    std::sort(windows.begin(), windows.end());
    std::vector<std::pair<TimeWindow, std::vector<TimeWindow>>> merged;
    for (const auto& w : windows) {
        if (!merged.empty() && merged.back().first.intersects(w)) {
            merged.back().first = merged.back().first.cover(w);
            merged.back().second.push_back(w);
        } else {
            merged.push_back({w, {w}});
        }
    }
    std::vector<std::pair<TimeWindow, std::vector<TimeWindow>>> result;
    for (auto& m : merged)
        if (m.second.size() > 1) result.push_back(std::move(m));
    return result;
}
}  // namespace detail

class TumblingEventTimeWindows final : public WindowAssigner<TimeWindow> {
public:
    static TumblingEventTimeWindows of(Duration size, Duration offset = Duration(0)) {
        return TumblingEventTimeWindows(size.count(), offset.count());
    }
    std::vector<TimeWindow> assignWindows(const void*, int64_t ts, int64_t) const override {
        if (ts == kNoTimestamp)
            throw InvalidProgramException(
                "an element has no event timestamp: use assignTimestampsAndWatermarks or a "
                "WatermarkStrategy with a timestamp assigner before event-time windows");
        int64_t start = TimeWindow::getWindowStartWithOffset(ts, offset_, size_);
        return {TimeWindow(start, start + size_)};
    }
    void assignWindowsInto(const void* e, int64_t ts, int64_t now,
                           std::vector<TimeWindow>& out) const override {
        if (ts == kNoTimestamp) {
            out = assignWindows(e, ts, now);  // throws the explanation
            return;
        }
        int64_t start = TimeWindow::getWindowStartWithOffset(ts, offset_, size_);
        out.clear();
        out.emplace_back(start, start + size_);
    }
    std::shared_ptr<Trigger<TimeWindow>> defaultTrigger() const override {
        return std::make_shared<EventTimeTrigger>();
    }
    bool isEventTime() const override { return true; }
    std::string toString() const override {
        return "TumblingEventTimeWindows(" + std::to_string(size_) + ")";
    }

private:
    TumblingEventTimeWindows(int64_t size, int64_t offset) : size_(size), offset_(offset) {
        detail::checkSizeAndOffset(size, offset, "TumblingEventTimeWindows");
    }
    int64_t size_, offset_;
};

class SlidingEventTimeWindows final : public WindowAssigner<TimeWindow> {
public:
    static SlidingEventTimeWindows of(Duration size, Duration slide,
                                      Duration offset = Duration(0)) {
        return SlidingEventTimeWindows(size.count(), slide.count(), offset.count());
    }
    std::vector<TimeWindow> assignWindows(const void*, int64_t ts, int64_t) const override {
        if (ts == kNoTimestamp)
            throw InvalidProgramException(
                "an element has no event timestamp: use assignTimestampsAndWatermarks before "
                "event-time windows");
        std::vector<TimeWindow> windows;
        assignWindowsInto(nullptr, ts, 0, windows);
        return windows;
    }
    void assignWindowsInto(const void* e, int64_t ts, int64_t now,
                           std::vector<TimeWindow>& out) const override {
        if (ts == kNoTimestamp) {
            out = assignWindows(e, ts, now);  // throws the explanation
            return;
        }
        out.clear();
        int64_t lastStart = TimeWindow::getWindowStartWithOffset(ts, offset_, slide_);
        for (int64_t start = lastStart; start > ts - size_; start -= slide_)
            out.emplace_back(start, start + size_);
    }
    int64_t size() const { return size_; }
    int64_t slide() const { return slide_; }
    int64_t offset() const { return offset_; }
    std::shared_ptr<Trigger<TimeWindow>> defaultTrigger() const override {
        return std::make_shared<EventTimeTrigger>();
    }
    bool isEventTime() const override { return true; }
    std::string toString() const override {
        return "SlidingEventTimeWindows(" + std::to_string(size_) + ", " + std::to_string(slide_) +
               ")";
    }

private:
    SlidingEventTimeWindows(int64_t size, int64_t slide, int64_t offset)
        : size_(size), slide_(slide), offset_(offset) {
        if (size <= 0 || slide <= 0)
            throw InvalidProgramException(
                "SlidingEventTimeWindows needs a positive size and slide");
        if (offset < 0 || offset >= slide)
            throw InvalidProgramException("SlidingEventTimeWindows needs 0 <= offset < slide");
    }
    int64_t size_, slide_, offset_;
};

class TumblingProcessingTimeWindows final : public WindowAssigner<TimeWindow> {
public:
    static TumblingProcessingTimeWindows of(Duration size, Duration offset = Duration(0)) {
        return TumblingProcessingTimeWindows(size.count(), offset.count());
    }
    std::vector<TimeWindow> assignWindows(const void*, int64_t, int64_t now) const override {
        int64_t start = TimeWindow::getWindowStartWithOffset(now, offset_, size_);
        return {TimeWindow(start, start + size_)};
    }
    void assignWindowsInto(const void*, int64_t, int64_t now,
                           std::vector<TimeWindow>& out) const override {
        int64_t start = TimeWindow::getWindowStartWithOffset(now, offset_, size_);
        out.clear();
        out.emplace_back(start, start + size_);
    }
    std::shared_ptr<Trigger<TimeWindow>> defaultTrigger() const override {
        return std::make_shared<ProcessingTimeTrigger>();
    }
    bool isEventTime() const override { return false; }
    std::string toString() const override {
        return "TumblingProcessingTimeWindows(" + std::to_string(size_) + ")";
    }

private:
    TumblingProcessingTimeWindows(int64_t size, int64_t offset) : size_(size), offset_(offset) {
        detail::checkSizeAndOffset(size, offset, "TumblingProcessingTimeWindows");
    }
    int64_t size_, offset_;
};

class SlidingProcessingTimeWindows final : public WindowAssigner<TimeWindow> {
public:
    static SlidingProcessingTimeWindows of(Duration size, Duration slide,
                                           Duration offset = Duration(0)) {
        return SlidingProcessingTimeWindows(size.count(), slide.count(), offset.count());
    }
    std::vector<TimeWindow> assignWindows(const void*, int64_t, int64_t now) const override {
        std::vector<TimeWindow> windows;
        assignWindowsInto(nullptr, 0, now, windows);
        return windows;
    }
    void assignWindowsInto(const void*, int64_t, int64_t now,
                           std::vector<TimeWindow>& out) const override {
        out.clear();
        int64_t lastStart = TimeWindow::getWindowStartWithOffset(now, offset_, slide_);
        for (int64_t start = lastStart; start > now - size_; start -= slide_)
            out.emplace_back(start, start + size_);
    }
    std::shared_ptr<Trigger<TimeWindow>> defaultTrigger() const override {
        return std::make_shared<ProcessingTimeTrigger>();
    }
    bool isEventTime() const override { return false; }
    std::string toString() const override { return "SlidingProcessingTimeWindows"; }

private:
    SlidingProcessingTimeWindows(int64_t size, int64_t slide, int64_t offset)
        : size_(size), slide_(slide), offset_(offset) {
        if (size <= 0 || slide <= 0)
            throw InvalidProgramException(
                "SlidingProcessingTimeWindows needs a positive size and slide");
        if (offset < 0 || offset >= slide)
            throw InvalidProgramException("SlidingProcessingTimeWindows needs 0 <= offset < slide");
    }
    int64_t size_, slide_, offset_;
};

/// Any element type: the static-gap session assigner ignores the element.
struct AnyElement {};

/// Session windows with a gap that may depend on the element (withDynamicGap).
template <class T>
class SessionWindowsOf final : public WindowAssigner<TimeWindow> {
public:
    SessionWindowsOf(std::function<int64_t(const T&)> gap, bool eventTime)
        : gap_(std::move(gap)), eventTime_(eventTime) {}
    std::vector<TimeWindow> assignWindows(const void* element, int64_t ts,
                                          int64_t now) const override {
        int64_t start = eventTime_ ? ts : now;
        if (eventTime_ && ts == kNoTimestamp)
            throw InvalidProgramException(
                "an element has no event timestamp: use assignTimestampsAndWatermarks before "
                "event-time session windows");
        int64_t gap;
        if constexpr (std::is_same_v<T, AnyElement>)
            gap = gap_(T{});
        else
            gap = gap_(*static_cast<const T*>(element));
        if (gap <= 0)
            throw InvalidProgramException("a session window gap must be positive, got " +
                                          std::to_string(gap));
        return {TimeWindow(start, start + gap)};
    }
    std::shared_ptr<Trigger<TimeWindow>> defaultTrigger() const override {
        if (eventTime_) return std::make_shared<EventTimeTrigger>();
        return std::make_shared<ProcessingTimeTrigger>();
    }
    bool isEventTime() const override { return eventTime_; }
    bool isMerging() const override { return true; }
    std::vector<std::pair<TimeWindow, std::vector<TimeWindow>>> mergeWindows(
        const std::vector<TimeWindow>& windows) const override {
        return detail::mergeTimeWindows(windows);
    }
    std::string toString() const override {
        return eventTime_ ? "EventTimeSessionWindows" : "ProcessingTimeSessionWindows";
    }

private:
    std::function<int64_t(const T&)> gap_;
    bool eventTime_;
};

struct EventTimeSessionWindows {
    static SessionWindowsOf<AnyElement> withGap(Duration gap) {
        if (gap.count() <= 0)
            throw InvalidProgramException("EventTimeSessionWindows needs a positive gap");
        int64_t g = gap.count();
        return SessionWindowsOf<AnyElement>([g](const AnyElement&) { return g; }, true);
    }
    /// `extractor(element)` gives the gap (a Duration or milliseconds) for each element.
    template <class T, class F>
    static SessionWindowsOf<T> withDynamicGap(F extractor) {
        return SessionWindowsOf<T>([extractor](const T& e) { return toMillis(extractor(e)); },
                                   true);
    }

private:
    static int64_t toMillis(Duration d) { return d.count(); }
    static int64_t toMillis(int64_t ms) { return ms; }
};

struct ProcessingTimeSessionWindows {
    static SessionWindowsOf<AnyElement> withGap(Duration gap) {
        if (gap.count() <= 0)
            throw InvalidProgramException("ProcessingTimeSessionWindows needs a positive gap");
        int64_t g = gap.count();
        return SessionWindowsOf<AnyElement>([g](const AnyElement&) { return g; }, false);
    }
    template <class T, class F>
    static SessionWindowsOf<T> withDynamicGap(F extractor) {
        return SessionWindowsOf<T>(
            [extractor](const T& e) { return Duration(extractor(e)).count(); }, false);
    }
};

class GlobalWindows final : public WindowAssigner<GlobalWindow> {
public:
    static GlobalWindows create() { return {}; }
    std::vector<GlobalWindow> assignWindows(const void*, int64_t, int64_t) const override {
        return {GlobalWindow()};
    }
    std::shared_ptr<Trigger<GlobalWindow>> defaultTrigger() const override {
        return std::make_shared<NeverTrigger<GlobalWindow>>();
    }
    bool isEventTime() const override { return false; }
    std::string toString() const override { return "GlobalWindows()"; }
};

}  // namespace weir
