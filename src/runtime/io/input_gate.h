#pragma once
// InputGate: every input channel of one task (all edges, all producers) and a FIFO of the
// channels that have data. The task polls the gate: channels are served round robin, each in
// its own order; priority events (unaligned barriers) come first.
//
// Memory: channels hold only pooled buffers (the producers' pools for local channels, the
// gate's pool for remote ones) and a few events.
// Thread-safety: notify* from any thread (producers, the network client); everything else on
// the owning task's thread. Lock order: the gate's lock, then a channel's.

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/io/buffer_or_event.h"
#include "runtime/io/input_channel.h"

namespace weir {

class WakeupSignal;

class InputGate {
public:
    /// `owner` is woken when a channel gets data.
    InputGate(int32_t numChannels, WakeupSignal* owner);
    ~InputGate();

    /// Wiring, before requestPartitions(): the channel at `index`.
    void setChannel(int32_t index, std::unique_ptr<InputChannel> channel);
    InputChannel& channel(int32_t index) { return *channels_[index]; }
    /// Every channel starts receiving.
    void requestPartitions();

    /// From channels: `channel` went from empty to non-empty.
    void notifyChannelNonEmpty(int32_t channel);
    /// From channels: `channel` has a priority event at its front.
    void notifyPriorityEvent(int32_t channel);

    /// The next priority event, if any (also while the task is backpressured).
    std::optional<BufferOrEvent> pollPriority();
    /// The next buffer or event of some unblocked channel with data (priority events first).
    std::optional<BufferOrEvent> poll();
    /// Unaligned checkpoints: see InputChannel::copyQueuedData.
    size_t copyQueuedData(int32_t channel, std::string& out, size_t skip);
    /// A blocked channel keeps its data queued until unblocked (checkpoint barrier alignment).
    /// Task thread only.
    void setBlocked(int32_t channel, bool blocked);
    int32_t numChannels() const { return static_cast<int32_t>(channels_.size()); }
    /// Releases every channel (their queued buffers go back to their pools).
    void releaseAll();

private:
    std::optional<BufferOrEvent> pollPriorityLocked();  // mutex_ held

    std::mutex mutex_;
    std::vector<std::unique_ptr<InputChannel>> channels_;
    std::deque<int32_t> available_;  // channels with data, each at most once
    std::vector<bool> enqueued_;
    std::vector<bool> blocked_;
    std::deque<int32_t> priority_;  // channels with a priority event
    WakeupSignal* owner_;
};

}  // namespace weir
