#include "runtime/checkpoint/channel_state_recorder.h"

namespace weir {

ChannelStateRecorder::ChannelStateRecorder(int32_t numChannels)
    : data_(static_cast<size_t>(numChannels)), done_(static_cast<size_t>(numChannels), false) {}

void ChannelStateRecorder::start(int64_t id, std::vector<std::string> captured,
                                 std::vector<size_t> skip, std::vector<bool> done) {
    id_ = id;
    active_ = true;
    data_ = std::move(captured);
    skip_ = std::move(skip);
    done_ = std::move(done);
    numDone_ = 0;
    for (bool d : done_) numDone_ += d ? 1 : 0;
}

void ChannelStateRecorder::onBuffer(int32_t channel, const uint8_t* data, size_t size) {
    if (!active_ || done_[channel]) return;
    if (skip_[channel] > 0) {
        --skip_[channel];
        return;
    }
    data_[channel].append(reinterpret_cast<const char*>(data), size);
}

void ChannelStateRecorder::addQueued(int32_t channel, const std::string& bytes, size_t buffers) {
    if (!active_ || done_[channel]) return;
    data_[channel] += bytes;
    skip_[channel] += buffers;
}

bool ChannelStateRecorder::onChannelDone(int32_t channel) {
    if (!active_) return false;
    if (!done_[channel]) {
        done_[channel] = true;
        ++numDone_;
    }
    return complete();
}

std::vector<std::pair<int32_t, std::string>> ChannelStateRecorder::take() {
    std::vector<std::pair<int32_t, std::string>> out;
    for (size_t c = 0; c < data_.size(); ++c)
        if (!data_[c].empty()) out.emplace_back(static_cast<int32_t>(c), std::move(data_[c]));
    active_ = false;
    return out;
}

}  // namespace weir
