#include "weir/connectors/text_output_sink.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "weir/core/exceptions.h"

namespace weir::detail {

namespace fs = std::filesystem;

std::FILE* openTextOutput(const std::string& path, WriteMode mode, int32_t subtaskIndex,
                          int32_t parallelism) {
    fs::path target = path;
    std::error_code ec;
    if (parallelism > 1) {
        if (fs::exists(path, ec) && !fs::is_directory(path, ec)) {
            if (mode == WriteMode::NO_OVERWRITE)
                throw Exception("writeAsText: output path '" + path +
                                "' exists and is a file; remove it or use WriteMode::OVERWRITE");
            fs::remove(path, ec);
        }
        fs::create_directories(path, ec);
        target = fs::path(path) / std::to_string(subtaskIndex + 1);
    } else if (auto parent = target.parent_path(); !parent.empty()) {
        fs::create_directories(parent, ec);
    }
    if (mode == WriteMode::NO_OVERWRITE && fs::exists(target, ec))
        throw Exception("writeAsText: output file '" + target.string() +
                        "' already exists; remove it or use WriteMode::OVERWRITE");
    std::FILE* f = std::fopen(target.c_str(), "w");
    if (!f)
        throw Exception("writeAsText: cannot open '" + target.string() +
                        "': " + std::strerror(errno));
    return f;
}

void writeOrThrow(std::FILE* file, const std::string& data, const std::string& path) {
    if (std::fwrite(data.data(), 1, data.size(), file) != data.size())
        throw Exception("writeAsText: write to '" + path + "' failed: " + std::strerror(errno));
}

void closeOrThrow(std::FILE* file, const std::string& path) {
    if (std::fclose(file) != 0)
        throw Exception("writeAsText: closing '" + path + "' failed: " + std::strerror(errno));
}

}  // namespace weir::detail
