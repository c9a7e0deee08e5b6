#include "cli/cli_options.h"

#include <cstdlib>
#include <filesystem>

namespace weir::cli {

void ConfigArgs::addTo(CLI::App& app) {
    app.add_option("--config-dir", configDir,
                   "Directory with config.yaml (default: $WEIR_CONF_DIR, else ./conf)");
    app.add_option("-D", dynamicProperties, "Configuration override key=value (repeatable)")
        ->allow_extra_args(false);
}

Configuration ConfigArgs::load() const {
    std::filesystem::path dir;
    if (!configDir.empty()) {
        dir = configDir;
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw CommandError("configuration directory '" + configDir + "' does not exist");
    } else if (const char* env = std::getenv("WEIR_CONF_DIR"); env && *env) {
        dir = env;
    } else {
        dir = "conf";
    }
    Configuration conf;
    std::error_code ec;
    if (std::filesystem::exists(dir / "config.yaml", ec))
        conf = Configuration::fromYamlFile((dir / "config.yaml").string());
    for (const auto& kv : dynamicProperties) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw CommandError("invalid -D '" + kv + "': expected key=value");
        conf.setString(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return conf;
}

}  // namespace weir::cli
