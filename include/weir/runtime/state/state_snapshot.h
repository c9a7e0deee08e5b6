#pragma once
// The canonical snapshot format of state, shared by every state backend, by checkpoints and by
// savepoints (so a snapshot restores with another backend and at another parallelism).
//
// Keyed state of one operator subtask is one byte blob with one section per key group of its
// range (offsets index the sections, so a restoring subtask reads only the groups it owns):
//   section   := u32 numStates, then per state: string name, u32 numEntries, entries
//   entry     := string key (serialized key + namespace), u32 valueLength, value bytes
// A state's value bytes are its serialized value (a list state: the serialized vector; a map
// state: varint n, then n x (string userKey, string value)); timers are entries of the state
// "_timers/<name>" keyed by the timer's key.
//
// Operator state is a list of named entries, each a list of serialized elements, with the mode
// that says how the elements are redistributed when the parallelism changes.

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/core/byte_io.h"
#include "weir/core/key_groups.h"
#include "weir/functions/operator_state_entry.h"

namespace weir {

/// The types a snapshot of keyed state was taken with: the key's serializer identity and each
/// state's typeIdentity(), by state name.
struct KeyedStateTypes {
    std::string keyType;
    std::map<std::string, std::string> states;
    friend bool operator==(const KeyedStateTypes&, const KeyedStateTypes&) = default;
};

/// Writes one state's entries of a key group in the snapshot format and returns how many.
using KeyGroupWriter = std::function<uint32_t(int32_t keyGroup, ByteWriter& out)>;

/// The sections of a keyed snapshot whose RocksDB states are still to be read (from a RocksDB
/// snapshot taken with the synchronous part): per key group, in section order, parts that were
/// written on the task thread and parts that a writer produces later.
struct DeferredKeyedSections {
    struct Part {
        /// A registered state (index into names and writers) whose writer writes its entries,
        /// or -1: a state's whole block (name, count, entries) at bytes[begin, end).
        int32_t state = -1;
        uint64_t begin = 0, end = 0;
    };
    /// The registered states' names and writers (empty: written on the task thread).
    std::vector<std::string> names;
    std::vector<KeyGroupWriter> writers;
    std::string bytes;
    /// parts[partsOf[i] .. partsOf[i + 1]) are the parts of key group range.start + i.
    std::vector<Part> parts;
    std::vector<size_t> partsOf;
};

/// The keyed state of one operator subtask.
struct KeyedStateSnapshot {
    KeyGroupRange range;
    KeyedStateTypes types;
    std::string data;
    /// offsets[i] .. offsets[i + 1] is the section of key group range.start + i.
    std::vector<uint64_t> offsets;
    /// Set by a snapshot whose entries are partly still to be written (RocksDB states read on an
    /// I/O thread): data and offsets are empty until complete().
    std::shared_ptr<const DeferredKeyedSections> deferred;

    /// Writes the deferred sections into data and offsets (a no-op if there are none). On any
    /// thread; throws what the writers throw (a RocksDB read error).
    void complete();

    std::string_view section(int32_t keyGroup) const {
        size_t i = static_cast<size_t>(keyGroup - range.start);
        return std::string_view(data).substr(offsets[i], offsets[i + 1] - offsets[i]);
    }
};

/// One key group's section of a keyed snapshot, as handed to a restoring backend.
struct KeyGroupSection {
    int32_t keyGroup = 0;
    std::string_view bytes;
};

namespace snapshot_format {

inline void patchU32(ByteWriter& out, size_t offset, uint32_t value) {
    std::memcpy(out.at(offset), &value, sizeof value);
}

/// Writes one entry; `writeValue(ByteWriter&)` serializes the value.
template <class WriteValue>
void writeEntry(ByteWriter& out, std::string_view key, WriteValue&& writeValue) {
    out.writeString(key);
    size_t lengthAt = out.reserve(4);
    writeValue(out);
    patchU32(out, lengthAt, static_cast<uint32_t>(out.size() - lengthAt - 4));
}

/// Reads a string or a u32-length value without copying it.
inline std::string_view readView(ByteReader& in, size_t length) {
    const char* p = reinterpret_cast<const char*>(in.position());
    in.skip(length);
    return {p, length};
}
inline std::string_view readKey(ByteReader& in) {
    return readView(in, in.readLength());
}
inline std::string_view readValue(ByteReader& in) {
    return readView(in, in.readFixed<uint32_t>());
}

inline ByteReader readerOf(std::string_view bytes) {
    return ByteReader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace snapshot_format
}  // namespace weir
