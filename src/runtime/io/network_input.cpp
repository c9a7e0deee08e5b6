#include "weir/runtime/network_input.h"

#include <algorithm>
#include <cstring>

#include "weir/runtime/stream_element.h"

namespace weir {

namespace {

/// Size of the element starting at p (with `available` bytes readable), or 0 when even its
/// header is not complete yet. Throws on an unknown tag.
size_t elementSize(const uint8_t* p, size_t available) {
    if (available < 1) return 0;
    switch (static_cast<ElementTag>(p[0])) {
        case ElementTag::kRecord:
        case ElementTag::kRecordWithTime: {
            if (available < kRecordHeaderSize) return 0;
            uint32_t length;
            std::memcpy(&length, p + 1, 4);
            if (length > kMaxRecordSize)
                throw SerializationException("corrupt data buffer: record length " +
                                             std::to_string(length) + " exceeds the limit of " +
                                             std::to_string(kMaxRecordSize) + " bytes");
            return static_cast<size_t>(kRecordHeaderSize) + length;  // no 32-bit wrap-around
        }
        case ElementTag::kWatermark:
            return 9;
        case ElementTag::kWatermarkStatus:
            return 2;
    }
    throw SerializationException("corrupt data buffer: unknown element tag " +
                                 std::to_string(p[0]));
}

}  // namespace

NetworkInputBase::NetworkInputBase(StreamOperator* op, int inputIndex, int numChannels)
    : operator_(op), inputIndex_(inputIndex), channels_(numChannels) {}

NetworkInputBase::~NetworkInputBase() = default;

size_t NetworkInputBase::processBuffer(const uint8_t* data, size_t size, int channel,
                                       const std::atomic<int32_t>* yield) {
    ChannelState& ch = channels_[channel];
    size_t pos = 0;
    // Complete an element that started in an earlier buffer of this channel.
    while (!ch.partial.empty() && pos < size) {
        size_t total = elementSize(ch.partial.data(), ch.partial.size());
        size_t want = (total ? total : kRecordHeaderSize) - ch.partial.size();
        size_t n = std::min(want, size - pos);
        ch.partial.insert(ch.partial.end(), data + pos, data + pos + n);
        pos += n;
        if (total && ch.partial.size() == total) {
            handleElement(ch.partial.data(), total, channel);
            ch.partial.clear();
            if (yield && yield->load(std::memory_order_relaxed) != 0) return pos;
        }
    }
    while (pos < size) {
        size_t total = elementSize(data + pos, size - pos);
        if (total == 0 || pos + total > size) {
            ch.partial.assign(data + pos, data + size);
            return size;
        }
        handleElement(data + pos, total, channel);
        pos += total;
        if (yield && yield->load(std::memory_order_relaxed) != 0) return pos;
    }
    return size;
}

void NetworkInputBase::handleElement(const uint8_t* element, size_t size, int channel) {
    switch (static_cast<ElementTag>(element[0])) {
        case ElementTag::kRecord:
            processRecord(element + kRecordHeaderSize, size - kRecordHeaderSize, kNoTimestamp);
            break;
        case ElementTag::kRecordWithTime: {
            if (size < kRecordHeaderSize + 8)
                throw SerializationException("corrupt record: timestamp truncated");
            int64_t ts;
            std::memcpy(&ts, element + kRecordHeaderSize, 8);
            processRecord(element + kRecordHeaderSize + 8, size - kRecordHeaderSize - 8, ts);
            break;
        }
        case ElementTag::kWatermark: {
            int64_t wm;
            std::memcpy(&wm, element + 1, 8);
            onWatermark(channel, wm);
            break;
        }
        case ElementTag::kWatermarkStatus:
            onWatermarkStatus(channel, element[1] == 1);
            break;
    }
}

void NetworkInputBase::onWatermark(int channel, int64_t watermark) {
    ChannelState& ch = channels_[channel];
    if (watermark <= ch.watermark) return;
    ch.watermark = watermark;
    if (ch.idle) onWatermarkStatus(channel, false);
    recomputeWatermark();
}

void NetworkInputBase::onWatermarkStatus(int channel, bool idle) {
    ChannelState& ch = channels_[channel];
    if (ch.idle == idle) return;
    ch.idle = idle;
    bool allIdle = std::all_of(channels_.begin(), channels_.end(),
                               [](const ChannelState& c) { return c.idle || c.finished; });
    if (idle && allIdle) {
        // Every input is idle: everything up to the largest watermark any of them announced has
        // been processed, so that watermark can go out before the operator turns idle itself.
        int64_t max = kMinWatermark;
        for (const auto& c : channels_) max = std::max(max, c.watermark);
        if (max > lastWatermark_) {
            lastWatermark_ = max;
            operator_->processWatermark(max, inputIndex_);
        }
    }
    if (allIdle != idle_) {
        idle_ = allIdle;
        operator_->processWatermarkStatus(allIdle, inputIndex_);
    }
    if (idle && !allIdle)
        recomputeWatermark();  // an idle channel no longer holds the watermark back
}

void NetworkInputBase::recomputeWatermark() {
    int64_t min = kMaxWatermark;
    bool any = false;
    for (const auto& c : channels_) {
        if (c.idle || c.finished) continue;
        min = std::min(min, c.watermark);
        any = true;
    }
    if (any && min > lastWatermark_) {
        lastWatermark_ = min;
        operator_->processWatermark(min, inputIndex_);
    }
}

bool NetworkInputBase::endOfPartition(int channel) {
    ChannelState& ch = channels_[channel];
    if (!ch.partial.empty())
        throw SerializationException("channel " + std::to_string(channel) +
                                     " ended inside an element (" +
                                     std::to_string(ch.partial.size()) + " bytes of it received)");
    if (!ch.finished) {
        ch.finished = true;
        ++finishedChannels_;
        if (!finished()) recomputeWatermark();
    }
    return finished();
}

}  // namespace weir
