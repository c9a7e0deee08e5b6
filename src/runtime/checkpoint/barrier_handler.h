#pragma once
// CheckpointBarrierHandler: decides, from the barriers and end-of-partition events arriving on a
// task's input channels, when the task takes its snapshot.
//
//   exactly-once (aligned)  a channel that delivered barrier n is blocked (the gate holds back
//                           its data) until barrier n has arrived on every channel; then the
//                           snapshot is taken and every channel unblocked;
//   at-least-once           nothing is blocked: the snapshot is taken when the last channel
//                           delivers barrier n, so data after barrier n on the faster channels
//                           is in the snapshot too (and is replayed after a failure).
// A channel that has ended counts as having delivered every barrier. A barrier of a newer
// checkpoint while aligning an older one abandons the older one (the task declines it).
//
// Thread-safety: task thread only.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "weir/runtime/stream_element.h"

namespace weir {

class CheckpointBarrierHandler {
public:
    /// `block(channel, blocked)` holds back / releases a channel's data (aligned mode only).
    CheckpointBarrierHandler(int32_t numChannels, bool aligned,
                             std::function<void(int32_t, bool)> block);

    /// Barrier on `channel`: returns the barrier when this completes its alignment (take the
    /// snapshot now). `abandoned` receives the id of an older checkpoint given up on.
    std::optional<RuntimeEvent> onBarrier(int32_t channel, const RuntimeEvent& barrier,
                                          std::optional<int64_t>& abandoned);
    /// End of partition on `channel`: may complete an alignment.
    std::optional<RuntimeEvent> onEndOfPartition(int32_t channel);
    /// Checkpoint `id` was abandoned (cancel marker, coordinator abort): stop aligning for it.
    void abort(int64_t checkpointId);
    /// The newest checkpoint this handler has started or completed.
    int64_t latestCheckpoint() const { return current_; }

private:
    std::optional<RuntimeEvent> completeIfAligned();
    void releaseAll();

    int32_t numChannels_;
    bool aligned_;
    std::function<void(int32_t, bool)> block_;
    std::vector<bool> received_;
    std::vector<bool> ended_;
    int32_t numReceived_ = 0;
    int32_t numEnded_ = 0;
    int64_t current_ = -1;
    bool inProgress_ = false;
    RuntimeEvent barrier_;
};

}  // namespace weir
