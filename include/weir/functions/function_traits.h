#pragma once
// Deduces result types of user functions so that `map`, `flatMap` and `process` need no explicit
// type arguments in the common cases.

#include <functional>
#include <type_traits>
#include <utility>

#include "weir/functions/functions.h"

namespace weir::detail {

template <class F, class T, class = void>
struct MapResultImpl {
    using type = std::decay_t<std::invoke_result_t<F&, const T&>>;
};
template <class F, class T>
struct MapResultImpl<F, T,
                     std::void_t<decltype(std::declval<F&>().map(std::declval<const T&>()))>> {
    using type = std::decay_t<decltype(std::declval<F&>().map(std::declval<const T&>()))>;
};
/// What a map function returns (lambda, functor, or RichMapFunction::map).
template <class F, class T>
using MapResult = typename MapResultImpl<F, T>::type;

/// The X of a Collector<X>& parameter of F::operator() (non-generic lambdas and functors).
template <class Sig>
struct CollectorArg;
template <class C, class R, class A, class X>
struct CollectorArg<R (C::*)(A, Collector<X>&) const> {
    using type = X;
};
template <class C, class R, class A, class X>
struct CollectorArg<R (C::*)(A, Collector<X>&)> {
    using type = X;
};

template <class R, class A, class X>
struct CollectorArg<R (*)(A, Collector<X>&)> {
    using type = X;
};

template <class F, class = void>
struct FlatMapOutput {
    using type = typename CollectorArg<decltype(&F::operator())>::type;
};
template <class R, class A, class X>
struct FlatMapOutput<R (*)(A, Collector<X>&), void> {
    using type = X;
};
template <class F>
struct FlatMapOutput<F, std::void_t<typename F::OutputType>> {
    using type = typename F::OutputType;
};

}  // namespace weir::detail
