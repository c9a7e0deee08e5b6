#pragma once
// FlatStateMap<V>: the hash table under heap keyed state and timers, keyed by serialized bytes
// (key + namespace) with a hash the caller computes once per record (stateKeyHash) and reuses for
// every state it touches.
//
// Layout: an open-addressing index (linear probing, backward-shift deletion, no tombstones) of
// 8-byte slots, each holding 32 bits of the hash and the position of an entry; the entries live in
// chunks that never move, so a pointer to an entry (or its value) stays valid until that entry is
// erased, whatever else is inserted or erased (as with std::unordered_map). Keys of up to
// kInlineKeyBytes bytes (24: a long key plus a TimeWindow namespace) are stored in the entry
// itself, longer ones on the heap. An entry of up to 64 bytes (a 24-byte value with 24-byte keys)
// is aligned to a cache line, so that it costs one cache miss, not two. A lookup reads one index
// slot and one entry; a miss usually only the slot.
//
// Thread-safety: none (one task thread).

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace weir {

/// The 64-bit hash of a serialized state key (or timer identity). Not a persisted value: it only
/// places entries in memory, so it may change between versions (key groups use keyHash, which
/// is pinned).
[[gnu::always_inline]] inline uint64_t stateKeyHash(std::string_view bytes) {
    constexpr uint64_t k1 = 0x9E3779B97F4A7C15ull;
    constexpr uint64_t k2 = 0xC2B2AE3D27D4EB4Full;
    const char* p = bytes.data();
    size_t n = bytes.size();
    uint64_t h = static_cast<uint64_t>(n) * k2;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = std::rotl(h ^ (w * k1), 31) * k2;
    }
    if (n > 0) {
        uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = std::rotl(h ^ (w * k1), 31) * k2;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return h;
}

namespace detail {

/// Bytes stored inline up to kInline, on the heap beyond.
template <size_t kInline>
class InlineBytes {
public:
    InlineBytes() = default;
    InlineBytes(const InlineBytes&) = delete;
    InlineBytes& operator=(const InlineBytes&) = delete;
    ~InlineBytes() { release(); }

    void assign(std::string_view bytes) {
        release();
        size_ = static_cast<uint32_t>(bytes.size());
        char* dst = inlineBytes_;
        if (size_ > kInline) {
            heap_ = new char[size_];
            dst = heap_;
        }
        if (size_ > 0) std::memcpy(dst, bytes.data(), size_);
    }
    void clear() {
        release();
        size_ = 0;
    }
    std::string_view view() const { return {size_ > kInline ? heap_ : inlineBytes_, size_}; }
    /// A byte of what would otherwise be padding, for the owner's use (FlatStateMap: live).
    uint8_t spare = 0;
    [[gnu::always_inline]] bool equals(std::string_view bytes) const {
        if (bytes.size() != size_) return false;
        if (size_ > kInline) return std::memcmp(heap_, bytes.data(), size_) == 0;
        // Short keys (a key and a window): word by word, without a call to memcmp.
        const char* a = inlineBytes_;
        const char* b = bytes.data();
        size_t n = size_;
        for (; n >= 8; n -= 8, a += 8, b += 8) {
            uint64_t x, y;
            std::memcpy(&x, a, 8);
            std::memcpy(&y, b, 8);
            if (x != y) return false;
        }
        for (; n > 0; --n)
            if (*a++ != *b++) return false;
        return true;
    }

private:
    void release() {
        if (size_ > kInline) delete[] heap_;
    }
    uint32_t size_ = 0;
    union {
        char inlineBytes_[kInline];
        char* heap_;
    };
};

}  // namespace detail

template <class V, size_t kInlineKeyBytes = 24>
class FlatStateMap {
    struct EntryFields {
        uint32_t tag = 0;    // the low 32 bits of the entry's hash (its index slot's tag)
        uint32_t index = 0;  // position in the entry chunks
        detail::InlineBytes<kInlineKeyBytes> keyBytes;  // keyBytes.spare: live
        V value{};
    };
    /// Entries of up to a cache line are aligned so that each sits in one (or two share one).
    static constexpr size_t kEntryAlign = sizeof(EntryFields) <= 32   ? 32
                                          : sizeof(EntryFields) <= 64 ? 64
                                                                      : alignof(EntryFields);

public:
    struct alignas(kEntryAlign) Entry : EntryFields {
        std::string_view key() const { return this->keyBytes.view(); }
        bool live() const { return this->keyBytes.spare != 0; }
    };

    FlatStateMap() = default;
    FlatStateMap(FlatStateMap&&) noexcept = default;
    FlatStateMap& operator=(FlatStateMap&&) noexcept = default;

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    /// The entry of `key` (whose stateKeyHash is `hash`), or null.
    Entry* find(std::string_view key, uint64_t hash) const {
        if (size_ == 0) return nullptr;
        const uint32_t tag = static_cast<uint32_t>(hash);
        for (size_t i = tag & mask_;; i = (i + 1) & mask_) {
            uint64_t slot = slots_[i];
            if (slot == 0) return nullptr;
            if (static_cast<uint32_t>(slot >> 32) == tag) {
                Entry& e = entryAt(static_cast<uint32_t>(slot) - 1);
                if (e.keyBytes.equals(key)) return &e;
            }
        }
    }
    V* findValue(std::string_view key, uint64_t hash) const {
        Entry* e = find(key, hash);
        return e ? &e->value : nullptr;
    }

    /// The entry of `key`, created with a default value if absent; true when created.
    std::pair<Entry*, bool> tryEmplace(std::string_view key, uint64_t hash) {
        if ((size_ + 1) * 8 > slots_.size() * 5) grow();
        const uint32_t tag = static_cast<uint32_t>(hash);
        size_t i = tag & mask_;
        for (;; i = (i + 1) & mask_) {
            uint64_t slot = slots_[i];
            if (slot == 0) break;
            if (static_cast<uint32_t>(slot >> 32) == tag) {
                Entry& e = entryAt(static_cast<uint32_t>(slot) - 1);
                if (e.keyBytes.equals(key)) return {&e, false};
            }
        }
        Entry& e = allocateEntry();
        e.tag = tag;
        e.keyBytes.assign(key);
        e.keyBytes.spare = 1;
        slots_[i] = (static_cast<uint64_t>(tag) << 32) | (e.index + 1);
        ++size_;
        return {&e, true};
    }

    /// Removes `entry` (from find or tryEmplace of this map); other entries do not move.
    void erase(Entry* entry) {
        size_t i = entry->tag & mask_;
        while (static_cast<uint32_t>(slots_[i]) != entry->index + 1) i = (i + 1) & mask_;
        // Backward-shift deletion: pull later members of the probe run into the hole.
        for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
            uint64_t slot = slots_[j];
            if (slot == 0) break;
            size_t ideal = static_cast<uint32_t>(slot >> 32) & mask_;
            // Moving slot j to i keeps it reachable iff its ideal position is not in (i, j].
            bool between = i <= j ? (ideal > i && ideal <= j) : (ideal > i || ideal <= j);
            if (!between) {
                slots_[i] = slot;
                i = j;
            }
        }
        slots_[i] = 0;
        entry->keyBytes.clear();
        entry->keyBytes.spare = 0;
        entry->value = V{};
        free_.push_back(entry->index);
        --size_;
    }
    bool erase(std::string_view key, uint64_t hash) {
        Entry* e = find(key, hash);
        if (!e) return false;
        erase(e);
        return true;
    }

    /// Visits every entry (in no particular order); `fn` must not insert or erase.
    template <class Fn>
    void forEach(Fn&& fn) const {
        for (uint32_t i = 0; i < used_; ++i) {
            Entry& e = entryAt(i);
            if (e.live()) fn(e);
        }
    }

private:
    static constexpr uint32_t kFirstChunk = 16;

    /// Chunk c holds entries [16 * 2^(c-1), 16 * 2^c) (chunk 0: [0, 16)).
    static uint32_t chunkOf(uint32_t index) {
        return index < kFirstChunk ? 0 : static_cast<uint32_t>(std::bit_width(index)) - 4;
    }
    static uint32_t chunkStart(uint32_t chunk) {
        return chunk == 0 ? 0 : kFirstChunk << (chunk - 1);
    }
    static uint32_t chunkSize(uint32_t chunk) {
        return chunk == 0 ? kFirstChunk : kFirstChunk << (chunk - 1);
    }

    Entry& entryAt(uint32_t index) const {
        uint32_t c = chunkOf(index);
        return chunks_[c][index - chunkStart(c)];
    }
    Entry& allocateEntry() {
        if (!free_.empty()) {
            uint32_t index = free_.back();
            free_.pop_back();
            return entryAt(index);
        }
        uint32_t index = used_++;
        uint32_t c = chunkOf(index);
        if (c == chunks_.size()) chunks_.push_back(std::make_unique<Entry[]>(chunkSize(c)));
        Entry& e = entryAt(index);
        e.index = index;
        return e;
    }
    void grow() {
        size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;
        std::vector<uint64_t> old = std::move(slots_);
        slots_.assign(capacity, 0);
        mask_ = capacity - 1;
        for (uint64_t slot : old) {
            if (slot == 0) continue;
            size_t i = static_cast<uint32_t>(slot >> 32) & mask_;
            while (slots_[i] != 0) i = (i + 1) & mask_;
            slots_[i] = slot;
        }
    }

    std::vector<uint64_t> slots_;  // 0 = empty; else (hash low 32 bits << 32) | (index + 1)
    size_t mask_ = 0;
    size_t size_ = 0;
    uint32_t used_ = 0;  // entries ever allocated (live or on the free list)
    std::vector<std::unique_ptr<Entry[]>> chunks_;
    std::vector<uint32_t> free_;
};

}  // namespace weir
