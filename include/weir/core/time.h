#pragma once
// Time in Weir: durations are std::chrono::milliseconds, timestamps and watermarks are int64
// milliseconds since the epoch.

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace weir {

using Duration = std::chrono::milliseconds;

/// Marks a record that carries no event timestamp.
inline constexpr int64_t kNoTimestamp = std::numeric_limits<int64_t>::min();
/// The smallest watermark: nothing is known yet.
inline constexpr int64_t kMinWatermark = std::numeric_limits<int64_t>::min();
/// The watermark emitted at end of input: every event-time timer and window fires.
inline constexpr int64_t kMaxWatermark = std::numeric_limits<int64_t>::max();

/// Wall-clock milliseconds since the epoch (processing time).
int64_t currentTimeMillis();

/// Parses a duration the way Flink's configuration does: "200ms", "10 s", "1min", "2h", "1d";
/// a bare number means milliseconds. Throws ConfigException naming the text on bad input.
Duration parseDuration(std::string_view text);

/// Formats a duration in its largest exact unit ("2s", "1min", "150ms").
std::string formatDuration(Duration d);

}  // namespace weir
