#pragma once
// SocketTextSource (socketTextStream): records separated by `delimiter`, read from a TCP server.
// Unbounded, not parallel. A background thread reads the socket into a bounded queue (so a slow
// job applies backpressure to the connection, not to memory); the task polls that queue. The
// input ends when the server closes the connection (after `maxRetries` reconnection attempts,
// one per `retryInterval`). A source that cannot connect fails the job with the address.

#include <chrono>
#include <memory>
#include <string>

#include "weir/functions/source.h"

namespace weir {

class SocketTextSource final : public Source<std::string> {
public:
    SocketTextSource(std::string host, int port, char delimiter = '\n', int maxRetries = 0,
                     std::chrono::milliseconds retryInterval = std::chrono::milliseconds(500))
        : host_(std::move(host)),
          port_(port),
          delimiter_(delimiter),
          maxRetries_(maxRetries),
          retryInterval_(retryInterval) {}
    Boundedness getBoundedness() const override { return Boundedness::CONTINUOUS_UNBOUNDED; }
    std::unique_ptr<SourceReader<std::string>> createReader(
        const SourceReaderContext& context) const override;

private:
    std::string host_;
    int port_;
    char delimiter_;
    int maxRetries_;
    std::chrono::milliseconds retryInterval_;
};

}  // namespace weir
