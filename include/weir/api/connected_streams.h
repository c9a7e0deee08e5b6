#pragma once
// ConnectedStreams<T1, T2>: two streams processed together by one two-input operator (co-map,
// co-flatMap, co-process), which may share state between them.

#include <memory>

#include "weir/api/data_stream.h"
#include "weir/api/keyed_stream.h"
#include "weir/runtime/operators/co_operators.h"
#include "weir/runtime/operators/keyed_co_process_operator.h"

namespace weir {

namespace detail {
/// CoMapFunction from two lambdas.
template <class T1, class T2, class R, class F1, class F2>
struct LambdaCoMap {
    using OutputType = R;
    F1 f1;
    F2 f2;
    R map1(const T1& v) { return f1(v); }
    R map2(const T2& v) { return f2(v); }
};
template <class T1, class T2, class R, class F1, class F2>
struct LambdaCoFlatMap {
    using OutputType = R;
    F1 f1;
    F2 f2;
    void flatMap1(const T1& v, Collector<R>& out) { f1(v, out); }
    void flatMap2(const T2& v, Collector<R>& out) { f2(v, out); }
};
}  // namespace detail

template <class T1, class T2, class K>
class KeyedConnectedStreams;

template <class T1, class T2>
class ConnectedStreams {
public:
    ConnectedStreams(DataStream<T1> first, DataStream<T2> second)
        : first_(std::move(first)), second_(std::move(second)) {}

    /// F derives from CoMapFunction<T1, T2, OUT>.
    template <class F>
    DataStream<typename F::OutputType> map(F f) {
        using R = typename F::OutputType;
        return add<R>("Co-Map", [f] { return std::make_unique<CoMapOperator<T1, T2, R, F>>(f); });
    }
    /// Two functions, one per input, with the same result type.
    template <class F1, class F2>
    auto map(F1 f1, F2 f2) {
        using R = detail::MapResult<F1, T1>;
        static_assert(std::is_same_v<R, detail::MapResult<F2, T2>>,
                      "both functions must return the same type");
        return map(detail::LambdaCoMap<T1, T2, R, F1, F2>{f1, f2});
    }
    /// F derives from CoFlatMapFunction<T1, T2, OUT>.
    template <class F>
    DataStream<typename F::OutputType> flatMap(F f) {
        using R = typename F::OutputType;
        return add<R>("Co-Flat Map",
                      [f] { return std::make_unique<CoFlatMapOperator<T1, T2, R, F>>(f); });
    }
    template <class R, class F1, class F2>
    DataStream<R> flatMap(F1 f1, F2 f2) {
        return flatMap(detail::LambdaCoFlatMap<T1, T2, R, F1, F2>{f1, f2});
    }
    /// F derives from CoProcessFunction<T1, T2, OUT>.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using R = typename F::OutputType;
        return add<R>("Co-Process",
                      [f] { return std::make_unique<CoProcessOperator<T1, T2, R, F>>(f); });
    }

    /// Partitions both inputs by key (the keys must be of the same type); the result's process()
    /// takes a KeyedCoProcessFunction.
    template <class F1, class F2>
    auto keyBy(F1 key1, F2 key2) {
        using K = std::decay_t<std::invoke_result_t<F1&, const T1&>>;
        static_assert(std::is_same_v<K, std::decay_t<std::invoke_result_t<F2&, const T2&>>>,
                      "both key selectors must give keys of the same type");
        return KeyedConnectedStreams<T1, T2, K>(first_.keyBy(key1), second_.keyBy(key2));
    }

    const DataStream<T1>& getFirstInput() const { return first_; }
    const DataStream<T2>& getSecondInput() const { return second_; }

private:
    template <class R>
    DataStream<R> add(std::string name, OperatorFactory factory) {
        auto env = first_.environment();
        auto t = env->add(TransformationKind::TWO_INPUT, std::move(name),
                          {first_.transformation(), second_.transformation()}, typeInfo<R>(),
                          std::move(factory));
        t->inputTypes = {serializerIdentity<T1>(), serializerIdentity<T2>()};
        return DataStream<R>(env, t);
    }
    DataStream<T1> first_;
    DataStream<T2> second_;
};

/// Two connected streams partitioned by key.
template <class T1, class T2, class K>
class KeyedConnectedStreams {
public:
    KeyedConnectedStreams(KeyedStream<T1, K> first, KeyedStream<T2, K> second)
        : first_(std::move(first)), second_(std::move(second)) {}

    /// F derives from KeyedCoProcessFunction<K, T1, T2, OUT>.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using R = typename F::OutputType;
        auto env = first_.environment();
        auto k1 = first_.keySelector();
        auto k2 = second_.keySelector();
        auto t = env->add(
            TransformationKind::TWO_INPUT, "Keyed Co-Process",
            {first_.transformation(), second_.transformation()}, typeInfo<R>(), [k1, k2, f] {
                return std::make_unique<KeyedCoProcessOperator<K, T1, T2, R, F>>(k1, k2, f);
            });
        t->keyed = true;
        t->keyType = serializerIdentity<K>();
        t->inputTypes = {serializerIdentity<T1>(), serializerIdentity<T2>()};
        return DataStream<R>(env, t);
    }

private:
    KeyedStream<T1, K> first_;
    KeyedStream<T2, K> second_;
};

template <class T>
template <class U>
ConnectedStreams<T, U> DataStream<T>::connect(const DataStream<U>& other) {
    return ConnectedStreams<T, U>(*this, other);
}

}  // namespace weir
