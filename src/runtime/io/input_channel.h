#pragma once
// InputChannel: one producer subtask's data as one consumer task receives it. The input gate
// polls its channels; a channel tells the gate when it has data (or a priority event).
//
//   LocalInputChannel   the producer runs in the same TaskManager: the channel reads the
//                       producer's subpartition queue directly (no copy, no credit: the
//                       producer's pool bounds what is in flight).
//   RemoteInputChannel  the producer runs in another TaskManager: buffers arrive over TCP into
//                       this channel's exclusive and floating buffers, against credits it grants.
//
// Thread-safety: poll* and copyQueuedData on the consumer task's thread; notifications from
// the producer side go to the gate.

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/io/buffer_or_event.h"
#include "runtime/io/result_subpartition.h"

namespace weir {

class InputGate;

class InputChannel {
public:
    InputChannel(InputGate* gate, int32_t index) : gate_(gate), index_(index) {}
    virtual ~InputChannel() = default;
    InputChannel(const InputChannel&) = delete;
    InputChannel& operator=(const InputChannel&) = delete;

    int32_t index() const { return index_; }
    /// Starts receiving (attach to the local subpartition, or ask the remote producer for it).
    virtual void requestSubpartition() = 0;
    /// The next buffer or event, and whether the channel has more queued after it.
    virtual std::optional<BufferOrEvent> poll(bool& moreAvailable) = 0;
    /// The next entry if it is a priority event (an unaligned barrier that overtook data).
    virtual std::optional<BufferOrEvent> pollPriority() = 0;
    /// Unaligned checkpoints: appends the bytes of data buffers this channel has received but
    /// not handed out yet, after the first `skip` of them; returns how many it appended. A local
    /// channel has received nothing of its own (the producer persists its queue).
    virtual size_t copyQueuedData(std::string& out, size_t skip) = 0;
    /// Stops receiving and drops what is queued.
    virtual void release() = 0;

protected:
    InputGate* gate_;
    int32_t index_;
};

class LocalInputChannel final : public InputChannel, private SubpartitionListener {
public:
    LocalInputChannel(InputGate* gate, int32_t index, ResultSubpartition* subpartition)
        : InputChannel(gate, index), subpartition_(subpartition) {}
    ~LocalInputChannel() override;

    void requestSubpartition() override;
    std::optional<BufferOrEvent> poll(bool& moreAvailable) override;
    std::optional<BufferOrEvent> pollPriority() override;
    size_t copyQueuedData(std::string&, size_t) override { return 0; }
    void release() override;

private:
    void notifyDataAvailable() override;
    void notifyPriorityEvent() override;

    ResultSubpartition* subpartition_;
    bool attached_ = false;
};

}  // namespace weir
