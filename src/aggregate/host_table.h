// The one host table: per source host the flow count, the exact score sum and,
// when asked for, label counts and first/last seen; mergeable, so threads,
// files (and later Dask partitions) combine the same way. One result type
// (HostResult) and one sort order (SortHosts) for scan, evaluate and explain.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/huge_pages.h"
#include "core/ip_address.h"

namespace botrecon::aggregate {

// Scores are summed exactly, in 128-bit fixed point (units of 2^-64), so the
// result does not depend on the order rows arrive in: the same input gives
// the same means whatever the thread count or batching, and a mean is the
// exact mean rounded once (not the drift of a long floating-point sum).
__extension__ using FixedScore = __int128;           // GCC/Clang extension
__extension__ using UnsignedFixed = unsigned __int128;  // for bit manipulation

// A flow's label, for the label counts of a host.
enum class LabelClass : uint8_t { kNormal = 0, kBotnet = 1, kBackground = 2 };

// What a host table keeps beside count and sum when built with details.
struct HostDetail {
  uint64_t botnet = 0, normal = 0, background = 0;  // flows per LabelClass
  double first_seen = NAN, last_seen = NAN;         // flow start times, epoch seconds (NaN: none)
  void Merge(const HostDetail& other);
};

struct HostResult {
  // IP addresses written canonically (dotted quad, RFC 5952), other names as written.
  std::string host;
  double mean_score = 0;  // the exact mean, rounded once
  uint64_t flow_count = 0;
  HostDetail detail;  // zeros/NaN unless the table kept details
};

// One batch of flows for a table: hosts[i] with scores[i] where keep[i] != 0;
// with details, labels[i] (a LabelClass; empty: none) and start[i] (empty: none).
struct HostRows {
  std::span<const std::string_view> hosts;
  std::span<const double> scores;
  std::span<const uint8_t> keep;
  std::span<const uint8_t> labels;
  std::span<const double> start;
};

// One table of hosts. Not thread-safe; see ShardedHostTable.
class HostTable {
 public:
  // `details`: also keep a HostDetail per host (label counts, first/last seen).
  explicit HostTable(bool details = false) : details_on_(details) {}
  // Adds one flow of an IP host / of a host that is not an IP address.
  void Add(const core::IpAddress& address, FixedScore fixed_score, const HostDetail* detail = nullptr);
  void Add(std::string_view host, FixedScore fixed_score, const HostDetail* detail = nullptr);
  // Hints that `address` will be added soon (brings its slot into cache).
  void Prefetch(const core::IpAddress& address) const;
  // Adds every host of `other` into this one (exact).
  void Merge(const HostTable& other);
  size_t size() const { return num_ip_ + other_.size(); }
  // Appends one result per host to `out` (unsorted), only for hosts with at
  // least `min_count` flows whose mean score is >= `min_score` (so a scan of
  // millions of hosts formats only the ones it reports).
  // Hosts in `always` (e.g. those a behaviour detector flagged) are appended
  // whatever their score and count.
  void Collect(std::vector<HostResult>& out, double min_score = -HUGE_VAL, uint64_t min_count = 0,
               const std::unordered_set<std::string>* always = nullptr) const;
  // The highest (mean score, flow count) of the hosts with at least
  // `min_count` flows; count 0 when there is none.
  std::pair<double, uint64_t> MaxScore(uint64_t min_count = 0) const;

 private:
  // 40 bytes: the address, the flow count with the IPv4 flag in its top bit
  // (0 = empty slot), and the sum as two 64-bit halves.
  struct Entry {
    std::array<uint8_t, 16> address;
    uint64_t count_and_flag = 0;
    uint64_t sum_lo = 0;
    uint64_t sum_hi = 0;
  };
  struct Acc {
    FixedScore sum = 0;
    uint64_t count = 0;
    HostDetail detail;
  };
  void AddFixed(const std::array<uint8_t, 16>& address, bool is_v4, FixedScore sum, uint64_t count,
                const HostDetail* detail);
  void Grow();
  friend class ShardedHostTable;
  HostResult Result(std::string host, FixedScore sum, uint64_t count, const HostDetail* detail) const;
  size_t Slot(uint64_t hash) const { return static_cast<size_t>((static_cast<UnsignedFixed>(hash) * slots_.size()) >> 64); }

  bool details_on_ = false;
  std::vector<Entry, core::HugePageAllocator<Entry>> slots_;
  std::vector<HostDetail> details_;  // per slot, only with details_on_
  size_t num_ip_ = 0;
  std::unordered_map<std::string, Acc> other_;
};

// Converts a score to the fixed-point units used for summing. Throws for
// non-finite scores or |score| >= 2^62.
FixedScore ToFixed(double score);
// The mean of `count` scores summing to `sum`.
double FixedMean(FixedScore sum, uint64_t count);

// A thread-safe host table: hosts spread over independently locked shards.
// Few, large shards (each on huge pages) beat many small ones: measured on
// 5M rows / 1.7M hosts with 2 threads, 4 shards took 1.01 s end to end and
// 64 shards 1.19 s (docs/benchmarks.md).
class ShardedHostTable {
 public:
  // `threads`: how many threads will call AddBatch at once; the shard count
  // is the smallest power of two >= 2 x threads, at least 4. `details`: as HostTable.
  explicit ShardedHostTable(int threads = 1, bool details = false);
  // Adds a batch of flows. A shard another thread holds is skipped and come
  // back to, so threads rarely wait on each other.
  void AddBatch(const HostRows& rows);
  void AddBatch(std::span<const std::string_view> hosts, std::span<const double> scores,
                std::span<const uint8_t> keep) {
    AddBatch(HostRows{hosts, scores, keep, {}, {}});
  }
  // Adds every host of `other` (exact; any shard counts). Not thread-safe.
  void Merge(const ShardedHostTable& other);
  std::vector<HostResult> Collect(double min_score = -HUGE_VAL, uint64_t min_count = 0,
                                  const std::unordered_set<std::string>* always = nullptr) const;
  // The first host in SortHosts order among those with at least `min_count`
  // flows (the highest mean score), for the scan's summary; nullopt if none.
  std::optional<HostResult> Top(uint64_t min_count = 0) const;
  size_t size() const;
  size_t num_shards() const { return shards_.size(); }

 private:
  struct Shard {
    std::mutex mutex;
    HostTable table;
  };
  size_t ShardOf(std::string_view host) const;
  std::vector<Shard> shards_;
  size_t shard_mask_;
};

// The one order of hosts: mean score (highest first), flow count (highest
// first), then host (addresses in numeric order, IPv4 before IPv6, then other
// names in byte order).
void SortHosts(std::vector<HostResult>& hosts);

// Keeps hosts with at least `min_count` flows (min_count <= 0: all) whose
// mean score is >= threshold, sorted by SortHosts.
// Hosts in `flagged` (a behaviour detector fired) are kept whatever their mean score.
std::vector<HostResult> SelectInfected(std::vector<HostResult> hosts, double threshold, int64_t min_count,
                                       const std::unordered_set<std::string>* flagged = nullptr);

}  // namespace botrecon::aggregate
