#pragma once
// KeyedStateStore: the keyed state a window function reaches through its context, scoped to one
// namespace: the window (windowState) or none (globalState, the key's own state).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/core/exceptions.h"
#include "weir/functions/state.h"
#include "weir/runtime/state/state_factory.h"

namespace weir {

/// Keyed state for window functions, scoped to one namespace: the window (windowState) or none
/// (globalState, the key's own state). Every access switches the backend to that namespace and
/// back, so it can be used while the operator works on another window.
class KeyedStateStore {
public:
    KeyedStateStore(KeyedStateBackend* backend, bool perWindow)
        : backend_(backend), perWindow_(perWindow) {}
    /// The window namespace (serialized) that per-window stores use now.
    void setWindowNamespace(std::string_view nsBytes) { ns_.assign(nsBytes); }

    template <class V>
    ValueState<V>& getState(const ValueStateDescriptor<V>& d) {
        return scopedState<ScopedValue<V>>(
            d.name, [&] { return &state_factory::valueState<V>(*backend_, scopedName(d.name)); });
    }
    template <class V>
    ListState<V>& getListState(const ListStateDescriptor<V>& d) {
        return scopedState<ScopedList<V>>(
            d.name, [&] { return &state_factory::listState<V>(*backend_, scopedName(d.name)); });
    }
    template <class K, class V>
    MapState<K, V>& getMapState(const MapStateDescriptor<K, V>& d) {
        return scopedState<ScopedMap<K, V>>(
            d.name, [&] { return &state_factory::mapState<K, V>(*backend_, scopedName(d.name)); });
    }
    template <class V>
    ReducingState<V>& getReducingState(const ReducingStateDescriptor<V>& d) {
        auto& slot = states_["reducing:" + d.name];
        if (!slot)
            slot = std::make_unique<ValueBackedReducingState<V>>(
                getState(ValueStateDescriptor<V>("__reducing:" + d.name)), d.reduce);
        return dynamic_cast<ValueBackedReducingState<V>&>(*slot);
    }
    template <class IN, class ACC, class OUT>
    AggregatingState<IN, OUT>& getAggregatingState(
        const AggregatingStateDescriptor<IN, ACC, OUT>& d) {
        auto& slot = states_["aggregating:" + d.name];
        if (!slot)
            slot = std::make_unique<ValueBackedAggregatingState<IN, ACC, OUT>>(
                getState(ValueStateDescriptor<ACC>("__aggregating:" + d.name)), d.aggregate);
        return dynamic_cast<ValueBackedAggregatingState<IN, ACC, OUT>&>(*slot);
    }

private:
    std::string scopedName(const std::string& name) const {
        return (perWindow_ ? "window:" : "global:") + name;
    }

    /// The store's view `S` of the backend state `inner()` gives (registered in this scope).
    template <class S, class Inner>
    S& scopedState(const std::string& name, Inner&& inner) {
        auto& slot = states_[name];
        if (!slot) slot = std::make_unique<S>(*inner(), *this);
        auto* state = dynamic_cast<S*>(slot.get());
        if (!state)
            throw InvalidProgramException("window state '" + name +
                                          "' was registered before with another kind or type");
        return *state;
    }

    /// Runs f with the backend's namespace set to this store's.
    template <class F>
    decltype(auto) scoped(F&& f) {
        std::string saved(backend_->currentNamespaceBytes());
        backend_->setCurrentNamespaceBytes(perWindow_ ? std::string_view(ns_) : std::string_view());
        struct Restore {
            KeyedStateBackend* b;
            std::string& s;
            ~Restore() { b->setCurrentNamespaceBytes(s); }
        } restore{backend_, saved};
        return f();
    }

    template <class V>
    struct ScopedValue final : ValueState<V>, KeyedStateView {
        ScopedValue(ValueState<V>& inner, KeyedStateStore& store) : inner(inner), store(store) {}
        std::optional<V> value() const override {
            return store.scoped([&] { return inner.value(); });
        }
        void update(const V& v) override {
            store.scoped([&] { inner.update(v); });
        }
        void clear() override {
            store.scoped([&] { inner.clear(); });
        }
        ValueState<V>& inner;
        KeyedStateStore& store;
    };
    template <class V>
    struct ScopedList final : ListState<V>, KeyedStateView {
        ScopedList(ListState<V>& inner, KeyedStateStore& store) : inner(inner), store(store) {}
        std::vector<V> get() const override {
            return store.scoped([&] { return inner.get(); });
        }
        void add(const V& v) override {
            store.scoped([&] { inner.add(v); });
        }
        void addAll(const std::vector<V>& vs) override {
            store.scoped([&] { inner.addAll(vs); });
        }
        void update(const std::vector<V>& vs) override {
            store.scoped([&] { inner.update(vs); });
        }
        void clear() override {
            store.scoped([&] { inner.clear(); });
        }
        ListState<V>& inner;
        KeyedStateStore& store;
    };
    template <class K, class V>
    struct ScopedMap final : MapState<K, V>, KeyedStateView {
        ScopedMap(MapState<K, V>& inner, KeyedStateStore& store) : inner(inner), store(store) {}
        std::optional<V> get(const K& k) const override {
            return store.scoped([&] { return inner.get(k); });
        }
        void put(const K& k, const V& v) override {
            store.scoped([&] { inner.put(k, v); });
        }
        void remove(const K& k) override {
            store.scoped([&] { inner.remove(k); });
        }
        bool contains(const K& k) const override {
            return store.scoped([&] { return inner.contains(k); });
        }
        bool isEmpty() const override {
            return store.scoped([&] { return inner.isEmpty(); });
        }
        std::vector<std::pair<K, V>> entries() const override {
            return store.scoped([&] { return inner.entries(); });
        }
        void clear() override {
            store.scoped([&] { inner.clear(); });
        }
        MapState<K, V>& inner;
        KeyedStateStore& store;
    };

    KeyedStateBackend* backend_;
    bool perWindow_;
    std::string ns_;
    std::map<std::string, std::unique_ptr<KeyedStateBase>> states_;
};

}  // namespace weir
