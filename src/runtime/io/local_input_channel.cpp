#include "runtime/io/input_channel.h"
#include "runtime/io/input_gate.h"

namespace weir {

LocalInputChannel::~LocalInputChannel() {
    release();
}

void LocalInputChannel::requestSubpartition() {
    if (attached_) return;
    attached_ = true;
    subpartition_->setListener(this);
}

std::optional<BufferOrEvent> LocalInputChannel::poll(bool& moreAvailable) {
    return subpartition_->poll(moreAvailable);
}

std::optional<BufferOrEvent> LocalInputChannel::pollPriority() {
    return subpartition_->pollPriority();
}

void LocalInputChannel::release() {
    if (!attached_) return;
    attached_ = false;
    subpartition_->setListener(nullptr);
}

void LocalInputChannel::notifyDataAvailable() {
    gate_->notifyChannelNonEmpty(index_);
}

void LocalInputChannel::notifyPriorityEvent() {
    gate_->notifyPriorityEvent(index_);
}

}  // namespace weir
