#pragma once
// Broadcast state: a low-throughput stream (rules, configuration) broadcast to every instance of
// an operator, which keeps it in broadcast state and applies it to the elements of another stream.
//
//   MapStateDescriptor<std::string, Rule> rules("rules");
//   auto ruleStream = rulesSource.broadcast(rules);
//   events.keyBy(...).connect(ruleStream).process(MyKeyedBroadcastProcessFunction{});
//
// Only the broadcast side may write the broadcast state; the other side reads it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weir/functions/functions.h"
#include "weir/functions/operator_state.h"

namespace weir {

/// What both sides of a broadcast process function can do.
class BroadcastContextBase {
public:
    virtual ~BroadcastContextBase() = default;
    virtual std::optional<int64_t> timestamp() const = 0;
    virtual int64_t currentWatermark() const = 0;
    virtual int64_t currentProcessingTime() const = 0;
    template <class X>
    void output(const OutputTag<X>& tag, const X& value) {
        outputErased(tag.routingKey(), &value);
    }

protected:
    virtual void outputErased(const std::string& tagId, const void* value) = 0;
    virtual OperatorStateStore& broadcastStore() = 0;
};

/// The non-broadcast side: the broadcast state is read-only.
class ReadOnlyBroadcastContext : public BroadcastContextBase {
public:
    template <class K, class V>
    const ReadOnlyBroadcastState<K, V>& getBroadcastState(const MapStateDescriptor<K, V>& d) {
        return broadcastStore().getBroadcastState(d);
    }
};

/// The broadcast side: the broadcast state is writable.
class BroadcastContext : public BroadcastContextBase {
public:
    template <class K, class V>
    BroadcastState<K, V>& getBroadcastState(const MapStateDescriptor<K, V>& d) {
        return broadcastStore().getBroadcastState(d);
    }
};

template <class IN1, class IN2, class OUT>
class BroadcastProcessFunction : public RichFunction {
public:
    using OutputType = OUT;
    using ReadOnlyContext = ReadOnlyBroadcastContext;
    using Context = BroadcastContext;
    virtual void processElement(const IN1& value, ReadOnlyContext& ctx, Collector<OUT>& out) = 0;
    virtual void processBroadcastElement(const IN2& value, Context& ctx, Collector<OUT>& out) = 0;
};

template <class K, class IN1, class IN2, class OUT>
class KeyedBroadcastProcessFunction : public RichFunction {
public:
    using KeyType = K;
    using OutputType = OUT;
    class ReadOnlyContext : public ReadOnlyBroadcastContext {
    public:
        virtual const K& getCurrentKey() const = 0;
        virtual TimerService& timerService() = 0;
    };
    class Context : public BroadcastContext {
    public:
        /// Calls fn(key, state) for every key that has a value in the keyed ValueState `d`.
        template <class V, class F>
        void applyToKeyedState(const ValueStateDescriptor<V>& d, F fn) {
            forEachKey(d.name, [&](const void* key) {
                fn(*static_cast<const K*>(key), getRuntimeState(d));
            });
        }

    protected:
        virtual void forEachKey(const std::string& stateName,
                                const std::function<void(const void* key)>& fn) = 0;
        // Ctx keeps the call dependent: RuntimeContext is completed by the runtime layer.
        template <class V, class Ctx = RuntimeContext>
        ValueState<V>& getRuntimeState(const ValueStateDescriptor<V>& d) {
            return static_cast<Ctx&>(runtimeContext()).getState(d);
        }
        virtual RuntimeContext& runtimeContext() = 0;
    };
    class OnTimerContext : public ReadOnlyContext {
    public:
        virtual TimeDomain timeDomain() const = 0;
    };
    virtual void processElement(const IN1& value, ReadOnlyContext& ctx, Collector<OUT>& out) = 0;
    virtual void processBroadcastElement(const IN2& value, Context& ctx, Collector<OUT>& out) = 0;
    virtual void onTimer(int64_t timestamp, OnTimerContext& ctx, Collector<OUT>& out) {}
};

}  // namespace weir
