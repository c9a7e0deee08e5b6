#pragma once
// The store is public (keyed states in headers use it): see weir/runtime/state/rocksdb_store.h.
#include "weir/runtime/state/rocksdb_store.h"
