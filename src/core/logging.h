#pragma once
// Internal logging: one spdlog logger named "weir", writing to standard error.
// The level comes from $WEIR_LOG_LEVEL (trace, debug, info, warn, error, off; default warn) so
// that a program's own output stays readable; `weir` processes set it from their configuration.

#include <spdlog/spdlog.h>

namespace weir::log {

spdlog::logger& logger();
void setLevel(const std::string& level);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    logger().debug(f, std::forward<Args>(args)...);
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    logger().info(f, std::forward<Args>(args)...);
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
    logger().warn(f, std::forward<Args>(args)...);
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    logger().error(f, std::forward<Args>(args)...);
}

}  // namespace weir::log
