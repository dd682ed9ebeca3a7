#include "detect/host_tables.h"

#include <algorithm>
#include <bit>

namespace botrecon::detect {

WindowState& HostState::OtherWindow(int64_t index) {
  if (!has_window0) {
    has_window0 = true;
    window0.window = index;
    return window0;
  }
  for (WindowState& window : more) {
    if (window.window == index) return window;
  }
  return more.emplace_back(index);
}

void HostState::AddWindow(WindowState&& window) {
  if (!has_window0) {
    has_window0 = true;
    window0 = std::move(window);
  } else {
    more.push_back(std::move(window));
  }
}

std::vector<const WindowState*> HostState::SortedWindows() const {
  std::vector<const WindowState*> windows;
  windows.reserve(num_windows());
  ForEachWindow([&](const WindowState& window) { windows.push_back(&window); });
  std::sort(windows.begin(), windows.end(), [](auto* a, auto* b) { return a->window < b->window; });
  return windows;
}

void HostState::Merge(const HostState& other) {
  flows += other.flows;
  first = std::min(first, other.first);
  last = std::max(last, other.last);
  other.ForEachWindow([&](const WindowState& window) { Window(window.window).Merge(window); });
}

size_t FlatHostMap::Probe(const core::IpAddress& address, uint64_t hash) const {
  size_t mask = slots_.size() - 1;
  for (size_t idx = hash & mask;; idx = (idx + 1) & mask) {
    const Slot& slot = slots_[idx];
    if (slot.index == 0 || slot.address == address) return idx;
  }
}

void FlatHostMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  size_t capacity = std::max<size_t>(16, old.size() * 2);
  slots_ = std::vector<Slot>(capacity);
  for (const Slot& slot : old) {
    if (slot.index == 0) continue;
    slots_[Probe(slot.address, IpKeyHash()(slot.address))] = slot;
  }
}

HostState& FlatHostMap::Get(const core::IpAddress& address, uint64_t hash) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();  // load <= 3/4
  Slot& slot = slots_[Probe(address, hash)];
  if (slot.index == 0) {
    if (size_ % kChunk == 0) chunks_.push_back(std::make_unique<HostState[]>(kChunk));
    slot.address = address;
    slot.index = static_cast<uint32_t>(++size_);
  }
  return Host(slot.index - 1);
}

const HostState* FlatHostMap::find(const core::IpAddress& address) const {
  if (slots_.empty()) return nullptr;
  const Slot& slot = slots_[Probe(address, IpKeyHash()(address))];
  return slot.index != 0 ? &Host(slot.index - 1) : nullptr;
}

size_t FlatSourceMap::Probe(uint64_t key) const {
  size_t mask = slots_.size() - 1;
  for (size_t idx = Mix64(key) & mask;; idx = (idx + 1) & mask) {
    if (slots_[idx].key == 0 || slots_[idx].key == key) return idx;
  }
}

void FlatSourceMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_ = std::vector<Slot>(std::max<size_t>(16, old.size() * 2));
  for (const Slot& slot : old) {
    if (slot.key != 0) slots_[Probe(slot.key)] = slot;
  }
}

SourceSet& FlatSourceMap::operator[](uint64_t key) {
  if (key == 0) {
    has_zero_ = true;
    return zero_;
  }
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();  // load <= 3/4
  Slot& slot = slots_[Probe(key)];
  if (slot.key == 0) {
    slot.key = key;
    ++size_;
  }
  return slot.set;
}

const SourceSet* FlatSourceMap::find(uint64_t key) const {
  if (key == 0) return has_zero_ ? &zero_ : nullptr;
  if (slots_.empty()) return nullptr;
  const Slot& slot = slots_[Probe(key)];
  return slot.key != 0 ? &slot.set : nullptr;
}

HostTables::HostTables(int threads) {
  size_t count = std::clamp<size_t>(std::bit_ceil(static_cast<size_t>(std::max(1, threads)) * 2), 4, 64);
  shards = std::vector<HostShard>(count);
  source_shards = std::vector<SourceShard>(count);
  shard_mask_ = count - 1;
}

int HostTables::SourcesOf(uint64_t dst_hash) const {
  const SourceShard& shard = source_shards[SourceShardOf(dst_hash)];
  const SourceSet* set = shard.sources.find(dst_hash);
  return set ? set->Size() : 0;
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
