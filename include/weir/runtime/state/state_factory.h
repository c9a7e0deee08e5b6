#pragma once
// Creates (or finds) the keyed states of an operator in its backend: on the heap, or in RocksDB
// when the backend has a RocksDB store (state.backend.type: rocksdb), with or without a time to
// live. Everything that registers keyed state goes through here, so one switch picks the
// backend for every state.

#include <memory>
#include <optional>
#include <string>

#include "weir/runtime/state/heap_state.h"
#include "weir/runtime/state/rocksdb_state.h"
#include "weir/runtime/state/ttl_state.h"

namespace weir::state_factory {

template <class V>
ValueState<V>& valueState(KeyedStateBackend& b, const std::string& name,
                          const std::optional<TtlPolicy>& ttl = std::nullopt) {
    if (b.rocksDbStore()) {
        if (ttl) {
            using S = TtlValueState<V, RocksDbValueState<TtlValue<V>>>;
            return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b, name); });
        }
        using S = RocksDbValueState<V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b, name); });
    }
    if (ttl) {
        using S = TtlValueState<V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b); });
    }
    using S = HeapValueState<V>;
    return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b); });
}

template <class V>
ListState<V>& listState(KeyedStateBackend& b, const std::string& name,
                        const std::optional<TtlPolicy>& ttl = std::nullopt) {
    if (b.rocksDbStore()) {
        if (ttl) {
            using S = TtlListState<V, RocksDbListState<TtlValue<V>>>;
            return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b, name); });
        }
        using S = RocksDbListState<V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b, name); });
    }
    if (ttl) {
        using S = TtlListState<V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b); });
    }
    using S = HeapListState<V>;
    return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b); });
}

template <class K, class V>
MapState<K, V>& mapState(KeyedStateBackend& b, const std::string& name,
                         const std::optional<TtlPolicy>& ttl = std::nullopt) {
    if (b.rocksDbStore()) {
        if (ttl) {
            using S = TtlMapState<K, V, RocksDbMapState<K, TtlValue<V>>>;
            return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b, name); });
        }
        using S = RocksDbMapState<K, V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b, name); });
    }
    if (ttl) {
        using S = TtlMapState<K, V>;
        return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(*ttl, b); });
    }
    using S = HeapMapState<K, V>;
    return b.getOrCreateState<S>(name, [&] { return std::make_unique<S>(b); });
}

}  // namespace weir::state_factory

namespace weir {

/// A value state that operators modify in place (window contents, reduce results, join
/// buffers), on either backend without a virtual call: mutableValue() / getOrCreate() give the
/// value, commit() writes a modified one back (a no-op on the heap).
template <class V>
class InternalValueState {
public:
    void bind(KeyedStateBackend& b, const std::string& name) {
        if (b.rocksDbStore()) {
            rocks_ = &b.getOrCreateState<RocksDbValueState<V>>(
                name, [&] { return std::make_unique<RocksDbValueState<V>>(b, name); });
        } else {
            heap_ = &b.getOrCreateState<HeapValueState<V>>(
                name, [&] { return std::make_unique<HeapValueState<V>>(b); });
        }
    }
    /// RocksDB: keep up to `maxEntries` values in a write-back cache (bounded values only).
    void enableWriteBackCache(size_t maxEntries) {
        if (rocks_) rocks_->enableWriteBackCache(maxEntries);
    }
    V* mutableValue() { return heap_ ? heap_->mutableValue() : rocks_->mutableValue(); }
    V& getOrCreate() { return heap_ ? heap_->getOrCreate() : rocks_->getOrCreate(); }
    std::pair<V*, bool> getOrCreateFlagged() {
        return heap_ ? heap_->getOrCreateFlagged() : rocks_->getOrCreateFlagged();
    }
    void commit() {
        if (rocks_) rocks_->commit();
    }
    std::optional<V> value() const { return heap_ ? heap_->value() : rocks_->value(); }
    void update(const V& v) { heap_ ? heap_->update(v) : rocks_->update(v); }
    void clear() { heap_ ? heap_->clear() : rocks_->clear(); }
    template <class Fn>
    void forEachValue(Fn&& fn) const {
        if (heap_)
            heap_->forEachValue(fn);
        else
            rocks_->forEachValue(fn);
    }

private:
    HeapValueState<V>* heap_ = nullptr;
    RocksDbValueState<V>* rocks_ = nullptr;
};

/// A list state that operators use without a virtual call: on the heap elements are appended
/// and read in place; in RocksDB an element is appended with a merge (no read), and reading
/// decodes the list once.
template <class E>
class InternalListState {
public:
    void bind(KeyedStateBackend& b, const std::string& name) {
        if (b.rocksDbStore()) {
            rocks_ = &b.getOrCreateState<RocksDbListState<E>>(
                name, [&] { return std::make_unique<RocksDbListState<E>>(b, name); });
        } else {
            heap_ = &b.getOrCreateState<HeapListState<E>>(
                name, [&] { return std::make_unique<HeapListState<E>>(b); });
        }
    }
    /// Appends `e` to the current key's list. True when the list may have been created by it:
    /// exact on the heap; always true in RocksDB, which appends without reading.
    bool add(E e) {
        if (heap_) return heap_->addFlagged(std::move(e));
        rocks_->add(e);
        return true;
    }
    /// The current key's list: in place on the heap (null when absent); in RocksDB decoded into
    /// `scratch` (null when absent). Changes need update() to reach RocksDB.
    std::vector<E>* read(std::vector<E>& scratch) {
        if (heap_) return heap_->mutableList();
        scratch = rocks_->get();
        return scratch.empty() ? nullptr : &scratch;
    }
    /// Replaces the current key's list (after read(): a no-op on the heap when `list` is the
    /// list read() gave).
    void update(std::vector<E>& list) {
        if (heap_) {
            if (list.empty())
                heap_->clear();
            else if (heap_->mutableList() != &list)
                heap_->update(list);
            return;
        }
        rocks_->update(list);
    }
    void addAll(const std::vector<E>& es) { heap_ ? heap_->addAll(es) : rocks_->addAll(es); }
    void clear() { heap_ ? heap_->clear() : rocks_->clear(); }

private:
    HeapListState<E>* heap_ = nullptr;
    RocksDbListState<E>* rocks_ = nullptr;
};

/// A map state that operators use without a virtual call or a copy of every entry (join buffers
/// keyed by timestamp): on the heap entries are visited and changed in place; in RocksDB one
/// entry is read and written, never the key's whole map.
template <class UK, class UV>
class InternalMapState {
public:
    void bind(KeyedStateBackend& b, const std::string& name) {
        if (b.rocksDbStore()) {
            rocks_ = &b.getOrCreateState<RocksDbMapState<UK, UV>>(
                name, [&] { return std::make_unique<RocksDbMapState<UK, UV>>(b, name); });
        } else {
            heap_ = &b.getOrCreateState<HeapMapState<UK, UV>>(
                name, [&] { return std::make_unique<HeapMapState<UK, UV>>(b); });
        }
    }
    /// Visits every entry of the current key: fn(const UK&, const UV&), in no defined order.
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (heap_)
            heap_->forEachEntry(fn);
        else
            rocks_->forEachEntry(fn);
    }
    /// Applies fn(UV&) to the value under `key` (default-constructed if absent) and stores it.
    template <class Fn>
    void modify(const UK& key, Fn&& fn) {
        if (heap_) {
            fn(heap_->getOrCreate(key));
            return;
        }
        UV value = rocks_->get(key).value_or(UV{});
        fn(value);
        rocks_->put(key, value);
    }
    void remove(const UK& key) { heap_ ? heap_->remove(key) : rocks_->remove(key); }
    bool isEmpty() const { return heap_ ? heap_->isEmpty() : rocks_->isEmpty(); }
    void clear() { heap_ ? heap_->clear() : rocks_->clear(); }

private:
    HeapMapState<UK, UV>* heap_ = nullptr;
    RocksDbMapState<UK, UV>* rocks_ = nullptr;
};

}  // namespace weir
