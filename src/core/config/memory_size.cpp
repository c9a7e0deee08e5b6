#include "weir/core/memory_size.h"

#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <string>

#include "weir/core/configuration.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

struct SizeUnit {
    int shift;
    std::array<std::string_view, 3> names;  // the second name is the one toString writes
};

// Largest first, so toString can stop at the first unit that divides exactly.
constexpr std::array<SizeUnit, 5> kUnits = {{
    {40, {"t", "tb", "tebibytes"}},
    {30, {"g", "gb", "gibibytes"}},
    {20, {"m", "mb", "mebibytes"}},
    {10, {"k", "kb", "kibibytes"}},
    {0, {"b", "b", "bytes"}},
}};

constexpr std::string_view kUnitList =
    "b/bytes, k/kb/kibibytes, m/mb/mebibytes, g/gb/gibibytes, t/tb/tebibytes";

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

[[noreturn]] void throwBadSize(std::string_view text, std::string_view reason) {
    throw ConfigException("invalid memory size '" + std::string(text) +
                          "': " + std::string(reason) +
                          "; write a whole number followed by a unit, e.g. '512', '32kb', "
                          "'64 mb', '1g' (units: " +
                          std::string(kUnitList) + "; a bare number means bytes)");
}

std::optional<int> unitShift(std::string_view unit) {
    if (unit.empty()) return 0;
    for (const SizeUnit& u : kUnits) {
        for (std::string_view name : u.names) {
            if (detail::equalsIgnoreCase(unit, name)) return u.shift;
        }
    }
    return std::nullopt;
}

}  // namespace

MemorySize MemorySize::parse(std::string_view text) {
    std::string_view s = trim(text);
    if (s.empty()) throwBadSize(text, "it is empty");
    if (s.front() == '-') throwBadSize(text, "a memory size cannot be negative");

    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    size_t pos = 0;
    uint64_t number = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        auto digit = static_cast<uint64_t>(s[pos] - '0');
        if (number > (kMax - digit) / 10) throwBadSize(text, "the number is too large");
        number = number * 10 + digit;
        ++pos;
    }
    if (pos == 0) throwBadSize(text, "it does not start with a number");

    std::string_view unit = trim(s.substr(pos));
    std::optional<int> shift = unitShift(unit);
    if (!shift) throwBadSize(text, "unknown size unit '" + std::string(unit) + "'");
    if (number > (kMax >> *shift)) throwBadSize(text, "it does not fit in 64 bits of bytes");
    return MemorySize(number << *shift);
}

std::string MemorySize::toString() const {
    if (bytes_ == 0) return "0b";
    for (const SizeUnit& u : kUnits) {
        const uint64_t unitBytes = uint64_t{1} << u.shift;
        if (bytes_ % unitBytes == 0)
            return std::to_string(bytes_ >> u.shift) + std::string(u.names[1]);
    }
    return std::to_string(bytes_) + "b";  // unreachable: every size divides by 1 byte
}

}  // namespace weir
