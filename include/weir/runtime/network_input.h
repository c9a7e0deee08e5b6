#pragma once
// NetworkInput: reads the elements of data buffers arriving on one operator input (all channels
// of all gates that feed that input), in order per channel. Records go to the operator's typed
// Input<T>; watermarks go through a valve that forwards the minimum over the channels that are
// active and not finished; end of partition on every channel ends the input.
//
// Thread-safety: used only by its task's thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/core/byte_io.h"
#include "weir/core/serializer.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

class NetworkInputBase {
public:
    NetworkInputBase(StreamOperator* op, int inputIndex, int numChannels);
    virtual ~NetworkInputBase();

    /// Processes the elements of one buffer from `channel` and returns how many bytes it
    /// consumed: all of them, unless `yield` is given and becomes non-zero, in which case it
    /// stops after the element during which that happened (call again with the rest).
    size_t processBuffer(const uint8_t* data, size_t size, int channel,
                         const std::atomic<int32_t>* yield = nullptr);
    /// End of partition on `channel`; returns true when every channel has ended.
    bool endOfPartition(int channel);
    bool finished() const { return finishedChannels_ == static_cast<int>(channels_.size()); }
    /// The bytes of an element of `channel` that started in an earlier buffer and is not
    /// complete yet (part of the channel's state in an unaligned checkpoint).
    const std::vector<uint8_t>& partialElement(int channel) const {
        return channels_[channel].partial;
    }
    bool channelFinished(int channel) const { return channels_[channel].finished; }
    int inputIndex() const { return inputIndex_; }

protected:
    virtual void processRecord(const uint8_t* payload, size_t size, int64_t timestamp) = 0;
    StreamOperator* operator_;

private:
    struct ChannelState {
        std::vector<uint8_t> partial;  // an element that spans buffers
        int64_t watermark = kMinWatermark;
        bool idle = false;
        bool finished = false;
    };
    void handleElement(const uint8_t* element, size_t size, int channel);
    void onWatermark(int channel, int64_t watermark);
    void onWatermarkStatus(int channel, bool idle);
    void recomputeWatermark();

    int inputIndex_;
    std::vector<ChannelState> channels_;
    int finishedChannels_ = 0;
    int64_t lastWatermark_ = kMinWatermark;
    bool idle_ = false;
};

template <class T>
class NetworkInput final : public NetworkInputBase {
public:
    NetworkInput(StreamOperator* op, int inputIndex, int numChannels)
        : NetworkInputBase(op, inputIndex, numChannels) {
        target_ = dynamic_cast<Input<T>*>(op->input(inputIndex));
        WEIR_CHECK(target_ != nullptr) << "operator '" << op->setupInfo().operatorName << "' input "
                                       << inputIndex << " does not take " << Serializer<T>::name();
    }

protected:
    void processRecord(const uint8_t* payload, size_t size, int64_t timestamp) override {
        ByteReader in(payload, size);
        Serializer<T>::deserialize(in, value_);
        if (!in.atEnd())
            throw SerializationException("a record of type " + Serializer<T>::name() + " has " +
                                         std::to_string(in.remaining()) + " bytes left over");
        target_->processElement(value_, timestamp);
    }

private:
    Input<T>* target_;
    T value_{};
};

}  // namespace weir
