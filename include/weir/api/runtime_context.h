#pragma once
// RuntimeContext: what a rich function knows about where it runs, and its keyed state.

#include <string>

#include "weir/api/state.h"
#include "weir/core/exceptions.h"
#include "weir/runtime/state/heap_state.h"
#include "weir/runtime/task_info.h"

namespace weir {

class RuntimeContext {
public:
    RuntimeContext(TaskInfo info, KeyedStateBackend* keyedState)
        : info_(std::move(info)), keyedState_(keyedState) {}

    const TaskInfo& getTaskInfo() const { return info_; }
    int32_t getIndexOfThisSubtask() const { return info_.subtaskIndex; }
    int32_t getNumberOfParallelSubtasks() const { return info_.parallelism; }
    int32_t getMaxNumberOfParallelSubtasks() const { return info_.maxParallelism; }
    int32_t getAttemptNumber() const { return info_.attemptNumber; }
    const std::string& getTaskName() const { return info_.taskName; }

    template <class V>
    ValueState<V>& getState(const ValueStateDescriptor<V>& d) {
        return backend(d.name).template getOrCreateState<HeapValueState<V>>(
            d.name, [&] { return std::make_unique<HeapValueState<V>>(*keyedState_); });
    }
    template <class V>
    ListState<V>& getListState(const ListStateDescriptor<V>& d) {
        return backend(d.name).template getOrCreateState<HeapListState<V>>(
            d.name, [&] { return std::make_unique<HeapListState<V>>(*keyedState_); });
    }
    template <class K, class V>
    MapState<K, V>& getMapState(const MapStateDescriptor<K, V>& d) {
        return backend(d.name).template getOrCreateState<HeapMapState<K, V>>(
            d.name, [&] { return std::make_unique<HeapMapState<K, V>>(*keyedState_); });
    }

private:
    KeyedStateBackend& backend(const std::string& name) {
        if (!keyedState_)
            throw InvalidProgramException("keyed state '" + name +
                                          "' is only available on a keyed stream (after keyBy)");
        return *keyedState_;
    }
    TaskInfo info_;
    KeyedStateBackend* keyedState_;
};

}  // namespace weir
