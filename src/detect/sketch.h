// Small mergeable sketches for behaviour state: hashing, distinct counts
// (exact small sets that turn into HyperLogLog), saturating source sets and
// adaptive-resolution time-slot sets.
//
// Every sketch here is a pure function of the SET of values added to it, never
// of their order or of how they were split: that is what makes
// BehaviourTable::Merge exact.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "detect/serial.h"

namespace botrecon::detect {

// The splitmix64 / murmur3 finaliser: a bijective 64-bit mixer.
inline uint64_t Mix64(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}
// Hash of arbitrary bytes (text of non-IP addresses).
uint64_t HashBytes(std::string_view bytes, uint64_t seed = 0);
// Hash of a 16-byte address key plus its family flag.
uint64_t HashAddress(const std::array<uint8_t, 16>& bytes, bool is_v4);
// Hash of two hashes (pairs such as destination x port).
inline uint64_t HashPair(uint64_t a, uint64_t b) { return Mix64(a ^ Mix64(b + 0x9e3779b97f4a7c15ULL)); }

// Distinct count of 64-bit hashes: exact up to kExactMax values (so thresholds
// up to 64 are decided exactly), then a
// HyperLogLog with 2^kPrecision one-byte registers (256 B, ~6.5 % standard
// error, linear counting below ~600). Empty costs one pointer.
class DistinctSketch {
 public:
  static constexpr int kPrecision = 8;
  static constexpr uint32_t kRegisters = 1u << kPrecision;
  static constexpr uint32_t kExactMax = 64;

  DistinctSketch() = default;
  DistinctSketch(const DistinctSketch& other);
  DistinctSketch& operator=(const DistinctSketch& other);
  DistinctSketch(DistinctSketch&&) noexcept = default;
  DistinctSketch& operator=(DistinctSketch&&) noexcept = default;

  void Add(uint64_t hash);
  void Merge(const DistinctSketch& other);
  // Exact while exact(), else the HyperLogLog estimate (rounded).
  uint64_t Estimate() const;
  bool exact() const { return !block_ || !is_hll(); }
  bool empty() const { return !block_; }
  // True if the exact set holds `hash` (false once approximate).
  bool ContainsExact(uint64_t hash) const;
  // Heap bytes used.
  size_t MemoryBytes() const;
  // Same set (exact) / same registers (HLL).
  bool operator==(const DistinctSketch& other) const;

  void Serialize(ByteWriter& out) const;
  static DistinctSketch Deserialize(ByteReader& in);

 private:
  // block_[0] = header: bit 63 = HLL flag, bits 0..31 = exact size,
  // bits 32..47 = exact capacity. Exact: block_[1..size] the hashes (unsorted).
  // HLL: block_[1..kRegisters/8] the registers as bytes.
  bool is_hll() const { return (block_[0] >> 63) != 0; }
  uint32_t size() const { return static_cast<uint32_t>(block_[0]); }
  uint32_t capacity() const { return static_cast<uint32_t>(block_[0] >> 32) & 0xffff; }
  uint8_t* registers() { return reinterpret_cast<uint8_t*>(block_.get() + 1); }
  const uint8_t* registers() const { return reinterpret_cast<const uint8_t*>(block_.get() + 1); }
  void AddExact(uint64_t hash);
  void ToHll();
  void AddHll(uint64_t hash);

  std::unique_ptr<uint64_t[]> block_;
};

// The distinct sources seen for one destination, saturating: exact up to
// kMax source hashes, then only "more than kMax". Order-independent.
struct SourceSet {
  static constexpr int kMax = 4;
  uint32_t hashes[kMax] = {};
  uint8_t count = 0;  // kMax + 1 = saturated

  void Add(uint32_t hash);
  void Merge(const SourceSet& other);
  bool saturated() const { return count > kMax; }
  // Distinct sources, capped at kMax + 1.
  int Size() const { return count; }
  bool operator==(const SourceSet& other) const;

 private:
  void Saturate();
};

// Start times of one (host, destination) pair as a sorted set of time slots:
// whole seconds since an origin at the finest resolution (2^shift seconds per
// slot) that keeps at most kMaxSlots slots. The slot set is a function of the
// set of seconds only, so merges are exact.
class TimeSlots {
 public:
  static constexpr size_t kMaxSlots = 256;

  void Add(uint32_t second);
  void Merge(const TimeSlots& other);
  std::span<const uint32_t> slots() const { return slots_; }
  int shift() const { return shift_; }
  // Seconds per slot.
  uint32_t resolution() const { return 1u << shift_; }
  bool operator==(const TimeSlots& other) const = default;
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(uint32_t); }

  void Serialize(ByteWriter& out) const;
  static TimeSlots Deserialize(ByteReader& in);

 private:
  void Coarsen();
  std::vector<uint32_t> slots_;  // sorted, unique
  int shift_ = 0;
};

}  // namespace botrecon::detect
