#pragma once
// WindowContents: what a window operator keeps per key and window, in the state
// "window-contents". Incremental policies (reduce, aggregate) keep one accumulator value, with a
// RocksDB write-back cache. Buffering policies (process and apply window functions, window joins
// and coGroup, evictors) keep a list of (timestamp, element): one append per element, a merge in
// RocksDB with no read, and the list is read once when the window fires, as in Flink, instead
// of reading and rewriting every element of the window per element.
//
// Thread-safety: none (the task thread).

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weir/runtime/state/state_factory.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/window/window_cache.h"

namespace weir {

template <class Policy, class T>
class WindowContents {
public:
    using Acc = typename Policy::Acc;
    static constexpr bool kList = requires { Policy::kListContents; };

    void bind(KeyedStateBackend& backend, const OperatorSetup& setup) {
        state_.bind(backend, kName);
        if constexpr (!kList && requires { Policy::kBoundedContents; })
            state_.enableWriteBackCache(windowCacheEntries(setup));
    }

    /// Adds an element to the current namespace's contents; true when the contents may have
    /// been created by it (exact except for RocksDB lists, where it is always true: callers use
    /// it for idempotent work such as registering the window's timers).
    bool add(Policy& policy, const T& value, int64_t timestamp) {
        if constexpr (kList) {
            return state_.add(Element(timestamp, value));
        } else {
            auto [acc, created] = state_.getOrCreateFlagged();
            policy.add(*acc, value, timestamp);
            state_.commit();
            return created;
        }
    }

    /// The current namespace's contents, or null; valid until the next call. Changes reach
    /// the state through store().
    Acc* load() {
        if constexpr (kList) {
            std::vector<Element>* list = state_.read(scratchList_);
            if (!list) return nullptr;
            scratch_.values.clear();
            scratch_.timestamps.clear();
            scratch_.values.reserve(list->size());
            scratch_.timestamps.reserve(list->size());
            for (const auto& [ts, v] : *list) {
                scratch_.timestamps.push_back(ts);
                scratch_.values.push_back(v);
            }
            return &scratch_;
        } else {
            return state_.mutableValue();
        }
    }
    /// Writes back contents that load() gave and the caller changed (an evictor ran).
    void store(Acc& acc) {
        if constexpr (kList) {
            scratchList_.clear();
            for (size_t i = 0; i < acc.values.size(); ++i)
                scratchList_.emplace_back(acc.timestamps[i], acc.values[i]);
            state_.update(scratchList_);
        } else {
            state_.commit();
        }
    }
    void clear() { state_.clear(); }

    /// Moves the current namespace's contents out and clears them (merging windows).
    std::optional<Acc> take() {
        Acc* acc = load();
        std::optional<Acc> out;
        if (acc) out = std::move(*acc);
        clear();
        return out;
    }
    /// Adds `pieces` to the current namespace's contents, in order.
    void mergeIn(Policy& policy, std::vector<Acc>& pieces) {
        if constexpr (kList) {
            scratchList_.clear();
            for (auto& p : pieces)
                for (size_t i = 0; i < p.values.size(); ++i)
                    scratchList_.emplace_back(p.timestamps[i], std::move(p.values[i]));
            state_.addAll(scratchList_);
        } else {
            Acc& target = state_.getOrCreate();
            for (auto& p : pieces) policy.merge(target, std::move(p));
            state_.commit();
        }
    }

private:
    static constexpr const char* kName = "window-contents";
    using Element = std::pair<int64_t, T>;
    std::conditional_t<kList, InternalListState<Element>, InternalValueState<Acc>> state_;
    Acc scratch_{};
    std::vector<Element> scratchList_;
};

}  // namespace weir
