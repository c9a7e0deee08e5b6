#pragma once
// The windows elements are grouped into: TimeWindow [start, end) for time and session windows,
// GlobalWindow (one window for everything) for count windows and custom triggers.

#include <algorithm>
#include <cstdint>
#include <string>

#include "weir/core/serializer.h"
#include "weir/core/time.h"

namespace weir {

class TimeWindow {
public:
    TimeWindow() = default;
    TimeWindow(int64_t start, int64_t end) : start_(start), end_(end) {}
    int64_t getStart() const { return start_; }
    int64_t getEnd() const { return end_; }
    /// The largest timestamp that belongs to the window: end - 1. The window fires when the
    /// watermark reaches it.
    int64_t maxTimestamp() const { return end_ - 1; }
    /// True if the windows overlap or touch (session windows that touch merge).
    bool intersects(const TimeWindow& o) const { return start_ <= o.end_ && end_ >= o.start_; }
    TimeWindow cover(const TimeWindow& o) const {
        return {std::min(start_, o.start_), std::max(end_, o.end_)};
    }
    /// The start of the window of `size` (aligned to `offset`) that contains `timestamp`.
    static int64_t getWindowStartWithOffset(int64_t timestamp, int64_t offset, int64_t size) {
        int64_t remainder = (timestamp - offset) % size;
        return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
    }
    friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
    friend bool operator<(const TimeWindow& a, const TimeWindow& b) {
        return a.start_ != b.start_ ? a.start_ < b.start_ : a.end_ < b.end_;
    }
    std::string toString() const {
        return "TimeWindow{start=" + std::to_string(start_) + ", end=" + std::to_string(end_) + "}";
    }

private:
    int64_t start_ = 0;
    int64_t end_ = 0;
    friend struct Serializer<TimeWindow>;
};

template <>
struct Serializer<TimeWindow> {
    [[gnu::always_inline]] static void serialize(const TimeWindow& w, ByteWriter& out) {
        out.writeFixed(w.start_);
        out.writeFixed(w.end_);
    }
    static void deserialize(ByteReader& in, TimeWindow& w) {
        w.start_ = in.readFixed<int64_t>();
        w.end_ = in.readFixed<int64_t>();
    }
    static std::string name() { return "TimeWindow"; }
};

class GlobalWindow {
public:
    static GlobalWindow get() { return {}; }
    int64_t maxTimestamp() const { return kMaxWatermark; }
    friend bool operator==(const GlobalWindow&, const GlobalWindow&) { return true; }
    friend bool operator<(const GlobalWindow&, const GlobalWindow&) { return false; }
    std::string toString() const { return "GlobalWindow"; }
};

template <>
struct Serializer<GlobalWindow> {
    static void serialize(const GlobalWindow&, ByteWriter&) {}
    static void deserialize(ByteReader&, GlobalWindow&) {}
    static std::string name() { return "GlobalWindow"; }
};

}  // namespace weir
