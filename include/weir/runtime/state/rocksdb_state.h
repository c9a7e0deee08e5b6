#pragma once
// Keyed state in RocksDB (state.backend.type: rocksdb): one column family per state, every key
// prefixed by its key group (two bytes, big-endian), so a key group is one contiguous key range.
//
//   value state  [key group][key + namespace]                          -> serialized value
//   list state   [key group][key + namespace]                          -> (u32 length, element)*
//                (add() appends with RocksDB's merge operator: no read)
//   map state    [key group][varint n][key + namespace (n bytes)][user key] -> serialized value
//
// Snapshots write the canonical format of state_snapshot.h (the same bytes the heap backend
// writes), so checkpoints and savepoints restore into either backend at any parallelism.
// Values are (de)serialized on every access: the state lives outside the heap and its size is
// bounded by the disk, not the memory.
//
// Thread-safety: used only by its task's thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weir/functions/state.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/state/rocksdb_store.h"

namespace weir {

namespace rocksdb_keys {
inline void appendKeyGroup(std::string& out, int32_t keyGroup) {
    out.push_back(static_cast<char>((keyGroup >> 8) & 0xff));
    out.push_back(static_cast<char>(keyGroup & 0xff));
}
inline std::string keyGroupPrefix(int32_t keyGroup) {
    std::string s;
    appendKeyGroup(s, keyGroup);
    return s;
}
inline void appendVarUInt(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}
inline std::string_view view(const ByteWriter& w) {
    return {reinterpret_cast<const char*>(w.data()), w.size()};
}
}  // namespace rocksdb_keys

/// A filter that keeps every value: snapshots without TTL.
struct KeepAll {
    template <class T>
    constexpr bool operator()(const T&) const {
        return true;
    }
};

/// What every RocksDB state shares: its column family and the current key's bytes.
class RocksDbStateBase : public KeyedStateBase {
public:
    RocksDbStateBase(KeyedStateBackend& backend, const std::string& name)
        : backend_(backend), store_(*backend.rocksDbStore()), cf_(store_.columnFamily(name)) {}

    void forEachStateKey(const std::function<void(std::string_view, int32_t)>& fn) const override {
        const auto& range = backend_.keyGroupRange();
        for (int32_t kg = range.start; kg < range.end; ++kg)
            store_.scan(cf_, rocksdb_keys::keyGroupPrefix(kg),
                        [&](std::string_view key, std::string_view) {
                            fn(stateKeyOf(key), kg);
                            return true;
                        });
    }

protected:
    /// The key + namespace part of a stored key (value and list state: after the key group).
    virtual std::string_view stateKeyOf(std::string_view dbKey) const { return dbKey.substr(2); }
    /// [key group][current key + namespace].
    std::string_view currentDbKey() const {
        key_.clear();
        rocksdb_keys::appendKeyGroup(key_, backend_.currentKeyGroup());
        key_.append(backend_.currentStateKey());
        return key_;
    }

    KeyedStateBackend& backend_;
    RocksDbStore& store_;
    RocksDbStore::ColumnFamily cf_;
    mutable std::string key_;
    mutable std::string buffer_;
    mutable ByteWriter writer_{64};
};

/// The snapshot entry points every RocksDB state shares, over the state's static
/// `Derived::writeKeyGroup(source, cf, keyGroup, out, keep)`, which writes one key group's entries
/// (those whose values `keep` accepts) read from `source`: the store itself (synchronous
/// snapshots) or a RocksDbReadView of it (a writer run later on an I/O thread).
template <class Derived>
class RocksDbSnapshotting : public RocksDbStateBase {
public:
    using RocksDbStateBase::RocksDbStateBase;

    uint32_t snapshotKeyGroup(int32_t keyGroup, ByteWriter& out) const override {
        return Derived::writeKeyGroup(store_, cf_, keyGroup, out, KeepAll{});
    }
    /// Writes only the values (list elements, map values) for which keep(value) is true; lists
    /// and maps left empty are skipped (state TTL).
    template <class Keep>
    uint32_t snapshotKeyGroupIf(int32_t keyGroup, ByteWriter& out, Keep&& keep) const {
        return Derived::writeKeyGroup(store_, cf_, keyGroup, out, keep);
    }
    KeyGroupWriter deferredSnapshot(
        const std::shared_ptr<const RocksDbReadView>& view) const override {
        return deferredSnapshotIf(view, KeepAll{});
    }
    template <class Keep>
    KeyGroupWriter deferredSnapshotIf(const std::shared_ptr<const RocksDbReadView>& view,
                                      Keep keep) const {
        return [view, cf = cf_, keep](int32_t keyGroup, ByteWriter& out) {
            return Derived::writeKeyGroup(*view, cf, keyGroup, out, keep);
        };
    }
};

template <class V>
class RocksDbValueState final : public RocksDbSnapshotting<RocksDbValueState<V>>,
                                public ValueState<V> {
    // Members of the (dependent) base, named here so that the methods below find them.
    using Base = RocksDbSnapshotting<RocksDbValueState<V>>;
    using Base::backend_;
    using Base::buffer_;
    using Base::cf_;
    using Base::currentDbKey;
    using Base::key_;
    using Base::store_;
    using Base::writer_;

public:
    using Base::Base;
    std::string typeIdentity() const override { return "value<" + serializerIdentity<V>() + ">"; }

    /// Keeps the newest values of up to `maxEntries` (key, namespace) pairs deserialized in
    /// memory and writes them to RocksDB only when the cache is full (all at once, then it starts
    /// empty) and before every snapshot or scan: a value read and written per element (a window's
    /// accumulator) then costs a hash lookup instead of a RocksDB read and write. For values of
    /// bounded size only; 0 turns it off. Call before the first access.
    void enableWriteBackCache(size_t maxEntries) { cacheLimit_ = maxEntries; }

    std::optional<V> value() const override {
        if (cacheLimit_) {
            const Slot& s = slot();
            return s.present ? std::optional<V>(s.value) : std::nullopt;
        }
        if (!store_.get(cf_, currentDbKey(), buffer_)) return std::nullopt;
        return deserializeFromString<V>(buffer_);
    }
    void update(const V& v) override {
        if (cacheLimit_) {
            Slot& s = slot();
            s.value = v;
            s.present = s.dirty = true;
            return;
        }
        write(currentDbKey(), v);
    }
    void clear() override {
        if (cacheLimit_) {
            auto key = currentDbKey();
            if (auto it = cache_.find(key); it != cache_.end()) {
                if (last_ == &it->second) last_ = nullptr;
                cache_.erase(it);
            }
        }
        store_.remove(cf_, currentDbKey());
    }

    // The operators' access (as HeapValueState's): a copy of the value to modify in place, then
    // commit() to write it back. The pointer is valid until the next call.
    V* mutableValue() {
        if (cacheLimit_) {
            Slot& s = slot();
            return s.present ? &s.value : nullptr;
        }
        if (!store_.get(cf_, currentDbKey(), buffer_)) return nullptr;
        cached_ = deserializeFromString<V>(buffer_);
        return &cached_;
    }
    std::pair<V*, bool> getOrCreateFlagged() {
        if (cacheLimit_) {
            Slot& s = slot();
            bool created = !s.present;
            if (created) s.value = V{};
            s.present = s.dirty = true;
            return {&s.value, created};
        }
        if (V* v = mutableValue()) return {v, false};
        cached_ = V{};
        return {&cached_, true};
    }
    V& getOrCreate() { return *getOrCreateFlagged().first; }
    void commit() {
        if (cacheLimit_) {
            Slot& s = slot();
            s.present = s.dirty = true;
            return;
        }
        update(cached_);
    }
    template <class Fn>
    void forEachValue(Fn&& fn) const {
        flushWrites();
        const auto& range = backend_.keyGroupRange();
        for (int32_t kg = range.start; kg < range.end; ++kg)
            store_.scan(cf_, rocksdb_keys::keyGroupPrefix(kg),
                        [&](std::string_view, std::string_view value) {
                            fn(deserializeFromString<V>(value));
                            return true;
                        });
    }
    void forEachStateKey(const std::function<void(std::string_view, int32_t)>& fn) const override {
        flushWrites();
        RocksDbStateBase::forEachStateKey(fn);
    }

    void flushWrites() const override {
        for (auto& [key, s] : cache_) {
            if (!s.dirty) continue;
            write(key, s.value);
            s.dirty = false;
        }
    }
    void beginSnapshot() const override { flushWrites(); }

    void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
        deserializeFromString<V>(value);  // the snapshot's type must be this state's
        std::string dbKey = rocksdb_keys::keyGroupPrefix(keyGroup);
        dbKey.append(key);
        store_.put(cf_, dbKey, value);
    }

private:
    friend class RocksDbSnapshotting<RocksDbValueState<V>>;
    /// One key group's entries read from `source` (the store, or a read view of it).
    template <class Source, class Keep>
    static uint32_t writeKeyGroup(const Source& source, RocksDbStore::ColumnFamily cf,
                                  int32_t keyGroup, ByteWriter& out, const Keep& keep) {
        uint32_t n = 0;
        source.scan(cf, rocksdb_keys::keyGroupPrefix(keyGroup),
                    [&](std::string_view key, std::string_view value) {
                        if constexpr (!std::is_same_v<Keep, KeepAll>) {
                            if (!keep(deserializeFromString<V>(value))) return true;
                        }
                        snapshot_format::writeEntry(out, key.substr(2), [&](ByteWriter& o) {
                            o.writeRaw(value.data(), value.size());
                        });
                        ++n;
                        return true;
                    });
        return n;
    }

    struct Slot {
        V value{};
        bool present = false;  ///< false: no value stored for this key
        bool dirty = false;    ///< newer than what RocksDB has
    };
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    void write(std::string_view dbKey, const V& v) const {
        writer_.clear();
        Serializer<V>::serialize(v, writer_);
        store_.put(cf_, dbKey, rocksdb_keys::view(writer_));
    }
    /// The cache slot of the current key and namespace, loaded from RocksDB on a miss.
    Slot& slot() const {
        std::string_view key = currentDbKey();
        if (last_ && lastKey_ == key) return *last_;
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            if (cache_.size() >= cacheLimit_) {
                flushWrites();
                cache_.clear();
            }
            it = cache_.emplace(std::string(key), Slot{}).first;
            if (store_.get(cf_, key, buffer_)) {
                it->second.value = deserializeFromString<V>(buffer_);
                it->second.present = true;
            }
        }
        last_ = &it->second;
        lastKey_.assign(key);
        return *last_;
    }

    V cached_{};
    size_t cacheLimit_ = 0;
    mutable std::unordered_map<std::string, Slot, Hash, std::equal_to<>> cache_;
    mutable Slot* last_ = nullptr;
    mutable std::string lastKey_;
};

template <class V>
class RocksDbListState final : public RocksDbSnapshotting<RocksDbListState<V>>,
                               public ListState<V> {
    // Members of the (dependent) base, named here so that the methods below find them.
    using Base = RocksDbSnapshotting<RocksDbListState<V>>;
    using Base::backend_;
    using Base::buffer_;
    using Base::cf_;
    using Base::currentDbKey;
    using Base::key_;
    using Base::store_;
    using Base::writer_;

public:
    using Base::Base;
    std::string typeIdentity() const override { return "list<" + serializerIdentity<V>() + ">"; }

    std::vector<V> get() const override {
        std::vector<V> out;
        if (store_.get(cf_, currentDbKey(), buffer_)) decode(buffer_, out);
        return out;
    }
    void add(const V& value) override {
        writer_.clear();
        appendElement(writer_, value);
        store_.append(cf_, currentDbKey(), rocksdb_keys::view(writer_));
    }
    void addAll(const std::vector<V>& values) override {
        if (values.empty()) return;
        writer_.clear();
        for (const auto& v : values) appendElement(writer_, v);
        store_.append(cf_, currentDbKey(), rocksdb_keys::view(writer_));
    }
    void update(const std::vector<V>& values) override {
        if (values.empty()) {
            clear();
            return;
        }
        writer_.clear();
        for (const auto& v : values) appendElement(writer_, v);
        store_.put(cf_, currentDbKey(), rocksdb_keys::view(writer_));
    }
    void clear() override { store_.remove(cf_, currentDbKey()); }

    void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
        auto list = deserializeFromString<std::vector<V>>(value);
        if (list.empty()) return;
        writer_.clear();
        for (const auto& v : list) appendElement(writer_, v);
        std::string dbKey = rocksdb_keys::keyGroupPrefix(keyGroup);
        dbKey.append(key);
        store_.put(cf_, dbKey, rocksdb_keys::view(writer_));
    }

private:
    friend class RocksDbSnapshotting<RocksDbListState<V>>;
    template <class Source, class Keep>
    static uint32_t writeKeyGroup(const Source& source, RocksDbStore::ColumnFamily cf,
                                  int32_t keyGroup, ByteWriter& out, const Keep& keep) {
        uint32_t n = 0;
        std::vector<V> list;
        source.scan(cf, rocksdb_keys::keyGroupPrefix(keyGroup),
                    [&](std::string_view key, std::string_view value) {
                        if constexpr (std::is_same_v<Keep, KeepAll>) {
                            // The stored elements are (u32 length, element)*: rewrite the
                            // framing only (a varint count, then the elements).
                            snapshot_format::writeEntry(out, key.substr(2), [&](ByteWriter& o) {
                                writeListValue(value, o);
                            });
                            ++n;
                            return true;
                        }
                        list.clear();
                        decode(value, list);
                        std::erase_if(list, [&](const V& v) { return !keep(v); });
                        if (list.empty()) return true;
                        snapshot_format::writeEntry(out, key.substr(2), [&](ByteWriter& o) {
                            Serializer<std::vector<V>>::serialize(list, o);
                        });
                        ++n;
                        return true;
                    });
        return n;
    }
    static void appendElement(ByteWriter& w, const V& v) {
        size_t at = w.reserve(4);
        Serializer<V>::serialize(v, w);
        snapshot_format::patchU32(w, at, static_cast<uint32_t>(w.size() - at - 4));
    }
    /// Stored (u32 length, element)* as the serialized vector: varint count, then the elements.
    static void writeListValue(std::string_view stored, ByteWriter& out) {
        uint64_t count = 0;
        for (ByteReader in = snapshot_format::readerOf(stored); !in.atEnd(); ++count)
            snapshot_format::readValue(in);
        out.writeVarUInt(count);
        for (ByteReader in = snapshot_format::readerOf(stored); !in.atEnd();) {
            std::string_view element = snapshot_format::readValue(in);
            out.writeRaw(element.data(), element.size());
        }
    }
    static void decode(std::string_view bytes, std::vector<V>& out) {
        ByteReader in = snapshot_format::readerOf(bytes);
        while (!in.atEnd()) out.push_back(deserializeFromString<V>(snapshot_format::readValue(in)));
    }
};

template <class K, class V>
class RocksDbMapState final : public RocksDbSnapshotting<RocksDbMapState<K, V>>,
                              public MapState<K, V> {
    // Members of the (dependent) base, named here so that the methods below find them.
    using Base = RocksDbSnapshotting<RocksDbMapState<K, V>>;
    using Base::backend_;
    using Base::buffer_;
    using Base::cf_;
    using Base::currentDbKey;
    using Base::key_;
    using Base::store_;
    using Base::writer_;

public:
    using Base::Base;
    std::string typeIdentity() const override {
        return "map<" + serializerIdentity<K>() + "," + serializerIdentity<V>() + ">";
    }

    std::optional<V> get(const K& key) const override {
        if (!store_.get(cf_, entryKey(key), buffer_)) return std::nullopt;
        return deserializeFromString<V>(buffer_);
    }
    void put(const K& key, const V& value) override {
        std::string k(entryKey(key));
        writer_.clear();
        Serializer<V>::serialize(value, writer_);
        store_.put(cf_, k, rocksdb_keys::view(writer_));
    }
    void remove(const K& key) override { store_.remove(cf_, entryKey(key)); }
    bool contains(const K& key) const override { return store_.get(cf_, entryKey(key), buffer_); }
    bool isEmpty() const override {
        bool empty = true;
        store_.scan(cf_, prefix(), [&](std::string_view, std::string_view) {
            empty = false;
            return false;
        });
        return empty;
    }
    std::vector<std::pair<K, V>> entries() const override {
        std::vector<std::pair<K, V>> out;
        std::string p(prefix());
        store_.scan(cf_, p, [&](std::string_view key, std::string_view value) {
            out.emplace_back(deserializeFromString<K>(key.substr(p.size())),
                             deserializeFromString<V>(value));
            return true;
        });
        return out;
    }
    void clear() override { store_.removePrefix(cf_, prefix()); }
    /// Visits the current key's entries, fn(const K&, const V&), in serialized key order,
    /// without gathering them first.
    template <class Fn>
    void forEachEntry(Fn&& fn) const {
        std::string p(prefix());
        store_.scan(cf_, p, [&](std::string_view key, std::string_view value) {
            fn(deserializeFromString<K>(key.substr(p.size())), deserializeFromString<V>(value));
            return true;
        });
    }

    void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
        ByteReader in = snapshot_format::readerOf(value);
        size_t n = in.readLength(5);
        std::string base = rocksdb_keys::keyGroupPrefix(keyGroup);
        rocksdb_keys::appendVarUInt(base, key.size());
        base.append(key);
        for (size_t i = 0; i < n; ++i) {
            std::string_view userKey = snapshot_format::readKey(in);
            std::string_view v = snapshot_format::readValue(in);
            deserializeFromString<V>(v);  // the snapshot's type must be this state's
            store_.put(cf_, base + std::string(userKey), v);
        }
    }

protected:
    std::string_view stateKeyOf(std::string_view dbKey) const override {
        return split(dbKey).first;
    }

private:
    friend class RocksDbSnapshotting<RocksDbMapState<K, V>>;
    template <class Source, class Keep>
    static uint32_t writeKeyGroup(const Source& source, RocksDbStore::ColumnFamily cf,
                                  int32_t keyGroup, ByteWriter& out, const Keep& keep) {
        uint32_t n = 0;
        std::string current;  // the state key whose entries are being gathered
        ByteWriter entries(256);
        uint64_t count = 0;
        auto emit = [&] {
            if (count == 0) return;
            snapshot_format::writeEntry(out, current, [&](ByteWriter& o) {
                o.writeVarUInt(count);
                o.writeRaw(entries.data(), entries.size());
            });
            ++n;
        };
        source.scan(cf, rocksdb_keys::keyGroupPrefix(keyGroup),
                    [&](std::string_view key, std::string_view value) {
                        auto [stateKey, userKey] = split(key);
                        if (stateKey != current) {
                            emit();
                            current.assign(stateKey);
                            entries.clear();
                            count = 0;
                        }
                        if constexpr (!std::is_same_v<Keep, KeepAll>) {
                            if (!keep(deserializeFromString<V>(value))) return true;
                        }
                        snapshot_format::writeEntry(entries, userKey, [&](ByteWriter& o) {
                            o.writeRaw(value.data(), value.size());
                        });
                        ++count;
                        return true;
                    });
        emit();
        return n;
    }
    /// [key group][varint n][state key (n bytes)]: the prefix of the current key's entries.
    std::string_view prefix() const {
        prefix_.clear();
        rocksdb_keys::appendKeyGroup(prefix_, backend_.currentKeyGroup());
        std::string_view stateKey = backend_.currentStateKey();
        rocksdb_keys::appendVarUInt(prefix_, stateKey.size());
        prefix_.append(stateKey);
        return prefix_;
    }
    std::string_view entryKey(const K& key) const {
        key_.assign(prefix());
        userWriter_.clear();
        Serializer<K>::serialize(key, userWriter_);
        key_.append(rocksdb_keys::view(userWriter_));
        return key_;
    }
    /// (state key, user key) of a stored key.
    static std::pair<std::string_view, std::string_view> split(std::string_view dbKey) {
        ByteReader in = snapshot_format::readerOf(dbKey.substr(2));
        size_t n = in.readLength(1);
        size_t headerEnd = dbKey.size() - in.remaining();
        return {dbKey.substr(headerEnd, n), dbKey.substr(headerEnd + n)};
    }
    mutable std::string prefix_;
    mutable ByteWriter userWriter_{32};
};

}  // namespace weir
