#pragma once
// Joining two streams.
//
// Window join and co-group: elements of both streams with equal keys that fall in the same
// window meet when the window fires.
//   a.join(b).where(keyA).equalTo(keyB).window(TumblingEventTimeWindows::of(1min)).apply(f)
//   a.coGroup(b).where(keyA).equalTo(keyB).window(...).apply(coGroupFunction)
// Interval join: each element of a keyed stream meets the other stream's elements of the same key
// whose timestamps lie within [lower, upper] of its own.
//   a.keyBy(k).intervalJoin(b.keyBy(k)).between(-2s, 1s).process(processJoinFunction)

#include <functional>
#include <memory>
#include <type_traits>
#include <variant>
#include <vector>

#include "weir/api/windowed_stream.h"
#include "weir/functions/join_functions.h"
#include "weir/runtime/operators/interval_join_operator.h"

namespace weir {

namespace detail {

/// Turns a co-group function (object or lambda) into a window function over the tagged union.
template <class K, class T1, class T2, class W, class OUT, class F>
struct CoGroupWindowFunction : WindowFunction<std::variant<T1, T2>, OUT, K, W> {
    using OutputType = OUT;
    F fn;
    explicit CoGroupWindowFunction(F f) : fn(std::move(f)) {}
    void open(const OpenContext& ctx) override {
        if constexpr (std::is_base_of_v<RichFunction, F>) {
            fn.setRuntimeContext(&this->getRuntimeContext());
            fn.open(ctx);
        }
    }
    void close() override {
        if constexpr (std::is_base_of_v<RichFunction, F>) fn.close();
    }
    void apply(const K&, const W&, const std::vector<std::variant<T1, T2>>& elements,
               Collector<OUT>& out) override {
        std::vector<T1> first;
        std::vector<T2> second;
        for (const auto& e : elements) {
            if (e.index() == 0)
                first.push_back(std::get<0>(e));
            else
                second.push_back(std::get<1>(e));
        }
        if constexpr (requires { fn.coGroup(first, second, out); })
            fn.coGroup(first, second, out);
        else
            fn(first, second, out);
    }
};

/// A join function (returning a result, or writing to a collector) as a co-group function.
template <class T1, class T2, class OUT, class F>
struct JoinAsCoGroup : RichFunction {
    F fn;
    explicit JoinAsCoGroup(F f) : fn(std::move(f)) {}
    void open(const OpenContext& ctx) override {
        if constexpr (std::is_base_of_v<RichFunction, F>) {
            fn.setRuntimeContext(&getRuntimeContext());
            fn.open(ctx);
        }
    }
    void close() override {
        if constexpr (std::is_base_of_v<RichFunction, F>) fn.close();
    }
    void coGroup(const std::vector<T1>& first, const std::vector<T2>& second, Collector<OUT>& out) {
        for (const auto& a : first)
            for (const auto& b : second) {
                if constexpr (requires { fn.join(a, b, out); })
                    fn.join(a, b, out);
                else if constexpr (requires { fn.join(a, b); })
                    out.collect(fn.join(a, b));
                else if constexpr (requires { fn(a, b, out); })
                    fn(a, b, out);
                else
                    out.collect(fn(a, b));
            }
    }
};

template <class T1, class T2, class F, class = void>
struct JoinResult {
    using type = std::decay_t<std::invoke_result_t<F&, const T1&, const T2&>>;
};
template <class T1, class T2, class F>
struct JoinResult<T1, T2, F, std::void_t<typename F::OutputType>> {
    using type = typename F::OutputType;
};

}  // namespace detail

/// Shared builder of join and coGroup: where -> equalTo -> window -> (trigger, evictor, ...) ->
/// apply.
template <class T1, class T2, bool IsJoin>
class TwoStreamWindowBuilder {
public:
    TwoStreamWindowBuilder(DataStream<T1> a, DataStream<T2> b)
        : a_(std::move(a)), b_(std::move(b)) {}

    template <class F1>
    auto where(F1 key1) {
        using K = std::decay_t<std::invoke_result_t<F1&, const T1&>>;
        return Where<K>(a_, b_, [key1](const T1& v) -> K { return std::invoke(key1, v); });
    }

    template <class K>
    class Where {
    public:
        Where(DataStream<T1> a, DataStream<T2> b, std::function<K(const T1&)> k1)
            : a_(std::move(a)), b_(std::move(b)), k1_(std::move(k1)) {}
        template <class F2>
        auto equalTo(F2 key2) {
            using K2 = std::decay_t<std::invoke_result_t<F2&, const T2&>>;
            static_assert(std::is_same_v<K, K2>,
                          "where() and equalTo() must give keys of the same type");
            return EqualTo(a_, b_, k1_, [key2](const T2& v) -> K { return std::invoke(key2, v); });
        }

        class EqualTo {
        public:
            EqualTo(DataStream<T1> a, DataStream<T2> b, std::function<K(const T1&)> k1,
                    std::function<K(const T2&)> k2)
                : a_(std::move(a)), b_(std::move(b)), k1_(std::move(k1)), k2_(std::move(k2)) {}

            template <class A>
            auto window(A assigner) {
                using U = std::variant<T1, T2>;
                using W = typename A::WindowType;
                auto left = a_.map([](const T1& v) {
                                  return U(std::in_place_index<0>, v);
                              }).name("Tag left");
                auto right = b_.map([](const T2& v) {
                                   return U(std::in_place_index<1>, v);
                               }).name("Tag right");
                auto k1 = k1_;
                auto k2 = k2_;
                auto keyed = left.union_(right).keyBy([k1, k2](const U& u) -> K {
                    return u.index() == 0 ? k1(std::get<0>(u)) : k2(std::get<1>(u));
                });
                return WithWindow<W>(keyed.window(std::move(assigner)));
            }

        private:
            DataStream<T1> a_;
            DataStream<T2> b_;
            std::function<K(const T1&)> k1_;
            std::function<K(const T2&)> k2_;
        };

        template <class W>
        class WithWindow {
        public:
            explicit WithWindow(WindowedStream<std::variant<T1, T2>, K, W> windowed)
                : windowed_(std::move(windowed)) {}
            template <class X>
            WithWindow& trigger(X t) {
                windowed_.trigger(std::move(t));
                return *this;
            }
            WithWindow& allowedLateness(Duration d) {
                windowed_.allowedLateness(d);
                return *this;
            }
            /// join: F(a, b) -> OUT, F(a, b, collector), or a (Flat)JoinFunction.
            /// coGroup: F(vector<T1>, vector<T2>, collector) or a CoGroupFunction.
            template <class OUTX = void, class F>
            auto apply(F f) {
                if constexpr (std::is_void_v<OUTX>) {
                    if constexpr (IsJoin)
                        return apply<typename detail::JoinResult<T1, T2, F>::type>(std::move(f));
                    else
                        return apply<typename F::OutputType>(std::move(f));
                } else if constexpr (IsJoin) {
                    using CG = detail::JoinAsCoGroup<T1, T2, OUTX, F>;
                    return windowed_.apply(
                        detail::CoGroupWindowFunction<K, T1, T2, W, OUTX, CG>(CG(std::move(f))));
                } else {
                    return windowed_.apply(
                        detail::CoGroupWindowFunction<K, T1, T2, W, OUTX, F>(std::move(f)));
                }
            }

        private:
            WindowedStream<std::variant<T1, T2>, K, W> windowed_;
        };

    private:
        DataStream<T1> a_;
        DataStream<T2> b_;
        std::function<K(const T1&)> k1_;
    };

private:
    DataStream<T1> a_;
    DataStream<T2> b_;
};

template <class T1, class T2>
using JoinedStreams = TwoStreamWindowBuilder<T1, T2, true>;
template <class T1, class T2>
using CoGroupedStreams = TwoStreamWindowBuilder<T1, T2, false>;

template <class T>
template <class U>
JoinedStreams<T, U> DataStream<T>::join(const DataStream<U>& other) {
    return JoinedStreams<T, U>(*this, other);
}

template <class T>
template <class U>
CoGroupedStreams<T, U> DataStream<T>::coGroup(const DataStream<U>& other) {
    return CoGroupedStreams<T, U>(*this, other);
}

/// keyedA.intervalJoin(keyedB).between(lower, upper).process(f)
template <class T1, class T2, class K>
class IntervalJoin {
public:
    IntervalJoin(KeyedStream<T1, K> left, KeyedStream<T2, K> right)
        : left_(std::move(left)), right_(std::move(right)) {}

    /// Right elements with timestamps in [left + lower, left + upper] join (bounds inclusive).
    IntervalJoin& between(Duration lower, Duration upper) {
        if (lower > upper)
            throw InvalidProgramException(
                "interval join: lower bound must not exceed the upper bound");
        lower_ = lower.count();
        upper_ = upper.count();
        return *this;
    }
    IntervalJoin& lowerBoundExclusive() {
        ++lower_;
        return *this;
    }
    IntervalJoin& upperBoundExclusive() {
        --upper_;
        return *this;
    }

    /// F derives from ProcessJoinFunction<T1, T2, OUT>.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using OUT = typename F::OutputType;
        auto env = left_.environment();
        auto k1 = left_.keySelector();
        auto k2 = right_.keySelector();
        int64_t lower = lower_, upper = upper_;
        auto t = env->add(TransformationKind::TWO_INPUT, "Interval Join",
                          {left_.transformation(), right_.transformation()}, typeInfo<OUT>(),
                          [k1, k2, lower, upper, f] {
                              return std::make_unique<IntervalJoinOperator<K, T1, T2, OUT, F>>(
                                  k1, k2, lower, upper, f);
                          });
        t->keyed = true;
        t->keyType = serializerIdentity<K>();
        t->inputTypes = {serializerIdentity<T1>(), serializerIdentity<T2>()};
        return DataStream<OUT>(env, t);
    }

private:
    KeyedStream<T1, K> left_;
    KeyedStream<T2, K> right_;
    int64_t lower_ = 0;
    int64_t upper_ = 0;
};

template <class T, class K>
template <class T2>
IntervalJoin<T, T2, K> KeyedStream<T, K>::intervalJoin(const KeyedStream<T2, K>& other) {
    return IntervalJoin<T, T2, K>(*this, other);
}

}  // namespace weir
