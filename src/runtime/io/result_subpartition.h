#pragma once
// ResultSubpartition: the outgoing queue of one producer subtask towards one consumer subtask.
// The producer's result partition appends finished buffers and events; the consumer side (a
// local input channel in the same TaskManager, or the data-plane server sending to a remote
// one) polls them in order. The queue holds only buffers of the producer's pool (and a few
// events), so its length is bounded by that pool.
//
// An unaligned checkpoint barrier is a priority event: it goes in front of the queued buffers,
// which it overtakes. Those buffers were produced before the barrier, so they are the producer's
// output in-flight data for that checkpoint; addPriorityEvent() returns a copy of their bytes
// for the snapshot (they are still delivered, and the consumer treats them as data after the
// barrier).
//
// Thread-safety: add* from the producer's task thread, poll from the consumer side; the
// listener is called without the queue's lock held.

#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/io/buffer_or_event.h"

namespace weir {

/// Told when a subpartition has something to poll. Called on the producer's thread.
class SubpartitionListener {
public:
    virtual ~SubpartitionListener() = default;
    /// The queue got its first entry that is not a priority event (the consumer may have taken
    /// every earlier one).
    virtual void notifyDataAvailable() = 0;
    /// A priority event was put at the front.
    virtual void notifyPriorityEvent() = 0;
};

class ResultSubpartition {
public:
    ResultSubpartition() = default;
    ResultSubpartition(const ResultSubpartition&) = delete;
    ResultSubpartition& operator=(const ResultSubpartition&) = delete;

    void add(Buffer buffer);
    void addEvent(const RuntimeEvent& event);
    /// Puts `event` before every queued buffer and returns the bytes of those buffers.
    std::string addPriorityEvent(const RuntimeEvent& event);

    /// The next buffer or event (priority events first), and whether more is queued after it.
    std::optional<BufferOrEvent> poll(bool& moreAvailable);
    /// The front entry if it is a priority event.
    std::optional<BufferOrEvent> pollPriority();

    /// Sets who is told about new data; tells it at once if something is queued already.
    void setListener(SubpartitionListener* listener);
    /// Drops everything queued (buffers go back to their pool) and forgets the listener.
    void release();

private:
    mutable std::mutex mutex_;
    std::deque<BufferOrEvent> queue_;
    size_t priorityEvents_ = 0;  // at the front
    SubpartitionListener* listener_ = nullptr;
};

}  // namespace weir
