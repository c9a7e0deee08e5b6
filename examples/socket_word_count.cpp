// Socket WordCount: counts the words of lines read from a TCP server and prints a rolling count
// per word. Start a server first, e.g. `nc -lk 9999`, then type lines into it.
//
//   socket_word_count [--host localhost] [--port 9999]
#include <cctype>
#include <string>
#include <utility>

#include <weir/weir.h>

int main(int argc, char** argv) {
    using WordCount = std::pair<std::string, int64_t>;
    try {
        auto env = weir::StreamExecutionEnvironment::create(argc, argv);
        std::string host = "localhost";
        int port = 9999;
        const auto& args = env.programArguments();
        for (size_t i = 0; i + 1 < args.size(); ++i) {
            if (args[i] == "--host") host = args[i + 1];
            if (args[i] == "--port") port = std::stoi(args[i + 1]);
        }
        env.socketTextStream(host, port)
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
            .sum<1>()
            .print();
        env.execute("Socket WordCount");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "socket_word_count: %s\n", e.what());
        return 1;
    }
}
