#pragma once
// How a window operator keeps a window's contents and turns them into output:
//
//   IncrementalReduce<F, Next>     one value, folded with a reduce function as elements arrive
//   IncrementalAggregate<A, Next>  one accumulator of an AggregateFunction
//   Buffering<Finisher>            every element (full window functions, evictors)
//
// and what receives the final value(s) ("finishers"): DirectEmit (each value is a result),
// ProcessWindowFinisher, ApplyFinisher, and ReduceAll / AggregateAll (fold a buffered window
// at fire time, then hand the result to another finisher).

#include <optional>
#include <utility>
#include <vector>

#include "weir/functions/windows/evictors.h"
#include "weir/functions/windows/window_functions.h"
#include "weir/runtime/operators/udf_operator.h"

namespace weir {

namespace detail {
template <class F, class T>
T invokeReduce(F& f, const T& a, const T& b) {
    if constexpr (requires { f.reduce(a, b); })
        return f.reduce(a, b);
    else
        return f(a, b);
}
}  // namespace detail

/// Every value is a result (reduce / aggregate without a window function).
template <class K, class V, class W>
struct DirectEmit {
    void open(const OperatorSetup&) {}
    void close() {}
    void clear(WindowContext<W>&) {}
    template <class Collector>
    void finish(const K&, WindowContext<W>&, const std::vector<V>& values, Collector& out) {
        for (const auto& v : values) out.collect(v);
    }
};

template <class K, class V, class W, class PWF>
struct ProcessWindowFinisher {
    UserFunctionHolder<PWF> fn;
    explicit ProcessWindowFinisher(PWF f) : fn(std::move(f)) {}
    void open(const OperatorSetup& s) { fn.openFunction(s); }
    void close() { fn.closeFunction(); }
    void clear(WindowContext<W>& ctx) { fn.function().clear(ctx); }
    template <class Collector>
    void finish(const K& key, WindowContext<W>& ctx, const std::vector<V>& values, Collector& out) {
        if constexpr (requires { fn.function().process(key, ctx, values, out); })
            fn.function().process(key, ctx, values, out);
        else
            fn.function().process(ctx, values, out);  // ProcessAllWindowFunction
    }
};

template <class K, class V, class W, class WF>
struct ApplyFinisher {
    UserFunctionHolder<WF> fn;
    explicit ApplyFinisher(WF f) : fn(std::move(f)) {}
    void open(const OperatorSetup& s) { fn.openFunction(s); }
    void close() { fn.closeFunction(); }
    void clear(WindowContext<W>&) {}
    template <class Collector>
    void finish(const K& key, WindowContext<W>& ctx, const std::vector<V>& values, Collector& out) {
        if constexpr (requires { fn.function().apply(key, ctx.window(), values, out); })
            fn.function().apply(key, ctx.window(), values, out);
        else
            fn.function().apply(ctx.window(), values, out);  // AllWindowFunction
    }
};

/// Folds buffered values with a reduce function, then hands the one result on.
template <class K, class T, class W, class F, class Next>
struct ReduceAll {
    UserFunctionHolder<F> fn;
    Next next;
    ReduceAll(F f, Next n) : fn(std::move(f)), next(std::move(n)) {}
    void open(const OperatorSetup& s) {
        fn.openFunction(s);
        next.open(s);
    }
    void close() {
        fn.closeFunction();
        next.close();
    }
    void clear(WindowContext<W>& ctx) { next.clear(ctx); }
    template <class Collector>
    void finish(const K& key, WindowContext<W>& ctx, const std::vector<T>& values, Collector& out) {
        if (values.empty()) return;
        T acc = values[0];
        for (size_t i = 1; i < values.size(); ++i)
            acc = detail::invokeReduce(fn.function(), acc, values[i]);
        next.finish(key, ctx, std::vector<T>{std::move(acc)}, out);
    }
};

/// Aggregates buffered values with an AggregateFunction, then hands the result on.
template <class K, class T, class W, class A, class Next>
struct AggregateAll {
    A fn;
    Next next;
    AggregateAll(A f, Next n) : fn(std::move(f)), next(std::move(n)) {}
    void open(const OperatorSetup& s) { next.open(s); }
    void close() { next.close(); }
    void clear(WindowContext<W>& ctx) { next.clear(ctx); }
    template <class Collector>
    void finish(const K& key, WindowContext<W>& ctx, const std::vector<T>& values, Collector& out) {
        if (values.empty()) return;
        auto acc = fn.createAccumulator();
        for (const auto& v : values) acc = fn.add(v, std::move(acc));
        next.finish(key, ctx, std::vector<typename A::OutputType>{fn.getResult(acc)}, out);
    }
};

/// Keeps one reduced value per window.
template <class K, class T, class W, class F, class Next>
struct IncrementalReduce {
    /// One accumulator per window: small enough for the RocksDB write-back cache.
    static constexpr bool kBoundedContents = true;
    using Acc = std::optional<T>;
    UserFunctionHolder<F> fn;
    Next next;
    IncrementalReduce(F f, Next n) : fn(std::move(f)), next(std::move(n)) {}
    void open(const OperatorSetup& s) {
        fn.openFunction(s);
        next.open(s);
    }
    void close() {
        fn.closeFunction();
        next.close();
    }
    void clear(WindowContext<W>& ctx) { next.clear(ctx); }
    void add(Acc& acc, const T& v, int64_t) {
        acc = acc ? detail::invokeReduce(fn.function(), *acc, v) : v;
    }
    void merge(Acc& into, Acc&& from) {
        if (!from) return;
        into = into ? detail::invokeReduce(fn.function(), *into, *from) : std::move(from);
    }
    template <class Collector>
    void emit(const K& key, WindowContext<W>& ctx, Acc& acc, Evictor*, Collector& out) {
        if (acc) next.finish(key, ctx, std::vector<T>{*acc}, out);
    }
};

/// Keeps one AggregateFunction accumulator per window.
template <class K, class T, class W, class A, class Next>
struct IncrementalAggregate {
    /// One accumulator per window: small enough for the RocksDB write-back cache.
    static constexpr bool kBoundedContents = true;
    using Acc = std::optional<typename A::AccumulatorType>;
    A fn;
    Next next;
    IncrementalAggregate(A f, Next n) : fn(std::move(f)), next(std::move(n)) {}
    void open(const OperatorSetup& s) { next.open(s); }
    void close() { next.close(); }
    void clear(WindowContext<W>& ctx) { next.clear(ctx); }
    void add(Acc& acc, const T& v, int64_t) {
        if (!acc) acc = fn.createAccumulator();
        acc = fn.add(v, std::move(*acc));
    }
    void merge(Acc& into, Acc&& from) {
        if (!from) return;
        into = into ? fn.merge(std::move(*into), *from) : std::move(from);
    }
    template <class Collector>
    void emit(const K& key, WindowContext<W>& ctx, Acc& acc, Evictor*, Collector& out) {
        if (acc)
            next.finish(key, ctx, std::vector<typename A::OutputType>{fn.getResult(*acc)}, out);
    }
};

/// Keeps every element (with its timestamp); evicts before/after the finisher runs. The
/// elements live in a list state (WindowContents); Acc is the fired window's view of them.
template <class K, class T, class W, class Finisher>
struct Buffering {
    static constexpr bool kListContents = true;
    /// A fired window's elements and their timestamps (read from the list state).
    struct Acc {
        std::vector<T> values;
        std::vector<int64_t> timestamps;
    };
    Finisher finisher;
    explicit Buffering(Finisher f) : finisher(std::move(f)) {}
    void open(const OperatorSetup& s) { finisher.open(s); }
    void close() { finisher.close(); }
    void clear(WindowContext<W>& ctx) { finisher.clear(ctx); }
    template <class Collector>
    void emit(const K& key, WindowContext<W>& ctx, Acc& acc, Evictor* evictor, Collector& out) {
        if (!evictor) {
            finisher.finish(key, ctx, acc.values, out);
            return;
        }
        EvictionView before(acc.timestamps);
        evictor->evictBefore(before);
        keep(acc, before);
        finisher.finish(key, ctx, acc.values, out);
        EvictionView after(acc.timestamps);
        evictor->evictAfter(after);
        keep(acc, after);
    }

private:
    static void keep(Acc& acc, const EvictionView& view) {
        size_t out = 0;
        for (size_t i = 0; i < acc.values.size(); ++i) {
            if (view.isEvicted(i)) continue;
            if (out != i) {
                acc.values[out] = std::move(acc.values[i]);
                acc.timestamps[out] = acc.timestamps[i];
            }
            ++out;
        }
        acc.values.resize(out);
        acc.timestamps.resize(out);
    }
};

}  // namespace weir
