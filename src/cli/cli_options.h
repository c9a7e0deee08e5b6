#pragma once
// What every `weir` verb shares: the configuration directory and -D overrides, and how a verb
// reports a user error (one line on stderr, exit code 1).

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "weir/core/configuration.h"

namespace weir::cli {

/// --config-dir and -D key=value, added to a (sub)command.
struct ConfigArgs {
    std::string configDir;
    std::vector<std::string> dynamicProperties;

    void addTo(CLI::App& app);
    /// conf/config.yaml from --config-dir, $WEIR_CONF_DIR or ./conf, then the -D overrides.
    Configuration load() const;
};

/// A verb's failure that the user can fix; main() prints "weir <verb>: <message>".
class CommandError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace weir::cli
