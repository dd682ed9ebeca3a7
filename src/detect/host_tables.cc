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
    auto it = shard.ips.find(*address);
    return it == shard.ips.end() ? nullptr : &it->second;
  }
  const HostShard& shard = shards[ShardOf(HashBytes(host, 1))];
  auto it = shard.names.find(host);
  return it == shard.names.end() ? nullptr : &it->second;
}

}  // namespace botrecon::detect
