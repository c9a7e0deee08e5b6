#pragma once
// Keyed state, as rich functions on a keyed stream use it. Every access is scoped to the key of
// the element being processed.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weir {

template <class V>
class ValueState {
public:
    virtual ~ValueState() = default;
    /// The value for the current key, or nothing if none was stored.
    virtual std::optional<V> value() const = 0;
    virtual void update(const V& value) = 0;
    virtual void clear() = 0;
};

template <class V>
class ListState {
public:
    virtual ~ListState() = default;
    /// The list for the current key (empty if none).
    virtual std::vector<V> get() const = 0;
    virtual void add(const V& value) = 0;
    virtual void addAll(const std::vector<V>& values) = 0;
    virtual void update(const std::vector<V>& values) = 0;
    virtual void clear() = 0;
};

template <class K, class V>
class MapState {
public:
    virtual ~MapState() = default;
    virtual std::optional<V> get(const K& key) const = 0;
    virtual void put(const K& key, const V& value) = 0;
    virtual void remove(const K& key) = 0;
    virtual bool contains(const K& key) const = 0;
    virtual bool isEmpty() const = 0;
    /// Every entry for the current key, in no particular order.
    virtual std::vector<std::pair<K, V>> entries() const = 0;
    virtual void clear() = 0;
};

template <class V>
struct ValueStateDescriptor {
    std::string name;
};

template <class V>
struct ListStateDescriptor {
    std::string name;
};

template <class K, class V>
struct MapStateDescriptor {
    std::string name;
};

}  // namespace weir
