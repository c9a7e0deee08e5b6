// weir: the command line of the Weir cluster (Flink's `flink` and its cluster scripts in one
// executable with verbs). Every verb reports a user error as one line and exits with 1.

#include <iostream>

#include "cli/cli_options.h"
#include "cli/commands.h"
#include "weir/core/exceptions.h"

#ifndef WEIR_VERSION
#define WEIR_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
    CLI::App app{"Weir: a stream-and-batch dataflow engine with Apache Flink's programming model",
                 "weir"};
    app.set_version_flag("--version", std::string("Weir ") + WEIR_VERSION);
    app.require_subcommand(1);
    weir::cli::addInfoCommand(app);
    std::string verb;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        for (const CLI::App* sub : app.get_subcommands()) verb = sub->get_name();
        std::cerr << "weir" << (verb.empty() ? "" : " " + verb) << ": " << e.what() << '\n';
        return 1;
    }
    return 0;
}
