#pragma once
// ConfigOption<T>: a typed configuration key with its default, Flink 1.x aliases and a description.
// Options are plain values declared next to the module that reads them (see options.h for the
// engine-wide ones); nothing registers itself.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/core/memory_size.h"
#include "weir/core/time.h"

namespace weir {

/// How a value of type T is read from and written to its string form. Specialized for bool,
/// int32_t, int64_t, double, std::string, Duration, MemorySize; enums specialize ConfigEnum.
template <class T>
struct ConfigValue;

/// Enum options: specialize with `static constexpr std::pair<E, const char*> values[] = {...};`
/// Names are matched case-insensitively.
template <class E>
struct ConfigEnum;

template <class T>
struct ConfigOption {
    std::string key;
    std::optional<T> defaultValue;
    std::string description;
    /// Older names that are read when `key` is not set, first match wins (Flink 1.x aliases).
    std::vector<std::string> fallbackKeys;

    ConfigOption withFallbackKeys(std::vector<std::string> keys) const {
        ConfigOption copy = *this;
        copy.fallbackKeys = std::move(keys);
        return copy;
    }
};

/// Declares an option with a default:
/// `inline const auto kParallelism = option<int32_t>("parallelism.default", 1, "...");`
template <class T>
ConfigOption<T> option(std::string key, T defaultValue, std::string description) {
    return ConfigOption<T>{std::move(key), std::move(defaultValue), std::move(description), {}};
}

/// The keys and fallback keys of `options` (for unknownKeyWarnings).
template <class... Options>
std::vector<std::string> optionKeys(const Options&... options) {
    std::vector<std::string> keys;
    auto add = [&](const auto& o) {
        keys.push_back(o.key);
        keys.insert(keys.end(), o.fallbackKeys.begin(), o.fallbackKeys.end());
    };
    (add(options), ...);
    return keys;
}

/// Declares an option without a default (get() throws ConfigException when it is not set).
template <class T>
ConfigOption<T> optionWithoutDefault(std::string key, std::string description) {
    return ConfigOption<T>{std::move(key), std::nullopt, std::move(description), {}};
}

}  // namespace weir
