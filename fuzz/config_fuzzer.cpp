// Fuzzes the configuration parsers: YAML documents, durations and memory sizes either parse or
// raise ConfigException with a message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "weir/core/configuration.h"
#include "weir/core/memory_size.h"
#include "weir/core/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto conf = weir::Configuration::fromYamlString(text, "fuzz.yaml");
        for (const auto& [k, v] : conf.entries()) (void)k.size();
    } catch (const weir::ConfigException&) {
    }
    try {
        (void)weir::parseDuration(text);
    } catch (const weir::ConfigException&) {
    }
    try {
        (void)weir::MemorySize::parse(text);
    } catch (const weir::ConfigException&) {
    }
    return 0;
}
