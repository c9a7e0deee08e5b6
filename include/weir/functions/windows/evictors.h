#pragma once
// Evictors remove elements from a window's contents before (evictBefore) or after (evictAfter)
// the window function runs. A window with an evictor keeps all its elements.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "weir/core/exceptions.h"
#include "weir/core/time.h"

namespace weir {

/// The timestamps of a window's elements, in arrival order; evictors mark elements to remove.
class EvictionView {
public:
    explicit EvictionView(const std::vector<int64_t>& timestamps)
        : timestamps_(timestamps), evicted_(timestamps.size(), false) {}
    size_t size() const { return timestamps_.size(); }
    int64_t timestamp(size_t i) const { return timestamps_[i]; }
    bool isEvicted(size_t i) const { return evicted_[i]; }
    void evict(size_t i) { evicted_[i] = true; }
    size_t remaining() const {
        return static_cast<size_t>(std::count(evicted_.begin(), evicted_.end(), false));
    }

private:
    const std::vector<int64_t>& timestamps_;
    std::vector<bool> evicted_;
};

class Evictor {
public:
    virtual ~Evictor() = default;
    virtual void evictBefore(EvictionView& elements) {}
    virtual void evictAfter(EvictionView& elements) {}
};

/// Keeps at most `count` elements: the most recent ones.
class CountEvictor final : public Evictor {
public:
    static CountEvictor of(int64_t count, bool doEvictAfter = false) {
        return CountEvictor(count, doEvictAfter);
    }
    void evictBefore(EvictionView& e) override {
        if (!after_) evict(e);
    }
    void evictAfter(EvictionView& e) override {
        if (after_) evict(e);
    }

private:
    CountEvictor(int64_t count, bool after) : count_(count), after_(after) {
        if (count < 0) throw InvalidProgramException("CountEvictor needs a non-negative count");
    }
    void evict(EvictionView& e) {
        size_t remaining = e.remaining();
        for (size_t i = 0; i < e.size() && remaining > static_cast<size_t>(count_); ++i) {
            if (e.isEvicted(i)) continue;
            e.evict(i);
            --remaining;
        }
    }
    int64_t count_;
    bool after_;
};

/// Keeps the elements whose timestamp is within `size` of the newest element's.
class TimeEvictor final : public Evictor {
public:
    static TimeEvictor of(Duration size, bool doEvictAfter = false) {
        return TimeEvictor(size, doEvictAfter);
    }
    void evictBefore(EvictionView& e) override {
        if (!after_) evict(e);
    }
    void evictAfter(EvictionView& e) override {
        if (after_) evict(e);
    }

private:
    TimeEvictor(Duration size, bool after) : size_(size.count()), after_(after) {}
    void evict(EvictionView& e) {
        bool any = false;
        int64_t newest = kMinWatermark;
        for (size_t i = 0; i < e.size(); ++i) {
            if (e.isEvicted(i) || e.timestamp(i) == kNoTimestamp) continue;
            newest = std::max(newest, e.timestamp(i));
            any = true;
        }
        if (!any) return;
        int64_t cutoff = newest - size_;
        for (size_t i = 0; i < e.size(); ++i)
            if (!e.isEvicted(i) && e.timestamp(i) != kNoTimestamp && e.timestamp(i) <= cutoff)
                e.evict(i);
    }
    int64_t size_;
    bool after_;
};

}  // namespace weir
