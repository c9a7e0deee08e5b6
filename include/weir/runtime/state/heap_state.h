#pragma once
// Keyed state on the heap: one hash table per key group, keyed by the serialized current key.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "weir/functions/state.h"
#include "weir/runtime/state/flat_state_map.h"
#include "weir/runtime/state/keyed_state_backend.h"

namespace weir {

namespace detail {
struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace detail

/// Per-key-group tables of V keyed by serialized key (key bytes + namespace bytes), flat hash
/// tables indexed by the backend's per-record state-key hash.
template <class V>
class HeapStateTable : public KeyedStateBase {
public:
    explicit HeapStateTable(KeyedStateBackend& backend)
        : backend_(backend), tables_(backend.keyGroupRange().size()) {}

protected:
    using Table = FlatStateMap<V>;
    Table& table() const { return tables_[backend_.currentKeyGroupIndex()]; }
    const V* find() const {
        return table().findValue(backend_.currentStateKey(), backend_.currentStateKeyHash());
    }
    V& getOrInsert() { return *getOrInsertFlagged().first; }
    /// The current key's value, and whether it was just created (one lookup either way).
    std::pair<V*, bool> getOrInsertFlagged() {
        auto [entry, created] =
            table().tryEmplace(backend_.currentStateKey(), backend_.currentStateKeyHash());
        return {&entry->value, created};
    }
    void erase() { table().erase(backend_.currentStateKey(), backend_.currentStateKeyHash()); }

public:
    void forEachStateKey(const std::function<void(std::string_view, int32_t)>& fn) const override {
        for (size_t i = 0; i < tables_.size(); ++i) {
            int32_t keyGroup = backend_.keyGroupRange().start + static_cast<int32_t>(i);
            tables_[i].forEach([&](const auto& e) { fn(e.key(), keyGroup); });
        }
    }
    uint32_t snapshotKeyGroup(int32_t keyGroup, ByteWriter& out) const override {
        uint32_t n = 0;
        tableOf(keyGroup).forEach([&](const auto& e) {
            snapshot_format::writeEntry(out, e.key(),
                                        [&](ByteWriter& o) { writeValue(e.value, o); });
            ++n;
        });
        return n;
    }
    /// As snapshotKeyGroup, but writes `keep(value)` instead of each value, and skips the entry
    /// when it returns nothing (state TTL drops expired values from full snapshots this way).
    template <class Keep>
    uint32_t snapshotKeyGroupFiltered(int32_t keyGroup, ByteWriter& out, Keep&& keep) const {
        uint32_t n = 0;
        tableOf(keyGroup).forEach([&](const auto& e) {
            std::optional<V> kept = keep(e.value);
            if (!kept) return;
            snapshot_format::writeEntry(out, e.key(), [&](ByteWriter& o) { writeValue(*kept, o); });
            ++n;
        });
        return n;
    }
    void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
        ByteReader in = snapshot_format::readerOf(value);
        V v{};
        readValue(in, v);
        if (!in.atEnd())
            throw SerializationException("restored state value has " +
                                         std::to_string(in.remaining()) +
                                         " trailing bytes: the state's type differs from the "
                                         "snapshot's");
        tableOf(keyGroup).tryEmplace(key, stateKeyHash(key)).first->value = std::move(v);
    }

protected:
    /// The value's bytes in snapshots (map state writes its entries one by one).
    virtual void writeValue(const V& v, ByteWriter& out) const { Serializer<V>::serialize(v, out); }
    virtual void readValue(ByteReader& in, V& v) const { Serializer<V>::deserialize(in, v); }
    Table& tableOf(int32_t keyGroup) const {
        return tables_[static_cast<size_t>(keyGroup - backend_.keyGroupRange().start)];
    }

    KeyedStateBackend& backend_;
    mutable std::vector<Table> tables_;
};

template <class V>
class HeapValueState final : public HeapStateTable<V>, public ValueState<V> {
public:
    using HeapStateTable<V>::HeapStateTable;
    std::string typeIdentity() const override { return "value<" + serializerIdentity<V>() + ">"; }
    std::optional<V> value() const override {
        const V* v = this->find();
        return v ? std::optional<V>(*v) : std::nullopt;
    }
    void update(const V& value) override { this->getOrInsert() = value; }
    void clear() override { this->erase(); }
    /// Direct access for operators (no copy): null when absent.
    V* mutableValue() { return const_cast<V*>(this->find()); }
    V& getOrCreate() { return this->getOrInsert(); }
    std::pair<V*, bool> getOrCreateFlagged() { return this->getOrInsertFlagged(); }
    /// Heap values are modified in place: nothing to write back (RocksDbValueState has work).
    void commit() {}
    /// Writes only the values for which keep(value) is true (state TTL).
    template <class Keep>
    uint32_t snapshotKeyGroupIf(int32_t keyGroup, ByteWriter& out, Keep&& keep) const {
        return this->snapshotKeyGroupFiltered(keyGroup, out, [&](const V& v) {
            return keep(v) ? std::optional<V>(v) : std::nullopt;
        });
    }
    /// Visits every stored value of every key group, key group by key group.
    template <class Fn>
    void forEachValue(Fn&& fn) const {
        for (const auto& table : this->tables_) table.forEach([&](const auto& e) { fn(e.value); });
    }
};

template <class V>
class HeapListState final : public HeapStateTable<std::vector<V>>, public ListState<V> {
public:
    using HeapStateTable<std::vector<V>>::HeapStateTable;
    std::string typeIdentity() const override { return "list<" + serializerIdentity<V>() + ">"; }
    std::vector<V> get() const override {
        const auto* v = this->find();
        return v ? *v : std::vector<V>{};
    }
    void add(const V& value) override { this->getOrInsert().push_back(value); }
    /// Appends in place; true when the key's list was created by it.
    bool addFlagged(V&& value) {
        auto [list, created] = this->getOrInsertFlagged();
        list->push_back(std::move(value));
        return created;
    }
    /// The current key's list in place, or null.
    std::vector<V>* mutableList() { return const_cast<std::vector<V>*>(this->find()); }
    void addAll(const std::vector<V>& values) override {
        if (values.empty()) return;
        auto& list = this->getOrInsert();
        list.insert(list.end(), values.begin(), values.end());
    }
    void update(const std::vector<V>& values) override {
        if (values.empty())
            this->erase();
        else
            this->getOrInsert() = values;
    }
    void clear() override { this->erase(); }
    /// Writes only the elements for which keep(element) is true; lists left empty are skipped.
    template <class Keep>
    uint32_t snapshotKeyGroupIf(int32_t keyGroup, ByteWriter& out, Keep&& keep) const {
        return this->snapshotKeyGroupFiltered(
            keyGroup, out, [&](const std::vector<V>& list) -> std::optional<std::vector<V>> {
                std::vector<V> kept;
                for (const auto& e : list)
                    if (keep(e)) kept.push_back(e);
                if (kept.empty()) return std::nullopt;
                return kept;
            });
    }
};

template <class K, class V>
class HeapMapState final
    : public HeapStateTable<
          std::unordered_map<std::string, std::pair<K, V>, detail::BytesHash, std::equal_to<>>>,
      public MapState<K, V> {
    using Entries =
        std::unordered_map<std::string, std::pair<K, V>, detail::BytesHash, std::equal_to<>>;

public:
    using HeapStateTable<Entries>::HeapStateTable;
    std::string typeIdentity() const override {
        return "map<" + serializerIdentity<K>() + "," + serializerIdentity<V>() + ">";
    }
    std::optional<V> get(const K& key) const override {
        const auto* m = this->find();
        if (!m) return std::nullopt;
        auto it = m->find(userKey(key));
        return it == m->end() ? std::nullopt : std::optional<V>(it->second.second);
    }
    void put(const K& key, const V& value) override {
        this->getOrInsert().insert_or_assign(std::string(userKey(key)),
                                             std::pair<K, V>(key, value));
    }
    void remove(const K& key) override {
        auto* m = const_cast<Entries*>(this->find());
        if (!m) return;
        if (auto it = m->find(userKey(key)); it != m->end()) m->erase(it);
        if (m->empty()) this->erase();
    }
    bool contains(const K& key) const override {
        const auto* m = this->find();
        return m && m->find(userKey(key)) != m->end();
    }
    bool isEmpty() const override { return this->find() == nullptr; }
    std::vector<std::pair<K, V>> entries() const override {
        std::vector<std::pair<K, V>> out;
        if (const auto* m = this->find())
            for (const auto& [_, kv] : *m) out.push_back(kv);
        return out;
    }
    void clear() override { this->erase(); }
    /// Visits the current key's entries in place, fn(const K&, const V&).
    template <class Fn>
    void forEachEntry(Fn&& fn) const {
        if (const auto* m = this->find())
            for (const auto& [_, kv] : *m) fn(kv.first, kv.second);
    }
    /// The value under `key` for the current key, default-constructed if absent, in place.
    V& getOrCreate(const K& key) {
        auto& m = this->getOrInsert();
        std::string_view bytes = userKey(key);  // serialized once, for the lookup and the insert
        auto it = m.find(bytes);
        if (it == m.end()) it = m.emplace(std::string(bytes), std::pair<K, V>(key, V{})).first;
        return it->second.second;
    }
    /// Writes only the map entries whose value passes keep(value); empty maps are skipped.
    template <class Keep>
    uint32_t snapshotKeyGroupIf(int32_t keyGroup, ByteWriter& out, Keep&& keep) const {
        return this->snapshotKeyGroupFiltered(keyGroup, out,
                                              [&](const Entries& m) -> std::optional<Entries> {
                                                  Entries kept;
                                                  for (const auto& [k, kv] : m)
                                                      if (keep(kv.second)) kept.emplace(k, kv);
                                                  if (kept.empty()) return std::nullopt;
                                                  return kept;
                                              });
    }

protected:
    // Snapshot value: varint n, then n x (string userKey, u32 length + value bytes).
    void writeValue(const Entries& m, ByteWriter& out) const override {
        out.writeVarUInt(m.size());
        for (const auto& entry : m) {
            const V& value = entry.second.second;
            snapshot_format::writeEntry(out, entry.first,
                                        [&](ByteWriter& o) { Serializer<V>::serialize(value, o); });
        }
    }
    void readValue(ByteReader& in, Entries& m) const override {
        size_t n = in.readLength(5);
        for (size_t i = 0; i < n; ++i) {
            std::string_view userKey = snapshot_format::readKey(in);
            ByteReader keyIn = snapshot_format::readerOf(userKey);
            ByteReader valueIn = snapshot_format::readerOf(snapshot_format::readValue(in));
            std::pair<K, V> kv{};
            Serializer<K>::deserialize(keyIn, kv.first);
            Serializer<V>::deserialize(valueIn, kv.second);
            m.insert_or_assign(std::string(userKey), std::move(kv));
        }
    }

private:
    /// The serialized map key, in a buffer reused across calls (lookups allocate nothing).
    std::string_view userKey(const K& key) const {
        keyWriter_.clear();
        Serializer<K>::serialize(key, keyWriter_);
        return {reinterpret_cast<const char*>(keyWriter_.data()), keyWriter_.size()};
    }
    mutable ByteWriter keyWriter_{32};
};

}  // namespace weir
