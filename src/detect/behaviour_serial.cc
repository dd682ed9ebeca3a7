// BehaviourTable::Serialize / Deserialize: a canonical byte image (hosts,
// windows and destinations in sorted order), so equal states give equal bytes.
#include <algorithm>

#include <fmt/format.h>

#include "detect/behaviour.h"
#include "detect/host_tables.h"

namespace botrecon::detect {
namespace {

constexpr std::string_view kMagic = "BRDETECT1";

void PutHost(ByteWriter& out, const HostState& host) {
  out.Put<uint64_t>(host.flows);
  out.Put<double>(host.first);
  out.Put<double>(host.last);
  std::vector<const WindowState*> windows = host.SortedWindows();
  out.Put<uint32_t>(static_cast<uint32_t>(windows.size()));
  for (const WindowState* window : windows) window->Serialize(out);
}

HostState GetHost(ByteReader& in) {
  HostState host;
  host.flows = in.Get<uint64_t>();
  host.first = in.Get<double>();
  host.last = in.Get<double>();
  auto count = in.Get<uint32_t>();
  in.Need(count);  // at least a byte per window: bounds the loop on corrupt input
  for (uint32_t idx = 0; idx < count; ++idx) host.AddWindow(WindowState::Deserialize(in));
  return host;
}

}  // namespace

std::string BehaviourTable::Serialize() const {
  std::string bytes;
  ByteWriter out(bytes);
  out.PutString(kMagic);
  out.Put<double>(options_.window_seconds);
  out.Put<uint32_t>(tables_->fields.load());
  std::vector<std::pair<core::IpAddress, const HostState*>> ips;
  std::vector<std::pair<std::string_view, const HostState*>> names;
  std::vector<std::pair<uint64_t, SourceSet>> sources;
  for (const HostShard& shard : tables_->shards) {
    shard.ips.ForEach([&](const core::IpAddress& address, const HostState& host) { ips.emplace_back(address, &host); });
    for (const auto& [name, host] : shard.names) names.emplace_back(name, &host);
  }
  for (const SourceShard& shard : tables_->source_shards) {
    shard.sources.ForEach([&](uint64_t dst_hash, const SourceSet& set) { sources.emplace_back(dst_hash, set); });
  }
  std::sort(ips.begin(), ips.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.is_v4, a.first.bytes) < std::tie(b.first.is_v4, b.first.bytes);
  });
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.Put<uint64_t>(ips.size());
  for (const auto& [address, host] : ips) {
    for (uint8_t byte : address.bytes) out.Put<uint8_t>(byte);
    out.Put<uint8_t>(address.is_v4);
    PutHost(out, *host);
  }
  out.Put<uint64_t>(names.size());
  for (const auto& [name, host] : names) {
    out.PutString(name);
    PutHost(out, *host);
  }
  out.Put<uint64_t>(sources.size());
  for (auto& [dst_hash, set] : sources) {
    out.Put<uint64_t>(dst_hash);
    out.Put<uint8_t>(set.count);
    std::sort(set.hashes, set.hashes + std::min<int>(set.count, SourceSet::kMax));
    for (int idx = 0; idx < std::min<int>(set.count, SourceSet::kMax); ++idx) out.Put<uint32_t>(set.hashes[idx]);
  }
  return bytes;
}

BehaviourTable BehaviourTable::Deserialize(std::string_view bytes, const Options& options) {
  ByteReader in(bytes);
  if (in.GetString() != kMagic) throw core::InputError("behaviour state: not a serialized BehaviourTable");
  auto window_seconds = in.Get<double>();
  if (window_seconds != options.window_seconds) {
    throw core::InputError(fmt::format("behaviour state: made with {:g} s windows, cannot use it with {:g} s windows",
                                       window_seconds, options.window_seconds));
  }
  BehaviourTable table(options);
  HostTables& tables = *table.tables_;
  tables.fields = in.Get<uint32_t>();
  auto ip_count = in.Get<uint64_t>();
  for (uint64_t idx = 0; idx < ip_count; ++idx) {
    core::IpAddress address;
    for (uint8_t& byte : address.bytes) byte = in.Get<uint8_t>();
    address.is_v4 = in.Get<uint8_t>() != 0;
    tables.shards[tables.ShardOf(HashAddress(address.bytes, address.is_v4))].ips[address] = GetHost(in);
  }
  auto name_count = in.Get<uint64_t>();
  for (uint64_t idx = 0; idx < name_count; ++idx) {
    std::string name(in.GetString());
    uint64_t hash = HashBytes(name, 1);
    tables.shards[tables.ShardOf(hash)].names[std::move(name)] = GetHost(in);
  }
  auto source_count = in.Get<uint64_t>();
  for (uint64_t idx = 0; idx < source_count; ++idx) {
    auto dst_hash = in.Get<uint64_t>();
    SourceSet set;
    set.count = in.Get<uint8_t>();
    if (set.count > SourceSet::kMax + 1) throw core::InputError("behaviour state: corrupt source set");
    for (int slot = 0; slot < std::min<int>(set.count, SourceSet::kMax); ++slot) set.hashes[slot] = in.Get<uint32_t>();
    tables.source_shards[tables.SourceShardOf(dst_hash)].sources[dst_hash] = set;
  }
  if (!in.done()) throw core::InputError("behaviour state: trailing bytes after the serialized BehaviourTable");
  return table;
}

}  // namespace botrecon::detect
