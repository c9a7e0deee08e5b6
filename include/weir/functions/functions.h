#pragma once
// User functions. Lambdas and function objects work wherever a function is taken; the Rich*
// base classes add open/close and a RuntimeContext (subtask info and keyed state).

#include <memory>
#include <optional>
#include <string>

#include "weir/core/exceptions.h"
#include "weir/functions/output_tag.h"
#include "weir/functions/state.h"
#include "weir/functions/task_info.h"

namespace weir {

/// Where a rich function runs and its keyed state: made by the runtime
/// (weir/runtime/runtime_context.h, which weir/weir.h includes).
class RuntimeContext;

/// Where flatMap and process functions put their results.
template <class T>
class Collector {
public:
    virtual ~Collector() = default;
    virtual void collect(const T& value) = 0;
};

/// What open() receives (empty for now; mirrors Flink's OpenContext).
struct OpenContext {};

/// Base of functions with a lifecycle and access to the runtime context.
class RichFunction {
public:
    virtual ~RichFunction() = default;
    virtual void open(const OpenContext& context) {}
    virtual void close() {}
    RuntimeContext& getRuntimeContext() const {
        if (!runtimeContext_)
            throw InvalidProgramException(
                "getRuntimeContext() called before the function was opened");
        return *runtimeContext_;
    }
    void setRuntimeContext(RuntimeContext* context) { runtimeContext_ = context; }

private:
    RuntimeContext* runtimeContext_ = nullptr;
};

template <class IN, class OUT>
class RichMapFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    virtual OUT map(const IN& value) = 0;
};

template <class IN, class OUT>
class RichFlatMapFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    virtual void flatMap(const IN& value, Collector<OUT>& out) = 0;
};

template <class T>
class RichFilterFunction : public RichFunction {
public:
    using InputType = T;
    virtual bool filter(const T& value) = 0;
};

template <class T>
class RichReduceFunction : public RichFunction {
public:
    using InputType = T;
    virtual T reduce(const T& a, const T& b) = 0;
};

/// A function that wants to hear about completed checkpoints.
class CheckpointListener {
public:
    virtual ~CheckpointListener() = default;
    virtual void notifyCheckpointComplete(int64_t checkpointId) = 0;
    virtual void notifyCheckpointAborted(int64_t checkpointId) {}
};

/// Processes each element with a context (timestamp, side outputs).
template <class IN, class OUT>
class ProcessFunction : public RichFunction {
public:
    using InputType = IN;
    using OutputType = OUT;
    class Context {
    public:
        virtual ~Context() = default;
        /// The element's timestamp, or nothing if it has none.
        virtual std::optional<int64_t> timestamp() const = 0;
        virtual int64_t currentWatermark() const = 0;
        virtual int64_t currentProcessingTime() const = 0;
        template <class X>
        void output(const OutputTag<X>& tag, const X& value) {
            outputErased(tag.routingKey(), &value);
        }

    protected:
        virtual void outputErased(const std::string& tagId, const void* value) = 0;
    };
    virtual void processElement(const IN& value, Context& ctx, Collector<OUT>& out) = 0;
};

enum class TimeDomain { EVENT_TIME, PROCESSING_TIME };

/// Timers of the current key (keyed process functions).
class TimerService {
public:
    virtual ~TimerService() = default;
    virtual int64_t currentProcessingTime() const = 0;
    virtual int64_t currentWatermark() const = 0;
    /// onTimer is called once the watermark reaches `time` (one call per key and time).
    virtual void registerEventTimeTimer(int64_t time) = 0;
    /// onTimer is called once the wall clock reaches `time`.
    virtual void registerProcessingTimeTimer(int64_t time) = 0;
    virtual void deleteEventTimeTimer(int64_t time) = 0;
    virtual void deleteProcessingTimeTimer(int64_t time) = 0;
};

/// Processes each element of a keyed stream, with the current key, keyed state and timers.
template <class K, class IN, class OUT>
class KeyedProcessFunction : public RichFunction {
public:
    using KeyType = K;
    using InputType = IN;
    using OutputType = OUT;
    class Context {
    public:
        virtual ~Context() = default;
        /// The element's (or firing timer's) timestamp, or nothing if it has none.
        virtual std::optional<int64_t> timestamp() const = 0;
        virtual const K& getCurrentKey() const = 0;
        virtual TimerService& timerService() = 0;
        int64_t currentWatermark() { return timerService().currentWatermark(); }
        int64_t currentProcessingTime() { return timerService().currentProcessingTime(); }
        template <class X>
        void output(const OutputTag<X>& tag, const X& value) {
            outputErased(tag.routingKey(), &value);
        }

    protected:
        virtual void outputErased(const std::string& tagId, const void* value) = 0;
    };
    class OnTimerContext : public Context {
    public:
        virtual TimeDomain timeDomain() const = 0;
    };
    virtual void processElement(const IN& value, Context& ctx, Collector<OUT>& out) = 0;
    /// A timer registered for the current key fired.
    virtual void onTimer(int64_t timestamp, OnTimerContext& ctx, Collector<OUT>& out) {}
};

/// Processes the elements of two connected streams.
template <class IN1, class IN2, class OUT>
class CoProcessFunction : public RichFunction {
public:
    using OutputType = OUT;
    using Context = typename ProcessFunction<IN1, OUT>::Context;
    virtual void processElement1(const IN1& value, Context& ctx, Collector<OUT>& out) = 0;
    virtual void processElement2(const IN2& value, Context& ctx, Collector<OUT>& out) = 0;
};

/// Processes the elements of two connected keyed streams, with the current key, keyed state and
/// timers (shared by both inputs).
template <class K, class IN1, class IN2, class OUT>
class KeyedCoProcessFunction : public RichFunction {
public:
    using KeyType = K;
    using OutputType = OUT;
    using Context = typename KeyedProcessFunction<K, IN1, OUT>::Context;
    using OnTimerContext = typename KeyedProcessFunction<K, IN1, OUT>::OnTimerContext;
    virtual void processElement1(const IN1& value, Context& ctx, Collector<OUT>& out) = 0;
    virtual void processElement2(const IN2& value, Context& ctx, Collector<OUT>& out) = 0;
    virtual void onTimer(int64_t timestamp, OnTimerContext& ctx, Collector<OUT>& out) {}
};

template <class IN1, class IN2, class OUT>
class CoMapFunction : public RichFunction {
public:
    using OutputType = OUT;
    virtual OUT map1(const IN1& value) = 0;
    virtual OUT map2(const IN2& value) = 0;
};

template <class IN1, class IN2, class OUT>
class CoFlatMapFunction : public RichFunction {
public:
    using OutputType = OUT;
    virtual void flatMap1(const IN1& value, Collector<OUT>& out) = 0;
    virtual void flatMap2(const IN2& value, Collector<OUT>& out) = 0;
};

}  // namespace weir
