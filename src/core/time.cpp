#include "weir/core/time.h"

#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <string>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

struct TimeUnit {
    int64_t millis;
    std::array<std::string_view, 5> names;  // the first name is the one formatDuration writes
};

// Largest first, so formatDuration can stop at the first unit that divides exactly.
constexpr std::array<TimeUnit, 5> kUnits = {{
    {86'400'000, {"d", "day", "days"}},
    {3'600'000, {"h", "hour", "hours"}},
    {60'000, {"min", "m", "minute", "minutes"}},
    {1'000, {"s", "sec", "secs", "second", "seconds"}},
    {1, {"ms", "milli", "millis", "millisecond", "milliseconds"}},
}};

constexpr std::string_view kUnitList =
    "ms/milli/millis/millisecond/milliseconds, s/sec/secs/second/seconds, "
    "min/m/minute/minutes, h/hour/hours, d/day/days";

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

[[noreturn]] void throwBadDuration(std::string_view text, std::string_view reason) {
    throw ConfigException("invalid duration '" + std::string(text) + "': " + std::string(reason) +
                          "; write a whole number followed by a unit, e.g. '200ms', '10 s', "
                          "'1min', '2h' (units: " +
                          std::string(kUnitList) + "; a bare number means milliseconds)");
}

std::optional<int64_t> unitMillis(std::string_view unit) {
    if (unit.empty()) return 1;
    std::string lower(unit);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const TimeUnit& u : kUnits) {
        for (std::string_view name : u.names) {
            if (!name.empty() && name == lower) return u.millis;
        }
    }
    return std::nullopt;
}

}  // namespace

int64_t currentTimeMillis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Duration parseDuration(std::string_view text) {
    std::string_view s = trim(text);
    if (s.empty()) throwBadDuration(text, "it is empty");
    if (s.front() == '-') throwBadDuration(text, "a duration cannot be negative");

    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    size_t pos = 0;
    int64_t number = 0;
    while (pos < s.size() && isDigit(s[pos])) {
        int digit = s[pos] - '0';
        if (number > (kMax - digit) / 10) throwBadDuration(text, "the number is too large");
        number = number * 10 + digit;
        ++pos;
    }
    if (pos == 0) throwBadDuration(text, "it does not start with a number");

    std::string_view unit = trim(s.substr(pos));
    std::optional<int64_t> millis = unitMillis(unit);
    if (!millis) throwBadDuration(text, "unknown time unit '" + std::string(unit) + "'");
    if (number > kMax / *millis) throwBadDuration(text, "it is too long to count in milliseconds");
    return Duration(number * *millis);
}

std::string formatDuration(Duration d) {
    const int64_t count = d.count();
    if (count == 0) return "0ms";
    for (const TimeUnit& u : kUnits) {
        if (count % u.millis == 0)
            return std::to_string(count / u.millis) + std::string(u.names[0]);
    }
    return std::to_string(count) + "ms";  // unreachable: every count divides by 1ms
}

}  // namespace weir
