#include "runtime/io/result_partition.h"

#include <cstring>

#include "weir/core/exceptions.h"

namespace weir {

namespace {
/// Thrown to unwind a producer blocked on a full pool when its task is cancelled.
class CancelledWhileWaiting : public Exception {
public:
    CancelledWhileWaiting() : Exception("task cancelled while waiting for an output buffer") {}
};
}  // namespace

ResultPartition::ResultPartition(int32_t numSubpartitions, std::unique_ptr<BufferPool> pool,
                                 const std::atomic<bool>* cancelled)
    : pool_(std::move(pool)), cancelled_(cancelled) {
    for (int32_t i = 0; i < numSubpartitions; ++i)
        subpartitions_.push_back({std::make_unique<ResultSubpartition>(), Buffer()});
    cursors_.resize(subpartitions_.size());
}

ResultPartition::~ResultPartition() {
    // Queued buffers go back to the pool before it is destroyed.
    for (auto& s : subpartitions_) {
        s.current.recycle();
        s.queue->release();
    }
}

void ResultPartition::syncSize(size_t i) {
    Buffer& b = subpartitions_[i].current;
    if (b.valid()) b.setSize(static_cast<uint32_t>(cursors_[i].pos - b.data()));
}

void ResultPartition::resetCursor(size_t i) {
    Buffer& b = subpartitions_[i].current;
    if (b.valid()) {
        cursors_[i] = {b.data() + b.size(), b.data() + b.capacity()};
    } else {
        cursors_[i] = {};
    }
}

bool ResultPartition::hasUnflushedData() const {
    for (size_t i = 0; i < subpartitions_.size(); ++i) {
        const Buffer& b = subpartitions_[i].current;
        if (b.valid() && cursors_[i].pos != b.data()) return true;
    }
    return false;
}

void ResultPartition::requestBuffer(Subpartition& s) {
    auto b = pool_->requestBlocking(*cancelled_);
    if (!b) throw CancelledWhileWaiting();
    s.current = std::move(*b);
}

void ResultPartition::emit(int32_t sub, const uint8_t* data, size_t size) {
    Subpartition& s = subpartitions_[sub];
    auto i = static_cast<size_t>(sub);
    syncSize(i);
    // No cursor while the buffers change hands: if a wait for a buffer is cancelled below, no
    // later write may go through a cursor into a buffer the consumer owns by then.
    cursors_[i] = {};
    while (size > 0) {
        if (!s.current.valid()) requestBuffer(s);
        size_t n = std::min<size_t>(size, s.current.freeSpace());
        std::memcpy(s.current.data() + s.current.size(), data, n);
        s.current.setSize(s.current.size() + static_cast<uint32_t>(n));
        data += n;
        size -= n;
        if (s.current.freeSpace() == 0) s.queue->add(std::move(s.current));
    }
    resetCursor(i);
}

void ResultPartition::broadcast(const uint8_t* data, size_t size) {
    for (int32_t i = 0; i < numSubpartitions(); ++i) emit(i, data, size);
}

void ResultPartition::flushAll() {
    for (size_t i = 0; i < subpartitions_.size(); ++i) {
        Subpartition& s = subpartitions_[i];
        syncSize(i);
        if (s.current.valid() && s.current.size() > 0) s.queue->add(std::move(s.current));
        resetCursor(i);
    }
}

void ResultPartition::broadcastEvent(const RuntimeEvent& event,
                                     std::vector<std::pair<int32_t, std::string>>* overtaken) {
    flushAll();
    bool unaligned = event.type == RuntimeEventType::kCheckpointBarrier && event.unaligned;
    for (size_t i = 0; i < subpartitions_.size(); ++i) {
        ResultSubpartition& q = *subpartitions_[i].queue;
        if (!unaligned) {
            q.addEvent(event);
            continue;
        }
        std::string bytes = q.addPriorityEvent(event);
        if (overtaken && !bytes.empty())
            overtaken->emplace_back(static_cast<int32_t>(i), std::move(bytes));
    }
}

void ResultPartition::finish(bool suspend) {
    RuntimeEvent end;
    end.type = RuntimeEventType::kEndOfPartition;
    end.suspend = suspend;
    broadcastEvent(end);
    for (size_t i = 0; i < subpartitions_.size(); ++i) {
        subpartitions_[i].current.recycle();
        resetCursor(i);
    }
}

}  // namespace weir
