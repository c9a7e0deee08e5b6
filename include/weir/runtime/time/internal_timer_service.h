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
#include <string>
#include <string_view>
#include <vector>

#include "weir/functions/processing_time_service.h"
#include "weir/runtime/state/flat_state_map.h"
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
        bool earliest = processingTimers_.empty() || time < processingTimers_.earliest();
        if (insert(processingTimers_, ns, time) && earliest) scheduleProcessingTime(time);
    }
    void deleteProcessingTimeTimer(const N& ns, int64_t time) {
        erase(processingTimers_, ns, time);
    }

    /// Fires every event-time timer at or before `watermark`, in order. Timers registered by a
    /// callback at or before the watermark fire in the same call.
    void advanceWatermark(int64_t watermark) {
        currentWatermark_ = watermark;
        while (!eventTimers_.empty() && eventTimers_.earliest() <= watermark)
            fireFirst(eventTimers_, onEventTime_);
    }

    int64_t currentWatermark() const { return currentWatermark_; }
    int64_t currentProcessingTime() const {
        return processingTime_ ? processingTime_->getCurrentProcessingTime() : currentTimeMillis();
    }
    size_t numEventTimeTimers() const { return eventTimers_.heap.size(); }
    size_t numProcessingTimeTimers() const { return processingTimers_.heap.size(); }

private:
    /// A timer. Its identity bytes (i64 timestamp, varint key length, key bytes, namespace bytes)
    /// are the key of its entry in its domain's index; the entry never moves while the timer
    /// exists, and the heap orders pointers to entries.
    struct Timer {
        int64_t timestamp = 0;
        int32_t keyGroup = 0;
        uint32_t keyOffset = 0;  // where the key starts in the identity bytes
        uint32_t keyLength = 0;
        size_t heapIndex = 0;
        N ns{};
    };
    using Index = FlatStateMap<Timer, 48>;
    using Node = typename Index::Entry;
    static std::string_view keyOf(const Node& n) {
        return n.key().substr(n.value.keyOffset, n.value.keyLength);
    }
    static std::string_view nsBytesOf(const Node& n) {
        return n.key().substr(n.value.keyOffset + n.value.keyLength);
    }
    /// Firing order: timestamp, then key bytes, then namespace bytes (a total order, so timers
    /// of one timestamp fire in the same order in every run).
    /// A heap slot: the timestamp and the key's first 8 bytes next to the entry, so that most
    /// comparisons read no entry (many timers share a timestamp: every key's window ends at it).
    struct HeapItem {
        int64_t timestamp;
        uint64_t keyPrefix;  // the first 8 key bytes, big-endian, zero-padded
        Node* node;
    };
    static uint64_t prefixOf(std::string_view key) {
        uint64_t p = 0;
        for (size_t i = 0; i < 8; ++i)
            p = (p << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0u);
        return p;
    }
    static bool before(const HeapItem& a, const HeapItem& b) {
        if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
        // Different prefixes order the keys as their bytes do; equal ones need the bytes.
        if (a.keyPrefix != b.keyPrefix) return a.keyPrefix < b.keyPrefix;
        if (int c = keyOf(*a.node).compare(keyOf(*b.node))) return c < 0;
        return nsBytesOf(*a.node) < nsBytesOf(*b.node);
    }

    /// The timers of one domain: hashed by identity (registering an existing timer, the common
    /// case, is one lookup that allocates nothing) and in a binary min-heap for firing.
    struct Timers {
        Index index;
        std::vector<HeapItem> heap;
        bool empty() const { return heap.empty(); }
        int64_t earliest() const { return heap.front().timestamp; }
    };

    /// The identity bytes of (time, key, namespace bytes), in a reused buffer.
    std::string_view identityOf(int64_t time, std::string_view key, std::string_view nsBytes) {
        beginIdentity(time, key);
        idWriter_.writeRaw(nsBytes.data(), nsBytes.size());
        return {reinterpret_cast<const char*>(idWriter_.data()), idWriter_.size()};
    }
    /// The same for (time, current key, ns): the namespace serialized straight into the buffer.
    std::string_view identityOf(const N& ns, int64_t time) {
        beginIdentity(time, backend_.currentKeyBytes());
        Serializer<N>::serialize(ns, idWriter_);
        return {reinterpret_cast<const char*>(idWriter_.data()), idWriter_.size()};
    }
    void beginIdentity(int64_t time, std::string_view key) {
        idWriter_.clear();
        idWriter_.writeFixed(time);
        idWriter_.writeVarUInt(key.size());
        keyOffset_ = static_cast<uint32_t>(idWriter_.size());
        idWriter_.writeRaw(key.data(), key.size());
    }

    /// Adds the timer unless it exists; true if added.
    bool insert(Timers& timers, const N& ns, int64_t time) {
        return add(timers, identityOf(ns, time), time, backend_.currentKeyGroup(),
                   backend_.currentKeyBytes().size(), ns);
    }
    bool add(Timers& timers, std::string_view id, int64_t time, int32_t keyGroup, size_t keyLength,
             const N& ns) {
        auto [node, created] = timers.index.tryEmplace(id, stateKeyHash(id));
        if (!created) return false;
        Timer& t = node->value;
        t.timestamp = time;
        t.keyGroup = keyGroup;
        t.keyOffset = keyOffset_;
        t.keyLength = static_cast<uint32_t>(keyLength);
        t.ns = ns;
        t.heapIndex = timers.heap.size();
        timers.heap.push_back({time, prefixOf(keyOf(*node)), node});
        siftUp(timers, t.heapIndex);
        return true;
    }
    void erase(Timers& timers, const N& ns, int64_t time) {
        std::string_view id = identityOf(ns, time);
        Node* node = timers.index.find(id, stateKeyHash(id));
        if (!node) return;
        removeFromHeap(timers, node->value.heapIndex);
        timers.index.erase(node);
    }

    void place(Timers& timers, size_t i, HeapItem item) {
        timers.heap[i] = item;
        item.node->value.heapIndex = i;
    }
    void siftUp(Timers& timers, size_t i) {
        HeapItem node = timers.heap[i];
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!before(node, timers.heap[parent])) break;
            place(timers, i, timers.heap[parent]);
            i = parent;
        }
        place(timers, i, node);
    }
    void siftDown(Timers& timers, size_t i) {
        HeapItem node = timers.heap[i];
        const size_t n = timers.heap.size();
        for (;;) {
            size_t child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && before(timers.heap[child + 1], timers.heap[child])) ++child;
            if (!before(timers.heap[child], node)) break;
            place(timers, i, timers.heap[child]);
            i = child;
        }
        place(timers, i, node);
    }
    void removeFromHeap(Timers& timers, size_t i) {
        HeapItem last = timers.heap.back();
        timers.heap.pop_back();
        if (i == timers.heap.size()) return;
        place(timers, i, last);
        if (i > 0 && before(last, timers.heap[(i - 1) / 2]))
            siftUp(timers, i);
        else
            siftDown(timers, i);
    }

    /// Removes the earliest timer and runs `callback` for it (the timer no longer exists then,
    /// so the callback may register it again).
    void fireFirst(Timers& timers, const Callback& callback) {
        Node* node = timers.heap.front().node;
        const Timer& t = node->value;
        int64_t timestamp = t.timestamp;
        int32_t keyGroup = t.keyGroup;
        firingKey_.assign(keyOf(*node));
        N ns = std::move(node->value.ns);
        removeFromHeap(timers, 0);
        timers.index.erase(node);
        backend_.setCurrentKeyBytes(firingKey_, keyGroup);
        callback(timestamp, ns);
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
        while (!processingTimers_.empty() && processingTimers_.earliest() <= clock)
            fireFirst(processingTimers_, onProcessingTime_);
        if (!processingTimers_.empty()) {
            scheduled_ = false;
            scheduleProcessingTime(processingTimers_.earliest());
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
                for (const HeapItem& item : service.timersOf(domain).heap)
                    byGroup[static_cast<size_t>(item.node->value.keyGroup - range.start)].push_back(
                        {domain, item.node});
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
                const Node* node = timer.second;
                std::string_view nsBytes = nsBytesOf(*node);
                snapshot_format::writeEntry(out, keyOf(*node), [&](ByteWriter& o) {
                    o.writeByte(domain);
                    o.writeFixed(node->value.timestamp);
                    o.writeRaw(nsBytes.data(), nsBytes.size());
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
            service.restoreTimer(domain, keyGroup, key, timestamp, nsBytes, ns);
        }
        InternalTimerService& service;
        mutable std::vector<std::vector<std::pair<uint8_t, const Node*>>> byGroup;
    };

    const Timers& timersOf(uint8_t domain) const {
        return domain == 0 ? eventTimers_ : processingTimers_;
    }
    void restoreTimer(uint8_t domain, int32_t keyGroup, std::string_view key, int64_t timestamp,
                      std::string_view nsBytes, const N& ns) {
        Timers& timers = domain == 0 ? eventTimers_ : processingTimers_;
        std::string_view id = identityOf(timestamp, key, nsBytes);
        if (!add(timers, id, timestamp, keyGroup, key.size(), ns)) return;
        if (domain == 1 && timestamp == timers.earliest()) scheduleProcessingTime(timestamp);
    }

    KeyedStateBackend& backend_;
    ProcessingTimeService* processingTime_;
    Callback onEventTime_;
    Callback onProcessingTime_;
    std::string snapshotName_;
    Participant participant_;
    Timers eventTimers_;
    Timers processingTimers_;
    ByteWriter idWriter_{64};
    uint32_t keyOffset_ = 0;  // of the key in idWriter_'s identity
    std::string firingKey_;
    int64_t currentWatermark_ = kMinWatermark;
    bool scheduled_ = false;
    int64_t scheduledAt_ = 0;
};

}  // namespace weir
