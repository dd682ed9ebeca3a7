#include "detect/sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace botrecon::detect {

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  uint64_t hash = Mix64(seed ^ (bytes.size() * 0x9e3779b97f4a7c15ULL));
  size_t pos = 0;
  for (; pos + 8 <= bytes.size(); pos += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + pos, 8);
    hash = Mix64(hash ^ word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + pos, bytes.size() - pos);
  return Mix64(hash ^ tail ^ 0xff51afd7ed558ccdULL);
}

uint64_t HashAddress(const std::array<uint8_t, 16>& bytes, bool is_v4) {
  uint64_t high, low;
  std::memcpy(&high, bytes.data(), 8);
  std::memcpy(&low, bytes.data() + 8, 8);
  return Mix64(Mix64(high ^ (is_v4 ? 0x5bd1e995ULL : 0)) ^ low);
}

// ---- DistinctSketch ----

namespace {
constexpr uint64_t kHllFlag = 1ULL << 63;
constexpr uint32_t kHllWords = DistinctSketch::kRegisters / 8;
uint64_t Header(bool hll, uint32_t size, uint32_t capacity) {
  return (hll ? kHllFlag : 0) | (static_cast<uint64_t>(capacity) << 32) | size;
}
size_t BlockWords(uint64_t header) {
  if (header & kHllFlag) return 1 + kHllWords;
  return 1 + ((header >> 32) & 0xffff);
}
}  // namespace

DistinctSketch::DistinctSketch(const DistinctSketch& other) { *this = other; }

DistinctSketch& DistinctSketch::operator=(const DistinctSketch& other) {
  if (this == &other) return *this;
  if (!other.block_) {
    block_.reset();
    return *this;
  }
  size_t words = BlockWords(other.block_[0]);
  block_ = std::make_unique<uint64_t[]>(words);
  std::memcpy(block_.get(), other.block_.get(), words * sizeof(uint64_t));
  return *this;
}

void DistinctSketch::Add(uint64_t hash) {
  if (block_ && is_hll()) {
    AddHll(hash);
  } else {
    AddExact(hash);
  }
}

void DistinctSketch::AddExact(uint64_t hash) {
  if (!block_) {
    // Most sketches hold one or two values: start with room for two.
    block_ = std::make_unique_for_overwrite<uint64_t[]>(1 + 2);
    block_[0] = Header(false, 1, 2);
    block_[1] = hash;
    return;
  }
  uint32_t n = size();
  const uint64_t* values = block_.get() + 1;
  for (uint32_t idx = 0; idx < n; ++idx) {
    if (values[idx] == hash) return;
  }
  if (n == kExactMax) {
    ToHll();
    AddHll(hash);
    return;
  }
  if (n == capacity()) {
    uint32_t grown = std::min(kExactMax, capacity() * 2);
    auto bigger = std::make_unique_for_overwrite<uint64_t[]>(1 + grown);
    std::memcpy(bigger.get() + 1, block_.get() + 1, n * sizeof(uint64_t));
    block_ = std::move(bigger);
    block_[0] = Header(false, n, grown);
  }
  block_[1 + n] = hash;
  block_[0] = Header(false, n + 1, capacity());
}

void DistinctSketch::ToHll() {
  std::unique_ptr<uint64_t[]> old = std::move(block_);
  uint32_t n = static_cast<uint32_t>(old[0]);
  block_ = std::make_unique<uint64_t[]>(1 + kHllWords);  // zeroed
  block_[0] = Header(true, 0, 0);
  for (uint32_t idx = 0; idx < n; ++idx) AddHll(old[1 + idx]);
}

void DistinctSketch::AddHll(uint64_t hash) {
  uint32_t index = static_cast<uint32_t>(hash >> (64 - kPrecision));
  uint64_t rest = (hash << kPrecision) | (1ULL << (kPrecision - 1));  // bounds the rank
  auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  uint8_t& reg = registers()[index];
  if (rank > reg) reg = rank;
}

void DistinctSketch::Merge(const DistinctSketch& other) {
  if (!other.block_) return;
  if (!block_) {
    *this = other;
    return;
  }
  if (other.is_hll()) {
    if (!is_hll()) {
      DistinctSketch mine = std::move(*this);
      *this = other;
      for (uint32_t idx = 0; idx < mine.size(); ++idx) AddHll(mine.block_[1 + idx]);
      return;
    }
    const uint8_t* theirs = other.registers();
    uint8_t* ours = registers();
    for (uint32_t idx = 0; idx < kRegisters; ++idx) ours[idx] = std::max(ours[idx], theirs[idx]);
    return;
  }
  for (uint32_t idx = 0; idx < other.size(); ++idx) Add(other.block_[1 + idx]);
}

uint64_t DistinctSketch::Estimate() const {
  if (!block_) return 0;
  if (!is_hll()) return size();
  const uint8_t* regs = registers();
  double sum = 0;
  uint32_t zeros = 0;
  for (uint32_t idx = 0; idx < kRegisters; ++idx) {
    sum += std::ldexp(1.0, -regs[idx]);
    zeros += regs[idx] == 0;
  }
  constexpr double m = kRegisters;
  double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);
  // Never below what the exact phase had already proven.
  return std::max<uint64_t>(kExactMax + 1, static_cast<uint64_t>(std::llround(estimate)));
}

bool DistinctSketch::ContainsExact(uint64_t hash) const {
  if (!block_ || is_hll()) return false;
  const uint64_t* values = block_.get() + 1;
  return std::find(values, values + size(), hash) != values + size();
}

size_t DistinctSketch::MemoryBytes() const { return block_ ? BlockWords(block_[0]) * sizeof(uint64_t) : 0; }

namespace {
std::vector<uint64_t> SortedExact(const uint64_t* values, uint32_t n) {
  std::vector<uint64_t> sorted(values, values + n);
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}
}  // namespace

bool DistinctSketch::operator==(const DistinctSketch& other) const {
  if (!block_ || !other.block_) return !block_ && !other.block_;
  if (is_hll() != other.is_hll()) return false;
  if (is_hll()) return std::memcmp(registers(), other.registers(), kRegisters) == 0;
  return SortedExact(block_.get() + 1, size()) == SortedExact(other.block_.get() + 1, other.size());
}

void DistinctSketch::Serialize(ByteWriter& out) const {
  if (!block_) {
    out.Put<uint8_t>(0);
  } else if (is_hll()) {
    out.Put<uint8_t>(2);
    for (uint32_t idx = 0; idx < kRegisters; ++idx) out.Put<uint8_t>(registers()[idx]);
  } else {
    out.Put<uint8_t>(1);
    out.Put<uint8_t>(static_cast<uint8_t>(size()));
    for (uint64_t value : SortedExact(block_.get() + 1, size())) out.Put<uint64_t>(value);
  }
}

DistinctSketch DistinctSketch::Deserialize(ByteReader& in) {
  DistinctSketch sketch;
  auto kind = in.Get<uint8_t>();
  if (kind == 2) {
    sketch.block_ = std::make_unique<uint64_t[]>(1 + kHllWords);
    sketch.block_[0] = Header(true, 0, 0);
    for (uint32_t idx = 0; idx < kRegisters; ++idx) sketch.registers()[idx] = in.Get<uint8_t>();
  } else if (kind == 1) {
    auto n = in.Get<uint8_t>();
    if (n == 0 || n > kExactMax) throw core::InputError("behaviour state: corrupt distinct sketch");
    for (uint8_t idx = 0; idx < n; ++idx) sketch.AddExact(in.Get<uint64_t>());
  } else if (kind != 0) {
    throw core::InputError("behaviour state: corrupt distinct sketch");
  }
  return sketch;
}

// ---- SourceSet ----

void SourceSet::Add(uint32_t hash) {
  if (saturated()) return;
  for (int idx = 0; idx < count; ++idx) {
    if (hashes[idx] == hash) return;
  }
  if (count == kMax) {
    Saturate();
    return;
  }
  hashes[count++] = hash;
}

void SourceSet::Saturate() {
  count = kMax + 1;
  std::fill(hashes, hashes + kMax, 0u);  // which sources came first must not show
}

void SourceSet::Merge(const SourceSet& other) {
  if (other.saturated()) {
    Saturate();
    return;
  }
  for (int idx = 0; idx < other.count; ++idx) Add(other.hashes[idx]);
}

bool SourceSet::operator==(const SourceSet& other) const {
  if (count != other.count) return false;
  if (saturated()) return true;
  for (int idx = 0; idx < count; ++idx) {
    if (std::find(other.hashes, other.hashes + other.count, hashes[idx]) == other.hashes + other.count) return false;
  }
  return true;
}

// ---- TimeSlots ----

void TimeSlots::Add(uint32_t second) {
  uint32_t slot = second >> shift_;
  auto it = std::lower_bound(slots_.begin(), slots_.end(), slot);
  if (it != slots_.end() && *it == slot) return;
  slots_.insert(it, slot);
  if (slots_.size() > kMaxSlots) Coarsen();
}

void TimeSlots::Coarsen() {
  while (slots_.size() > kMaxSlots) {
    ++shift_;
    for (uint32_t& slot : slots_) slot >>= 1;
    slots_.erase(std::unique(slots_.begin(), slots_.end()), slots_.end());
  }
}

void TimeSlots::Merge(const TimeSlots& other) {
  int shift = std::max(shift_, other.shift_);
  std::vector<uint32_t> merged;
  merged.reserve(slots_.size() + other.slots_.size());
  for (uint32_t slot : slots_) merged.push_back(slot >> (shift - shift_));
  for (uint32_t slot : other.slots_) merged.push_back(slot >> (shift - other.shift_));
  std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  slots_ = std::move(merged);
  shift_ = shift;
  Coarsen();
}

void TimeSlots::Serialize(ByteWriter& out) const {
  out.Put<uint8_t>(static_cast<uint8_t>(shift_));
  out.Put<uint32_t>(static_cast<uint32_t>(slots_.size()));
  for (uint32_t slot : slots_) out.Put<uint32_t>(slot);
}

TimeSlots TimeSlots::Deserialize(ByteReader& in) {
  TimeSlots slots;
  slots.shift_ = in.Get<uint8_t>();
  auto n = in.Get<uint32_t>();
  if (slots.shift_ > 31 || n > kMaxSlots) throw core::InputError("behaviour state: corrupt time slots");
  slots.slots_.resize(n);
  for (uint32_t& slot : slots.slots_) slot = in.Get<uint32_t>();
  if (!std::is_sorted(slots.slots_.begin(), slots.slots_.end())) throw core::InputError("behaviour state: corrupt time slots");
  return slots;
}

}  // namespace botrecon::detect
