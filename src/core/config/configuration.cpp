// Configuration sources: config.yaml, the command line and the environment's default location.

#include "weir/core/configuration.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

constexpr std::string_view kParallelismKey = "parallelism.default";

std::string position(const std::string& sourceName, const YAML::Mark& mark) {
    if (mark.is_null()) return "'" + sourceName + "'";
    return "'" + sourceName + "' at line " + std::to_string(mark.line + 1) + ", column " +
           std::to_string(mark.column + 1);
}

void setFlowStyle(YAML::Node node) {
    if (node.IsSequence() || node.IsMap()) node.SetStyle(YAML::EmitterStyle::Flow);
    if (node.IsSequence()) {
        for (YAML::Node child : node) setFlowStyle(child);
    } else if (node.IsMap()) {
        for (auto entry : node) {
            setFlowStyle(entry.first);
            setFlowStyle(entry.second);
        }
    }
}

// A sequence as one line of YAML flow text: "[a, b]", "[{k: v}, \"x,y\"]".
std::string flowText(const YAML::Node& sequence) {
    YAML::Node copy = YAML::Clone(sequence);
    setFlowStyle(copy);
    YAML::Emitter emitter;
    emitter << copy;
    return emitter.c_str();
}

// Nested maps become dotted keys; scalars keep their text; sequences become flow text; nulls
// ("key:" or "key: ~") leave the key unset.
void flatten(const YAML::Node& map, const std::string& prefix, const std::string& sourceName,
             std::map<std::string, std::string, std::less<>>& out) {
    for (const auto& entry : map) {
        const YAML::Node& keyNode = entry.first;
        const YAML::Node& value = entry.second;
        if (!keyNode.IsScalar() || keyNode.Scalar().empty()) {
            throw ConfigException("invalid configuration in " +
                                  position(sourceName, keyNode.Mark()) +
                                  ": a key must be a non-empty plain string such as "
                                  "'parallelism.default'");
        }
        std::string key = prefix.empty() ? keyNode.Scalar() : prefix + "." + keyNode.Scalar();
        switch (value.Type()) {
            case YAML::NodeType::Map:
                flatten(value, key, sourceName, out);
                break;
            case YAML::NodeType::Sequence:
                out[key] = flowText(value);
                break;
            case YAML::NodeType::Scalar:
                out[key] = value.Scalar();
                break;
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                break;
        }
    }
}

std::pair<std::string, std::string> splitKeyValue(std::string_view keyValue,
                                                  std::string_view argument) {
    size_t eq = keyValue.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        throw ConfigException("invalid command-line argument '" + std::string(argument) +
                              "': expected -D key=value, e.g. -D parallelism.default=4");
    }
    return {std::string(keyValue.substr(0, eq)), std::string(keyValue.substr(eq + 1))};
}

std::string checkedParallelism(std::string_view value, std::string_view argument) {
    int32_t parallelism = 0;
    try {
        parallelism = ConfigValue<int32_t>::parse(value);
    } catch (const ConfigException& e) {
        throw ConfigException("invalid command-line argument '" + std::string(argument) +
                              "': " + e.what());
    }
    if (parallelism < 1) {
        throw ConfigException("invalid command-line argument '" + std::string(argument) +
                              "': the parallelism must be a positive number, e.g. -p 4");
    }
    return std::to_string(parallelism);
}

}  // namespace

Configuration Configuration::fromYamlFile(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ConfigException("cannot read configuration file '" + path +
                              "': it is a directory; point to the config.yaml file inside it");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigException("cannot read configuration file '" + path +
                              "': " + std::generic_category().message(errno) +
                              "; check the path (set WEIR_CONF_DIR to the folder holding "
                              "config.yaml)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigException("cannot read configuration file '" + path +
                              "': the read failed; check that it is a readable regular file");
    }
    return fromYamlString(text.str(), path);
}

Configuration Configuration::fromYamlString(std::string_view yaml, const std::string& sourceName) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        throw ConfigException("invalid YAML in " + position(sourceName, e.mark) + ": " + e.msg +
                              "; fix the syntax there (indentation, ':' after each key, "
                              "closed brackets and quotes)");
    }
    Configuration config;
    if (root.IsNull()) return config;
    if (!root.IsMap()) {
        throw ConfigException("invalid configuration in " + position(sourceName, root.Mark()) +
                              ": the top level must be a map of keys to values, e.g. "
                              "'parallelism.default: 4'");
    }
    flatten(root, "", sourceName, config.entries_);
    return config;
}

Configuration Configuration::fromCommandLine(int argc, const char* const* argv,
                                             std::vector<std::string>* remaining) {
    Configuration config;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-D") {
            if (i + 1 >= argc) {
                throw ConfigException(
                    "invalid command-line argument '-D': it needs a key=value after it, e.g. "
                    "-D parallelism.default=4");
            }
            std::string_view keyValue = argv[++i];
            auto [key, value] = splitKeyValue(keyValue, "-D " + std::string(keyValue));
            config.setString(std::move(key), std::move(value));
        } else if (arg.size() > 2 && arg.substr(0, 2) == "-D") {
            auto [key, value] = splitKeyValue(arg.substr(2), arg);
            config.setString(std::move(key), std::move(value));
        } else if (arg == "--parallelism" || arg == "-p") {
            if (i + 1 >= argc) {
                throw ConfigException("invalid command-line argument '" + std::string(arg) +
                                      "': it needs a number after it, e.g. " + std::string(arg) +
                                      " 4");
            }
            std::string_view value = argv[++i];
            config.setString(
                std::string(kParallelismKey),
                checkedParallelism(value, std::string(arg) + " " + std::string(value)));
        } else if (arg.starts_with("--parallelism=")) {
            config.setString(std::string(kParallelismKey),
                             checkedParallelism(arg.substr(arg.find('=') + 1), arg));
        } else if (remaining != nullptr) {
            remaining->emplace_back(arg);
        }
    }
    return config;
}

Configuration Configuration::loadDefault() {
    const char* confDir = std::getenv("WEIR_CONF_DIR");
    std::filesystem::path dir = (confDir != nullptr && *confDir != '\0')
                                    ? std::filesystem::path(confDir)
                                    : std::filesystem::path("conf");
    std::filesystem::path file = dir / "config.yaml";
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return Configuration();
    return fromYamlFile(file.string());
}

Configuration& Configuration::setString(std::string key, std::string value) {
    if (key.empty()) {
        throw ConfigException("cannot set value '" + value +
                              "': the configuration key is empty; use a key such as "
                              "'parallelism.default'");
    }
    entries_.insert_or_assign(std::move(key), std::move(value));
    return *this;
}

std::optional<std::string> Configuration::getString(std::string_view key) const {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

bool Configuration::contains(std::string_view key) const {
    return entries_.contains(key);
}

bool Configuration::remove(std::string_view key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
}

Configuration& Configuration::addAll(const Configuration& other) {
    for (const auto& [key, value] : other.entries_) entries_.insert_or_assign(key, value);
    return *this;
}

std::optional<std::pair<std::string, std::string>> Configuration::findRaw(
    const std::string& key, const std::vector<std::string>& fallbackKeys) const {
    if (auto it = entries_.find(key); it != entries_.end()) return *it;
    for (const std::string& fallback : fallbackKeys) {
        if (auto it = entries_.find(fallback); it != entries_.end()) return *it;
    }
    return std::nullopt;
}

}  // namespace weir
