// The sharded per-host state behind BehaviourTable (internal to src/detect).
#pragma once
#include <atomic>
#include <memory>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "detect/behaviour.h"
#include "detect/sketch.h"
#include "detect/window_state.h"

namespace botrecon::detect {

// One source host. Its first window is stored inline (most hosts have one),
// further windows in `more` (unsorted).
struct HostState {
  uint64_t flows = 0;
  double first = HUGE_VAL, last = -HUGE_VAL;
  bool has_window0 = false;
  WindowState window0;
  std::vector<WindowState> more;

  size_t num_windows() const { return has_window0 ? 1 + more.size() : 0; }
  template <typename Fn>
  void ForEachWindow(Fn&& fn) const {
    if (!has_window0) return;
    fn(window0);
    for (const WindowState& window : more) fn(window);
  }
  // The windows in window order.
  std::vector<const WindowState*> SortedWindows() const;
  WindowState& Window(int64_t index) {
    if (has_window0 && window0.window == index) [[likely]] return window0;
    return OtherWindow(index);
  }
  void AddWindow(WindowState&& window);
  void Merge(const HostState& other);

 private:
  WindowState& OtherWindow(int64_t index);
};

struct IpKeyHash {
  size_t operator()(const core::IpAddress& address) const noexcept { return HashAddress(address.bytes, address.is_v4); }
};
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const noexcept { return HashBytes(name, 1); }
};

// Hosts by address: open addressing with linear probing over small slots
// (address and host index, 24 bytes), the HostStates in fixed chunks that
// never move (no allocation per host, no moves on growth).
class FlatHostMap {
 public:
  FlatHostMap() = default;
  FlatHostMap(FlatHostMap&&) noexcept = default;
  FlatHostMap& operator=(FlatHostMap&&) noexcept = default;
  HostState& operator[](const core::IpAddress& address) { return Get(address, IpKeyHash()(address)); }
  // `hash` must be IpKeyHash()(address).
  HostState& Get(const core::IpAddress& address, uint64_t hash);
  const HostState* find(const core::IpAddress& address) const;
  // Hints the CPU to fetch the slot of `hash`.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot) + chunks_.size() * kChunk * sizeof(HostState); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& slot : slots_) {
      if (slot.index != 0) fn(slot.address, Host(slot.index - 1));
    }
  }

 private:
  static constexpr size_t kChunk = 512;
  struct Slot {
    core::IpAddress address;
    uint32_t index = 0;  // host index + 1; 0 = empty
  };
  HostState& Host(uint32_t index) { return chunks_[index / kChunk][index % kChunk]; }
  const HostState& Host(uint32_t index) const { return chunks_[index / kChunk][index % kChunk]; }
  size_t Probe(const core::IpAddress& address, uint64_t hash) const;  // slot of address, or the empty slot to use
  void Grow();
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<HostState[]>> chunks_;
  size_t size_ = 0;
};

struct HostShard {
  std::mutex mutex;
  FlatHostMap ips;
  std::unordered_map<std::string, HostState, NameHash, std::equal_to<>> names;
};

// SourceSets by destination hash: open addressing with linear probing, the
// set stored in the slot (key 0 is kept aside: it marks empty slots).
class FlatSourceMap {
 public:
  SourceSet& operator[](uint64_t key);
  const SourceSet* find(uint64_t key) const;
  size_t size() const { return size_ + has_zero_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (has_zero_) fn(uint64_t{0}, zero_);
    for (const Slot& slot : slots_) {
      if (slot.key != 0) fn(slot.key, slot.set);
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    SourceSet set;
  };
  size_t Probe(uint64_t key) const;
  void Grow();
  std::vector<Slot> slots_;
  size_t size_ = 0;
  bool has_zero_ = false;
  SourceSet zero_;
};

// Distinct sources per destination (Tier 2: "few other hosts contact it").
struct SourceShard {
  std::mutex mutex;
  FlatSourceMap sources;
};

class HostTables {
 public:
  explicit HostTables(int threads);
  size_t ShardOf(uint64_t host_hash) const { return (host_hash >> 40) & shard_mask_; }
  size_t SourceShardOf(uint64_t dst_hash) const { return (dst_hash >> 40) & shard_mask_; }
  int SourcesOf(uint64_t dst_hash) const;
  HostState* Find(std::string_view host);
  const HostState* Find(std::string_view host) const;

  std::vector<HostShard> shards;
  std::vector<SourceShard> source_shards;
  std::atomic<uint32_t> fields{0};  // Field bits seen (detectors.h), plus kFieldState

 private:
  size_t shard_mask_;
};

// Internal Field bit: a non-empty State was seen (else answers come from bytes).
inline constexpr uint32_t kFieldState = 1u << 16;

}  // namespace botrecon::detect
