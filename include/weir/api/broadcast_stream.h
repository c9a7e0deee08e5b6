#pragma once
// BroadcastStream<T> (stream.broadcast(descriptor)) and its connection to another stream.

#include <memory>

#include "weir/api/keyed_stream.h"
#include "weir/functions/broadcast.h"
#include "weir/runtime/operators/broadcast_process_operator.h"

namespace weir {

template <class T>
class BroadcastStream {
public:
    explicit BroadcastStream(DataStream<T> partitioned) : stream_(std::move(partitioned)) {}
    const DataStream<T>& stream() const { return stream_; }

private:
    DataStream<T> stream_;
};

/// A stream (keyed when K is not void) connected to a broadcast stream.
template <class T1, class T2, class K>
class BroadcastConnectedStream {
public:
    using Key = std::conditional_t<std::is_void_v<K>, uint8_t, K>;
    BroadcastConnectedStream(DataStream<T1> first, std::function<Key(const T1&)> key,
                             BroadcastStream<T2> second)
        : first_(std::move(first)), key_(std::move(key)), second_(std::move(second)) {}

    /// F derives from BroadcastProcessFunction<T1, T2, OUT>, or KeyedBroadcastProcessFunction<K,
    /// T1, T2, OUT> when the first stream is keyed.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using R = typename F::OutputType;
        auto env = first_.environment();
        auto key = key_;
        auto t = env->add(
            TransformationKind::TWO_INPUT,
            std::is_void_v<K> ? "Broadcast Process" : "Keyed Broadcast Process",
            {first_.transformation(), second_.stream().transformation()}, typeInfo<R>(), [key, f] {
                return std::make_unique<BroadcastProcessOperator<K, T1, T2, R, F>>(key, f);
            });
        t->keyed = !std::is_void_v<K>;
        if constexpr (!std::is_void_v<K>) t->keyType = serializerIdentity<K>();
        t->inputTypes = {serializerIdentity<T1>(), serializerIdentity<T2>()};
        return DataStream<R>(env, t);
    }

private:
    DataStream<T1> first_;
    std::function<Key(const T1&)> key_;
    BroadcastStream<T2> second_;
};

template <class T>
template <class U>
BroadcastConnectedStream<T, U, void> DataStream<T>::connect(const BroadcastStream<U>& other) {
    return BroadcastConnectedStream<T, U, void>(
        *this, [](const T&) { return uint8_t{0}; }, other);
}

template <class T, class K>
template <class U>
BroadcastConnectedStream<T, U, K> KeyedStream<T, K>::connect(const BroadcastStream<U>& other) {
    return BroadcastConnectedStream<T, U, K>(*this, key_, other);
}

}  // namespace weir
