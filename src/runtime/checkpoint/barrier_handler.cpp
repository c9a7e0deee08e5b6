#include "runtime/checkpoint/barrier_handler.h"

namespace weir {

CheckpointBarrierHandler::CheckpointBarrierHandler(int32_t numChannels, bool aligned,
                                                   std::function<void(int32_t, bool)> block)
    : numChannels_(numChannels),
      aligned_(aligned),
      block_(std::move(block)),
      received_(static_cast<size_t>(numChannels), false),
      ended_(static_cast<size_t>(numChannels), false) {}

std::optional<RuntimeEvent> CheckpointBarrierHandler::onBarrier(int32_t channel,
                                                                const RuntimeEvent& barrier,
                                                                std::optional<int64_t>& abandoned) {
    if (barrier.checkpointId < current_ || (barrier.checkpointId == current_ && !inProgress_))
        return std::nullopt;  // a barrier of a checkpoint already taken or given up
    if (barrier.checkpointId > current_) {
        if (inProgress_) {
            abandoned = current_;
            releaseAll();
        }
        current_ = barrier.checkpointId;
        barrier_ = barrier;
        inProgress_ = true;
    }
    if (!received_[channel]) {
        received_[channel] = true;
        ++numReceived_;
        if (aligned_ && !ended_[channel]) block_(channel, true);
    }
    return completeIfAligned();
}

std::optional<RuntimeEvent> CheckpointBarrierHandler::onEndOfPartition(int32_t channel) {
    if (ended_[channel]) return std::nullopt;
    ended_[channel] = true;
    ++numEnded_;
    return inProgress_ ? completeIfAligned() : std::nullopt;
}

void CheckpointBarrierHandler::abort(int64_t checkpointId) {
    if (inProgress_ && checkpointId == current_) releaseAll();
}

std::optional<RuntimeEvent> CheckpointBarrierHandler::completeIfAligned() {
    int32_t done = 0;
    for (int32_t c = 0; c < numChannels_; ++c) done += (received_[c] || ended_[c]) ? 1 : 0;
    if (done < numChannels_) return std::nullopt;
    releaseAll();
    return barrier_;
}

void CheckpointBarrierHandler::releaseAll() {
    for (int32_t c = 0; c < numChannels_; ++c) {
        if (received_[c] && aligned_ && !ended_[c]) block_(c, false);
        received_[c] = false;
    }
    numReceived_ = 0;
    inProgress_ = false;
}

}  // namespace weir
