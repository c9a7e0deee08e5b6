#include "runtime/state/state_backend_kind.h"

#include <cctype>

#include "weir/core/exceptions.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"

namespace weir {

namespace {
std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

StateBackendKind stateBackendKind(const Configuration& config) {
    std::string name = lower(config.get(options::kStateBackend));
    if (name == "hashmap" || name == "memory" || name == "filesystem" || name == "fs" ||
        name == "jobmanager")
        return StateBackendKind::kHashMap;
    if (name == "rocksdb") return StateBackendKind::kRocksDb;
    throw ConfigException("state.backend.type: unknown state backend '" + name +
                          "' (use hashmap or rocksdb; the classic names memory, filesystem and "
                          "fs are accepted too)");
}

std::optional<std::string> storageImpliedByBackend(const Configuration& config) {
    std::string name = lower(config.get(options::kStateBackend));
    if (name == "memory" || name == "jobmanager") return "jobmanager";
    if (name == "filesystem" || name == "fs") return "filesystem";
    return std::nullopt;
}

}  // namespace weir
