#pragma once
// Keyed state, as rich functions on a keyed stream use it. Every access is scoped to the key of
// the element being processed.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/core/exceptions.h"
#include "weir/core/time.h"
#include "weir/functions/aggregate_function.h"

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
class ReducingState {
public:
    virtual ~ReducingState() = default;
    /// The reduced value for the current key, or nothing if nothing was added.
    virtual std::optional<V> get() const = 0;
    virtual void add(const V& value) = 0;
    virtual void clear() = 0;
};

template <class IN, class OUT>
class AggregatingState {
public:
    virtual ~AggregatingState() = default;
    /// The aggregate's result for the current key, or nothing if nothing was added.
    virtual std::optional<OUT> get() const = 0;
    virtual void add(const IN& value) = 0;
    virtual void clear() = 0;
};

/// Time-to-live of keyed state, on processing time. Expired values are never returned; they are
/// removed when they are next accessed.
class StateTtlConfig {
public:
    enum class UpdateType {
        OnCreateAndWrite,  ///< writes restart the time to live (default)
        OnReadAndWrite,    ///< reads restart it too
    };
    enum class StateVisibility {
        NeverReturnExpired,
        ReturnExpiredIfNotCleanedUp,
    };
    class Builder;
    static Builder newBuilder(Duration ttl);

    Duration ttl() const { return ttl_; }
    UpdateType updateType() const { return updateType_; }
    StateVisibility visibility() const { return visibility_; }
    bool cleanupFullSnapshot() const { return cleanupFullSnapshot_; }

private:
    Duration ttl_{0};
    UpdateType updateType_ = UpdateType::OnCreateAndWrite;
    StateVisibility visibility_ = StateVisibility::NeverReturnExpired;
    bool cleanupFullSnapshot_ = false;
    friend class Builder;
};

class StateTtlConfig::Builder {
public:
    explicit Builder(Duration ttl) { config_.ttl_ = ttl; }
    Builder& setUpdateType(UpdateType t) {
        config_.updateType_ = t;
        return *this;
    }
    Builder& updateTtlOnCreateAndWrite() { return setUpdateType(UpdateType::OnCreateAndWrite); }
    Builder& updateTtlOnReadAndWrite() { return setUpdateType(UpdateType::OnReadAndWrite); }
    Builder& setStateVisibility(StateVisibility v) {
        config_.visibility_ = v;
        return *this;
    }
    Builder& neverReturnExpired() {
        return setStateVisibility(StateVisibility::NeverReturnExpired);
    }
    Builder& returnExpiredIfNotCleanedUp() {
        return setStateVisibility(StateVisibility::ReturnExpiredIfNotCleanedUp);
    }
    /// Expired entries are left out of full snapshots (applies once checkpoints exist).
    Builder& cleanupFullSnapshot() {
        config_.cleanupFullSnapshot_ = true;
        return *this;
    }
    StateTtlConfig build() const {
        if (config_.ttl_.count() <= 0)
            throw InvalidProgramException("a state time-to-live must be positive");
        return config_;
    }

private:
    StateTtlConfig config_;
};

inline StateTtlConfig::Builder StateTtlConfig::newBuilder(Duration ttl) {
    return Builder(ttl);
}

/// Common part of state descriptors: the name and an optional time to live.
struct StateDescriptorBase {
    std::string name;
    std::optional<StateTtlConfig> ttl;
    explicit StateDescriptorBase(std::string n) : name(std::move(n)) {
        if (name.empty())
            throw InvalidProgramException("a state descriptor needs a non-empty name");
    }
    void enableTimeToLive(const StateTtlConfig& config) { ttl = config; }
};

template <class V>
struct ValueStateDescriptor : StateDescriptorBase {
    explicit ValueStateDescriptor(std::string name) : StateDescriptorBase(std::move(name)) {}
};

template <class V>
struct ListStateDescriptor : StateDescriptorBase {
    explicit ListStateDescriptor(std::string name) : StateDescriptorBase(std::move(name)) {}
};

template <class K, class V>
struct MapStateDescriptor : StateDescriptorBase {
    explicit MapStateDescriptor(std::string name) : StateDescriptorBase(std::move(name)) {}
};

template <class V>
struct ReducingStateDescriptor : StateDescriptorBase {
    std::function<V(const V&, const V&)> reduce;
    template <class F>
    ReducingStateDescriptor(std::string name, F f)
        : StateDescriptorBase(std::move(name)), reduce(std::move(f)) {}
};

template <class IN, class ACC, class OUT>
struct AggregatingStateDescriptor : StateDescriptorBase {
    std::shared_ptr<AggregateFunction<IN, ACC, OUT>> aggregate;
    /// `A` derives from AggregateFunction<IN, ACC, OUT>.
    template <class A>
    AggregatingStateDescriptor(std::string name, A a)
        : StateDescriptorBase(std::move(name)), aggregate(std::make_shared<A>(std::move(a))) {}
};

}  // namespace weir
