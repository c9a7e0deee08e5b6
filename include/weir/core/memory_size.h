#pragma once
// MemorySize: a number of bytes written as Flink writes it ("32kb", "64 mb", "1g", "512").

#include <cstdint>
#include <string>
#include <string_view>

namespace weir {

class MemorySize {
public:
    constexpr MemorySize() = default;
    constexpr explicit MemorySize(uint64_t bytes) : bytes_(bytes) {}
    static constexpr MemorySize ofKibiBytes(uint64_t k) { return MemorySize(k << 10); }
    static constexpr MemorySize ofMebiBytes(uint64_t m) { return MemorySize(m << 20); }

    /// Accepts b/bytes, k/kb/kibibytes, m/mb/mebibytes, g/gb/gibibytes, t/tb/tebibytes
    /// (case-insensitive, optional space); a bare number is bytes. Throws ConfigException.
    static MemorySize parse(std::string_view text);

    constexpr uint64_t bytes() const { return bytes_; }
    /// Largest exact unit: "32kb", "1gb", "100b".
    std::string toString() const;

    friend constexpr bool operator==(MemorySize a, MemorySize b) { return a.bytes_ == b.bytes_; }

private:
    uint64_t bytes_ = 0;
};

}  // namespace weir
