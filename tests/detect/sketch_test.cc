#include "detect/sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace botrecon::detect {
namespace {

DistinctSketch FromRange(uint64_t begin, uint64_t end) {
  DistinctSketch sketch;
  for (uint64_t value = begin; value < end; ++value) sketch.Add(Mix64(value));
  return sketch;
}

TEST(DistinctSketch, ExactWhileSmall) {
  DistinctSketch sketch;
  EXPECT_TRUE(sketch.empty());
  EXPECT_EQ(sketch.Estimate(), 0u);
  for (int round = 0; round < 3; ++round) {
    for (uint64_t value = 0; value < DistinctSketch::kExactMax; ++value) sketch.Add(Mix64(value));
  }
  EXPECT_TRUE(sketch.exact());
  EXPECT_EQ(sketch.Estimate(), DistinctSketch::kExactMax);
  EXPECT_TRUE(sketch.ContainsExact(Mix64(3)));
  sketch.Add(Mix64(1000));
  EXPECT_FALSE(sketch.exact());
  EXPECT_GE(sketch.Estimate(), DistinctSketch::kExactMax + 1);
}

TEST(DistinctSketch, HyperLogLogErrorIsSmall) {
  for (uint64_t n : {40, 100, 500, 2000, 20000, 200000}) {
    DistinctSketch sketch = FromRange(n * 7, n * 8);
    double error = std::abs(static_cast<double>(sketch.Estimate()) - n) / n;
    EXPECT_LT(error, 0.15) << n;
    EXPECT_LE(sketch.MemoryBytes(), 8 * (DistinctSketch::kExactMax + 1));
  }
}

TEST(DistinctSketch, OrderAndSplitIndependent) {
  std::vector<uint64_t> values(3000);
  std::iota(values.begin(), values.end(), 0);
  for (auto& value : values) value = Mix64(value % 700);  // duplicates
  DistinctSketch whole;
  for (uint64_t value : values) whole.Add(value);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(values.begin(), values.end(), rng);
    size_t cut1 = rng() % values.size(), cut2 = rng() % values.size();
    if (cut1 > cut2) std::swap(cut1, cut2);
    DistinctSketch a, b, c;
    for (size_t idx = 0; idx < values.size(); ++idx) (idx < cut1 ? a : idx < cut2 ? b : c).Add(values[idx]);
    c.Merge(a);
    b.Merge(c);
    EXPECT_TRUE(b == whole);
    EXPECT_EQ(b.Estimate(), whole.Estimate());
  }
}

TEST(DistinctSketch, MergeOfSmallSetsCrossingTheLimitEqualsOneSet) {
  DistinctSketch a = FromRange(0, 20), b = FromRange(10, 30), c = FromRange(25, 45);
  DistinctSketch whole = FromRange(0, 45);
  a.Merge(b);
  EXPECT_TRUE(a.exact());
  EXPECT_EQ(a.Estimate(), 30u);
  a.Merge(c);
  EXPECT_TRUE(a == whole);
  DistinctSketch empty;
  empty.Merge(whole);
  EXPECT_TRUE(empty == whole);
  DistinctSketch copy = whole;
  EXPECT_TRUE(copy == whole);
}

TEST(DistinctSketch, SerializeRoundTrip) {
  for (uint64_t n : {0, 5, 32, 33, 5000}) {
    DistinctSketch sketch = FromRange(0, n);
    std::string bytes;
    ByteWriter writer(bytes);
    sketch.Serialize(writer);
    ByteReader reader(bytes);
    DistinctSketch back = DistinctSketch::Deserialize(reader);
    EXPECT_TRUE(reader.done());
    EXPECT_TRUE(back == sketch) << n;
    EXPECT_EQ(back.Estimate(), sketch.Estimate());
  }
  ByteReader truncated(std::string_view("\x01\x05", 2));
  EXPECT_THROW(DistinctSketch::Deserialize(truncated), core::InputError);
}

TEST(SourceSet, SaturatesOrderIndependently) {
  SourceSet a, b, whole;
  for (uint32_t value : {1u, 2u, 3u}) a.Add(value), whole.Add(value);
  for (uint32_t value : {3u, 4u}) b.Add(value), whole.Add(value);
  SourceSet merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.Size(), 4);
  EXPECT_TRUE(merged == whole);
  b.Add(5);
  merged.Merge(b);
  EXPECT_TRUE(merged.saturated());
  EXPECT_EQ(merged.Size(), SourceSet::kMax + 1);
}

TEST(TimeSlots, KeepsFinestResolutionThatFits) {
  TimeSlots slots;
  for (uint32_t second = 0; second < 100; ++second) slots.Add(second * 10);
  EXPECT_EQ(slots.shift(), 0);
  EXPECT_EQ(slots.slots().size(), 100u);
  TimeSlots busy;
  for (uint32_t second = 0; second < 3600; ++second) busy.Add(second);
  EXPECT_LE(busy.slots().size(), TimeSlots::kMaxSlots);
  EXPECT_EQ(busy.resolution(), 16u);  // 3600 / 16 = 225 slots
}

TEST(TimeSlots, MergeEqualsOneSet) {
  std::vector<uint32_t> seconds;
  std::mt19937 rng(3);
  for (int idx = 0; idx < 2000; ++idx) seconds.push_back(rng() % 3600);
  TimeSlots whole;
  for (uint32_t second : seconds) whole.Add(second);
  for (size_t cut : {0ul, 100ul, 1000ul, 1990ul}) {
    TimeSlots a, b;
    for (size_t idx = 0; idx < seconds.size(); ++idx) (idx < cut ? a : b).Add(seconds[idx]);
    b.Merge(a);
    EXPECT_TRUE(b == whole) << cut;
  }
  std::string bytes;
  ByteWriter writer(bytes);
  whole.Serialize(writer);
  ByteReader reader(bytes);
  EXPECT_TRUE(TimeSlots::Deserialize(reader) == whole);
}

}  // namespace
}  // namespace botrecon::detect
