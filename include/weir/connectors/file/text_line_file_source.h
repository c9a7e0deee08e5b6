#pragma once
// TextLineFileSource (readTextFile): the lines of a file, or of every file in a directory
// (recursively; names starting with '.' or '_' are skipped). Bounded. Each file is cut into byte
// ranges, one per subtask, at line boundaries, so a large file is read in parallel; a line
// belongs to the range in which it starts. Lines end at '\n' (a preceding '\r' is dropped).

#include <memory>
#include <string>

#include "weir/functions/source.h"

namespace weir {

class TextLineFileSource final : public Source<std::string> {
public:
    explicit TextLineFileSource(std::string path) : path_(std::move(path)) {}
    Boundedness getBoundedness() const override { return Boundedness::BOUNDED; }
    /// Throws weir::Exception naming the path when it does not exist or cannot be read.
    std::unique_ptr<SourceReader<std::string>> createReader(
        const SourceReaderContext& context) const override;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace weir
