#include "runtime/io/input_gate.h"

#include "core/concurrency/wakeup_signal.h"

namespace weir {

InputGate::InputGate(int32_t numChannels, WakeupSignal* owner)
    : channels_(numChannels),
      enqueued_(numChannels, false),
      blocked_(numChannels, false),
      owner_(owner) {}

InputGate::~InputGate() {
    releaseAll();
}

void InputGate::setChannel(int32_t index, std::unique_ptr<InputChannel> channel) {
    channels_.at(index) = std::move(channel);
}

void InputGate::requestPartitions() {
    for (auto& c : channels_)
        if (c) c->requestSubpartition();
}

void InputGate::notifyChannelNonEmpty(int32_t channel) {
    bool notify = false;
    {
        std::lock_guard lock(mutex_);
        if (!enqueued_[channel]) {
            enqueued_[channel] = true;
            notify = available_.empty();
            available_.push_back(channel);
        }
    }
    if (notify) owner_->notify();
}

void InputGate::notifyPriorityEvent(int32_t channel) {
    {
        std::lock_guard lock(mutex_);
        priority_.push_back(channel);
    }
    owner_->notify();
}

std::optional<BufferOrEvent> InputGate::pollPriority() {
    std::lock_guard lock(mutex_);
    return pollPriorityLocked();
}

std::optional<BufferOrEvent> InputGate::pollPriorityLocked() {
    while (!priority_.empty()) {
        int32_t c = priority_.front();
        priority_.pop_front();
        if (auto e = channels_[c]->pollPriority()) {
            e->channel = c;
            e->priority = true;
            return e;
        }
        // Already taken by poll().
    }
    return std::nullopt;
}

std::optional<BufferOrEvent> InputGate::poll() {
    std::lock_guard lock(mutex_);
    if (auto e = pollPriorityLocked()) return e;
    // Blocked channels go to the back; give up after one round over the channels with data.
    for (size_t tries = available_.size(); tries > 0; --tries) {
        int32_t c = available_.front();
        available_.pop_front();
        if (blocked_[c]) {
            available_.push_back(c);
            continue;
        }
        bool more = false;
        auto e = channels_[c]->poll(more);
        if (more) {
            available_.push_back(c);  // round robin across channels
        } else {
            enqueued_[c] = false;
        }
        if (e) {
            e->channel = c;
            return e;
        }
    }
    return std::nullopt;
}

size_t InputGate::copyQueuedData(int32_t channel, std::string& out, size_t skip) {
    std::lock_guard lock(mutex_);
    return channels_[channel]->copyQueuedData(out, skip);
}

void InputGate::setBlocked(int32_t channel, bool blocked) {
    {
        std::lock_guard lock(mutex_);
        blocked_[channel] = blocked;
    }
    if (!blocked) owner_->notify();
}

void InputGate::releaseAll() {
    for (auto& c : channels_)
        if (c) c->release();
}

}  // namespace weir
