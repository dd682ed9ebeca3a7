// Per-host accumulation of flow scores: consume, merge, finish.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
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

struct HostResult {
  std::string host;
  double mean_score = 0;
  uint64_t flow_count = 0;
};

// One table of hosts. Not thread-safe; see ShardedAggregator.
class HostAggregator {
 public:
  // Adds one flow of an IP host / of a host that is not an IP address.
  void Add(const core::IpAddress& address, FixedScore fixed_score);
  void Add(std::string_view host, FixedScore fixed_score);
  // Hints that `address` will be added soon (brings its slot into cache).
  void Prefetch(const core::IpAddress& address) const;
  // Adds every host of `other` into this one.
  void Merge(const HostAggregator& other);
  size_t size() const { return num_ip_ + other_.size(); }
  // Appends one result per host to `out` (unsorted), only for hosts with at
  // least `min_count` flows whose mean score is >= `min_score` (so a scan of
  // millions of hosts formats only the ones it reports).
  // Hosts in `always` (e.g. those a behaviour detector flagged) are appended
  // whatever their score and count.
  void Collect(std::vector<HostResult>& out, double min_score = -HUGE_VAL, uint64_t min_count = 0,
               const std::unordered_set<std::string>* always = nullptr) const;

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
  };
  void AddFixed(const std::array<uint8_t, 16>& address, bool is_v4, FixedScore sum, uint64_t count);
  void Grow();
  size_t Slot(uint64_t hash) const { return static_cast<size_t>((static_cast<UnsignedFixed>(hash) * slots_.size()) >> 64); }

  std::vector<Entry, core::HugePageAllocator<Entry>> slots_;
  size_t num_ip_ = 0;
  std::unordered_map<std::string, Acc> other_;
};

// Converts a score to the fixed-point units used for summing. Throws for
// non-finite scores or |score| >= 2^62.
FixedScore ToFixed(double score);
// The mean of `count` scores summing to `sum`.
double FixedMean(FixedScore sum, uint64_t count);

// A thread-safe aggregator: hosts spread over independently locked shards.
// Few, large shards (each on huge pages) beat many small ones: measured on
// 5M rows / 1.7M hosts with 2 threads, 4 shards took 1.01 s end to end and
// 64 shards 1.19 s (docs/benchmarks.md).
class ShardedAggregator {
 public:
  // `threads`: how many threads will call AddBatch at once; the shard count
  // is the smallest power of two >= 2 x threads, at least 4.
  explicit ShardedAggregator(int threads = 1);
  // Adds a batch of flows: hosts[i] with scores[i], for rows where keep[i] != 0.
  // A shard another thread holds is skipped and come back to, so threads
  // rarely wait on each other.
  void AddBatch(std::span<const std::string_view> hosts, std::span<const double> scores,
                std::span<const uint8_t> keep);
  std::vector<HostResult> Collect(double min_score = -HUGE_VAL, uint64_t min_count = 0,
                                  const std::unordered_set<std::string>* always = nullptr) const;
  size_t size() const;
  size_t num_shards() const { return shards_.size(); }

 private:
  struct Shard {
    std::mutex mutex;
    HostAggregator table;
  };
  std::vector<Shard> shards_;
  size_t shard_mask_;
};

// Keeps hosts with at least `min_count` flows (min_count <= 0: all) whose
// mean score is >= threshold, sorted by mean score (highest first), then flow
// count (highest first), then host (addresses in numeric order, IPv4 before
// IPv6, then other names in byte order).
// Hosts in `flagged` (a behaviour detector fired) are kept whatever their mean score.
std::vector<HostResult> SelectInfected(std::vector<HostResult> hosts, double threshold, int64_t min_count,
                                       const std::unordered_set<std::string>* flagged = nullptr);

}  // namespace botrecon::aggregate
