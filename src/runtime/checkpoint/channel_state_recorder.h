#pragma once
// ChannelStateRecorder: the input in-flight data of an unaligned checkpoint at one task. When
// the first (priority) barrier of checkpoint n arrives, the task snapshots its operators at
// once; the data its producers sent before their barrier n, which the task has not processed
// yet, belongs to the checkpoint as channel state: what the task holds or its channels have
// received is copied then, and what it polls later from a channel is appended until that
// channel's barrier n arrives (barriers overtake the data queued at the producer, which the
// producer stores as its output in-flight data; see ResultSubpartition) or the channel ends.
// The task keeps processing that data as usual; on restore the channel state is processed
// before any new input.
//
// Thread-safety: task thread only.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace weir {

class ChannelStateRecorder {
public:
    explicit ChannelStateRecorder(int32_t numChannels);

    /// Starts checkpoint `id`: `captured[c]` holds channel c's bytes so far (copied from
    /// `skip[c]` buffers still queued, which are not recorded again when polled), `done[c]`
    /// whether its marker was already queued (or the channel has ended).
    void start(int64_t id, std::vector<std::string> captured, std::vector<size_t> skip,
               std::vector<bool> done);
    bool active() const { return active_; }
    int64_t checkpointId() const { return id_; }
    /// A buffer polled from `channel`: recorded while the channel's barrier is still ahead.
    void onBuffer(int32_t channel, const uint8_t* data, size_t size);
    /// Bytes of `buffers` buffers still queued in `channel`, copied now (they are not recorded
    /// again when polled).
    void addQueued(int32_t channel, const std::string& bytes, size_t buffers);
    /// How many of `channel`'s queued buffers were copied already and not polled yet.
    size_t copiedAhead(int32_t channel) const { return active_ ? skip_[channel] : 0; }
    bool channelDone(int32_t channel) const { return done_[channel]; }
    /// The barrier of `id` (or the end) of `channel`; true once every channel is done.
    bool onChannelDone(int32_t channel);
    bool complete() const { return numDone_ == static_cast<int32_t>(done_.size()); }
    /// The recorded state (channels with data only); the recorder is idle afterwards.
    std::vector<std::pair<int32_t, std::string>> take();
    /// Gives up the checkpoint in progress.
    void abort() { active_ = false; }

private:
    std::vector<std::string> data_;
    std::vector<size_t> skip_;
    std::vector<bool> done_;
    int32_t numDone_ = 0;
    int64_t id_ = -1;
    bool active_ = false;
};

}  // namespace weir
