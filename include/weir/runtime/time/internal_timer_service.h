#pragma once
// InternalTimerService<N>: event-time and processing-time timers of a keyed operator, per key and
// namespace N (a window, or VoidNamespace). A timer is identified by (timestamp, key, namespace):
// registering it twice keeps one. Event-time timers fire, in timestamp order, when the watermark
// reaches them (advanceWatermark); processing-time timers when the task's clock does. Before a
// timer's callback runs, the state backend's current key (and namespace) is the timer's.
//
// The timers are part of the keyed state: they are snapshotted per key group with the states
// (as entries of "_timers/<name>") and restored with them.
//
// Thread-safety: used only by its task's thread.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "weir/functions/processing_time_service.h"
#include "weir/runtime/state/heap_state.h"
#include "weir/runtime/state/keyed_state_backend.h"

namespace weir {

template <class N>
class InternalTimerService {
public:
    /// Called with the timer's timestamp and namespace; the backend's current key is the timer's.
    using Callback = std::function<void(int64_t timestamp, const N& ns)>;

    InternalTimerService(KeyedStateBackend& backend, ProcessingTimeService* processingTime,
                         Callback onEventTime, Callback onProcessingTime,
                         std::string name = "user-timers")
        : backend_(backend),
          processingTime_(processingTime),
          onEventTime_(std::move(onEventTime)),
          onProcessingTime_(std::move(onProcessingTime)),
          snapshotName_("_timers/" + std::move(name)),
          participant_(*this) {
        backend_.registerParticipant(snapshotName_, &participant_);
    }
    ~InternalTimerService() { backend_.unregisterParticipant(snapshotName_); }
    InternalTimerService(const InternalTimerService&) = delete;
    InternalTimerService& operator=(const InternalTimerService&) = delete;

    void registerEventTimeTimer(const N& ns, int64_t time) { insert(eventTimers_, ns, time); }
    void deleteEventTimeTimer(const N& ns, int64_t time) { erase(eventTimers_, ns, time); }
    void registerProcessingTimeTimer(const N& ns, int64_t time) {
        bool earliest =
            processingTimers_.empty() || time < processingTimers_.ordered.begin()->timestamp;
        if (insert(processingTimers_, ns, time) && earliest) scheduleProcessingTime(time);
    }
    void deleteProcessingTimeTimer(const N& ns, int64_t time) {
        erase(processingTimers_, ns, time);
    }

    /// Fires every event-time timer at or before `watermark`, in order. Timers registered by a
    /// callback at or before the watermark fire in the same call.
    void advanceWatermark(int64_t watermark) {
        currentWatermark_ = watermark;
        while (!eventTimers_.empty() && eventTimers_.ordered.begin()->timestamp <= watermark) {
            Entry e = popFirst(eventTimers_);
            fire(e, onEventTime_);
        }
    }

    int64_t currentWatermark() const { return currentWatermark_; }
    int64_t currentProcessingTime() const {
        return processingTime_ ? processingTime_->getCurrentProcessingTime() : currentTimeMillis();
    }
    size_t numEventTimeTimers() const { return eventTimers_.ordered.size(); }
    size_t numProcessingTimeTimers() const { return processingTimers_.ordered.size(); }

private:
    struct Entry {
        int64_t timestamp;
        std::string key;
        std::string nsBytes;
        int32_t keyGroup;
        N ns;
    };
    /// A timer's identity without owning its bytes (lookups allocate nothing).
    struct View {
        int64_t timestamp;
        std::string_view key;
        std::string_view nsBytes;
    };
    struct Less {
        using is_transparent = void;
        static View view(const Entry& e) { return {e.timestamp, e.key, e.nsBytes}; }
        static View view(const View& v) { return v; }
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            View x = view(a), y = view(b);
            if (x.timestamp != y.timestamp) return x.timestamp < y.timestamp;
            if (int c = x.key.compare(y.key)) return c < 0;
            return x.nsBytes < y.nsBytes;
        }
    };
    using TimerSet = std::set<Entry, Less>;

    View viewOf(const N& ns, int64_t time) {
        nsWriter_.clear();
        Serializer<N>::serialize(ns, nsWriter_);
        return View{
            time, backend_.currentKeyBytes(),
            std::string_view(reinterpret_cast<const char*>(nsWriter_.data()), nsWriter_.size())};
    }
    /// The timers of one domain: ordered for firing, and hashed by identity so that registering
    /// an existing timer (the common case: every element of a window registers the window's
    /// timers) is one hash lookup that allocates nothing.
    struct Timers {
        TimerSet ordered;
        std::unordered_set<std::string, detail::BytesHash, std::equal_to<>> ids;
        bool empty() const { return ordered.empty(); }
    };

    std::string_view idOf(const View& v) {
        idWriter_.clear();
        idWriter_.writeFixed(v.timestamp);
        idWriter_.writeVarUInt(v.key.size());
        idWriter_.writeRaw(v.key.data(), v.key.size());
        idWriter_.writeRaw(v.nsBytes.data(), v.nsBytes.size());
        return {reinterpret_cast<const char*>(idWriter_.data()), idWriter_.size()};
    }

    /// Adds the timer unless it exists; true if added.
    bool insert(Timers& timers, const N& ns, int64_t time) {
        View v = viewOf(ns, time);
        std::string_view id = idOf(v);
        if (timers.ids.find(id) != timers.ids.end()) return false;
        timers.ids.emplace(id);
        timers.ordered.insert(Entry{time, std::string(v.key), std::string(v.nsBytes),
                                    backend_.currentKeyGroup(), ns});
        return true;
    }
    void erase(Timers& timers, const N& ns, int64_t time) {
        View v = viewOf(ns, time);
        auto it = timers.ids.find(idOf(v));
        if (it == timers.ids.end()) return;
        timers.ids.erase(it);
        timers.ordered.erase(timers.ordered.find(v));
    }
    /// Removes and returns the earliest timer.
    Entry popFirst(Timers& timers) {
        Entry e = *timers.ordered.begin();
        timers.ordered.erase(timers.ordered.begin());
        auto it = timers.ids.find(idOf(View{e.timestamp, e.key, e.nsBytes}));
        if (it != timers.ids.end()) timers.ids.erase(it);
        return e;
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
        while (!processingTimers_.empty() &&
               processingTimers_.ordered.begin()->timestamp <= clock) {
            Entry e = popFirst(processingTimers_);
            fire(e, onProcessingTime_);
        }
        if (!processingTimers_.empty()) {
            scheduled_ = false;
            scheduleProcessingTime(processingTimers_.ordered.begin()->timestamp);
        }
    }

    /// Snapshot entry per timer: key = the timer's key; value = u8 domain (0 event time,
    /// 1 processing time), i64 timestamp, then the namespace bytes.
    struct Participant final : KeyedStateBase {
        explicit Participant(InternalTimerService& s) : service(s) {}
        void beginSnapshot() const override {
            const auto& range = service.backend_.keyGroupRange();
            byGroup.assign(static_cast<size_t>(range.size()), {});
            for (uint8_t domain = 0; domain < 2; ++domain)
                for (const Entry& e : service.timersOf(domain).ordered)
                    byGroup[static_cast<size_t>(e.keyGroup - range.start)].push_back({domain, &e});
        }
        void endSnapshot() const override { byGroup.clear(); }
        std::string typeIdentity() const override {
            return "timers<" + serializerIdentity<N>() + ">";
        }
        uint32_t snapshotKeyGroup(int32_t keyGroup, ByteWriter& out) const override {
            const auto& list =
                byGroup[static_cast<size_t>(keyGroup - service.backend_.keyGroupRange().start)];
            for (const auto& timer : list) {
                const uint8_t domain = timer.first;
                const Entry* e = timer.second;
                snapshot_format::writeEntry(out, e->key, [&](ByteWriter& o) {
                    o.writeByte(domain);
                    o.writeFixed(e->timestamp);
                    o.writeRaw(e->nsBytes.data(), e->nsBytes.size());
                });
            }
            return static_cast<uint32_t>(list.size());
        }
        void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
            ByteReader in = snapshot_format::readerOf(value);
            uint8_t domain = in.readByte();
            if (domain > 1)
                throw SerializationException("corrupt timer entry: domain " +
                                             std::to_string(domain));
            int64_t timestamp = in.readFixed<int64_t>();
            std::string_view nsBytes = value.substr(value.size() - in.remaining());
            N ns{};
            Serializer<N>::deserialize(in, ns);
            service.restoreTimer(domain, Entry{timestamp, std::string(key), std::string(nsBytes),
                                               keyGroup, std::move(ns)});
        }
        InternalTimerService& service;
        mutable std::vector<std::vector<std::pair<uint8_t, const Entry*>>> byGroup;
    };

    const auto& timersOf(uint8_t domain) const {
        return domain == 0 ? eventTimers_ : processingTimers_;
    }
    void restoreTimer(uint8_t domain, Entry e) {
        Timers& timers = domain == 0 ? eventTimers_ : processingTimers_;
        std::string_view id = idOf(View{e.timestamp, e.key, e.nsBytes});
        if (!timers.ids.emplace(id).second) return;
        int64_t time = e.timestamp;
        timers.ordered.insert(std::move(e));
        if (domain == 1 && time == timers.ordered.begin()->timestamp) scheduleProcessingTime(time);
    }

    KeyedStateBackend& backend_;
    ProcessingTimeService* processingTime_;
    Callback onEventTime_;
    Callback onProcessingTime_;
    std::string snapshotName_;
    Participant participant_;
    Timers eventTimers_;
    Timers processingTimers_;
    ByteWriter nsWriter_{32};
    ByteWriter idWriter_{64};
    int64_t currentWatermark_ = kMinWatermark;
    bool scheduled_ = false;
    int64_t scheduledAt_ = 0;
};

}  // namespace weir
