#pragma once
// How many window accumulators a window operator keeps in its RocksDB write-back cache
// (state.backend.rocksdb.window-cache.entries; the heap backend ignores it).

#include <cstddef>

#include "weir/runtime/checkpoint/checkpointing_options.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

inline size_t windowCacheEntries(const OperatorSetup& setup) {
    int32_t n = setup.configuration ? setup.configuration->get(options::kRocksDbWriteCacheEntries)
                                    : *options::kRocksDbWriteCacheEntries.defaultValue;
    return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace weir
