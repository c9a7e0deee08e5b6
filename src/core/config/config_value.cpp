// String conversions of the scalar option types, and the messages every bad value produces.

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "weir/core/configuration.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

std::string_view trim(std::string_view s) {
    auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

// from_chars rejects the leading '+' that Flink (Java's parseInt/parseDouble) accepts.
std::string_view skipPlus(std::string_view s) {
    if (s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    return s;
}

template <class Int>
Int parseInteger(std::string_view text, const char* typeName) {
    std::string_view s = skipPlus(trim(text));
    Int value{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc::result_out_of_range) {
        throw ConfigException("'" + std::string(text) + "' is out of range for a " + typeName +
                              " (" + std::to_string(std::numeric_limits<Int>::min()) + " to " +
                              std::to_string(std::numeric_limits<Int>::max()) + ")");
    }
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
        throw ConfigException("'" + std::string(text) + "' is not a " + typeName +
                              " (expected digits with an optional sign, e.g. '4' or '-1')");
    }
    return value;
}

}  // namespace

bool ConfigValue<bool>::parse(std::string_view s) {
    std::string_view t = trim(s);
    if (detail::equalsIgnoreCase(t, "true")) return true;
    if (detail::equalsIgnoreCase(t, "false")) return false;
    throw ConfigException("'" + std::string(s) + "' is not a boolean (expected 'true' or 'false')");
}

std::string ConfigValue<bool>::format(bool v) {
    return v ? "true" : "false";
}

int32_t ConfigValue<int32_t>::parse(std::string_view s) {
    return parseInteger<int32_t>(s, "32-bit integer");
}

std::string ConfigValue<int32_t>::format(int32_t v) {
    return std::to_string(v);
}

int64_t ConfigValue<int64_t>::parse(std::string_view s) {
    return parseInteger<int64_t>(s, "64-bit integer");
}

std::string ConfigValue<int64_t>::format(int64_t v) {
    return std::to_string(v);
}

double ConfigValue<double>::parse(std::string_view s) {
    std::string_view t = skipPlus(trim(s));
    double value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec == std::errc::result_out_of_range) {
        throw ConfigException("'" + std::string(s) + "' is out of range for a double");
    }
    if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
        throw ConfigException("'" + std::string(s) +
                              "' is not a number (expected a decimal such as '0.75' or '1e-3')");
    }
    return value;
}

std::string ConfigValue<double>::format(double v) {
    // Shortest text that reads back as the same double.
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
    return std::string(buffer, end);
}

namespace detail {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

void throwBadEnum(std::string_view key, std::string_view value, std::string allowed) {
    std::string reason = "'" + std::string(value) + "' is not one of: " + allowed;
    if (key.empty()) throw ConfigException(reason);
    throwBadValue(std::string(key), std::string(value), reason);
}

void throwBadValue(const std::string& key, const std::string& value, const std::string& reason) {
    throw ConfigException("invalid value '" + value + "' for configuration key '" + key +
                          "': " + reason);
}

void throwMissing(const std::string& key) {
    throw ConfigException("configuration key '" + key +
                          "' is required but not set; set it in config.yaml or pass -D " + key +
                          "=<value>");
}

}  // namespace detail
}  // namespace weir
