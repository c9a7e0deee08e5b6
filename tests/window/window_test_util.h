#pragma once
// Builds a window operator through the public API and wraps it in an operator harness.

#include "../harness/operator_harness.h"
#include "weir/weir.h"

namespace weir::testing {

using KV = std::pair<std::string, int64_t>;

inline auto byKey() {
    return [](const KV& kv) { return kv.first; };
}

/// A harness around the operator that produced `stream` (its input is of type IN).
template <class IN, class OUT>
OneInputOperatorHarness<IN, OUT> harnessOf(const DataStream<OUT>& stream) {
    OneInputOperatorHarness<IN, OUT> h(stream.transformation()->operatorFactory());
    h.open();
    return h;
}

/// An empty stream of KV to build operators on.
inline DataStream<KV> kvStream(StreamExecutionEnvironment& env) {
    return env.fromCollection(std::vector<KV>{});
}

inline auto sumValues() {
    return [](const KV& a, const KV& b) { return KV{a.first, a.second + b.second}; };
}

}  // namespace weir::testing
