#pragma once
// WEIR_CHECK(cond) << "message": an invariant checked in every build. A failure throws
// weir::InternalError (the task boundary turns it into a failure cause); it never aborts.
// WEIR_DCHECK is the same for hot paths and compiles away in release builds.

#include <sstream>
#include <string>

#include "weir/core/exceptions.h"

namespace weir::detail {

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
    [[noreturn]] ~CheckFailure() noexcept(false) { throw InternalError(stream_.str()); }

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
