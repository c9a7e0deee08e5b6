#include <cstdio>
#include <string>

#include "weir/connectors/print_sink.h"

namespace weir::detail {

void writeLine(std::FILE* stream, const std::string& line) {
    // One fwrite per line: stdio locks the stream per call, so lines of different subtasks never
    // interleave.
    std::fwrite(line.data(), 1, line.size(), stream);
}

}  // namespace weir::detail
