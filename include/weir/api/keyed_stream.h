#pragma once
// KeyedStream<T, K>: a stream partitioned by key. Keyed operators see one key at a time and keep
// state per key.

#include <functional>
#include <memory>

#include "weir/api/aggregations.h"
#include "weir/api/data_stream.h"
#include "weir/core/key_hash.h"
#include "weir/runtime/operators/key_context_operator.h"
#include "weir/runtime/operators/keyed_reduce_operator.h"

namespace weir {

namespace detail {
/// The key selector's own type (not a std::function): the partitioner's one call per record
/// then runs the selector inline.
template <class T, class K, class F = std::function<K(const T&)>>
class KeyGroupSelectorImpl final : public KeyGroupSelector<T> {
public:
    explicit KeyGroupSelectorImpl(F key) : key_(std::move(key)) {}
    int32_t keyGroupOf(const T& value, int32_t maxParallelism) const override {
        return keygroups::assignToKeyGroup(keyHash(static_cast<K>(std::invoke(key_, value))),
                                           maxParallelism);
    }

private:
    mutable F key_;  // selectors with a non-const call operator work as through std::function
};
}  // namespace detail

template <class T1, class T2, class K>
class IntervalJoin;

template <class T, class K>
class KeyedStream : public DataStream<T> {
public:
    using KeyType = K;
    KeyedStream(std::shared_ptr<detail::EnvironmentState> env, std::shared_ptr<Transformation> t,
                std::function<K(const T&)> key)
        : DataStream<T>(std::move(env), std::move(t)), key_(std::move(key)) {}

    /// Rolling reduce (STREAMING) or one final value per key (BATCH).
    template <class F>
    DataStream<T> reduce(F f) {
        return keyedAdd<T>("Keyed Reduce", [key = key_, f] {
            return std::make_unique<KeyedReduceOperator<K, T, F>>(key, f);
        });
    }

    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> sum(P field) {
        return aggregate(detail::AggregationKind::SUM, field, "Keyed Sum");
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> min(P field) {
        return aggregate(detail::AggregationKind::MIN, field, "Keyed Min");
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> max(P field) {
        return aggregate(detail::AggregationKind::MAX, field, "Keyed Max");
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> minBy(P field) {
        return aggregate(detail::AggregationKind::MIN_BY, field, "Keyed MinBy");
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> maxBy(P field) {
        return aggregate(detail::AggregationKind::MAX_BY, field, "Keyed MaxBy");
    }

    /// Field N of a pair or tuple: `sum<1>()`; `sum<0>()` on a stream of numbers.
    template <size_t N>
    DataStream<T> sum() {
        return aggregateIndex<N>(detail::AggregationKind::SUM, "Keyed Sum");
    }
    template <size_t N>
    DataStream<T> min() {
        return aggregateIndex<N>(detail::AggregationKind::MIN, "Keyed Min");
    }
    template <size_t N>
    DataStream<T> max() {
        return aggregateIndex<N>(detail::AggregationKind::MAX, "Keyed Max");
    }
    template <size_t N>
    DataStream<T> minBy() {
        return aggregateIndex<N>(detail::AggregationKind::MIN_BY, "Keyed MinBy");
    }
    template <size_t N>
    DataStream<T> maxBy() {
        return aggregateIndex<N>(detail::AggregationKind::MAX_BY, "Keyed MaxBy");
    }

    /// F derives from KeyedProcessFunction<K, T, OUT>.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using R = typename F::OutputType;
        return keyedAdd<R>("Keyed Process", [key = key_, f] {
            return std::make_unique<KeyedProcessOperator<K, T, R, F>>(key, f);
        });
    }

    /// map, flatMap and filter after keyBy run with the element's key as the current key, so
    /// their rich functions can use keyed state.
    template <class F>
    auto map(F f) {
        return keyed(DataStream<T>::map(std::move(f)));
    }
    template <class R = void, class F>
    auto flatMap(F f) {
        return keyed(DataStream<T>::template flatMap<R>(std::move(f)));
    }
    template <class F>
    DataStream<T> filter(F f) {
        return keyed(DataStream<T>::filter(std::move(f)));
    }

    /// Windows per key: `window(TumblingEventTimeWindows::of(1min))` (see windowed_stream.h).
    template <class A>
    auto window(A assigner);
    /// Tumbling / sliding event-time windows (the classic shorthand).
    auto timeWindow(Duration size);
    auto timeWindow(Duration size, Duration slide);
    /// Fires every `size` elements of a key, then purges; a partial window does not fire at the
    /// end of input.
    auto countWindow(int64_t size);
    /// The last `size` elements of a key, every `slide` elements.
    auto countWindow(int64_t size, int64_t slide);

    using DataStream<T>::connect;
    /// Connects a broadcast stream: process() takes a KeyedBroadcastProcessFunction.
    template <class U>
    BroadcastConnectedStream<T, U, K> connect(const BroadcastStream<U>& other);

    /// Interval join with another stream keyed the same way (see joins.h).
    template <class T2>
    IntervalJoin<T, T2, K> intervalJoin(const KeyedStream<T2, K>& other);

    const std::function<K(const T&)>& keySelector() const { return key_; }

private:
    /// Makes the operator that produced `stream` (whose input is this keyed stream) keyed.
    template <class S>
    S keyed(S stream) {
        auto& t = stream.transformation();
        t->operatorFactory = [inner = t->operatorFactory, key = key_] {
            return std::make_unique<KeyContextOperator<K, T>>(inner(), key);
        };
        t->keyed = true;
        t->keyType = serializerIdentity<K>();
        return stream;
    }
    template <class R>
    DataStream<R> keyedAdd(std::string name, OperatorFactory factory) {
        auto t = this->env_->add(TransformationKind::ONE_INPUT, std::move(name),
                                 {this->transformation_}, typeInfo<R>(), std::move(factory));
        t->keyed = true;
        t->keyType = serializerIdentity<K>();
        t->inputTypes = {serializerIdentity<T>()};
        return DataStream<R>(this->env_, t);
    }
    template <class P>
    DataStream<T> aggregate(detail::AggregationKind kind, P field, const char* name) {
        return reduce(detail::FieldAggregation<T, detail::PointerField<P>>{kind, {field}})
            .name(name);
    }
    template <size_t N>
    DataStream<T> aggregateIndex(detail::AggregationKind kind, const char* name) {
        if constexpr (std::is_arithmetic_v<T>) {
            static_assert(N == 0, "a stream of numbers has only field 0");
            return reduce(detail::FieldAggregation<T, detail::WholeValue<T>>{kind, {}}).name(name);
        } else {
            return reduce(detail::FieldAggregation<T, detail::TupleField<T, N>>{kind, {}})
                .name(name);
        }
    }

    std::function<K(const T&)> key_;
};

template <class T>
template <class F>
auto DataStream<T>::keyBy(F keySelector) {
    using K = std::decay_t<std::invoke_result_t<F&, const T&>>;
    std::function<K(const T&)> key = [keySelector](const T& v) -> K {
        return std::invoke(keySelector, v);
    };
    auto t = env_->add(TransformationKind::PARTITION, "Keyed", {transformation_}, typeInfo<T>(),
                       nullptr);
    t->partitioner.kind = PartitionerKind::HASH;
    t->partitioner.keyGroupSelector =
        std::make_shared<detail::KeyGroupSelectorImpl<T, K, F>>(keySelector);
    return KeyedStream<T, K>(env_, t, key);
}

}  // namespace weir
