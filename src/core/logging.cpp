#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

#include "weir/core/check.h"

namespace weir::log {

spdlog::logger& logger() {
    static std::shared_ptr<spdlog::logger> instance = [] {
        auto l = spdlog::stderr_color_mt("weir");
        const char* level = std::getenv("WEIR_LOG_LEVEL");
        l->set_level(spdlog::level::from_str(level ? level : "warn"));
        l->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%t] %v");
        return l;
    }();
    return *instance;
}

void setLevel(const std::string& level) {
    logger().set_level(spdlog::level::from_str(level));
}

}  // namespace weir::log

namespace weir::detail {

void logCheckFailureDuringUnwinding(const std::string& message) noexcept {
    try {
        log::error("{} (while another exception was propagating, so it was not thrown)", message);
    } catch (...) {
    }
}

}  // namespace weir::detail
