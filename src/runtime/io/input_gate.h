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

#include "weir/runtime/buffer.h"
#include "weir/runtime/stream_element.h"

namespace weir {

class WakeupSignal;

struct BufferOrEvent {
    Buffer buffer;  // valid for data
    std::optional<RuntimeEvent> event;
    int32_t channel = 0;
};

class InputGate {
public:
    /// `owner` is notified when a channel gets data.
    InputGate(int32_t numChannels, WakeupSignal* owner);

    void pushBuffer(int32_t channel, Buffer buffer);
    void pushEvent(int32_t channel, RuntimeEvent event);
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
    WakeupSignal* owner_;
};

}  // namespace weir
