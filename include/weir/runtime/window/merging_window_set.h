#pragma once
// MergingWindowSet: for one key of a session-window operator, which windows exist and in which
// "state window" each keeps its contents. When a new window merges existing ones, the merged
// result keeps the state window of one of them, so contents are merged, not moved around.

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "weir/functions/windows/assigners.h"

namespace weir {

template <class W>
class MergingWindowSet {
public:
    /// (window, state window) pairs, as stored in keyed state.
    using Mapping = std::vector<std::pair<W, W>>;
    /// Called when windows merge: (merge result, merged windows, state window of the result,
    /// state windows whose contents go into it).
    using MergeFunction =
        std::function<void(const W& result, const std::vector<W>& merged, const W& stateResult,
                           const std::vector<W>& mergedStateWindows)>;

    /// Works on `mapping` in place (the key's stored mapping: nothing is copied per element).
    MergingWindowSet(const WindowAssigner<W>& assigner, Mapping& mapping)
        : assigner_(assigner), mapping_(mapping) {}

    const Mapping& mapping() const { return mapping_; }

    std::optional<W> stateWindow(const W& window) const {
        for (const auto& [w, s] : mapping_)
            if (w == window) return s;
        return std::nullopt;
    }
    void retireWindow(const W& window) {
        mapping_.erase(std::remove_if(mapping_.begin(), mapping_.end(),
                                      [&](const auto& p) { return p.first == window; }),
                       mapping_.end());
    }

    /// Adds `newWindow`, merging it with existing windows where the assigner says so. Returns the
    /// window the new one ended up in.
    W addWindow(const W& newWindow, const MergeFunction& merge) {
        std::vector<W> windows;
        for (const auto& [w, s] : mapping_) windows.push_back(w);
        windows.push_back(newWindow);

        W result = newWindow;
        bool mergedNew = false;
        auto groups = assigner_.mergeWindows(windows);
        for (auto& [mergeResult, mergedWindows] : groups) {
            auto it = std::find(mergedWindows.begin(), mergedWindows.end(), newWindow);
            if (it != mergedWindows.end()) {
                mergedWindows.erase(it);
                mergedNew = true;
                result = mergeResult;
            }
            if (mergedWindows.empty()) continue;
            // The merge result keeps the state window of the first merged window.
            W resultState = *stateWindow(mergedWindows.front());
            std::vector<W> mergedStateWindows;
            for (const auto& w : mergedWindows) {
                W s = *stateWindow(w);
                retireWindow(w);
                if (!(s == resultState)) mergedStateWindows.push_back(s);
            }
            mapping_.emplace_back(mergeResult, resultState);
            bool onlyItself = mergedWindows.size() == 1 && mergedWindows.front() == mergeResult;
            if (!onlyItself) merge(mergeResult, mergedWindows, resultState, mergedStateWindows);
        }
        if (groups.empty() || (result == newWindow && !mergedNew))
            mapping_.emplace_back(result, result);
        return result;
    }

private:
    const WindowAssigner<W>& assigner_;
    Mapping& mapping_;
};

}  // namespace weir
