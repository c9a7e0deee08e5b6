#pragma once
// InputGate: every input channel of one task (all edges, all producers), with one queue per
// channel and a FIFO of channels that have data. Producers push finished buffers and events;
// the task polls them in arrival order across channels, in order within a channel.
//
// Memory: the queues hold only pooled buffers (bounded by the producers' pools) and a few events.
// Thread-safety: push from producer threads, poll from the owning task's thread.

#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/memory/buffer.h"
#include "weir/runtime/stream_element.h"

namespace weir {

class WakeupSignal;

struct BufferOrEvent {
    Buffer buffer;  // valid for data
    std::optional<RuntimeEvent> event;
    int32_t channel = 0;
    /// An unaligned barrier delivered ahead of the channel's queued data (its in-order copy,
    /// the marker, stays in the queue).
    bool priority = false;
};

class InputGate {
public:
    /// `owner` is notified when a channel gets data.
    InputGate(int32_t numChannels, WakeupSignal* owner);

    void pushBuffer(int32_t channel, Buffer buffer);
    void pushEvent(int32_t channel, RuntimeEvent event);
    /// An unaligned barrier: queued in order as a marker, and delivered first by poll() and
    /// pollPriority().
    void pushUnalignedBarrier(int32_t channel, const RuntimeEvent& barrier);
    /// The next priority event, if any (also while the task is backpressured).
    std::optional<BufferOrEvent> pollPriority();
    /// Appends to `out` the bytes of `channel`'s queued buffers before the marker of checkpoint
    /// `checkpointId`, and counts them in `buffers`; true if the marker is queued (else every
    /// queued buffer was copied).
    bool copyQueuedData(int32_t channel, int64_t checkpointId, std::string& out, size_t& buffers);
    /// The next buffer or event of some unblocked channel with data, or nothing.
    std::optional<BufferOrEvent> poll();
    /// A blocked channel keeps its data queued until unblocked (checkpoint barrier alignment).
    /// Task thread only.
    void setBlocked(int32_t channel, bool blocked);
    int32_t numChannels() const { return static_cast<int32_t>(queues_.size()); }

private:
    void push(int32_t channel, BufferOrEvent entry);

    std::mutex mutex_;
    std::vector<std::deque<BufferOrEvent>> queues_;
    std::deque<int32_t> available_;  // channels with data, each at most once
    std::vector<bool> enqueued_;
    std::vector<bool> blocked_;
    std::deque<BufferOrEvent> priority_;
    WakeupSignal* owner_;
};

}  // namespace weir
