// Warnings for configuration keys that no option reads.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "weir/core/configuration.h"

namespace weir {

namespace {

/// The prefixes of Flink's configuration and Weir's own: a key under one of them that nothing
/// reads is worth a warning; other keys (an application's own) are left alone.
constexpr std::string_view kPrefixes[] = {
    "parallelism.", "pipeline.",   "execution.", "state.",    "restart-strategy.",
    "taskmanager.", "jobmanager.", "rest.",      "table.",    "sql-client.",
    "heartbeat.",   "slot.",       "io.",        "metrics.",  "high-availability.",
    "web.",         "cluster.",    "blob.",      "security.", "classloader.",
    "weir.",
};

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::vector<std::string> unknownKeyWarnings(const Configuration& configuration,
                                            const std::vector<std::string>& knownKeys) {
    std::vector<std::string> warnings;
    for (const auto& entry : configuration.entries()) {
        const std::string& key = entry.first;  // a plain reference: lambdas may capture it
        bool watched = std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                                   [&](std::string_view p) { return key.rfind(p, 0) == 0; });
        if (!watched || std::find(knownKeys.begin(), knownKeys.end(), key) != knownKeys.end())
            continue;
        std::string warning = "configuration key '" + key +
                              "' is not an option of this version of Weir and is ignored";
        const std::string* nearest = nullptr;
        size_t best = std::max<size_t>(3, key.size() / 4) + 1;
        for (const auto& k : knownKeys)
            if (size_t d = editDistance(key, k); d < best) {
                best = d;
                nearest = &k;
            }
        if (nearest) warning += "; did you mean '" + *nearest + "'?";
        warnings.push_back(std::move(warning));
    }
    return warnings;
}

}  // namespace weir
