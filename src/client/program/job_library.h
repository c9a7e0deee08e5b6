#pragma once
// JobLibrary: a job built as a shared library by weir_add_job, loaded with dlopen(RTLD_LOCAL)
// into a process that already has the engine's shared libraries loaded (the library links
// against the same libweir*.so, so engine types and their type_info are shared with it).
//
// Its entry point is the program's own `int main(int argc, char** argv)`: extractPlan() runs it
// under a PlanCapture and returns the job it builds (see plan_capture.h). The library stays
// loaded while a graph built from it exists (StreamGraph::codeOwner).
//
// Thread-safety: extractPlan() may be called from several threads (one capture per thread), but
// programs that keep global state may not like it; the cluster calls it from one thread per job.

#include <memory>
#include <string>
#include <vector>

#include "client/program/plan_capture.h"

namespace weir {

class JobLibrary : public std::enable_shared_from_this<JobLibrary> {
public:
    /// Opens the library. Throws ProgramInvocationException naming the file when it cannot be
    /// loaded (missing, not a shared library, unresolved symbols) or has no `main`.
    static std::shared_ptr<JobLibrary> open(const std::string& path);
    ~JobLibrary();
    JobLibrary(const JobLibrary&) = delete;
    JobLibrary& operator=(const JobLibrary&) = delete;

    const std::string& path() const { return path_; }

    /// Runs main(path, args...) with `base` as the environment's configuration (before the
    /// program's own -D/-p arguments) and returns the job it executes. Throws
    /// ProgramInvocationException when main throws, or returns without calling execute().
    ProgramPlan extractPlan(const std::vector<std::string>& args, const Configuration& base);

private:
    using EntryPoint = int (*)(int, char**);
    JobLibrary(std::string path, void* handle, EntryPoint entry)
        : path_(std::move(path)), handle_(handle), entry_(entry) {}

    std::string path_;
    void* handle_;
    EntryPoint entry_;
};

}  // namespace weir
