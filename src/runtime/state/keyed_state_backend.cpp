#include "weir/runtime/state/keyed_state_backend.h"

#include "weir/runtime/state/rocksdb_store.h"

namespace weir {

namespace fmt = snapshot_format;

KeyedStateSnapshot KeyedStateBackend::snapshot(bool includeStates, bool defer) const {
    KeyedStateSnapshot out;
    out.range = range_;
    out.types = stateTypes();
    const std::map<std::string, std::unique_ptr<KeyedStateBase>> none;
    const auto& states = includeStates ? states_ : none;
    for (const auto& [name, state] : states) state->beginSnapshot();
    for (const auto& [name, participant] : participants_) participant->beginSnapshot();

    // Deferred: the RocksDB states hand out writers over a view taken after beginSnapshot()
    // flushed their write-back caches; everything else is written now into `parts`.
    std::vector<KeyGroupWriter> writers(states.size());
    std::shared_ptr<DeferredKeyedSections> parts;
    if (defer && rocksDbStore_ && !states.empty()) {
        std::shared_ptr<const RocksDbReadView> view = rocksDbStore_->readView();
        size_t i = 0;
        for (const auto& [name, state] : states) {
            writers[i] = state->deferredSnapshot(view);
            if (writers[i] && !parts) parts = std::make_shared<DeferredKeyedSections>();
            ++i;
        }
        if (parts)
            for (const auto& [name, state] : states) parts->names.push_back(name);
    }

    ByteWriter w(4096);
    // One section per key group; a state appears in a section only if it has entries there.
    auto writeState = [&](const std::string& name, auto&& writeEntries) -> bool {
        size_t start = w.size();
        w.writeString(name);
        size_t countAt = w.reserve(4);
        uint32_t n = writeEntries();
        if (n == 0) {
            w.truncate(start);
            return false;
        }
        fmt::patchU32(w, countAt, n);
        if (parts) parts->parts.push_back({-1, start, w.size()});  // the block, as a part
        return true;
    };
    for (int32_t kg = range_.start; kg < range_.end; ++kg) {
        out.offsets.push_back(w.size());
        if (parts) parts->partsOf.push_back(parts->parts.size());
        size_t numStatesAt = w.reserve(4);
        uint32_t numStates = 0;
        // Plain references, not structured bindings: the lambdas capture them (clang 14).
        size_t i = 0;
        for (const auto& s : states) {
            const KeyedStateBase* state = s.second.get();
            if (writers[i])
                parts->parts.push_back({static_cast<int32_t>(i), 0, 0});
            else
                numStates += writeState(s.first, [&] { return state->snapshotKeyGroup(kg, w); });
            ++i;
        }
        for (const auto& p : participants_) {
            const KeyedStateBase* participant = p.second;
            numStates += writeState(p.first, [&] { return participant->snapshotKeyGroup(kg, w); });
        }
        for (const auto& r : restoredEntries_) {
            const auto& entries = r.second;
            numStates += writeState(r.first, [&] {
                uint32_t n = 0;
                for (const auto& e : entries) {
                    if (e.keyGroup != kg) continue;
                    fmt::writeEntry(w, e.key, [&](ByteWriter& o) {
                        o.writeRaw(e.value.data(), e.value.size());
                    });
                    ++n;
                }
                return n;
            });
        }
        fmt::patchU32(w, numStatesAt, numStates);
    }
    for (const auto& [name, state] : states) state->endSnapshot();
    for (const auto& [name, participant] : participants_) participant->endSnapshot();
    if (parts) {
        parts->partsOf.push_back(parts->parts.size());
        parts->writers = std::move(writers);  // indexed by state, as the parts say
        parts->bytes.assign(reinterpret_cast<const char*>(w.data()), w.size());
        out.deferred = std::move(parts);
        out.offsets.clear();
        return out;
    }
    out.offsets.push_back(w.size());
    out.data.assign(reinterpret_cast<const char*>(w.data()), w.size());
    return out;
}

void KeyedStateSnapshot::complete() {
    if (!deferred) return;
    const DeferredKeyedSections& d = *deferred;
    ByteWriter w(d.bytes.size() + 4096);
    offsets.clear();
    for (size_t k = 0; k + 1 < d.partsOf.size(); ++k) {
        const auto kg = static_cast<int32_t>(range.start + static_cast<int32_t>(k));
        offsets.push_back(w.size());
        size_t numStatesAt = w.reserve(4);
        uint32_t numStates = 0;
        for (size_t i = d.partsOf[k]; i < d.partsOf[k + 1]; ++i) {
            const DeferredKeyedSections::Part& part = d.parts[i];
            if (part.state < 0) {  // written on the task thread: name, count and entries
                w.writeRaw(d.bytes.data() + part.begin, part.end - part.begin);
                ++numStates;
                continue;
            }
            const auto state = static_cast<size_t>(part.state);
            size_t start = w.size();
            w.writeString(d.names[state]);
            size_t countAt = w.reserve(4);
            uint32_t n = d.writers[state](kg, w);
            if (n == 0) {
                w.truncate(start);
                continue;
            }
            fmt::patchU32(w, countAt, n);
            ++numStates;
        }
        fmt::patchU32(w, numStatesAt, numStates);
    }
    offsets.push_back(w.size());
    data.assign(reinterpret_cast<const char*>(w.data()), w.size());
    deferred.reset();
}

void KeyedStateBackend::throwKeyGroupOutOfRange() const {
    throw InvalidProgramException(
        "key group " + std::to_string(keyGroup_) + " of a key reached " + owner_ +
        ", whose subtask owns " + range_.toString() +
        ": the key selector is not deterministic (it must return the same key for the same "
        "record in every call and every process; do not key by random numbers, the current "
        "time or pointers)");
}

namespace {
[[noreturn]] void throwIncompatible(const std::string& owner, const std::string& what,
                                    const std::string& recorded, const std::string& declared) {
    throw StateMigrationException(
        "incompatible state type: " + what + " of " + owner + " was snapshotted as '" + recorded +
        "' but the program declares '" + declared +
        "'; restore a snapshot of a compatible program, change the state's name, or (when the "
        "state is no longer wanted) drop the operator's uid and allow unclaimed state");
}
}  // namespace

void KeyedStateBackend::setKeyType(std::string keyType) {
    keyType_ = std::move(keyType);
    if (!restoredTypes_.keyType.empty() && !keyType_.empty() && restoredTypes_.keyType != keyType_)
        throwIncompatible(owner_, "the key", restoredTypes_.keyType, keyType_);
}

void KeyedStateBackend::checkRestoredType(const std::string& name,
                                          const KeyedStateBase& state) const {
    auto it = restoredTypes_.states.find(name);
    if (it == restoredTypes_.states.end()) return;
    std::string declared = state.typeIdentity();
    if (declared.empty() || declared == it->second) return;
    throwIncompatible(owner_, "state '" + name + "'", it->second, declared);
}

KeyedStateTypes KeyedStateBackend::stateTypes() const {
    KeyedStateTypes out;
    out.keyType = keyType_;
    // Restored states that were not registered again keep their recorded types.
    for (const auto& [name, type] : restoredTypes_.states) out.states[name] = type;
    for (const auto& [name, state] : states_)
        if (std::string t = state->typeIdentity(); !t.empty()) out.states[name] = std::move(t);
    for (const auto& [name, participant] : participants_)
        if (std::string t = participant->typeIdentity(); !t.empty())
            out.states[name] = std::move(t);
    return out;
}

void KeyedStateBackend::restore(const std::vector<KeyGroupSection>& sections,
                                const KeyedStateTypes& types) {
    restored_ = true;
    restoredTypes_ = types;
    if (!types.keyType.empty() && !keyType_.empty() && types.keyType != keyType_)
        throwIncompatible(owner_, "the key", types.keyType, keyType_);
    for (const auto& [name, state] : states_) checkRestoredType(name, *state);
    for (const auto& [name, participant] : participants_) checkRestoredType(name, *participant);
    for (const auto& section : sections) {
        if (!range_.contains(section.keyGroup))
            throw StateMigrationException("restored key group " + std::to_string(section.keyGroup) +
                                          " is outside this subtask's key groups " +
                                          range_.toString());
        if (section.bytes.empty()) continue;
        ByteReader in = fmt::readerOf(section.bytes);
        uint32_t numStates = in.readFixed<uint32_t>();
        for (uint32_t s = 0; s < numStates; ++s) {
            std::string name;
            in.readString(name);
            uint32_t numEntries = in.readFixed<uint32_t>();
            KeyedStateBase* target = nullptr;
            if (auto it = states_.find(name); it != states_.end()) target = it->second.get();
            if (auto it = participants_.find(name); it != participants_.end()) target = it->second;
            auto& pending = restoredEntries_[name];
            for (uint32_t e = 0; e < numEntries; ++e) {
                std::string_view key = fmt::readKey(in);
                std::string_view value = fmt::readValue(in);
                if (target)
                    target->restoreEntry(section.keyGroup, key, value);
                else
                    pending.push_back({section.keyGroup, std::string(key), std::string(value)});
            }
            if (pending.empty()) restoredEntries_.erase(name);
        }
        if (!in.atEnd())
            throw SerializationException("corrupt keyed state section of key group " +
                                         std::to_string(section.keyGroup) + ": " +
                                         std::to_string(in.remaining()) + " trailing bytes");
    }
}

}  // namespace weir
