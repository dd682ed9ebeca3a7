#include "aggregate/host_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace botrecon::aggregate {
namespace {

constexpr uint64_t kV4Flag = 1ULL << 63;
constexpr double kTwo64 = 18446744073709551616.0;

uint64_t HashAddress(const std::array<uint8_t, 16>& a) {
  uint64_t lo, hi;
  std::memcpy(&hi, a.data(), 8);
  std::memcpy(&lo, a.data() + 8, 8);
  uint64_t h = lo * 0x9E3779B97F4A7C15ULL ^ (hi + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

// Two 64-bit compares (std::array's == calls memcmp).
inline bool SameAddress(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b) {
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.data(), 8);
  std::memcpy(&a1, a.data() + 8, 8);
  std::memcpy(&b0, b.data(), 8);
  std::memcpy(&b1, b.data() + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

FixedScore CheckedAdd(FixedScore a, FixedScore b) {
  FixedScore out;
  if (__builtin_add_overflow(a, b, &out)) throw core::InputError("per-host score sum overflows (scores too large)");
  return out;
}

FixedScore LoadSum(uint64_t lo, uint64_t hi) {
  return static_cast<FixedScore>((static_cast<UnsignedFixed>(hi) << 64) | lo);
}

}  // namespace

FixedScore ToFixed(double score) {
  if (!std::isfinite(score)) throw core::InternalError("model produced a non-finite score");
  if (std::fabs(score) >= 4611686018427387904.0) {  // 2^62
    throw core::InputError("score out of range: " + std::to_string(score));
  }
  if (score < 0) return -ToFixed(-score);
  // Integer part plus the fraction scaled by 2^64: both exact for score >= 0
  // (the fraction loses only bits below 2^-64).
  const double whole = std::floor(score);
  const double fraction = (score - whole) * kTwo64;  // in [0, 2^64)
  const uint64_t low = fraction >= kTwo64 ? ~0ULL : static_cast<uint64_t>(fraction);
  return static_cast<FixedScore>(static_cast<UnsignedFixed>(static_cast<int64_t>(whole)) << 64) +
         static_cast<FixedScore>(low);
}

double FixedMean(FixedScore sum, uint64_t count) {
  return static_cast<double>(static_cast<long double>(sum) / static_cast<long double>(kTwo64) /
                             static_cast<long double>(count));
}

void HostDetail::Merge(const HostDetail& other) {
  botnet += other.botnet;
  normal += other.normal;
  background += other.background;
  first_seen = std::fmin(first_seen, other.first_seen);  // fmin/fmax ignore NaN
  last_seen = std::fmax(last_seen, other.last_seen);
}

void HostTable::Grow() {
  std::vector<Entry, core::HugePageAllocator<Entry>> old;
  old.swap(slots_);
  std::vector<HostDetail> old_details;
  old_details.swap(details_);
  // Grow by half (not double) at 80 % load: 40-byte slots for millions of
  // hosts are the biggest memory cost of a scan. The slot index is a
  // multiply-shift of the hash, so any table size works.
  slots_.assign(old.empty() ? 256 : old.size() + old.size() / 2, Entry{});
  if (details_on_) details_.assign(slots_.size(), HostDetail{});
  num_ip_ = 0;
  for (size_t i = 0; i < old.size(); ++i) {
    const Entry& e = old[i];
    if (e.count_and_flag != 0) {
      AddFixed(e.address, (e.count_and_flag & kV4Flag) != 0, LoadSum(e.sum_lo, e.sum_hi), e.count_and_flag & ~kV4Flag,
               details_on_ ? &old_details[i] : nullptr);
    }
  }
}

void HostTable::AddFixed(const std::array<uint8_t, 16>& address, bool is_v4, FixedScore sum, uint64_t count,
                         const HostDetail* detail) {
  if ((num_ip_ + 1) * 10 > slots_.size() * 8) Grow();
  const size_t size = slots_.size();
  const uint64_t flag = is_v4 ? kV4Flag : 0;
  size_t i = Slot(HashAddress(address));
  for (;;) {
    Entry& e = slots_[i];
    if (e.count_and_flag == 0) {
      e.address = address;
      e.count_and_flag = count | flag;
      auto u = static_cast<UnsignedFixed>(sum);
      e.sum_lo = static_cast<uint64_t>(u);
      e.sum_hi = static_cast<uint64_t>(u >> 64);
      ++num_ip_;
      if (details_on_ && detail != nullptr) details_[i] = *detail;
      return;
    }
    if (SameAddress(e.address, address) && (e.count_and_flag & kV4Flag) == flag) {
      auto u = static_cast<UnsignedFixed>(CheckedAdd(LoadSum(e.sum_lo, e.sum_hi), sum));
      e.sum_lo = static_cast<uint64_t>(u);
      e.sum_hi = static_cast<uint64_t>(u >> 64);
      e.count_and_flag += count;
      if (details_on_ && detail != nullptr) details_[i].Merge(*detail);
      return;
    }
    if (++i == size) i = 0;
  }
}

void HostTable::Prefetch(const core::IpAddress& address) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[Slot(HashAddress(address.bytes))]);
}

void HostTable::Add(const core::IpAddress& address, FixedScore fixed_score, const HostDetail* detail) {
  AddFixed(address.bytes, address.is_v4, fixed_score, 1, detail);
}

void HostTable::Add(std::string_view host, FixedScore fixed_score, const HostDetail* detail) {
  auto it = other_.find(std::string(host));
  if (it == other_.end()) it = other_.emplace(std::string(host), Acc{}).first;
  it->second.sum = CheckedAdd(it->second.sum, fixed_score);
  ++it->second.count;
  if (details_on_ && detail != nullptr) it->second.detail.Merge(*detail);
}

void HostTable::Merge(const HostTable& other) {
  for (size_t i = 0; i < other.slots_.size(); ++i) {
    const Entry& e = other.slots_[i];
    if (e.count_and_flag != 0) {
      AddFixed(e.address, (e.count_and_flag & kV4Flag) != 0, LoadSum(e.sum_lo, e.sum_hi), e.count_and_flag & ~kV4Flag,
               other.details_on_ ? &other.details_[i] : nullptr);
    }
  }
  for (const auto& [host, acc] : other.other_) {
    Acc& mine = other_[host];
    mine.sum = CheckedAdd(mine.sum, acc.sum);
    mine.count += acc.count;
    if (details_on_) mine.detail.Merge(acc.detail);
  }
}

HostResult HostTable::Result(std::string host, FixedScore sum, uint64_t count, const HostDetail* detail) const {
  HostResult result{std::move(host), FixedMean(sum, count), count, {}};
  if (details_on_ && detail != nullptr) result.detail = *detail;
  return result;
}

void HostTable::Collect(std::vector<HostResult>& out, double min_score, uint64_t min_count,
                        const std::unordered_set<std::string>* always) const {
  const bool check_always = always != nullptr && !always->empty();
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Entry& e = slots_[i];
    if (e.count_and_flag == 0) continue;
    const uint64_t count = e.count_and_flag & ~kV4Flag;
    const double mean = FixedMean(LoadSum(e.sum_lo, e.sum_hi), count);
    const bool passes = count >= min_count && mean >= min_score;
    if (!passes && !check_always) continue;
    core::IpAddress address;
    address.bytes = e.address;
    address.is_v4 = (e.count_and_flag & kV4Flag) != 0;
    std::string host = core::FormatIpAddress(address);
    if (passes || always->count(host) > 0) {
      out.push_back(Result(std::move(host), LoadSum(e.sum_lo, e.sum_hi), count, details_on_ ? &details_[i] : nullptr));
    }
  }
  for (const auto& [host, acc] : other_) {
    const double mean = FixedMean(acc.sum, acc.count);
    const bool passes = acc.count >= min_count && mean >= min_score;
    if (passes || (check_always && always->count(host) > 0)) out.push_back(Result(host, acc.sum, acc.count, &acc.detail));
  }
}

std::pair<double, uint64_t> HostTable::MaxScore(uint64_t min_count) const {
  std::pair<double, uint64_t> best{-HUGE_VAL, 0};
  auto consider = [&](double mean, uint64_t count) {
    if (count < min_count || count == 0) return;
    if (best.second == 0 || mean > best.first || (mean == best.first && count > best.second)) best = {mean, count};
  };
  for (const Entry& e : slots_) {
    if (e.count_and_flag == 0) continue;
    const uint64_t count = e.count_and_flag & ~kV4Flag;
    consider(FixedMean(LoadSum(e.sum_lo, e.sum_hi), count), count);
  }
  for (const auto& [host, acc] : other_) consider(FixedMean(acc.sum, acc.count), acc.count);
  return best;
}

namespace {
size_t ShardCount(int threads) {
  size_t n = 4;
  while (n < 2 * static_cast<size_t>(std::max(threads, 1))) n *= 2;
  return n;
}
}  // namespace

ShardedHostTable::ShardedHostTable(int threads, bool details)
    : shards_(ShardCount(threads)), shard_mask_(shards_.size() - 1) {
  for (auto& shard : shards_) shard.table = HostTable(details);
}

// The detail one row adds (labels and start as HostRows says).
static HostDetail RowDetail(const HostRows& rows, size_t row) {
  HostDetail detail;
  if (!rows.labels.empty()) {
    switch (static_cast<LabelClass>(rows.labels[row])) {
      case LabelClass::kBotnet: detail.botnet = 1; break;
      case LabelClass::kBackground: detail.background = 1; break;
      case LabelClass::kNormal: detail.normal = 1; break;
    }
  }
  if (!rows.start.empty()) detail.first_seen = detail.last_seen = rows.start[row];
  return detail;
}

size_t ShardedHostTable::ShardOf(std::string_view host) const {
  if (auto address = core::ParseIpAddress(host)) return HashAddress(address->bytes) & shard_mask_;
  return std::hash<std::string_view>{}(host) & shard_mask_;
}

void ShardedHostTable::Merge(const ShardedHostTable& other) {
  if (other.shards_.size() == shards_.size()) {
    for (size_t s = 0; s < shards_.size(); ++s) shards_[s].table.Merge(other.shards_[s].table);
    return;
  }
  // Different shard counts: each host goes to the shard this table keeps it in.
  for (const Shard& shard : other.shards_) {
    const HostTable& from = shard.table;
    for (size_t i = 0; i < from.slots_.size(); ++i) {
      const HostTable::Entry& e = from.slots_[i];
      if (e.count_and_flag == 0) continue;
      shards_[HashAddress(e.address) & shard_mask_].table.AddFixed(
          e.address, (e.count_and_flag & kV4Flag) != 0, LoadSum(e.sum_lo, e.sum_hi), e.count_and_flag & ~kV4Flag,
          from.details_on_ ? &from.details_[i] : nullptr);
    }
    for (const auto& [host, acc] : from.other_) {
      HostTable::Acc& mine = shards_[ShardOf(host)].table.other_[host];
      mine.sum = CheckedAdd(mine.sum, acc.sum);
      mine.count += acc.count;
      mine.detail.Merge(acc.detail);
    }
  }
}

void ShardedHostTable::AddBatch(const HostRows& rows) {
  const std::span<const std::string_view> hosts = rows.hosts;
  const std::span<const double> scores = rows.scores;
  const std::span<const uint8_t> keep = rows.keep;
  const bool details = !rows.labels.empty() || !rows.start.empty();
  const size_t n = hosts.size();
  struct Item {
    core::IpAddress address;
    FixedScore score;
    uint32_t row;
    bool is_ip;
  };
  // Group the rows by shard, then lock each shard once.
  // Reused per thread: allocating the lists for every batch showed in profiles.
  const size_t num_shards = shards_.size();
  thread_local std::vector<std::vector<Item>> by_shard;
  by_shard.resize(std::max(by_shard.size(), num_shards));
  for (auto& list : by_shard) list.clear();
  for (size_t r = 0; r < n; ++r) {
    if (!keep[r]) continue;
    Item item{};
    item.score = ToFixed(scores[r]);
    item.row = static_cast<uint32_t>(r);
    size_t shard;
    if (auto address = core::ParseIpAddress(hosts[r])) {
      item.address = *address;
      item.is_ip = true;
      shard = HashAddress(item.address.bytes) & shard_mask_;  // low bits; slots use the high bits
    } else {
      item.is_ip = false;
      shard = std::hash<std::string_view>{}(hosts[r]) & shard_mask_;
    }
    by_shard[shard].push_back(item);
  }
  auto add_all = [&](size_t s) {
    HostTable& table = shards_[s].table;
    const auto& items = by_shard[s];
    constexpr size_t kAhead = 8;  // slots are random: fetch a few rows ahead
    for (size_t k = 0; k < std::min(kAhead, items.size()); ++k) {
      if (items[k].is_ip) table.Prefetch(items[k].address);
    }
    for (size_t k = 0; k < items.size(); ++k) {
      const Item& item = items[k];
      if (k + kAhead < items.size() && items[k + kAhead].is_ip) table.Prefetch(items[k + kAhead].address);
      HostDetail detail;
      if (details) detail = RowDetail(rows, item.row);
      if (item.is_ip) {
        table.Add(item.address, item.score, details ? &detail : nullptr);
      } else {
        table.Add(hosts[item.row], item.score, details ? &detail : nullptr);
      }
    }
  };
  // First pass: every shard that is free now; then wait for the busy ones.
  thread_local std::vector<size_t> busy;
  busy.clear();
  for (size_t s = 0; s < num_shards; ++s) {
    if (by_shard[s].empty()) continue;
    std::unique_lock<std::mutex> lock(shards_[s].mutex, std::try_to_lock);
    if (!lock.owns_lock()) {
      busy.push_back(s);
      continue;
    }
    add_all(s);
  }
  for (size_t s : busy) {
    std::lock_guard<std::mutex> lock(shards_[s].mutex);
    add_all(s);
  }
}

std::vector<HostResult> ShardedHostTable::Collect(double min_score, uint64_t min_count,
                                                   const std::unordered_set<std::string>* always) const {
  std::vector<HostResult> out;
  for (const auto& shard : shards_) shard.table.Collect(out, min_score, min_count, always);
  return out;
}

std::optional<HostResult> ShardedHostTable::Top(uint64_t min_count) const {
  std::pair<double, uint64_t> best{-HUGE_VAL, 0};
  for (const auto& shard : shards_) {
    const auto key = shard.table.MaxScore(min_count);
    if (key.second == 0) continue;
    if (best.second == 0 || key.first > best.first || (key.first == best.first && key.second > best.second)) best = key;
  }
  if (best.second == 0) return std::nullopt;
  // The hosts tied on the best (mean, count), ordered as everywhere else.
  std::vector<HostResult> tied = Collect(best.first, best.second);
  SortHosts(tied);
  return tied.front();
}

size_t ShardedHostTable::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard.table.size();
  return total;
}

void SortHosts(std::vector<HostResult>& hosts) {
  struct Key {
    int kind;  // 0 = IPv4, 1 = IPv6, 2 = other
    core::IpAddress address;
    size_t index;
  };
  std::vector<Key> keys(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) {
    keys[i] = {2, {}, i};
    if (auto a = core::ParseIpAddress(hosts[i].host)) keys[i] = {a->is_v4 ? 0 : 1, *a, i};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    const HostResult& x = hosts[a.index];
    const HostResult& y = hosts[b.index];
    if (x.mean_score != y.mean_score) return x.mean_score > y.mean_score;
    if (x.flow_count != y.flow_count) return x.flow_count > y.flow_count;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.kind != 2) return a.address.bytes < b.address.bytes;
    return x.host < y.host;
  });
  std::vector<HostResult> sorted;
  sorted.reserve(hosts.size());
  for (const Key& k : keys) sorted.push_back(std::move(hosts[k.index]));
  hosts = std::move(sorted);
}

std::vector<HostResult> SelectInfected(std::vector<HostResult> hosts, double threshold, int64_t min_count,
                                       const std::unordered_set<std::string>* flagged) {
  std::vector<HostResult> out;
  for (auto& h : hosts) {
    if (min_count > 0 && h.flow_count < static_cast<uint64_t>(min_count)) continue;
    if (h.mean_score >= threshold || (flagged != nullptr && flagged->count(h.host) > 0)) out.push_back(std::move(h));
  }
  SortHosts(out);
  return out;
}

}  // namespace botrecon::aggregate
