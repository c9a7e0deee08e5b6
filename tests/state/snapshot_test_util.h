#pragma once
// Shared pieces of the state snapshot tests: a subtask's keyed state backend with a runtime
// context and a manual clock, keys, and the states the tests use.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../harness/operator_harness.h"
#include "weir/core/key_hash.h"
#include "weir/functions/operator_state.h"
#include "weir/functions/windows/window.h"
#include "weir/runtime/runtime_context.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/state/state_snapshot.h"
#include "weir/runtime/time/internal_timer_service.h"
#include "weir/weir.h"

namespace weir {

struct Order {
    int64_t id = 0;
    std::string user;
    double amount = 0;
    std::vector<std::string> tags;
    friend bool operator==(const Order&, const Order&) = default;
};
WEIR_TYPE(Order, id, user, amount, tags);

namespace snapshot_test {

using namespace std::chrono_literals;

inline constexpr int32_t kMax = 128;

inline int32_t groupOf(const std::string& key) {
    return keygroups::assignToKeyGroup(keyHash(key), kMax);
}

/// The sections of `snapshot` that a subtask owning `range` restores.
inline std::vector<KeyGroupSection> sectionsFor(const KeyedStateSnapshot& snapshot,
                                                KeyGroupRange range) {
    std::vector<KeyGroupSection> out;
    KeyGroupRange overlap = snapshot.range.intersect(range);
    for (int32_t g = overlap.start; g < overlap.end; ++g) out.push_back({g, snapshot.section(g)});
    return out;
}

/// One keyed operator subtask: its backend, a manual clock and the runtime context over them.
struct Subtask {
    explicit Subtask(KeyGroupRange range = {0, kMax}) : backend(range, kMax) {}
    Subtask(const Subtask&) = delete;

    KeyedStateBackend backend;
    testing::ManualProcessingTimeService clock;
    RuntimeContext ctx{TaskInfo{}, &backend, &clock};

    void key(const std::string& k) { backend.setCurrentKey(k); }
    bool owns(const std::string& k) const { return backend.keyGroupRange().contains(groupOf(k)); }
    KeyedStateSnapshot snapshot() const { return backend.snapshot(); }
    void restore(const KeyedStateSnapshot& s) {
        backend.restore(sectionsFor(s, backend.keyGroupRange()), s.types);
    }
    /// The keys (deserialized) with an entry in state `name`.
    std::vector<std::string> keysOf(const std::string& name) const {
        std::vector<std::string> keys;
        backend.forEachStateOf(name, [&](std::string_view stateKey, int32_t) {
            ByteReader in = snapshot_format::readerOf(stateKey);
            std::string k;
            Serializer<std::string>::deserialize(in, k);
            keys.push_back(k);
        });
        std::sort(keys.begin(), keys.end());
        return keys;
    }
};

inline std::vector<std::string> someKeys(int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.push_back("key-" + std::to_string(i));
    return keys;
}

template <class K, class V>
std::vector<std::pair<K, V>> sorted(std::vector<std::pair<K, V>> v) {
    std::sort(v.begin(), v.end());
    return v;
}

inline const ValueStateDescriptor<int64_t> kCount("count");
inline const ListStateDescriptor<std::string> kSeen("seen");
inline const MapStateDescriptor<std::string, int64_t> kPerPage("per-page");

// ---- round trips ----------------------------------------------------------------------------

}  // namespace snapshot_test
}  // namespace weir
