#include <iostream>
#include <memory>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "client/program/job_library.h"
#include "graph/job_graph.h"
#include "graph/job_graph_description.h"
#include "weir/core/options.h"

namespace weir::cli {

namespace {

struct InfoArgs {
    ConfigArgs config;
    std::string library;
    std::vector<std::string> programArgs;
    int32_t parallelism = 0;
    bool fingerprint = false;
};

void runInfo(const InfoArgs& args) {
    Configuration base = args.config.load();
    if (args.parallelism > 0) base.set(options::kParallelism, args.parallelism);
    auto library = JobLibrary::open(args.library);
    ProgramPlan plan = library->extractPlan(args.programArgs, base);
    if (args.fingerprint) {
        JobGraph jobGraph = createJobGraph(plan.graph, plan.configuration);
        std::cout << jobGraphFingerprint(describeJobGraph(jobGraph)) << '\n';
        return;
    }
    std::cout << executionPlanJson(*plan.graph) << '\n';
}

}  // namespace

void addInfoCommand(CLI::App& app) {
    auto args = std::make_shared<InfoArgs>();
    CLI::App* cmd = app.add_subcommand("info", "Show the plan of a job library as JSON");
    args->config.addTo(*cmd);
    cmd->add_option("-p,--parallelism", args->parallelism, "Default parallelism of the job");
    cmd->add_flag("--fingerprint", args->fingerprint,
                  "Print the job graph's fingerprint instead of the plan");
    cmd->add_option("library", args->library, "The job library (built with weir_add_job)")
        ->required();
    cmd->prefix_command();  // everything after the library goes to the program's main()
    cmd->callback([args, cmd] {
        args->programArgs = cmd->remaining();
        runInfo(*args);
    });
}

}  // namespace weir::cli
