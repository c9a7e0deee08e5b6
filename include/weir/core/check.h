#pragma once
// WEIR_CHECK(cond) << "message": an invariant checked in every build. A failure throws
// weir::InternalError (the task boundary turns it into a failure cause); it never aborts. A
// check that fails while another exception unwinds the stack (in a destructor) is logged
// instead: throwing then would terminate the process.
// WEIR_DCHECK is the same for hot paths and compiles away in release builds.

#include <exception>
#include <sstream>
#include <string>

#include "weir/core/exceptions.h"

namespace weir::detail {

/// Logs a check failure that cannot be thrown (the stack is unwinding).
void logCheckFailureDuringUnwinding(const std::string& message) noexcept;

class CheckFailure {
public:
    CheckFailure(const char* file, int line, const char* condition) {
        stream_ << "check failed at " << file << ":" << line << ": " << condition;
    }
    template <class T>
    CheckFailure& operator<<(const T& v) {
        if (!hasMessage_) {
            stream_ << ": ";
            hasMessage_ = true;
        }
        stream_ << v;
        return *this;
    }
    ~CheckFailure() noexcept(false) {
        // Another exception is propagating: the check runs in a destructor during unwinding.
        if (std::uncaught_exceptions() > 0) {
            logCheckFailureDuringUnwinding(stream_.str());
            return;
        }
        throw InternalError(stream_.str());
    }

private:
    std::ostringstream stream_;
    bool hasMessage_ = false;
};

}  // namespace weir::detail

#define WEIR_CHECK(cond) \
    if (cond) {          \
    } else               \
        ::weir::detail::CheckFailure(__FILE__, __LINE__, #cond)

#ifdef NDEBUG
#define WEIR_DCHECK(cond) \
    if (true) {           \
    } else                \
        ::weir::detail::CheckFailure(__FILE__, __LINE__, #cond)
#else
#define WEIR_DCHECK(cond) WEIR_CHECK(cond)
#endif
