#pragma once
// The exception types that cross Weir's public boundary. Every message names the place and, where
// there is one, the fix.

#include <stdexcept>
#include <string>

namespace weir {

/// Base of every exception Weir throws on purpose.
class Exception : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A configuration key has a bad value, or a required key is missing.
class ConfigException : public Exception {
public:
    using Exception::Exception;
};

/// The program is not a valid Weir program (API misuse found while building the graph).
class InvalidProgramException : public Exception {
public:
    using Exception::Exception;
};

/// Bytes could not be turned back into a value (truncated, corrupt or of another type).
class SerializationException : public Exception {
public:
    using Exception::Exception;
};

/// An internal invariant was broken (a bug in Weir, never the user's input).
class InternalError : public Exception {
public:
    using Exception::Exception;
};

/// State could not be restored: a snapshot that does not fit the program (another state type,
/// key groups outside the range, state of an operator that no longer exists).
class StateMigrationException : public Exception {
public:
    using Exception::Exception;
};

/// A checkpoint or savepoint could not be taken, stored or read (I/O errors, size limits,
/// corrupt metadata). The message names the checkpoint and the file.
class CheckpointException : public Exception {
public:
    using Exception::Exception;
};

/// A job program could not be loaded or run to get its job: a job library that cannot be
/// opened or has no entry point, or a program that failed or exited before execute().
class ProgramInvocationException : public Exception {
public:
    using Exception::Exception;
};

/// A cluster could not be reached or refused a request (address, port and reason in what()).
class ClusterException : public Exception {
public:
    using Exception::Exception;
};

/// A job failed. what() gives the job, the failing task and the root cause.
class JobExecutionException : public Exception {
public:
    JobExecutionException(std::string jobName, const std::string& message)
        : Exception(message), jobName_(std::move(jobName)) {}
    const std::string& jobName() const { return jobName_; }

private:
    std::string jobName_;
};

/// A job was cancelled before it finished.
class JobCancellationException : public JobExecutionException {
public:
    using JobExecutionException::JobExecutionException;
};

}  // namespace weir
