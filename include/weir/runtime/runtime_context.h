#pragma once
// RuntimeContext: what a rich function knows about where it runs, and its keyed state.

#include <string>

#include "weir/core/exceptions.h"
#include "weir/functions/processing_time_service.h"
#include "weir/functions/state.h"
#include "weir/functions/task_info.h"
#include "weir/runtime/state/state_factory.h"

namespace weir {

class RuntimeContext {
public:
    RuntimeContext(TaskInfo info, KeyedStateBackend* keyedState,
                   ProcessingTimeService* processingTime = nullptr)
        : info_(std::move(info)), keyedState_(keyedState), processingTime_(processingTime) {}

    const TaskInfo& getTaskInfo() const { return info_; }
    int32_t getIndexOfThisSubtask() const { return info_.subtaskIndex; }
    int32_t getNumberOfParallelSubtasks() const { return info_.parallelism; }
    int32_t getMaxNumberOfParallelSubtasks() const { return info_.maxParallelism; }
    int32_t getAttemptNumber() const { return info_.attemptNumber; }
    const std::string& getTaskName() const { return info_.taskName; }

    template <class V>
    ValueState<V>& getState(const ValueStateDescriptor<V>& d) {
        return state_factory::valueState<V>(backend(d.name), d.name, ttl(d));
    }
    template <class V>
    ListState<V>& getListState(const ListStateDescriptor<V>& d) {
        return state_factory::listState<V>(backend(d.name), d.name, ttl(d));
    }
    template <class K, class V>
    MapState<K, V>& getMapState(const MapStateDescriptor<K, V>& d) {
        return state_factory::mapState<K, V>(backend(d.name), d.name, ttl(d));
    }
    template <class V>
    ReducingState<V>& getReducingState(const ReducingStateDescriptor<V>& d) {
        ValueStateDescriptor<V> storage("__reducing:" + d.name);
        storage.ttl = d.ttl;
        auto& store = getState(storage);
        return create<ValueBackedReducingState<V>>(
            d.name, [&] { return std::make_unique<ValueBackedReducingState<V>>(store, d.reduce); });
    }
    template <class IN, class ACC, class OUT>
    AggregatingState<IN, OUT>& getAggregatingState(
        const AggregatingStateDescriptor<IN, ACC, OUT>& d) {
        ValueStateDescriptor<ACC> storage("__aggregating:" + d.name);
        storage.ttl = d.ttl;
        auto& store = getState(storage);
        return create<ValueBackedAggregatingState<IN, ACC, OUT>>(d.name, [&] {
            return std::make_unique<ValueBackedAggregatingState<IN, ACC, OUT>>(store, d.aggregate);
        });
    }

private:
    template <class S, class F>
    S& create(const std::string& name, F&& factory) {
        return backend(name).template getOrCreateState<S>(name, std::forward<F>(factory));
    }
    std::optional<TtlPolicy> ttl(const StateDescriptorBase& d) const {
        if (!d.ttl) return std::nullopt;
        auto* time = processingTime_;
        return TtlPolicy(*d.ttl, [time] {
            return time ? time->getCurrentProcessingTime() : currentTimeMillis();
        });
    }
    KeyedStateBackend& backend(const std::string& name) {
        if (!keyedState_)
            throw InvalidProgramException("keyed state '" + name +
                                          "' is only available on a keyed stream (after keyBy)");
        return *keyedState_;
    }
    TaskInfo info_;
    KeyedStateBackend* keyedState_;
    ProcessingTimeService* processingTime_;
};

}  // namespace weir
