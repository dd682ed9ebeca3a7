// Test helper: a minimal writer of Thrift's compact protocol, used to build
// Parquet footers and page headers (valid or deliberately damaged) in tests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/formats/parquet/thrift_compact.h"

namespace botrecon::io::testing {

class CompactWriter {
 public:
  using CType = thrift::CType;

  void FieldHeader(int16_t id, CType type) {
    int delta = id - last_;
    if (delta > 0 && delta <= 15) {
      Byte(static_cast<uint8_t>((delta << 4) | static_cast<int>(type)));
    } else {
      Byte(static_cast<uint8_t>(type));
      Varint(ZigZag(id));
    }
    last_ = id;
  }
  void I32(int16_t id, int32_t v) {
    FieldHeader(id, CType::kI32);
    Varint(ZigZag(v));
  }
  void I64(int16_t id, int64_t v) {
    FieldHeader(id, CType::kI64);
    Varint(ZigZag(v));
  }
  void Bool(int16_t id, bool v) { FieldHeader(id, v ? CType::kBoolTrue : CType::kBoolFalse); }
  void I8(int16_t id, int8_t v) {
    FieldHeader(id, CType::kByte);
    Byte(static_cast<uint8_t>(v));
  }
  void Binary(int16_t id, const std::string& s) {
    FieldHeader(id, CType::kBinary);
    Varint(s.size());
    out += s;
  }
  // Starts a struct-valued field; close it with End().
  void Struct(int16_t id) {
    FieldHeader(id, CType::kStruct);
    Begin();
  }
  // Starts a list field of `size` elements of `element` type.
  void List(int16_t id, CType element, uint32_t size) {
    FieldHeader(id, CType::kList);
    ListHeader(element, size);
  }
  void ListHeader(CType element, uint32_t size) {
    if (size < 15) {
      Byte(static_cast<uint8_t>((size << 4) | static_cast<uint32_t>(element)));
    } else {
      Byte(static_cast<uint8_t>(0xf0 | static_cast<uint32_t>(element)));
      Varint(size);
    }
  }
  // A struct element of a list (or the top-level struct): Begin ... End.
  void Begin() {
    stack_.push_back(last_);
    last_ = 0;
  }
  void End() {
    Byte(0);
    last_ = stack_.back();
    stack_.pop_back();
  }
  void Byte(uint8_t b) { out.push_back(static_cast<char>(b)); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      Byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    Byte(static_cast<uint8_t>(v));
  }
  static uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

  std::string out;

 private:
  int16_t last_ = 0;
  std::vector<int16_t> stack_;
};

}  // namespace botrecon::io::testing
