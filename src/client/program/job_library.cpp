#include "client/program/job_library.h"

#include <dlfcn.h>

#include <filesystem>

#include "weir/core/exceptions.h"

namespace weir {

std::shared_ptr<JobLibrary> JobLibrary::open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw ProgramInvocationException("job library '" + path + "' does not exist");
    // RTLD_LOCAL: the program's symbols stay private to it, so two jobs (or two versions of one)
    // never see each other's code; engine symbols resolve to the engine already loaded.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        throw ProgramInvocationException("cannot load job library '" + path +
                                         "': " + (why ? why : "unknown dlopen error"));
    }
    ::dlerror();
    void* main = ::dlsym(handle, "main");
    if (!main) {
        ::dlclose(handle);
        throw ProgramInvocationException(
            "job library '" + path +
            "' has no entry point: it must define int main(int argc, char** argv) that builds the "
            "job and calls env.execute() (build it with weir_add_job from the Weir CMake "
            "package)");
    }
    return std::shared_ptr<JobLibrary>(
        new JobLibrary(path, handle, reinterpret_cast<EntryPoint>(main)));
}

JobLibrary::~JobLibrary() {
    if (handle_) ::dlclose(handle_);
}

ProgramPlan JobLibrary::extractPlan(const std::vector<std::string>& args,
                                    const Configuration& base) {
    std::vector<std::string> storage;
    storage.reserve(args.size() + 1);
    storage.push_back(path_);
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);

    PlanCapture capture(base);
    int code = 0;
    try {
        code = entry_(static_cast<int>(storage.size()), argv.data());
    } catch (const ProgramPlanCaptured&) {
    } catch (const std::exception& e) {
        if (!capture.plan())
            throw ProgramInvocationException("the program in '" + path_ +
                                             "' failed before it called execute(): " + e.what());
    } catch (...) {
        if (!capture.plan())
            throw ProgramInvocationException(
                "the program in '" + path_ +
                "' failed before it called execute() (an exception not derived from "
                "std::exception)");
    }
    if (!capture.plan())
        throw ProgramInvocationException(
            "the program in '" + path_ + "' returned (exit code " + std::to_string(code) +
            ") without calling execute() on its StreamExecutionEnvironment; check its arguments");
    ProgramPlan plan = std::move(*capture.plan());
    auto graph = std::make_shared<StreamGraph>(*plan.graph);
    graph->codeOwner = shared_from_this();
    plan.graph = std::move(graph);
    return plan;
}

}  // namespace weir
