#include "detect/behaviour.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/host_tables.h"

namespace botrecon::detect {
namespace {

// One kept row, ready for its host's shard.
struct Row {
  FlowFacts facts;
  core::IpAddress src;
  std::string_view src_name;  // non-IP source
  uint64_t src_hash = 0;
  int64_t window = kNoWindow;
  bool src_ip = false;
};

int64_t WindowIndex(double start, double window_seconds) {
  if (!std::isfinite(start)) return kNoWindow;
  double index = std::floor(start / window_seconds);
  return std::abs(index) < 9e18 ? static_cast<int64_t>(index) : kNoWindow;
}

bool Safe(const core::IpAddress& address, const Options& options) {
  return options.safelist && options.safelist->Matches(address);
}

// Fills the destination, port and class facts of one row; returns the Field bits it shows.
uint32_t MakeFacts(const FlowColumns& flows, size_t row, const Options& options, FlowFacts& facts) {
  uint32_t fields = 0;
  if (!flows.proto.empty() && !flows.proto[row].empty()) {
    facts.proto = ClassifyProto(flows.proto[row]);
    fields |= kFieldProto;
  }
  std::string_view state = flows.state.empty() ? std::string_view() : flows.state[row];
  double totbytes = flows.totbytes.empty() ? -1 : flows.totbytes[row];
  double srcbytes = flows.srcbytes.empty() ? -1 : flows.srcbytes[row];
  if (!state.empty()) fields |= kFieldAnswer | kFieldState;
  if (totbytes >= 0 && srcbytes >= 0) fields |= kFieldAnswer;
  facts.answer = ClassifyFlow(facts.proto, state, totbytes, srcbytes, flows.pkts.empty() ? -1 : flows.pkts[row]);
  facts.bytes = totbytes;
  facts.sport = flows.sport.empty() ? -1 : PortValue(flows.sport[row]);
  facts.dport = flows.dport.empty() ? -1 : PortValue(flows.dport[row]);
  fields |= (facts.sport >= 0 ? kFieldSport : 0) | (facts.dport >= 0 ? kFieldDport : 0);
  if (!flows.start.empty() && std::isfinite(flows.start[row])) {
    facts.start = flows.start[row];
    fields |= kFieldStart;
  }
  std::string_view dst = flows.dst.empty() ? std::string_view() : flows.dst[row];
  if (dst.empty()) return fields;
  fields |= kFieldDst;
  if (auto address = core::ParseIpAddress(dst)) {
    facts.dst = *address;
    facts.dst_ip = true;
    facts.dst_hash = HashAddress(address->bytes, address->is_v4) | 1;
    facts.dst_safe = Safe(*address, options);
  } else {
    facts.dst_hash = HashBytes(dst, 2) | 1;
  }
  bool transport = facts.proto == Proto::kTcp || facts.proto == Proto::kUdp;
  facts.icmp_echo = IsIcmpEcho(facts.proto, state, facts.sport, facts.dport);
  facts.mail = facts.proto == Proto::kTcp && IsMailPort(facts.dport);
  facts.dns = IsDnsPort(facts.dport);
  if (facts.dns) fields |= kFieldDns;
  facts.high_ports = transport && facts.sport >= 1024 && facts.dport >= 1024 && !IsServicePort(facts.dport) &&
                     !IsServicePort(facts.sport);
  bool unicast = facts.dst_ip && !IsMulticastOrBroadcast(facts.dst);
  facts.public_dst = transport && unicast && !IsHome(facts.dst, options.home_net) && !facts.dns;
  facts.beacon = transport && unicast && facts.dport >= 0 && !IsServicePort(facts.dport) && !IsServicePort(facts.sport);
  return fields;
}

HostState& NamedHost(HostShard& shard, std::string_view name) {
  auto it = shard.names.find(name);
  if (it != shard.names.end()) return it->second;
  return shard.names.emplace(std::string(name), HostState{}).first->second;
}

// Tier 2: which sources contact each beacon-candidate destination.
void ObserveSources(const std::vector<Row>& rows, HostTables& tables) {
  thread_local std::vector<std::vector<uint32_t>> by_shard;
  by_shard.resize(tables.source_shards.size());
  for (auto& list : by_shard) list.clear();
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const FlowFacts& facts = rows[idx].facts;
    if (facts.beacon && !facts.dst_safe) by_shard[tables.SourceShardOf(facts.dst_hash)].push_back(static_cast<uint32_t>(idx));
  }
  for (size_t shard_idx = 0; shard_idx < by_shard.size(); ++shard_idx) {
    if (by_shard[shard_idx].empty()) continue;
    SourceShard& shard = tables.source_shards[shard_idx];
    std::lock_guard lock(shard.mutex);
    for (uint32_t row_idx : by_shard[shard_idx]) {
      const FlowFacts& facts = rows[row_idx].facts;
      shard.sources[facts.dst_hash].Add(facts.src_hash32);
    }
  }
}

}  // namespace

BehaviourTable::BehaviourTable(const Options& options, int threads)
    : options_(options), tables_(std::make_unique<HostTables>(threads)) {}
BehaviourTable::~BehaviourTable() = default;
BehaviourTable::BehaviourTable(BehaviourTable&&) noexcept = default;
BehaviourTable& BehaviourTable::operator=(BehaviourTable&&) noexcept = default;

void BehaviourTable::Observe(const FlowColumns& flows) {
  if (options_.level == Level::kOff || flows.n == 0) return;
  const bool tier2 = options_.level == Level::kAll;
  thread_local std::vector<Row> rows;
  thread_local std::vector<std::vector<uint32_t>> by_shard;
  rows.clear();
  by_shard.resize(tables_->shards.size());
  for (auto& list : by_shard) list.clear();
  uint32_t fields = 0;
  Row last;  // source facts of the last parsed source
  std::string_view last_src;
  bool have_last = false, last_safe = false;
  for (size_t idx = 0; idx < flows.n; ++idx) {
    if (!flows.keep.empty() && !flows.keep[idx]) continue;
    Row row;
    std::string_view src = flows.src[idx];
    if (have_last && src == last_src) {  // consecutive rows often share a source: parse it once
      if (last_safe) continue;
      row.src = last.src;
      row.src_ip = last.src_ip;
      row.src_name = last.src_name;
      row.src_hash = last.src_hash;
    } else {
      have_last = true;
      last_src = src;
      last_safe = false;
      if (auto address = core::ParseIpAddress(src)) {
        if (Safe(*address, options_)) {
          last_safe = true;
          continue;
        }
        row.src = *address;
        row.src_ip = true;
        row.src_hash = HashAddress(address->bytes, address->is_v4);
      } else {
        row.src_name = src;
        row.src_hash = HashBytes(row.src_name, 1);
      }
      last.src = row.src;
      last.src_ip = row.src_ip;
      last.src_name = row.src_name;
      last.src_hash = row.src_hash;
    }
    fields |= MakeFacts(flows, idx, options_, row.facts);
    row.facts.src_hash32 = static_cast<uint32_t>(row.src_hash);
    row.window = WindowIndex(row.facts.start, options_.window_seconds);
    by_shard[tables_->ShardOf(row.src_hash)].push_back(static_cast<uint32_t>(rows.size()));
    rows.push_back(row);
  }
  tables_->fields.fetch_or(fields, std::memory_order_relaxed);
  // Visit shards starting at a different one per batch; skip a busy shard and come back.
  size_t count = by_shard.size(), done = 0, start = rows.empty() ? 0 : rows[0].src_hash % count;
  uint64_t finished = 0;  // bit per shard (at most 64 shards are visited this way)
  for (size_t pass = 0; done < count; ++pass) {
    for (size_t step = 0; step < count; ++step) {
      size_t shard_idx = (start + step) % count;
      if (finished >> (shard_idx & 63) & 1) continue;
      HostShard& shard = tables_->shards[shard_idx];
      std::unique_lock lock(shard.mutex, std::defer_lock);
      if (pass == 0 ? !lock.try_lock() : (lock.lock(), false)) continue;
      const std::vector<uint32_t>& mine = by_shard[shard_idx];
      constexpr size_t kAhead = 4;
      for (size_t pos = 0; pos < std::min(kAhead, mine.size()); ++pos) shard.ips.Prefetch(rows[mine[pos]].src_hash);
      for (size_t pos = 0; pos < mine.size(); ++pos) {
        if (pos + kAhead < mine.size()) shard.ips.Prefetch(rows[mine[pos + kAhead]].src_hash);
        const Row& row = rows[mine[pos]];
        HostState& host = row.src_ip ? shard.ips.Get(row.src, row.src_hash) : NamedHost(shard, row.src_name);
        ++host.flows;
        if (std::isfinite(row.facts.start)) {
          host.first = std::min(host.first, row.facts.start);
          host.last = std::max(host.last, row.facts.start);
        }
        host.Window(row.window).Add(row.facts, tier2, options_.window_seconds);
      }
      finished |= 1ULL << (shard_idx & 63);
      ++done;
    }
  }
  if (tier2) ObserveSources(rows, *tables_);
}

void BehaviourTable::Merge(const BehaviourTable& other) {
  tables_->fields.fetch_or(other.tables_->fields.load());
  for (const HostShard& theirs : other.tables_->shards) {
    theirs.ips.ForEach([&](const core::IpAddress& address, const HostState& host) {
      tables_->shards[tables_->ShardOf(HashAddress(address.bytes, address.is_v4))].ips[address].Merge(host);
    });
    for (const auto& [name, host] : theirs.names) {
      NamedHost(tables_->shards[tables_->ShardOf(HashBytes(name, 1))], name).Merge(host);
    }
  }
  for (const SourceShard& theirs : other.tables_->source_shards) {
    theirs.sources.ForEach([&](uint64_t dst_hash, const SourceSet& sources) {
      tables_->source_shards[tables_->SourceShardOf(dst_hash)].sources[dst_hash].Merge(sources);
    });
  }
}

namespace {

// The detectors that run at this level on this capture.
std::vector<const Detector*> RunnableDetectors(const Options& options, uint32_t fields) {
  std::vector<const Detector*> runnable;
  int max_tier = options.level == Level::kAll ? 2 : options.level == Level::kDefault ? 1 : 0;
  for (const Detector& detector : AllDetectors()) {
    if (detector.info.tier <= max_tier && (fields & detector.needs) == detector.needs) runnable.push_back(&detector);
  }
  return runnable;
}

double OrNan(double value) { return std::isfinite(value) ? value : NAN; }

// Fired evidence of one host, sorted by window then detector.
std::vector<Evidence> HostEvidence(const HostState& host, const std::vector<const Detector*>& detectors,
                                   const CaptureFacts& capture, double window_seconds, bool host_is_home) {
  std::vector<const WindowState*> windows = host.SortedWindows();
  std::vector<Evidence> evidence;
  for (const WindowState* window : windows) {
    size_t begin = evidence.size();
    WindowContext context{*window, WindowStart(window->window, window_seconds), capture, host_is_home};
    for (const Detector* detector : detectors) detector->check(context, evidence);
    std::stable_sort(evidence.begin() + static_cast<ptrdiff_t>(begin), evidence.end(),
                     [](const Evidence& a, const Evidence& b) { return a.detector < b.detector; });
  }
  return evidence;
}

// Host order: IPv4 before IPv6, numeric; then other names in byte order.
struct HostOrder {
  bool operator()(const std::pair<core::IpAddress, HostBehaviour>& a, const std::pair<core::IpAddress, HostBehaviour>& b) const {
    if (a.first.is_v4 != b.first.is_v4) return a.first.is_v4;
    return a.first.bytes < b.first.bytes;
  }
};

HostBehaviour MakeBehaviour(std::string host, const HostState& state, std::vector<Evidence> evidence) {
  HostBehaviour behaviour;
  behaviour.host = std::move(host);
  behaviour.first_seen = OrNan(state.first);
  behaviour.last_seen = OrNan(state.last);
  behaviour.flows = state.flows;
  behaviour.evidence = std::move(evidence);
  return behaviour;
}

}  // namespace

CaptureFacts BehaviourTable::MakeCaptureFacts() const {
  CaptureFacts capture;
  capture.fields = tables_->fields.load();
  const HostTables* tables = tables_.get();
  capture.sources = [tables](uint64_t dst_hash) { return tables->SourcesOf(dst_hash); };
  return capture;
}

std::vector<HostBehaviour> BehaviourTable::Finish() const {
  CaptureFacts capture = MakeCaptureFacts();
  auto detectors = RunnableDetectors(options_, capture.fields);
  std::vector<std::pair<core::IpAddress, HostBehaviour>> ips;
  std::vector<HostBehaviour> names;
  if (detectors.empty()) return names;
  for (const HostShard& shard : tables_->shards) {
    shard.ips.ForEach([&](const core::IpAddress& address, const HostState& host) {
      auto evidence = HostEvidence(host, detectors, capture, options_.window_seconds, IsHome(address, options_.home_net));
      if (!evidence.empty()) ips.emplace_back(address, MakeBehaviour(core::FormatIpAddress(address), host, std::move(evidence)));
    });
    for (const auto& [name, host] : shard.names) {
      auto evidence = HostEvidence(host, detectors, capture, options_.window_seconds, false);
      if (!evidence.empty()) names.push_back(MakeBehaviour(name, host, std::move(evidence)));
    }
  }
  std::sort(ips.begin(), ips.end(), HostOrder());
  std::sort(names.begin(), names.end(), [](const HostBehaviour& a, const HostBehaviour& b) { return a.host < b.host; });
  std::vector<HostBehaviour> hosts;
  hosts.reserve(ips.size() + names.size());
  for (auto& [address, behaviour] : ips) hosts.push_back(std::move(behaviour));
  for (auto& behaviour : names) hosts.push_back(std::move(behaviour));
  return hosts;
}

std::vector<HostBehaviour> BehaviourTable::Timeline(std::string_view host) const {
  const HostState* state = tables_->Find(host);
  if (!state) return {};
  auto address = core::ParseIpAddress(host);
  std::string name = address ? core::FormatIpAddress(*address) : std::string(host);
  CaptureFacts capture = MakeCaptureFacts();
  auto detectors = RunnableDetectors(options_, capture.fields);
  std::vector<const WindowState*> windows = state->SortedWindows();
  std::vector<HostBehaviour> timeline;
  for (const WindowState* window : windows) {
    HostBehaviour behaviour;
    behaviour.host = name;
    behaviour.first_seen = OrNan(window->first);
    behaviour.last_seen = OrNan(window->last);
    behaviour.flows = window->flows;
    double window_start = WindowStart(window->window, options_.window_seconds);
    behaviour.evidence.push_back(WindowSummary(*window, window_start, options_.level == Level::kAll));
    WindowContext context{*window, window_start, capture, address && IsHome(*address, options_.home_net)};
    for (const Detector* detector : detectors) detector->check(context, behaviour.evidence);
    timeline.push_back(std::move(behaviour));
  }
  return timeline;
}

std::vector<std::string> BehaviourTable::Notes() const {
  std::vector<std::string> notes;
  if (options_.level == Level::kOff) return {"level: behaviour detection is off"};
  if (options_.level == Level::kDefault) {
    notes.push_back("level: Tier 2 detectors (beaconing, no-dns-fanout, p2p-fanout) are off; --detect all runs them");
  }
  uint32_t fields = tables_->fields.load();
  int max_tier = options_.level == Level::kAll ? 2 : 1;
  for (const Detector& detector : AllDetectors()) {
    uint32_t missing = detector.needs & ~fields;
    if (detector.info.tier > max_tier || missing == 0) continue;
    notes.push_back(fmt::format("{}: not run, the capture has no {}", detector.info.id, FieldNames(missing)));
  }
  if (options_.level == Level::kAll && (fields & kFieldDst) && (fields & kFieldDport) && !(fields & kFieldDns)) {
    notes.push_back("no-dns-fanout: the capture has no DNS flow from any host; if DNS was filtered out, its evidence means little");
  }
  if (!(fields & kFieldStart)) notes.push_back("windows: the capture has no start times, so each host is one window");
  if ((fields & kFieldAnswer) && !(fields & kFieldState)) {
    notes.push_back("unanswered connections are told from SrcBytes == TotBytes: the capture has no State");
  }
  return notes;
}

const std::vector<DetectorInfo>& BehaviourTable::Detectors() {
  static const std::vector<DetectorInfo> infos = [] {
    std::vector<DetectorInfo> list;
    for (const Detector& detector : AllDetectors()) list.push_back(detector.info);
    return list;
  }();
  return infos;
}

size_t BehaviourTable::num_hosts() const {
  size_t count = 0;
  for (const HostShard& shard : tables_->shards) count += shard.ips.size() + shard.names.size();
  return count;
}

size_t BehaviourTable::MemoryBytes() const {
  constexpr size_t kNodeOverhead = 2 * sizeof(void*) + sizeof(size_t);  // node link, cached hash, bucket slot
  size_t bytes = 0;
  for (const HostShard& shard : tables_->shards) {
    bytes += shard.ips.MemoryBytes() + shard.names.bucket_count() * sizeof(void*);
    auto host_bytes = [&](const HostState& host) {
      // window0 is counted in the map's chunks.
      bytes += host.more.capacity() * sizeof(WindowState) - host.num_windows() * sizeof(WindowState);
      host.ForEachWindow([&](const WindowState& window) { bytes += window.MemoryBytes(); });
    };
    shard.ips.ForEach([&](const core::IpAddress&, const HostState& host) { host_bytes(host); });
    for (const auto& [name, host] : shard.names) {
      host_bytes(host);
      bytes += kNodeOverhead + sizeof(std::string) + name.capacity() + sizeof(HostState);
    }
  }
  for (const SourceShard& shard : tables_->source_shards) {
    bytes += shard.sources.MemoryBytes();
  }
  return bytes;
}

}  // namespace botrecon::detect
