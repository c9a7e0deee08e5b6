#include "runtime/io/result_subpartition.h"

namespace weir {

void ResultSubpartition::add(Buffer buffer) {
    SubpartitionListener* notify = nullptr;
    {
        std::lock_guard lock(mutex_);
        // Announced when the first entry that is not a priority event arrives: priority events
        // are announced on their own, and a consumer that takes one must still learn of this.
        if (queue_.size() == priorityEvents_) notify = listener_;
        BufferOrEvent e;
        e.buffer = std::move(buffer);
        queue_.push_back(std::move(e));
    }
    if (notify) notify->notifyDataAvailable();
}

void ResultSubpartition::addEvent(const RuntimeEvent& event) {
    SubpartitionListener* notify = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() == priorityEvents_) notify = listener_;
        BufferOrEvent e;
        e.event = event;
        queue_.push_back(std::move(e));
    }
    if (notify) notify->notifyDataAvailable();
}

std::string ResultSubpartition::addPriorityEvent(const RuntimeEvent& event) {
    std::string overtaken;
    SubpartitionListener* notify = nullptr;
    {
        std::lock_guard lock(mutex_);
        for (const auto& e : queue_)
            if (!e.event)
                overtaken.append(reinterpret_cast<const char*>(e.buffer.data()), e.buffer.size());
        BufferOrEvent e;
        e.event = event;
        e.priority = true;
        // Behind earlier priority events, in front of everything else.
        queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(priorityEvents_), std::move(e));
        ++priorityEvents_;
        notify = listener_;
    }
    if (notify) notify->notifyPriorityEvent();
    return overtaken;
}

std::optional<BufferOrEvent> ResultSubpartition::poll(bool& moreAvailable) {
    std::lock_guard lock(mutex_);
    moreAvailable = false;
    if (queue_.empty()) return std::nullopt;
    BufferOrEvent e = std::move(queue_.front());
    queue_.pop_front();
    if (e.priority) --priorityEvents_;
    moreAvailable = !queue_.empty();
    return e;
}

std::optional<BufferOrEvent> ResultSubpartition::pollPriority() {
    std::lock_guard lock(mutex_);
    if (priorityEvents_ == 0) return std::nullopt;
    BufferOrEvent e = std::move(queue_.front());
    queue_.pop_front();
    --priorityEvents_;
    return e;
}

void ResultSubpartition::setListener(SubpartitionListener* listener) {
    bool hasData = false, hasPriority = false;
    {
        std::lock_guard lock(mutex_);
        listener_ = listener;
        hasData = queue_.size() > priorityEvents_;
        hasPriority = priorityEvents_ > 0;
    }
    if (listener && hasPriority) listener->notifyPriorityEvent();
    if (listener && hasData) listener->notifyDataAvailable();
}

void ResultSubpartition::release() {
    std::deque<BufferOrEvent> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(queue_);
        priorityEvents_ = 0;
        listener_ = nullptr;
    }
}

}  // namespace weir
