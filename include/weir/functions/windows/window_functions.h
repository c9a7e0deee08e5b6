#pragma once
// Functions applied to a window's contents.
//
// Incremental: reduce (ReduceFunction) and aggregate (AggregateFunction) fold each element into
// one accumulator as it arrives. Full: ProcessWindowFunction and WindowFunction see all elements
// of the window when it fires. An incremental function may be combined with a
// ProcessWindowFunction, which then sees the one pre-aggregated result with the window's context.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "weir/functions/aggregate_function.h"
#include "weir/functions/functions.h"
#include "weir/functions/output_tag.h"
#include "weir/functions/state.h"

namespace weir {

/// Keyed state for window functions, scoped to the window or to the key (defined by the
/// runtime in weir/runtime/window/window_state_store.h, which weir/weir.h includes).
class KeyedStateStore;

/// The context a window function gets: the window, time, state and side outputs.
template <class W>
class WindowContext {
public:
    virtual ~WindowContext() = default;
    virtual const W& window() const = 0;
    virtual int64_t currentProcessingTime() const = 0;
    virtual int64_t currentWatermark() const = 0;
    /// State of this key and this window (clear it in the function's clear()).
    virtual KeyedStateStore& windowState() = 0;
    /// State of this key across all its windows.
    virtual KeyedStateStore& globalState() = 0;
    template <class X>
    void output(const OutputTag<X>& tag, const X& value) {
        outputErased(tag.routingKey(), &value);
    }

protected:
    virtual void outputErased(const std::string& tagId, const void* value) = 0;
};

/// Sees all elements of a window (or the pre-aggregated one), with the window's context.
template <class IN, class OUT, class K, class W>
class ProcessWindowFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    using KeyType = K;
    using WindowType = W;
    using Context = WindowContext<W>;
    virtual void process(const K& key, Context& context, const std::vector<IN>& elements,
                         Collector<OUT>& out) = 0;
    /// The window is being purged: clear what you kept in windowState().
    virtual void clear(Context& context) {}
};

/// The older full window function: key, window and all elements.
template <class IN, class OUT, class K, class W>
class WindowFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    virtual void apply(const K& key, const W& window, const std::vector<IN>& elements,
                       Collector<OUT>& out) = 0;
};

/// ProcessWindowFunction for windowAll (no key).
template <class IN, class OUT, class W>
class ProcessAllWindowFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    using WindowType = W;
    using Context = WindowContext<W>;
    virtual void process(Context& context, const std::vector<IN>& elements,
                         Collector<OUT>& out) = 0;
    virtual void clear(Context& context) {}
};

template <class IN, class OUT, class W>
class AllWindowFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    virtual void apply(const W& window, const std::vector<IN>& elements, Collector<OUT>& out) = 0;
};

}  // namespace weir
