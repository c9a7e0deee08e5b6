#pragma once
// The verbs of the `weir` command line; each adds its subcommand to the application.

#include <CLI/CLI.hpp>

namespace weir::cli {

/// `weir info job.so [args...]`: the job's plan as JSON.
void addInfoCommand(CLI::App& app);

}  // namespace weir::cli
