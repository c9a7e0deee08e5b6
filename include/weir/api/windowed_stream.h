#pragma once
// WindowedStream<T, K, W>: a keyed stream cut into windows (keyBy(...).window(assigner)), and
// AllWindowedStream<T, W> for windowAll (one window operator for the whole stream, parallelism 1).
//
//   .window(TumblingEventTimeWindows::of(1min))
//   .trigger(...) .evictor(...) .allowedLateness(10s) .sideOutputLateData(lateTag)
//   .reduce(f) / .aggregate(aggregateFunction) / .process(processWindowFunction) / .apply(...)
//   .reduce(f, processWindowFunction) / .aggregate(aggregateFunction, processWindowFunction)
//   .sum(&T::field) / .min / .max / .minBy / .maxBy (or <N>() for tuples)

#include <memory>
#include <string>

#include "weir/api/aggregations.h"
#include "weir/api/data_stream.h"
#include "weir/api/keyed_stream.h"
#include "weir/functions/windows/assigners.h"
#include "weir/functions/windows/evictors.h"
#include "weir/functions/windows/triggers.h"
#include "weir/functions/windows/window_functions.h"
#include "weir/runtime/window/slicing_window_operator.h"
#include "weir/runtime/window/window_operator.h"
#include "weir/runtime/window/window_policies.h"

namespace weir {

template <class T, class K, class W>
class WindowedStream {
public:
    WindowedStream(DataStream<T> input, std::function<K(const T&)> key,
                   std::shared_ptr<const WindowAssigner<W>> assigner, bool nonParallel = false)
        : input_(std::move(input)), nonParallel_(nonParallel) {
        spec_.key = std::move(key);
        spec_.assigner = std::move(assigner);
        spec_.trigger = spec_.assigner->defaultTrigger();
    }

    /// Replaces the assigner's default trigger.
    template <class X>
    WindowedStream& trigger(X t) {
        spec_.trigger = makeTrigger<W>(std::move(t));
        if (spec_.assigner->isMerging() && !spec_.trigger->canMerge())
            throw InvalidProgramException(
                "the trigger cannot be used with merging (session) windows");
        return *this;
    }
    template <class E>
    WindowedStream& evictor(E e) {
        if (spec_.assigner->isMerging())
            throw InvalidProgramException("evictors are not supported with session windows");
        spec_.evictor = std::make_shared<E>(std::move(e));
        return *this;
    }
    /// Keeps windows (and re-fires them for late elements) for `lateness` after they fired.
    WindowedStream& allowedLateness(Duration lateness) {
        if (lateness.count() < 0)
            throw InvalidProgramException("allowed lateness must not be negative");
        if (!spec_.assigner->isEventTime() && lateness.count() > 0)
            throw InvalidProgramException("allowed lateness applies to event-time windows only");
        spec_.allowedLateness = lateness.count();
        return *this;
    }
    /// Late elements (whose every window was cleaned up) go to `tag` instead of being dropped.
    WindowedStream& sideOutputLateData(const OutputTag<T>& tag) {
        spec_.lateDataTag = tag.routingKey();
        return *this;
    }

    // ---- window functions ------------------------------------------------------------------
    template <class F>
    DataStream<T> reduce(F f) {
        return incrementalReduce<T>(std::move(f), DirectEmit<K, T, W>{}, "Reduce");
    }
    template <class F, class PWF>
    DataStream<typename PWF::OutputType> reduce(F f, PWF pwf) {
        using OUT = typename PWF::OutputType;
        return incrementalReduce<OUT>(
            std::move(f), ProcessWindowFinisher<K, T, W, PWF>(std::move(pwf)), "Reduce");
    }
    template <class A>
    DataStream<typename A::OutputType> aggregate(A agg) {
        using R = typename A::OutputType;
        return incrementalAggregate<R>(std::move(agg), DirectEmit<K, R, W>{});
    }
    template <class A, class PWF>
    DataStream<typename PWF::OutputType> aggregate(A agg, PWF pwf) {
        using R = typename A::OutputType;
        return incrementalAggregate<typename PWF::OutputType>(
            std::move(agg), ProcessWindowFinisher<K, R, W, PWF>(std::move(pwf)));
    }
    template <class PWF>
    DataStream<typename PWF::OutputType> process(PWF pwf) {
        using OUT = typename PWF::OutputType;
        return buffered<OUT>(ProcessWindowFinisher<K, T, W, PWF>(std::move(pwf)), "Process");
    }
    template <class WF>
    DataStream<typename WF::OutputType> apply(WF wf) {
        using OUT = typename WF::OutputType;
        return buffered<OUT>(ApplyFinisher<K, T, W, WF>(std::move(wf)), "Apply");
    }

    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> sum(P field) {
        return reduce(fieldAgg(detail::AggregationKind::SUM, field));
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> min(P field) {
        return reduce(fieldAgg(detail::AggregationKind::MIN, field));
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> max(P field) {
        return reduce(fieldAgg(detail::AggregationKind::MAX, field));
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> minBy(P field) {
        return reduce(fieldAgg(detail::AggregationKind::MIN_BY, field));
    }
    template <class P>
    requires std::is_member_object_pointer_v<P> DataStream<T> maxBy(P field) {
        return reduce(fieldAgg(detail::AggregationKind::MAX_BY, field));
    }
    template <size_t N>
    DataStream<T> sum() {
        return reduce(indexAgg<N>(detail::AggregationKind::SUM));
    }
    template <size_t N>
    DataStream<T> min() {
        return reduce(indexAgg<N>(detail::AggregationKind::MIN));
    }
    template <size_t N>
    DataStream<T> max() {
        return reduce(indexAgg<N>(detail::AggregationKind::MAX));
    }
    template <size_t N>
    DataStream<T> minBy() {
        return reduce(indexAgg<N>(detail::AggregationKind::MIN_BY));
    }
    template <size_t N>
    DataStream<T> maxBy() {
        return reduce(indexAgg<N>(detail::AggregationKind::MAX_BY));
    }

private:
    template <class P>
    static auto fieldAgg(detail::AggregationKind kind, P field) {
        return detail::FieldAggregation<T, detail::PointerField<P>>{kind, {field}};
    }
    template <size_t N>
    static auto indexAgg(detail::AggregationKind kind) {
        if constexpr (std::is_arithmetic_v<T>)
            return detail::FieldAggregation<T, detail::WholeValue<T>>{kind, {}};
        else
            return detail::FieldAggregation<T, detail::TupleField<T, N>>{kind, {}};
    }

    template <class OUT, class F, class Next>
    DataStream<OUT> incrementalReduce(F f, Next next, const char* what) {
        if (spec_.evictor)
            return buffered<OUT>(ReduceAll<K, T, W, F, Next>(std::move(f), std::move(next)), what);
        return makeIncremental<OUT>(
            IncrementalReduce<K, T, W, F, Next>(std::move(f), std::move(next)), what);
    }
    template <class OUT, class A, class Next>
    DataStream<OUT> incrementalAggregate(A agg, Next next) {
        if (spec_.evictor)
            return buffered<OUT>(AggregateAll<K, T, W, A, Next>(std::move(agg), std::move(next)),
                                 "Aggregate");
        return makeIncremental<OUT>(
            IncrementalAggregate<K, T, W, A, Next>(std::move(agg), std::move(next)), "Aggregate");
    }
    /// Incremental policies of sliding event-time windows run sliced (slicing_window_operator.h)
    /// when the trigger, evictor and lateness allow it.
    template <class OUT, class Policy>
    DataStream<OUT> makeIncremental(Policy policy, const char* what) {
        if constexpr (std::is_same_v<W, TimeWindow>) {
            const auto* sliding =
                dynamic_cast<const SlidingEventTimeWindows*>(spec_.assigner.get());
            bool defaultTrigger = dynamic_cast<EventTimeTrigger*>(spec_.trigger.get()) != nullptr;
            if (sliding && defaultTrigger && !spec_.evictor && spec_.allowedLateness == 0 &&
                input_.environment()->configuration.get(options::kWindowSlicing)) {
                SlidingGeometry geometry{sliding->size(), sliding->slide(), sliding->offset()};
                auto spec = spec_;
                return finish<OUT>(what, [spec, geometry, policy] {
                    return std::make_unique<SlicingWindowOperator<K, T, OUT, Policy>>(
                        spec, geometry, policy);
                });
            }
        }
        return make<OUT>(std::move(policy), what);
    }
    template <class OUT, class Finisher>
    DataStream<OUT> buffered(Finisher finisher, const char* what) {
        return make<OUT>(Buffering<K, T, W, Finisher>(std::move(finisher)), what);
    }
    template <class OUT, class Policy>
    DataStream<OUT> make(Policy policy, const char* what) {
        auto spec = spec_;
        return finish<OUT>(what, [spec, policy] {
            return std::make_unique<WindowOperator<K, T, OUT, W, Policy>>(spec, policy);
        });
    }
    template <class OUT>
    DataStream<OUT> finish(const char* what, OperatorFactory factory) {
        std::string name = std::string("Window(") + spec_.assigner->toString() + ", " + what + ")";
        auto env = input_.environment();
        auto t = env->add(TransformationKind::ONE_INPUT, name, {input_.transformation()},
                          typeInfo<OUT>(), std::move(factory));
        t->keyed = true;
        t->keyType = serializerIdentity<K>();
        t->inputTypes = {serializerIdentity<T>()};
        t->nonParallel = nonParallel_;
        return DataStream<OUT>(env, t);
    }

    DataStream<T> input_;
    WindowSpec<K, T, W> spec_;
    bool nonParallel_;
};

/// windowAll: all elements in one window operator (parallelism 1).
template <class T, class W>
class AllWindowedStream {
public:
    AllWindowedStream(DataStream<T> input, std::shared_ptr<const WindowAssigner<W>> assigner)
        : windowed_(
              input.keyBy([](const T&) { return uint8_t{0}; }), [](const T&) { return uint8_t{0}; },
              std::move(assigner), /*nonParallel=*/true) {}

    template <class X>
    AllWindowedStream& trigger(X t) {
        windowed_.trigger(std::move(t));
        return *this;
    }
    template <class E>
    AllWindowedStream& evictor(E e) {
        windowed_.evictor(std::move(e));
        return *this;
    }
    AllWindowedStream& allowedLateness(Duration d) {
        windowed_.allowedLateness(d);
        return *this;
    }
    AllWindowedStream& sideOutputLateData(const OutputTag<T>& tag) {
        windowed_.sideOutputLateData(tag);
        return *this;
    }
    template <class F>
    DataStream<T> reduce(F f) {
        return windowed_.reduce(std::move(f));
    }
    template <class A>
    auto aggregate(A agg) {
        return windowed_.aggregate(std::move(agg));
    }
    /// F derives from ProcessAllWindowFunction<T, OUT, W>.
    template <class F>
    auto process(F f) {
        return windowed_.process(std::move(f));
    }
    /// F derives from AllWindowFunction<T, OUT, W>.
    template <class F>
    auto apply(F f) {
        return windowed_.apply(std::move(f));
    }
    template <class P>
    DataStream<T> sum(P field) {
        return windowed_.sum(field);
    }
    template <size_t N>
    DataStream<T> sum() {
        return windowed_.template sum<N>();
    }
    template <class P>
    DataStream<T> min(P field) {
        return windowed_.min(field);
    }
    template <class P>
    DataStream<T> max(P field) {
        return windowed_.max(field);
    }

private:
    WindowedStream<T, uint8_t, W> windowed_;
};

// ---- KeyedStream / DataStream entry points ---------------------------------------------------

template <class T, class K>
template <class A>
auto KeyedStream<T, K>::window(A assigner) {
    using W = typename A::WindowType;
    return WindowedStream<T, K, W>(*this, key_, std::make_shared<const A>(std::move(assigner)));
}

template <class T, class K>
auto KeyedStream<T, K>::timeWindow(Duration size) {
    using W = WindowedStream<T, K, TimeWindow>;
    if (this->env_->configuration.get(options::kTimeCharacteristic) ==
        TimeCharacteristic::ProcessingTime)
        return W(*this, key_,
                 std::make_shared<const TumblingProcessingTimeWindows>(
                     TumblingProcessingTimeWindows::of(size)));
    return W(*this, key_,
             std::make_shared<const TumblingEventTimeWindows>(TumblingEventTimeWindows::of(size)));
}

template <class T, class K>
auto KeyedStream<T, K>::timeWindow(Duration size, Duration slide) {
    using W = WindowedStream<T, K, TimeWindow>;
    if (this->env_->configuration.get(options::kTimeCharacteristic) ==
        TimeCharacteristic::ProcessingTime)
        return W(*this, key_,
                 std::make_shared<const SlidingProcessingTimeWindows>(
                     SlidingProcessingTimeWindows::of(size, slide)));
    return W(
        *this, key_,
        std::make_shared<const SlidingEventTimeWindows>(SlidingEventTimeWindows::of(size, slide)));
}

template <class T, class K>
auto KeyedStream<T, K>::countWindow(int64_t size) {
    auto w = window(GlobalWindows::create());
    w.trigger(PurgingTrigger::of(CountTrigger::of(size)));
    return w;
}

template <class T, class K>
auto KeyedStream<T, K>::countWindow(int64_t size, int64_t slide) {
    auto w = window(GlobalWindows::create());
    w.evictor(CountEvictor::of(size));
    w.trigger(CountTrigger::of(slide));
    return w;
}

template <class T>
template <class A>
auto DataStream<T>::windowAll(A assigner) {
    using W = typename A::WindowType;
    return AllWindowedStream<T, W>(*this, std::make_shared<const A>(std::move(assigner)));
}

}  // namespace weir
