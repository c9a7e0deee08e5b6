#pragma once
// Which keyed state backend a job uses (state.backend.type), with the classic names:
//   hashmap                      keyed state on the heap
//   rocksdb                      keyed state in an embedded RocksDB
//   memory                       (1.x MemoryStateBackend) heap + 'jobmanager' checkpoint storage
//   filesystem / fs              (1.x FsStateBackend) heap + 'filesystem' checkpoint storage

#include <optional>
#include <string>

#include "weir/core/configuration.h"

namespace weir {

enum class StateBackendKind { kHashMap, kRocksDb };

/// Throws ConfigException naming the key and the accepted names for an unknown backend.
StateBackendKind stateBackendKind(const Configuration& config);
/// The checkpoint storage a classic backend name implies ("jobmanager", "filesystem"), if any.
std::optional<std::string> storageImpliedByBackend(const Configuration& config);

}  // namespace weir
