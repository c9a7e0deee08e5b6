// Fuzzes what a restore reads from disk: _metadata (with and without a valid frame), operator
// state, and keyed state sections restored into heap states of several kinds. Every input either
// decodes or raises CheckpointException / SerializationException / StateMigrationException.
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/checkpoint/checkpoint_metadata.h"
#include "weir/core/exceptions.h"
#include "weir/runtime/state/heap_state.h"
#include "weir/runtime/state/keyed_state_backend.h"

namespace {

/// The input as a metadata payload with a valid header, so the decoder gets past the checksum.
std::string framed(std::string_view payload) {
    std::string out("WEIRCKPT", 8);
    uint32_t version = 1;
    uint64_t length = payload.size();
    uint64_t checksum = XXH3_64bits(payload.data(), payload.size());
    out.append(reinterpret_cast<const char*>(&version), 4);
    out.append(reinterpret_cast<const char*>(&length), 8);
    out.append(reinterpret_cast<const char*>(&checksum), 8);
    out.append(payload);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const std::string& bytes : {std::string(input), framed(input)}) {
        try {
            (void)weir::decodeMetadata(bytes, "fuzz/_metadata");
        } catch (const weir::CheckpointException&) {
        }
    }
    try {
        (void)weir::decodeOperatorState(input);
    } catch (const weir::SerializationException&) {
    }
    // A key group section restored into registered states of three kinds.
    try {
        weir::KeyedStateBackend backend({0, 4}, 4);
        backend.getOrCreateState<weir::HeapValueState<int64_t>>(
            "v", [&] { return std::make_unique<weir::HeapValueState<int64_t>>(backend); });
        backend.getOrCreateState<weir::HeapListState<std::string>>(
            "l", [&] { return std::make_unique<weir::HeapListState<std::string>>(backend); });
        backend.getOrCreateState<weir::HeapMapState<std::string, int64_t>>("m", [&] {
            return std::make_unique<weir::HeapMapState<std::string, int64_t>>(backend);
        });
        backend.restore({{size > 0 ? data[0] % 5 : 0, input.substr(size > 0 ? 1 : 0)}});
        (void)backend.snapshot();
    } catch (const weir::SerializationException&) {
    } catch (const weir::StateMigrationException&) {
    }
    return 0;
}
