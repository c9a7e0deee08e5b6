// WordCount written against API.md only, built outside the Weir tree.
#include <string>
#include <utility>

#include <weir/weir.h>

int main(int argc, char** argv) {
    using WordCount = std::pair<std::string, int64_t>;
    auto env = weir::StreamExecutionEnvironment::create(argc, argv);
    env.setRuntimeMode(weir::RuntimeExecutionMode::BATCH);
    env.fromElements<std::string>({"to be or not to be", "that is the question"})
        .flatMap([](const std::string& line, weir::Collector<WordCount>& out) {
            size_t start = 0;
            while (start <= line.size()) {
                size_t end = line.find(' ', start);
                if (end == std::string::npos) end = line.size();
                if (end > start) out.collect({line.substr(start, end - start), 1});
                start = end + 1;
            }
        })
        .keyBy([](const WordCount& wc) { return wc.first; })
        .sum<1>()
        .print();
    env.execute("consumer word count");
    return 0;
}
