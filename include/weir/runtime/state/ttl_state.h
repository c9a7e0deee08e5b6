#pragma once
// Keyed state with a time to live (StateTtlConfig), on processing time. Each value (each list
// element, each map entry) carries the time it was last written (or read, with OnReadAndWrite).
// An expired value is removed when it is accessed and is never returned under
// NeverReturnExpired.

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "weir/functions/state.h"
#include "weir/runtime/state/heap_state.h"

namespace weir {

template <class V>
struct TtlValue {
    V value{};
    int64_t timestamp = 0;
};

template <class V>
struct Serializer<TtlValue<V>> {
    static void serialize(const TtlValue<V>& v, ByteWriter& out) {
        Serializer<V>::serialize(v.value, out);
        out.writeFixed(v.timestamp);
    }
    static void deserialize(ByteReader& in, TtlValue<V>& v) {
        Serializer<V>::deserialize(in, v.value);
        v.timestamp = in.readFixed<int64_t>();
    }
    static std::string name() { return "ttl<" + Serializer<V>::name() + ">"; }
};

/// The rules shared by the TTL states.
class TtlPolicy {
public:
    TtlPolicy(StateTtlConfig config, std::function<int64_t()> clock)
        : config_(std::move(config)), clock_(std::move(clock)) {}
    int64_t now() const { return clock_(); }
    bool expired(int64_t timestamp, int64_t now) const {
        return timestamp + config_.ttl().count() <= now;
    }
    bool returnExpired() const {
        return config_.visibility() == StateTtlConfig::StateVisibility::ReturnExpiredIfNotCleanedUp;
    }
    bool refreshOnRead() const {
        return config_.updateType() == StateTtlConfig::UpdateType::OnReadAndWrite;
    }
    /// Full snapshots leave out expired values (StateTtlConfig::cleanupFullSnapshot).
    bool cleanupInSnapshot() const { return config_.cleanupFullSnapshot(); }

private:
    StateTtlConfig config_;
    std::function<int64_t()> clock_;
};

/// What the TTL states share: the inner state of TtlValue<V>s, the policy, and snapshots that
/// leave expired values out (cleanupFullSnapshot).
template <class V, class Inner>
class TtlStateBase : public KeyedStateBase {
public:
    uint32_t snapshotKeyGroup(int32_t keyGroup, ByteWriter& out) const override {
        if (!policy_.cleanupInSnapshot()) return inner_.snapshotKeyGroup(keyGroup, out);
        int64_t now = policy_.now();
        return inner_.snapshotKeyGroupIf(keyGroup, out, [&](const TtlValue<V>& e) {
            return !policy_.expired(e.timestamp, now);
        });
    }
    KeyGroupWriter deferredSnapshot(
        const std::shared_ptr<const RocksDbReadView>& view) const override {
        if (!policy_.cleanupInSnapshot()) return inner_.deferredSnapshot(view);
        auto keep = [policy = policy_, now = policy_.now()](const TtlValue<V>& e) {
            return !policy.expired(e.timestamp, now);
        };
        if constexpr (requires { inner_.deferredSnapshotIf(view, keep); })
            return inner_.deferredSnapshotIf(view, keep);
        else
            return {};  // a heap inner state: written on the task thread
    }
    void beginSnapshot() const override { inner_.beginSnapshot(); }
    void endSnapshot() const override { inner_.endSnapshot(); }
    void flushWrites() const override { inner_.flushWrites(); }
    void restoreEntry(int32_t keyGroup, std::string_view key, std::string_view value) override {
        inner_.restoreEntry(keyGroup, key, value);
    }
    void forEachStateKey(const std::function<void(std::string_view, int32_t)>& fn) const override {
        inner_.forEachStateKey(fn);
    }
    /// The inner state's ("value<ttl<V>>"): the same on either backend.
    std::string typeIdentity() const override { return inner_.typeIdentity(); }

protected:
    template <class... InnerArgs>
    explicit TtlStateBase(TtlPolicy policy, InnerArgs&&... args)
        : inner_(std::forward<InnerArgs>(args)...), policy_(std::move(policy)) {}
    mutable Inner inner_;
    TtlPolicy policy_;
};

/// `Inner` keeps the TtlValue<V>s: HeapValueState or RocksDbValueState (same for the list and
/// map states below).
template <class V, class Inner = HeapValueState<TtlValue<V>>>
class TtlValueState final : public ValueState<V>, public TtlStateBase<V, Inner> {
    using Base = TtlStateBase<V, Inner>;
    using Base::inner_;
    using Base::policy_;

public:
    template <class... InnerArgs>
    TtlValueState(TtlPolicy policy, InnerArgs&&... args)
        : Base(std::move(policy), std::forward<InnerArgs>(args)...) {}
    std::optional<V> value() const override {
        auto* e = inner_.mutableValue();
        if (!e) return std::nullopt;
        int64_t now = policy_.now();
        if (policy_.expired(e->timestamp, now)) {
            std::optional<V> v =
                policy_.returnExpired() ? std::optional<V>(e->value) : std::nullopt;
            inner_.clear();
            return v;
        }
        if (policy_.refreshOnRead()) {
            e->timestamp = now;
            inner_.commit();
        }
        return e->value;
    }
    void update(const V& v) override { inner_.update(TtlValue<V>{v, policy_.now()}); }
    void clear() override { inner_.clear(); }
};

template <class V, class Inner = HeapListState<TtlValue<V>>>
class TtlListState final : public ListState<V>, public TtlStateBase<V, Inner> {
    using Base = TtlStateBase<V, Inner>;
    using Base::inner_;
    using Base::policy_;

public:
    template <class... InnerArgs>
    TtlListState(TtlPolicy policy, InnerArgs&&... args)
        : Base(std::move(policy), std::forward<InnerArgs>(args)...) {}
    std::vector<V> get() const override {
        auto list = inner_.get();
        if (list.empty()) return {};
        int64_t now = policy_.now();
        std::vector<V> out;
        std::vector<TtlValue<V>> kept;
        for (auto& e : list) {
            bool expired = policy_.expired(e.timestamp, now);
            if (!expired || policy_.returnExpired()) out.push_back(e.value);
            if (!expired) {
                if (policy_.refreshOnRead()) e.timestamp = now;
                kept.push_back(std::move(e));
            }
        }
        if (kept.size() != list.size() || policy_.refreshOnRead()) inner_.update(kept);
        return out;
    }
    void add(const V& v) override { inner_.add(TtlValue<V>{v, policy_.now()}); }
    void addAll(const std::vector<V>& values) override {
        for (const auto& v : values) add(v);
    }
    void update(const std::vector<V>& values) override {
        std::vector<TtlValue<V>> wrapped;
        int64_t now = policy_.now();
        for (const auto& v : values) wrapped.push_back({v, now});
        inner_.update(wrapped);
    }
    void clear() override { inner_.clear(); }
};

template <class K, class V, class Inner = HeapMapState<K, TtlValue<V>>>
class TtlMapState final : public MapState<K, V>, public TtlStateBase<V, Inner> {
    using Base = TtlStateBase<V, Inner>;
    using Base::inner_;
    using Base::policy_;

public:
    template <class... InnerArgs>
    TtlMapState(TtlPolicy policy, InnerArgs&&... args)
        : Base(std::move(policy), std::forward<InnerArgs>(args)...) {}
    std::optional<V> get(const K& key) const override {
        auto e = inner_.get(key);
        if (!e) return std::nullopt;
        int64_t now = policy_.now();
        if (policy_.expired(e->timestamp, now)) {
            inner_.remove(key);
            return policy_.returnExpired() ? std::optional<V>(e->value) : std::nullopt;
        }
        if (policy_.refreshOnRead()) inner_.put(key, TtlValue<V>{e->value, now});
        return e->value;
    }
    void put(const K& key, const V& value) override {
        inner_.put(key, TtlValue<V>{value, policy_.now()});
    }
    void remove(const K& key) override { inner_.remove(key); }
    bool contains(const K& key) const override { return get(key).has_value(); }
    bool isEmpty() const override { return entries().empty(); }
    std::vector<std::pair<K, V>> entries() const override {
        int64_t now = policy_.now();
        std::vector<std::pair<K, V>> out;
        for (auto& [k, e] : inner_.entries()) {
            bool expired = policy_.expired(e.timestamp, now);
            if (!expired || policy_.returnExpired()) out.emplace_back(k, e.value);
            if (expired) inner_.remove(k);
        }
        return out;
    }
    void clear() override { inner_.clear(); }
};

/// ReducingState kept in a ValueState (with or without a time to live).
template <class V>
class ValueBackedReducingState final : public ReducingState<V>, public KeyedStateView {
public:
    ValueBackedReducingState(ValueState<V>& store, std::function<V(const V&, const V&)> reduce)
        : store_(store), reduce_(std::move(reduce)) {}
    std::optional<V> get() const override { return store_.value(); }
    void add(const V& v) override {
        auto current = store_.value();
        store_.update(current ? reduce_(*current, v) : v);
    }
    void clear() override { store_.clear(); }

private:
    ValueState<V>& store_;
    std::function<V(const V&, const V&)> reduce_;
};

/// AggregatingState kept as an accumulator in a ValueState (with or without a time to live).
template <class IN, class ACC, class OUT>
class ValueBackedAggregatingState final : public AggregatingState<IN, OUT>, public KeyedStateView {
public:
    ValueBackedAggregatingState(ValueState<ACC>& store,
                                std::shared_ptr<AggregateFunction<IN, ACC, OUT>> fn)
        : store_(store), fn_(std::move(fn)) {}
    std::optional<OUT> get() const override {
        auto acc = store_.value();
        return acc ? std::optional<OUT>(fn_->getResult(*acc)) : std::nullopt;
    }
    void add(const IN& v) override {
        auto acc = store_.value();
        store_.update(fn_->add(v, acc ? std::move(*acc) : fn_->createAccumulator()));
    }
    void clear() override { store_.clear(); }

private:
    ValueState<ACC>& store_;
    std::shared_ptr<AggregateFunction<IN, ACC, OUT>> fn_;
};

}  // namespace weir
