#include "detect/host_tables.h"

#include <algorithm>
#include <bit>

namespace botrecon::detect {

WindowState& HostState::Window(int64_t index) {
  for (WindowState& window : windows) {
    if (window.window == index) return window;
  }
  return windows.emplace_back(index);
}

void HostState::Merge(const HostState& other) {
  flows += other.flows;
  first = std::min(first, other.first);
  last = std::max(last, other.last);
  for (const WindowState& window : other.windows) Window(window.window).Merge(window);
}

size_t FlatHostMap::Probe(const core::IpAddress& address) const {
  size_t mask = slots_.size() - 1;
  for (size_t idx = IpKeyHash()(address) & mask;; idx = (idx + 1) & mask) {
    if (!used_[idx] || slots_[idx].address == address) return idx;
  }
}

void FlatHostMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  std::vector<uint8_t> old_used = std::move(used_);
  size_t capacity = std::max<size_t>(16, old.size() * 2);
  slots_ = std::vector<Slot>(capacity);
  used_.assign(capacity, 0);
  for (size_t idx = 0; idx < old.size(); ++idx) {
    if (!old_used[idx]) continue;
    size_t slot = Probe(old[idx].address);
    slots_[slot] = std::move(old[idx]);
    used_[slot] = 1;
  }
}

HostState& FlatHostMap::operator[](const core::IpAddress& address) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();  // load <= 3/4
  size_t slot = Probe(address);
  if (!used_[slot]) {
    used_[slot] = 1;
    slots_[slot].address = address;
    ++size_;
  }
  return slots_[slot].host;
}

const HostState* FlatHostMap::find(const core::IpAddress& address) const {
  if (slots_.empty()) return nullptr;
  size_t slot = Probe(address);
  return used_[slot] ? &slots_[slot].host : nullptr;
}

HostTables::HostTables(int threads) {
  size_t count = std::clamp<size_t>(std::bit_ceil(static_cast<size_t>(std::max(1, threads)) * 2), 4, 64);
  shards = std::vector<HostShard>(count);
  source_shards = std::vector<SourceShard>(count);
  shard_mask_ = count - 1;
}

int HostTables::SourcesOf(uint64_t dst_hash) const {
  const SourceShard& shard = source_shards[SourceShardOf(dst_hash)];
  auto it = shard.sources.find(dst_hash);
  return it == shard.sources.end() ? 0 : it->second.Size();
}

HostState* HostTables::Find(std::string_view host) {
  return const_cast<HostState*>(static_cast<const HostTables*>(this)->Find(host));
}

const HostState* HostTables::Find(std::string_view host) const {
  if (auto address = core::ParseIpAddress(host)) {
    const HostShard& shard = shards[ShardOf(HashAddress(address->bytes, address->is_v4))];
    return shard.ips.find(*address);
  }
  const HostShard& shard = shards[ShardOf(HashBytes(host, 1))];
  auto it = shard.names.find(host);
  return it == shard.names.end() ? nullptr : &it->second;
}

}  // namespace botrecon::detect
