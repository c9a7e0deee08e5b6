#pragma once
// OutputTag<T>: names a side output of type T. Side outputs are typed: records go to the
// consumers of a tag with the same id *and* element type (its routing key), and asking one
// operator for one id with two element types is an error when the graph is built.

#include <string>

#include "weir/core/exceptions.h"
#include "weir/core/serializer.h"

namespace weir {

template <class T>
class OutputTag {
public:
    using Type = T;
    explicit OutputTag(std::string id)
        : id_(std::move(id)), routingKey_(id_ + "<" + serializerIdentity<T>() + ">") {
        if (id_.empty()) throw InvalidProgramException("an OutputTag needs a non-empty id");
    }
    const std::string& id() const { return id_; }
    /// What outputs route by: the id and the element type's serializer identity.
    const std::string& routingKey() const { return routingKey_; }

private:
    std::string id_;
    std::string routingKey_;
};

}  // namespace weir
