#include "cli/cli_options.h"

#include <filesystem>

namespace weir::cli {

void ConfigArgs::addTo(CLI::App& app) {
    app.add_option("--config-dir", configDir,
                   "Directory with config.yaml (default: $WEIR_CONF_DIR, else ./conf)");
    app.add_option("-D", dynamicProperties, "Configuration override key=value (repeatable)")
        ->allow_extra_args(false);
}

Configuration ConfigArgs::load() const {
    Configuration conf;
    if (configDir.empty()) {
        conf = Configuration::loadDefault();
    } else {
        std::error_code ec;
        if (!std::filesystem::is_directory(configDir, ec))
            throw CommandError("configuration directory '" + configDir + "' does not exist");
        std::filesystem::path file = std::filesystem::path(configDir) / "config.yaml";
        if (std::filesystem::exists(file, ec)) conf = Configuration::fromYamlFile(file.string());
    }
    // The -D overrides, parsed (and refused with the same messages) as a program's own.
    std::vector<std::string> args{"weir"};
    for (const auto& kv : dynamicProperties) args.push_back("-D" + kv);
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    conf.addAll(Configuration::fromCommandLine(static_cast<int>(argv.size()), argv.data()));
    return conf;
}

}  // namespace weir::cli
