// WordCount: the classic first Weir program. Counts the words of a text and prints a rolling
// count per word (STREAMING) or one final count per word (BATCH).
//
//   word_count                          # built-in text, streaming, embedded mini-cluster
//   word_count --input README.md -p 2   # a file, parallelism 2
//   word_count -D execution.runtime-mode=BATCH --output /tmp/counts
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include <weir/weir.h>

namespace {

const std::vector<std::string> kText = {
    "To be, or not to be,--that is the question:--",
    "Whether 'tis nobler in the mind to suffer",
    "The slings and arrows of outrageous fortune",
    "Or to take arms against a sea of troubles,",
    "And by opposing end them?--To die,--to sleep,--",
    "No more; and by a sleep to say we end",
    "The heartache, and the thousand natural shocks",
    "That flesh is heir to,--'tis a consummation",
    "Devoutly to be wish'd. To die,--to sleep;--",
    "To sleep! perchance to dream:--ay, there's the rub;",
};

/// Splits a line into lower-case words.
void tokenize(const std::string& line, weir::Collector<std::pair<std::string, int64_t>>& out) {
    std::string word;
    for (char c : line + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
            out.collect({word, 1});
            word.clear();
        }
    }
}

std::string argumentAfter(const std::vector<std::string>& args, const std::string& flag) {
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == flag) return args[i + 1];
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto env = weir::StreamExecutionEnvironment::create(argc, argv);
        const std::string input = argumentAfter(env.programArguments(), "--input");
        const std::string output = argumentAfter(env.programArguments(), "--output");

        auto text = input.empty() ? env.fromCollection(kText).name("built-in text")
                                  : env.readTextFile(input);
        auto counts = text.flatMap(tokenize)
                          .name("tokenizer")
                          .keyBy([](const std::pair<std::string, int64_t>& p) { return p.first; })
                          .sum<1>()
                          .name("counter");
        if (output.empty()) {
            counts.print();
        } else {
            counts.writeAsText(output, weir::WriteMode::OVERWRITE).name("file-sink");
        }
        env.execute("WordCount");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "word_count: %s\n", e.what());
        return 1;
    }
}
