#pragma once
// KeyedStateBackend: the keyed state of one operator subtask, for the key groups it owns.
//
// Keys are stored in serialized form (the same bytes a RocksDB backend uses), so state is
// organized by key group and restores at any parallelism. The operator sets the current key
// before each element; every state then reads and writes that key's entry.
//
// Thread-safety: used only by its task's thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/core/byte_io.h"
#include "weir/core/check.h"
#include "weir/core/key_groups.h"
#include "weir/core/key_hash.h"
#include "weir/core/serializer.h"
#include "weir/runtime/state/flat_state_map.h"
#include "weir/runtime/state/state_snapshot.h"

namespace weir {

class RocksDbReadView;

/// The namespace of state that belongs to the key alone (not to a window).
struct VoidNamespace {
    friend bool operator==(VoidNamespace, VoidNamespace) { return true; }
};

template <>
struct Serializer<VoidNamespace> {
    static void serialize(const VoidNamespace&, ByteWriter&) {}
    static void deserialize(ByteReader&, VoidNamespace&) {}
    static std::string name() { return "void"; }
};

/// A keyed state as the backend sees it: what snapshots it, restores it and names its type.
/// Every state that holds data implements all three; a state that is only a view over other
/// states derives from KeyedStateView, which says so.
class KeyedStateBase {
public:
    virtual ~KeyedStateBase() = default;
    /// Visits the serialized state key and key group of every entry (heap states).
    virtual void forEachStateKey(const std::function<void(std::string_view, int32_t)>& fn) const {}
    /// Writes this state's entries of `keyGroup` in the snapshot format (state_snapshot.h) and
    /// returns how many it wrote.
    virtual uint32_t snapshotKeyGroup(int32_t keyGroup, ByteWriter& out) const = 0;
    /// Called before and after the snapshotKeyGroup calls of one snapshot.
    virtual void beginSnapshot() const {}
    virtual void endSnapshot() const {}
    /// Writes what the state holds back in memory to its store (RocksDB write-back caches);
    /// called before native snapshots. Full snapshots call beginSnapshot, which does it too.
    virtual void flushWrites() const {}
    /// For a state whose store a snapshot can read on another thread (RocksDB): a writer of its
    /// entries as `view` sees them, run on an I/O thread while the task goes on. Empty (heap
    /// states): snapshotKeyGroup writes the entries on the task thread.
    virtual KeyGroupWriter deferredSnapshot(
        const std::shared_ptr<const RocksDbReadView>& view) const {
        return {};
    }
    /// Adds one entry of a snapshot (key = serialized key + namespace).
    virtual void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) = 0;
    /// The identity of the state's kind and serialized types, recorded in snapshots and compared
    /// on restore: "value<int64>", "list<string>", "map<string,double>", "timers<TimeWindow>".
    /// Empty for views, which store nothing of their own.
    virtual std::string typeIdentity() const = 0;
};

/// A state that only reads and writes other registered states (a reducing state over a value
/// state, a window-scoped view): it has no entries and no type of its own in snapshots.
class KeyedStateView : public KeyedStateBase {
public:
    uint32_t snapshotKeyGroup(int32_t, ByteWriter&) const final { return 0; }
    void restoreEntry(int32_t, std::string_view, std::string_view) final {
        throw StateMigrationException("a view over other states cannot restore snapshot entries");
    }
    std::string typeIdentity() const final { return {}; }
};

class RocksDbStore;

class KeyedStateBackend {
public:
    KeyedStateBackend(KeyGroupRange range, int32_t maxParallelism)
        : range_(range), maxParallelism_(maxParallelism) {}

    /// Makes `key` the current key (and the namespace the void one).
    template <class K>
    void setCurrentKey(const K& key) {
        keyWriter_.clear();
        Serializer<K>::serialize(key, keyWriter_);
        keyLength_ = keyWriter_.size();
        hashValid_ = false;
        keyGroup_ = keygroups::assignToKeyGroup(keyHash(key), maxParallelism_);
        // In every build: a key selector that is not deterministic (or a partitioner that
        // disagrees with it) would otherwise write outside this subtask's tables.
        if (!range_.contains(keyGroup_)) [[unlikely]]
            throwKeyGroupOutOfRange();
    }
    /// Makes a key known only by its serialized form current (timers store keys that way).
    void setCurrentKeyBytes(std::string_view keyBytes, int32_t keyGroup) {
        keyWriter_.clear();
        keyWriter_.writeRaw(keyBytes.data(), keyBytes.size());
        keyLength_ = keyWriter_.size();
        hashValid_ = false;
        keyGroup_ = keyGroup;
    }
    /// Scopes state to `ns` (a window) under the current key until the next call or key change.
    template <class N>
    void setCurrentNamespace(const N& ns) {
        keyWriter_.truncate(keyLength_);
        Serializer<N>::serialize(ns, keyWriter_);
        hashValid_ = false;
    }
    void setCurrentNamespaceBytes(std::string_view nsBytes) {
        keyWriter_.truncate(keyLength_);
        keyWriter_.writeRaw(nsBytes.data(), nsBytes.size());
        hashValid_ = false;
    }
    void clearNamespace() {
        if (keyWriter_.size() == keyLength_) return;
        keyWriter_.truncate(keyLength_);
        hashValid_ = false;
    }

    /// The serialized current key.
    std::string_view currentKeyBytes() const {
        return {reinterpret_cast<const char*>(keyWriter_.data()), keyLength_};
    }
    /// The serialized current namespace (empty for the void namespace).
    std::string_view currentNamespaceBytes() const {
        return {reinterpret_cast<const char*>(keyWriter_.data()) + keyLength_,
                keyWriter_.size() - keyLength_};
    }
    /// Where state tables file the current entry: key bytes followed by namespace bytes.
    std::string_view currentStateKey() const {
        return {reinterpret_cast<const char*>(keyWriter_.data()), keyWriter_.size()};
    }
    /// stateKeyHash(currentStateKey()), computed once per key and namespace and shared by every
    /// heap state and timer service that files an entry under them.
    uint64_t currentStateKeyHash() const {
        if (!hashValid_) {
            stateKeyHash_ = stateKeyHash(currentStateKey());
            hashValid_ = true;
        }
        return stateKeyHash_;
    }
    int32_t currentKeyGroup() const { return keyGroup_; }
    /// Index of the current key group within this backend's range.
    int32_t currentKeyGroupIndex() const { return keyGroup_ - range_.start; }
    const KeyGroupRange& keyGroupRange() const { return range_; }
    int32_t maxParallelism() const { return maxParallelism_; }

    /// Names the operator in errors (its name and id), set by the task.
    void setOwner(std::string operatorDescription) { owner_ = std::move(operatorDescription); }
    const std::string& owner() const { return owner_; }
    /// The identity of the key's serializer (serializerIdentity<K>()), set by the task from the
    /// graph before restore; snapshots record it.
    void setKeyType(std::string keyType);

    /// The state registered under `name`, created by `create()` on first use (and filled with
    /// its restored entries, if the backend was restored). A restored state whose recorded type
    /// differs from the new state's is refused (StateMigrationException naming both).
    template <class S, class Factory>
    S& getOrCreateState(const std::string& name, Factory&& create) {
        auto it = states_.find(name);
        if (it == states_.end()) {
            std::unique_ptr<KeyedStateBase> created = create();
            checkRestoredType(name, *created);
            it = states_.emplace(name, std::move(created)).first;
            claimRestored(name, *it->second);
        }
        auto* state = dynamic_cast<S*>(it->second.get());
        if (!state)
            throw InvalidProgramException("state '" + name +
                                          "' was registered before with another kind or type");
        return *state;
    }

    /// Snapshots a component the backend does not own (a timer service) with the states, until
    /// it unregisters. Restored entries of `name` go to it at once.
    void registerParticipant(const std::string& name, KeyedStateBase* participant) {
        checkRestoredType(name, *participant);
        participants_[name] = participant;
        claimRestored(name, *participant);
    }
    void unregisterParticipant(const std::string& name) { participants_.erase(name); }

    /// The RocksDB instance of this backend (state.backend.type: rocksdb), or null for the heap.
    /// Set by the task before any state is registered; the task owns the store.
    void setRocksDbStore(RocksDbStore* store) { rocksDbStore_ = store; }
    RocksDbStore* rocksDbStore() const { return rocksDbStore_; }

    /// Every state's entries, per key group of the range (the canonical format). Without
    /// `includeStates`, only what lives outside the registered states (timers, restored entries
    /// of states not registered): the rest of an incremental RocksDB checkpoint. With `defer`,
    /// the entries of RocksDB states are read later, by KeyedStateSnapshot::complete() on an I/O
    /// thread, from a RocksDB snapshot taken now (the rest is written now, on the task thread).
    KeyedStateSnapshot snapshot(bool includeStates = true, bool defer = false) const;
    /// Every state's flushWrites(): before a native (incremental RocksDB) snapshot.
    void flushWrites() const {
        for (const auto& [name, state] : states_) state->flushWrites();
    }
    /// The types of every state a snapshot holds (registered states, participants, and restored
    /// states not registered again), and the key type.
    KeyedStateTypes stateTypes() const;
    /// Loads key-group sections of a snapshot (before any state is registered): each entry goes
    /// to its state when the state registers. Entries of states that never register are kept
    /// and written into later snapshots unchanged. `types` are the snapshot's recorded types
    /// (empty key type: none recorded): a different key type is refused here, a state of another
    /// type when it registers. Throws SerializationException on corrupt sections and
    /// StateMigrationException on key groups outside the range or incompatible types.
    void restore(const std::vector<KeyGroupSection>& sections, const KeyedStateTypes& types = {});
    bool restored() const { return restored_; }
    /// True when the restored snapshot had a state `name` (with or without entries).
    bool hasRestoredState(const std::string& name) const {
        return restoredTypes_.states.count(name) > 0 || restoredEntries_.count(name) > 0;
    }

    /// Visits every key (serialized) with an entry in the state `name`.
    void forEachStateOf(const std::string& name,
                        const std::function<void(std::string_view, int32_t)>& fn) const {
        auto it = states_.find(name);
        if (it != states_.end()) {
            it->second->forEachStateKey(fn);
            return;
        }
        // Restored, not registered yet: the keys of its restored entries.
        if (auto r = restoredEntries_.find(name); r != restoredEntries_.end())
            for (const auto& e : r->second) fn(e.key, e.keyGroup);
    }

private:
    [[noreturn]] void throwKeyGroupOutOfRange() const;
    void checkRestoredType(const std::string& name, const KeyedStateBase& state) const;

    struct RestoredEntry {
        int32_t keyGroup;
        std::string key;
        std::string value;
    };
    void claimRestored(const std::string& name, KeyedStateBase& state) {
        auto it = restoredEntries_.find(name);
        if (it == restoredEntries_.end()) return;
        for (const auto& e : it->second) state.restoreEntry(e.keyGroup, e.key, e.value);
        restoredEntries_.erase(it);
    }

    KeyGroupRange range_;
    int32_t maxParallelism_;
    ByteWriter keyWriter_{64};
    size_t keyLength_ = 0;
    int32_t keyGroup_ = 0;
    mutable uint64_t stateKeyHash_ = 0;
    mutable bool hashValid_ = false;
    std::map<std::string, std::unique_ptr<KeyedStateBase>> states_;
    std::map<std::string, KeyedStateBase*> participants_;
    /// Restored entries of states not registered (yet), by state name.
    std::map<std::string, std::vector<RestoredEntry>> restoredEntries_;
    bool restored_ = false;
    RocksDbStore* rocksDbStore_ = nullptr;
    std::string owner_ = "a keyed operator";
    /// The program's key type, and the types the restored snapshot recorded.
    std::string keyType_;
    KeyedStateTypes restoredTypes_;
};

}  // namespace weir
