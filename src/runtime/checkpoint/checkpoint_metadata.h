#pragma once
// The binary form of _metadata and of operator state, with a magic number, a version and a
// checksum, so that a truncated or corrupt file is reported as such instead of being misread.
//
//   "WEIRCKPT" u32 version u64 payloadLength u64 xxh3(payload) payload

#include <string>
#include <string_view>
#include <vector>

#include "runtime/checkpoint/state_handles.h"
#include "weir/runtime/state/state_snapshot.h"

namespace weir {

std::string encodeMetadata(const CompletedCheckpoint& checkpoint);
/// Throws CheckpointException naming `source` (the file) when the bytes are not valid metadata.
CompletedCheckpoint decodeMetadata(std::string_view bytes, const std::string& source);

std::string encodeOperatorState(const std::vector<OperatorStateEntry>& entries);
std::vector<OperatorStateEntry> decodeOperatorState(std::string_view bytes);

}  // namespace weir
