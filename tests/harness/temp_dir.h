#pragma once
// TempDir: a fresh directory under the system's temporary directory, deleted with everything in
// it when the object goes.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace weir::testing {

struct TempDir {
    explicit TempDir(const std::string& prefix = "weir-test") {
        static std::atomic<int> counter{0};
        path = (std::filesystem::temp_directory_path() /
                (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                   .string();
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string path;
};

}  // namespace weir::testing
