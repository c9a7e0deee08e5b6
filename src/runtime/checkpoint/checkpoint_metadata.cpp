#include "runtime/checkpoint/checkpoint_metadata.h"

#include <xxhash.h>

#include <cstring>

#include "weir/core/byte_io.h"
#include "weir/core/exceptions.h"

namespace weir {

namespace {

constexpr char kMagic[8] = {'W', 'E', 'I', 'R', 'C', 'K', 'P', 'T'};
// Version 2 records state types (serializer identities); version 1 did not, and is refused.
// Version 3 adds the in-flight output data of unaligned checkpoints; version 2 is still read.
constexpr uint32_t kVersion = 3;
constexpr size_t kHeaderSize = 8 + 4 + 8 + 8;

void writeHandle(ByteWriter& w, const StreamStateHandle& h) {
    w.writeString(h.path);
    w.writeString(h.inlineData);
    w.writeVarUInt(h.size);
}

StreamStateHandle readHandle(ByteReader& r) {
    StreamStateHandle h;
    r.readString(h.path);
    r.readString(h.inlineData);
    h.size = r.readVarUInt();
    return h;
}

/// Key groups are 0 .. 32767 (the largest max parallelism).
bool validRange(const KeyGroupRange& r) {
    return r.start >= 0 && r.end >= r.start && r.end <= 32768;
}

std::string toString(const ByteWriter& w) {
    return std::string(reinterpret_cast<const char*>(w.data()), w.size());
}

}  // namespace

std::string encodeMetadata(const CompletedCheckpoint& c) {
    ByteWriter p(4096);
    p.writeString(c.jobId);
    p.writeFixed(c.checkpointId);
    p.writeFixed(c.timestamp);
    p.writeByte(static_cast<uint8_t>(c.type));
    p.writeVarUInt(c.stateSize);
    p.writeVarUInt(c.operators.size());
    for (const auto& [id, op] : c.operators) {
        p.writeString(id);
        p.writeFixed(op.parallelism);
        p.writeFixed(op.maxParallelism);
        p.writeVarUInt(op.subtasks.size());
        for (const auto& [index, st] : op.subtasks) {
            p.writeFixed(index);
            p.writeByte(st.finished ? 1 : 0);
            p.writeByte(st.keyed ? 1 : 0);
            if (st.keyed) {
                p.writeFixed(st.keyed->range.start);
                p.writeFixed(st.keyed->range.end);
                p.writeVarUInt(st.keyed->offsets.size());
                for (uint64_t o : st.keyed->offsets) p.writeVarUInt(o);
                writeHandle(p, st.keyed->data);
            }
            p.writeString(st.keyedTypes.keyType);
            p.writeVarUInt(st.keyedTypes.states.size());
            for (const auto& [name, type] : st.keyedTypes.states) {
                p.writeString(name);
                p.writeString(type);
            }
            p.writeByte(st.operatorState ? 1 : 0);
            if (st.operatorState) writeHandle(p, *st.operatorState);
            p.writeByte(st.inputChannelState ? 1 : 0);
            if (st.inputChannelState) writeHandle(p, *st.inputChannelState);
            p.writeByte(st.resultSubpartitionState ? 1 : 0);
            if (st.resultSubpartitionState) writeHandle(p, *st.resultSubpartitionState);
            p.writeByte(st.incrementalKeyed ? 1 : 0);
            if (st.incrementalKeyed) {
                const auto& inc = *st.incrementalKeyed;
                p.writeFixed(inc.range.start);
                p.writeFixed(inc.range.end);
                for (const auto* files : {&inc.sharedFiles, &inc.privateFiles}) {
                    p.writeVarUInt(files->size());
                    for (const auto& [name, h] : *files) {
                        p.writeString(name);
                        writeHandle(p, h);
                    }
                }
            }
        }
    }
    ByteWriter out(p.size() + kHeaderSize);
    out.writeRaw(kMagic, sizeof kMagic);
    out.writeFixed(kVersion);
    out.writeFixed(static_cast<uint64_t>(p.size()));
    out.writeFixed(static_cast<uint64_t>(XXH3_64bits(p.data(), p.size())));
    out.writeRaw(p.data(), p.size());
    return toString(out);
}

CompletedCheckpoint decodeMetadata(std::string_view bytes, const std::string& source) {
    auto fail = [&](const std::string& why) -> CheckpointException {
        return CheckpointException("invalid checkpoint metadata '" + source + "': " + why);
    };
    if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        throw fail(bytes.empty() ? "the file is empty" : "not a Weir checkpoint metadata file");
    ByteReader header(reinterpret_cast<const uint8_t*>(bytes.data()) + 8, kHeaderSize - 8);
    uint32_t version = header.readFixed<uint32_t>();
    uint64_t length = header.readFixed<uint64_t>();
    uint64_t checksum = header.readFixed<uint64_t>();
    if (version == 1)
        throw fail(
            "format version 1, written by a development version of Weir before snapshots "
            "recorded state types; this Weir reads version " +
            std::to_string(kVersion) + ": start the job without this state");
    if (version != kVersion && version != 2)
        throw fail("format version " + std::to_string(version) +
                   " (this Weir reads versions 2 and " + std::to_string(kVersion) + ")");
    if (length != bytes.size() - kHeaderSize)
        throw fail("truncated: " + std::to_string(bytes.size() - kHeaderSize) + " of " +
                   std::to_string(length) + " bytes");
    const auto* payload = reinterpret_cast<const uint8_t*>(bytes.data()) + kHeaderSize;
    if (XXH3_64bits(payload, length) != checksum) throw fail("checksum mismatch (corrupt file)");
    try {
        ByteReader r(payload, length);
        CompletedCheckpoint c;
        r.readString(c.jobId);
        c.checkpointId = r.readFixed<int64_t>();
        c.timestamp = r.readFixed<int64_t>();
        uint8_t type = r.readByte();
        if (type > 1) throw fail("unknown checkpoint type " + std::to_string(type));
        c.type = static_cast<CheckpointType>(type);
        c.stateSize = r.readVarUInt();
        size_t numOperators = r.readLength();
        for (size_t i = 0; i < numOperators; ++i) {
            std::string id;
            r.readString(id);
            OperatorState& op = c.operators[id];
            op.parallelism = r.readFixed<int32_t>();
            op.maxParallelism = r.readFixed<int32_t>();
            size_t numSubtasks = r.readLength();
            for (size_t s = 0; s < numSubtasks; ++s) {
                int32_t index = r.readFixed<int32_t>();
                OperatorSubtaskState& st = op.subtasks[index];
                st.finished = r.readByte() != 0;
                if (r.readByte()) {
                    KeyedStateHandle k;
                    k.range.start = r.readFixed<int32_t>();
                    k.range.end = r.readFixed<int32_t>();
                    size_t n = r.readLength();
                    for (size_t j = 0; j < n; ++j) k.offsets.push_back(r.readVarUInt());
                    k.data = readHandle(r);
                    if (!validRange(k.range) ||
                        k.offsets.size() != static_cast<size_t>(k.range.size()) + 1)
                        throw fail("inconsistent key group index of operator " + id);
                    st.keyed = std::move(k);
                }
                r.readString(st.keyedTypes.keyType);
                size_t numTypes = r.readLength(2);
                for (size_t j = 0; j < numTypes; ++j) {
                    std::string name, type;
                    r.readString(name);
                    r.readString(type);
                    st.keyedTypes.states.emplace(std::move(name), std::move(type));
                }
                if (r.readByte()) st.operatorState = readHandle(r);
                if (r.readByte()) st.inputChannelState = readHandle(r);
                if (version >= 3 && r.readByte()) st.resultSubpartitionState = readHandle(r);
                if (r.readByte()) {
                    IncrementalKeyedStateHandle inc;
                    inc.range.start = r.readFixed<int32_t>();
                    inc.range.end = r.readFixed<int32_t>();
                    if (!validRange(inc.range))
                        throw fail("invalid key group range of operator " + id);
                    for (auto* files : {&inc.sharedFiles, &inc.privateFiles}) {
                        size_t n = r.readLength();
                        for (size_t j = 0; j < n; ++j) {
                            std::string name;
                            r.readString(name);
                            files->emplace_back(std::move(name), readHandle(r));
                        }
                    }
                    st.incrementalKeyed = std::move(inc);
                }
            }
        }
        if (!r.atEnd()) throw fail("trailing bytes");
        return c;
    } catch (const SerializationException& e) {
        throw fail(e.what());
    }
}

std::string encodeOperatorState(const std::vector<OperatorStateEntry>& entries) {
    ByteWriter w(256);
    w.writeVarUInt(entries.size());
    for (const auto& e : entries) {
        w.writeString(e.name);
        w.writeByte(static_cast<uint8_t>(e.mode));
        w.writeString(e.typeIdentity);
        w.writeVarUInt(e.elements.size());
        for (const auto& el : e.elements) w.writeString(el);
    }
    return toString(w);
}

std::vector<OperatorStateEntry> decodeOperatorState(std::string_view bytes) {
    ByteReader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    std::vector<OperatorStateEntry> out(r.readLength());
    for (auto& e : out) {
        r.readString(e.name);
        uint8_t mode = r.readByte();
        if (mode > 2)
            throw SerializationException("unknown operator state mode " + std::to_string(mode));
        e.mode = static_cast<OperatorStateMode>(mode);
        r.readString(e.typeIdentity);
        e.elements.resize(r.readLength());
        for (auto& el : e.elements) r.readString(el);
    }
    if (!r.atEnd()) throw SerializationException("trailing bytes after operator state");
    return out;
}

}  // namespace weir
