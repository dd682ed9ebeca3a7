// The sharded per-host state behind BehaviourTable (internal to src/detect).
#pragma once
#include <atomic>
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

struct HostState {
  uint64_t flows = 0;
  double first = HUGE_VAL, last = -HUGE_VAL;
  std::vector<WindowState> windows;  // unsorted; usually one or a few

  WindowState& Window(int64_t index);
  void Merge(const HostState& other);
};

struct IpKeyHash {
  size_t operator()(const core::IpAddress& address) const noexcept { return HashAddress(address.bytes, address.is_v4); }
};
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const noexcept { return HashBytes(name, 1); }
};

// Hosts by address: open addressing with linear probing, the HostState stored
// in the slot (no node allocation, one cache miss per lookup).
class FlatHostMap {
 public:
  HostState& operator[](const core::IpAddress& address);
  const HostState* find(const core::IpAddress& address) const;
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * (sizeof(Slot) + 1); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t idx = 0; idx < slots_.size(); ++idx) {
      if (used_[idx]) fn(slots_[idx].address, slots_[idx].host);
    }
  }

 private:
  struct Slot {
    core::IpAddress address;
    HostState host;
  };
  size_t Probe(const core::IpAddress& address) const;  // slot of address, or the empty slot to use
  void Grow();
  std::vector<Slot> slots_;
  std::vector<uint8_t> used_;
  size_t size_ = 0;
};

struct HostShard {
  std::mutex mutex;
  FlatHostMap ips;
  std::unordered_map<std::string, HostState, NameHash, std::equal_to<>> names;
};

// Distinct sources per destination (Tier 2: "few other hosts contact it").
struct SourceShard {
  std::mutex mutex;
  std::unordered_map<uint64_t, SourceSet> sources;
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
