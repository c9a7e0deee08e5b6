#pragma once
// BufferOrEvent: one entry of a channel: a buffer of serialized elements, or a runtime event
// (end of partition, checkpoint barrier, cancel marker). Within one TaskManager events travel as
// the struct; between TaskManagers as the bytes of event_codec.h.

#include <cstdint>
#include <optional>

#include "core/memory/buffer.h"
#include "weir/runtime/stream_element.h"

namespace weir {

struct BufferOrEvent {
    Buffer buffer;  // valid for data
    std::optional<RuntimeEvent> event;
    int32_t channel = 0;
    /// An unaligned barrier that overtook the data queued before it.
    bool priority = false;
};

}  // namespace weir
