// Batch WordCount: the same program as word_count, run in BATCH mode on bounded input, so each
// word's count is emitted once, at the end (what a batch system computes).
//
//   batch_word_count [--input FILE] [--output PATH] [-p N]
#include <cctype>
#include <string>
#include <utility>

#include <weir/weir.h>

int main(int argc, char** argv) {
    using WordCount = std::pair<std::string, int64_t>;
    try {
        auto env = weir::StreamExecutionEnvironment::create(argc, argv);
        env.setRuntimeMode(weir::RuntimeExecutionMode::BATCH);
        const auto& args = env.programArguments();
        std::string input, output;
        for (size_t i = 0; i + 1 < args.size(); ++i) {
            if (args[i] == "--input") input = args[i + 1];
            if (args[i] == "--output") output = args[i + 1];
        }
        auto lines =
            input.empty()
                ? env.fromElements<std::string>({"one fish two fish", "red fish blue fish"})
                : env.readTextFile(input);
        auto counts =
            lines
                .flatMap([](const std::string& line, weir::Collector<WordCount>& out) {
                    std::string word;
                    for (char c : line + " ") {
                        if (std::isalnum(static_cast<unsigned char>(c))) {
                            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        } else if (!word.empty()) {
                            out.collect({word, 1});
                            word.clear();
                        }
                    }
                })
                .keyBy([](const WordCount& wc) { return wc.first; })
                .sum<1>();
        if (output.empty())
            counts.print();
        else
            counts.writeAsText(output, weir::WriteMode::OVERWRITE);
        env.execute("Batch WordCount");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "batch_word_count: %s\n", e.what());
        return 1;
    }
}
