#pragma once
// InternalTimerService<N>: event-time and processing-time timers of a keyed operator, per key and
// namespace N (a window, or VoidNamespace). A timer is identified by (timestamp, key, namespace):
// registering it twice keeps one. Event-time timers fire, in timestamp order, when the watermark
// reaches them (advanceWatermark); processing-time timers when the task's clock does. Before a
// timer's callback runs, the state backend's current key (and namespace) is the timer's.
//
// Thread-safety: used only by its task's thread.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <tuple>

#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/time/processing_time_service.h"

namespace weir {

template <class N>
class InternalTimerService {
public:
    /// Called with the timer's timestamp and namespace; the backend's current key is the timer's.
    using Callback = std::function<void(int64_t timestamp, const N& ns)>;

    InternalTimerService(KeyedStateBackend& backend, ProcessingTimeService* processingTime,
                         Callback onEventTime, Callback onProcessingTime)
        : backend_(backend),
          processingTime_(processingTime),
          onEventTime_(std::move(onEventTime)),
          onProcessingTime_(std::move(onProcessingTime)) {}

    void registerEventTimeTimer(const N& ns, int64_t time) { eventTimers_.insert(entry(ns, time)); }
    void deleteEventTimeTimer(const N& ns, int64_t time) { eventTimers_.erase(entry(ns, time)); }
    void registerProcessingTimeTimer(const N& ns, int64_t time) {
        bool earliest = processingTimers_.empty() || time < processingTimers_.begin()->timestamp;
        processingTimers_.insert(entry(ns, time));
        if (earliest) scheduleProcessingTime(time);
    }
    void deleteProcessingTimeTimer(const N& ns, int64_t time) { processingTimers_.erase(entry(ns, time)); }

    /// Fires every event-time timer at or before `watermark`, in order. Timers registered by a
    /// callback at or before the watermark fire in the same call.
    void advanceWatermark(int64_t watermark) {
        currentWatermark_ = watermark;
        while (!eventTimers_.empty() && eventTimers_.begin()->timestamp <= watermark) {
            Entry e = *eventTimers_.begin();
            eventTimers_.erase(eventTimers_.begin());
            fire(e, onEventTime_);
        }
    }

    int64_t currentWatermark() const { return currentWatermark_; }
    int64_t currentProcessingTime() const {
        return processingTime_ ? processingTime_->getCurrentProcessingTime() : currentTimeMillis();
    }
    size_t numEventTimeTimers() const { return eventTimers_.size(); }
    size_t numProcessingTimeTimers() const { return processingTimers_.size(); }

private:
    struct Entry {
        int64_t timestamp;
        std::string key;
        std::string nsBytes;
        int32_t keyGroup;
        N ns;
        bool operator<(const Entry& o) const {
            return std::tie(timestamp, key, nsBytes) < std::tie(o.timestamp, o.key, o.nsBytes);
        }
    };

    Entry entry(const N& ns, int64_t time) const {
        ByteWriter w;
        Serializer<N>::serialize(ns, w);
        return Entry{time, std::string(backend_.currentKeyBytes()),
                     std::string(reinterpret_cast<const char*>(w.data()), w.size()),
                     backend_.currentKeyGroup(), ns};
    }

    void fire(const Entry& e, const Callback& callback) {
        backend_.setCurrentKeyBytes(e.key, e.keyGroup);
        callback(e.timestamp, e.ns);
    }

    void scheduleProcessingTime(int64_t time) {
        if (!processingTime_ || (scheduled_ && scheduledAt_ <= time)) return;
        scheduled_ = true;
        scheduledAt_ = time;
        processingTime_->registerTimer(time, [this](int64_t now) { onProcessingTimeReached(now); });
    }

    void onProcessingTimeReached(int64_t now) {
        if (now == scheduledAt_) scheduled_ = false;
        int64_t clock = std::max(now, currentProcessingTime());
        while (!processingTimers_.empty() && processingTimers_.begin()->timestamp <= clock) {
            Entry e = *processingTimers_.begin();
            processingTimers_.erase(processingTimers_.begin());
            fire(e, onProcessingTime_);
        }
        if (!processingTimers_.empty()) {
            scheduled_ = false;
            scheduleProcessingTime(processingTimers_.begin()->timestamp);
        }
    }

    KeyedStateBackend& backend_;
    ProcessingTimeService* processingTime_;
    Callback onEventTime_;
    Callback onProcessingTime_;
    std::set<Entry> eventTimers_;
    std::set<Entry> processingTimers_;
    int64_t currentWatermark_ = kMinWatermark;
    bool scheduled_ = false;
    int64_t scheduledAt_ = 0;
};

}  // namespace weir
