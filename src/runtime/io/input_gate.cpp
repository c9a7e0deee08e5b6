#include "runtime/io/input_gate.h"

#include "core/concurrency/wakeup_signal.h"

namespace weir {

InputGate::InputGate(int32_t numChannels, WakeupSignal* owner)
    : queues_(numChannels),
      enqueued_(numChannels, false),
      blocked_(numChannels, false),
      owner_(owner) {}

void InputGate::pushBuffer(int32_t channel, Buffer buffer) {
    BufferOrEvent e;
    e.buffer = std::move(buffer);
    e.channel = channel;
    push(channel, std::move(e));
}

void InputGate::pushEvent(int32_t channel, RuntimeEvent event) {
    BufferOrEvent e;
    e.event = event;
    e.channel = channel;
    push(channel, std::move(e));
}

void InputGate::push(int32_t channel, BufferOrEvent entry) {
    bool notify = false;
    {
        std::lock_guard lock(mutex_);
        queues_[channel].push_back(std::move(entry));
        if (!enqueued_[channel]) {
            enqueued_[channel] = true;
            notify = available_.empty();
            available_.push_back(channel);
        }
    }
    if (notify) owner_->notify();
}

void InputGate::pushUnalignedBarrier(int32_t channel, const RuntimeEvent& barrier) {
    {
        std::lock_guard lock(mutex_);
        BufferOrEvent e;
        e.event = barrier;
        e.channel = channel;
        e.priority = true;
        priority_.push_back(std::move(e));
    }
    pushEvent(channel, barrier);  // the marker; notifies the owner
}

std::optional<BufferOrEvent> InputGate::pollPriority() {
    std::lock_guard lock(mutex_);
    if (priority_.empty()) return std::nullopt;
    BufferOrEvent e = std::move(priority_.front());
    priority_.pop_front();
    return e;
}

bool InputGate::copyQueuedData(int32_t channel, int64_t checkpointId, std::string& out,
                               size_t& buffers) {
    buffers = 0;
    std::lock_guard lock(mutex_);
    for (const auto& e : queues_[channel]) {
        if (e.event) {
            if (e.event->type == RuntimeEventType::kCheckpointBarrier &&
                e.event->checkpointId == checkpointId)
                return true;
            continue;
        }
        out.append(reinterpret_cast<const char*>(e.buffer.data()), e.buffer.size());
        ++buffers;
    }
    return false;
}

std::optional<BufferOrEvent> InputGate::poll() {
    std::lock_guard lock(mutex_);
    if (!priority_.empty()) {
        BufferOrEvent e = std::move(priority_.front());
        priority_.pop_front();
        return e;
    }
    if (available_.empty()) return std::nullopt;
    int32_t channel = available_.front();
    available_.pop_front();
    // Blocked channels go to the back; give up after one round if all of them are blocked.
    for (size_t tries = available_.size(); blocked_[channel]; --tries) {
        available_.push_back(channel);
        if (tries == 0) return std::nullopt;
        channel = available_.front();
        available_.pop_front();
    }
    auto& q = queues_[channel];
    BufferOrEvent e = std::move(q.front());
    q.pop_front();
    if (q.empty()) {
        enqueued_[channel] = false;
    } else {
        available_.push_back(channel);  // round robin across channels
    }
    return e;
}

void InputGate::setBlocked(int32_t channel, bool blocked) {
    {
        std::lock_guard lock(mutex_);
        blocked_[channel] = blocked;
    }
    if (!blocked) owner_->notify();
}

}  // namespace weir
