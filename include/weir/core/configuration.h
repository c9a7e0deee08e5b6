#pragma once
// Configuration: Weir's one typed key/value configuration, with Flink 2.x key names.
//
// Sources, lowest precedence first: conf/config.yaml (nested YAML maps are flattened with '.'),
// then -D key=value on the command line, then calls on the API. Later sources win.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weir/core/config_option.h"
#include "weir/core/exceptions.h"

namespace weir {

class Configuration {
public:
    Configuration() = default;

    /// Reads a Flink 2.x style config.yaml. Nested maps become dotted keys ("a: {b: 1}" -> a.b),
    /// scalars keep their text, lists are kept as YAML flow text ("[x, y]"), null values leave
    /// the key unset. Throws ConfigException naming the file, line and column on a YAML syntax
    /// error.
    static Configuration fromYamlFile(const std::string& path);
    static Configuration fromYamlString(std::string_view yaml,
                                        const std::string& sourceName = "<string>");

    /// Reads `-D key=value`, `-Dkey=value`, `--parallelism N` / `-p N` (-> parallelism.default)
    /// from a command line. Arguments it does not know are returned in `remaining` (if given),
    /// in order, argv[0] excluded. Throws ConfigException on `-D` without '=', and on a missing
    /// or non-positive parallelism.
    static Configuration fromCommandLine(int argc, const char* const* argv,
                                         std::vector<std::string>* remaining = nullptr);

    /// Loads $WEIR_CONF_DIR/config.yaml, or ./conf/config.yaml when WEIR_CONF_DIR is unset;
    /// an absent file gives an empty configuration.
    static Configuration loadDefault();

    template <class T>
    T get(const ConfigOption<T>& option) const;
    template <class T>
    std::optional<T> getOptional(const ConfigOption<T>& option) const;
    /// The value is not used to deduce T, so `set(kInterval, 5s)` and `set(kName, "x")` work.
    template <class T>
    Configuration& set(const ConfigOption<T>& option, const std::type_identity_t<T>& value);

    Configuration& setString(std::string key, std::string value);
    /// Same as setString (API.md: `env.config().set("pipeline.auto-watermark-interval", "200ms")`).
    Configuration& set(std::string key, std::string value) {
        return setString(std::move(key), std::move(value));
    }
    std::optional<std::string> getString(std::string_view key) const;
    bool contains(std::string_view key) const;
    /// True if the option's key or one of its fallback keys is set.
    template <class T>
    bool contains(const ConfigOption<T>& option) const {
        return findRaw(option.key, option.fallbackKeys).has_value();
    }
    bool remove(std::string_view key);

    /// Copies every entry of `other` over this one (other wins).
    Configuration& addAll(const Configuration& other);
    const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

private:
    /// The raw value of key, else of the first fallback key that is set.
    std::optional<std::pair<std::string, std::string>> findRaw(
        const std::string& key, const std::vector<std::string>& fallbackKeys) const;

    std::map<std::string, std::string, std::less<>> entries_;
};

/// One warning per key under Flink's or Weir's prefixes (pipeline., execution., state., ...,
/// weir.) that is not in `knownKeys`: such a key does nothing here, usually a typo or an option
/// this version does not have. The warning names the key and the nearest known key.
std::vector<std::string> unknownKeyWarnings(const Configuration& configuration,
                                            const std::vector<std::string>& knownKeys);

// ---- value conversions (defined in src/core/config/config_value.cpp) ---------------------------

template <>
struct ConfigValue<bool> {
    static bool parse(std::string_view s);
    static std::string format(bool v);
};
template <>
struct ConfigValue<int32_t> {
    static int32_t parse(std::string_view s);
    static std::string format(int32_t v);
};
template <>
struct ConfigValue<int64_t> {
    static int64_t parse(std::string_view s);
    static std::string format(int64_t v);
};
template <>
struct ConfigValue<double> {
    static double parse(std::string_view s);
    static std::string format(double v);
};
template <>
struct ConfigValue<std::string> {
    static std::string parse(std::string_view s) { return std::string(s); }
    static std::string format(const std::string& v) { return v; }
};
template <>
struct ConfigValue<Duration> {
    static Duration parse(std::string_view s) { return parseDuration(s); }
    static std::string format(Duration v) { return formatDuration(v); }
};
template <>
struct ConfigValue<MemorySize> {
    static MemorySize parse(std::string_view s) { return MemorySize::parse(s); }
    static std::string format(MemorySize v) { return v.toString(); }
};

namespace detail {
bool equalsIgnoreCase(std::string_view a, std::string_view b);
[[noreturn]] void throwBadEnum(std::string_view key, std::string_view value, std::string allowed);
}  // namespace detail

template <class E>
requires std::is_enum_v<E>
struct ConfigValue<E> {
    static E parse(std::string_view s) {
        std::string allowed;
        for (const auto& [value, name] : ConfigEnum<E>::values) {
            if (detail::equalsIgnoreCase(s, name)) return value;
            if (!allowed.empty()) allowed += ", ";
            allowed += name;
        }
        detail::throwBadEnum("", s, allowed);
    }
    static std::string format(E v) {
        for (const auto& [value, name] : ConfigEnum<E>::values)
            if (value == v) return name;
        return "?";
    }
};

// ---- template members ---------------------------------------------------------------------------

namespace detail {
[[noreturn]] void throwBadValue(const std::string& key, const std::string& value,
                                const std::string& reason);
[[noreturn]] void throwMissing(const std::string& key);
}  // namespace detail

template <class T>
std::optional<T> Configuration::getOptional(const ConfigOption<T>& option) const {
    auto raw = findRaw(option.key, option.fallbackKeys);
    if (!raw) return std::nullopt;
    try {
        return ConfigValue<T>::parse(raw->second);
    } catch (const std::exception& e) {
        detail::throwBadValue(raw->first, raw->second, e.what());
    }
}

template <class T>
T Configuration::get(const ConfigOption<T>& option) const {
    if (auto v = getOptional(option)) return *std::move(v);
    if (option.defaultValue) return *option.defaultValue;
    detail::throwMissing(option.key);
}

template <class T>
Configuration& Configuration::set(const ConfigOption<T>& option,
                                  const std::type_identity_t<T>& value) {
    return setString(option.key, ConfigValue<T>::format(value));
}

}  // namespace weir
