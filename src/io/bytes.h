// Small binary-decoding helpers shared by the binary readers (feather,
// parquet, pickle/numpy).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

namespace botrecon::io {

// An IEEE 754 half-precision value (binary16 bits) as a double: subnormals,
// infinities and NaN included.
inline double HalfToDouble(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f;
  const int fraction = bits & 0x3ff;
  const double sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
  if (exponent == 0) return sign * std::ldexp(fraction, -24);
  if (exponent == 31) return fraction != 0 ? std::numeric_limits<double>::quiet_NaN() : sign * HUGE_VAL;
  return sign * std::ldexp(fraction + 1024, exponent - 25);
}

// A big-endian 32-bit value at `p`.
inline uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace botrecon::io
