// A decoder of Apache Thrift's compact protocol, enough for Parquet's footer
// (FileMetaData) and page headers. It reads from a byte range it never leaves,
// checks every length against the bytes that remain and bounds the nesting
// depth, and throws core::InputError("CONTEXT: what, at offset N") on bad data.
//
// Usage: a struct is read with ReadStruct(on_field); the callback dispatches on
// the field id and reads the value with the typed getters after checking the
// wire type with Is(), which skips a field of an unexpected type (Thrift's own
// rule for fields a reader does not know how to read).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace botrecon::io::thrift {

// Wire types of the compact protocol.
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

struct FieldHeader {
  int16_t id = 0;
  CType type = CType::kStop;
};

struct ListHeader {
  CType element_type = CType::kStop;
  uint32_t size = 0;
};

class CompactDecoder {
 public:
  // Deepest nesting of structs and containers accepted.
  static constexpr int kMaxDepth = 64;

  // `context` starts every error message ("x.parquet: footer"); `base_offset`
  // is the file offset of data[0], so that messages give file offsets.
  CompactDecoder(std::string_view data, std::string context, uint64_t base_offset = 0);

  // Reads one struct: calls on_field(header) for each field until the stop
  // byte. on_field must consume the value (a getter, ReadStruct or Skip).
  template <typename OnField>
  void ReadStruct(OnField&& on_field) {
    BeginStruct();
    for (;;) {
      FieldHeader field = ReadFieldHeader();
      if (field.type == CType::kStop) break;
      on_field(field);
    }
    EndStruct();
  }

  // True if `field` has wire type `type` (either bool type matches a bool);
  // otherwise skips the field's value and returns false.
  bool Is(const FieldHeader& field, CType type);

  // Value getters. ReadBool takes the field header (a field's bool is in its
  // type); list elements use ReadBoolElement.
  bool ReadBool(const FieldHeader& field) const { return field.type == CType::kBoolTrue; }
  bool ReadBoolElement();
  int8_t ReadByte();
  int16_t ReadI16();
  int32_t ReadI32();
  int64_t ReadI64();
  double ReadDouble();
  // A view into the decoded data (valid as long as that data).
  std::string_view ReadBinary();
  // A list or set header; the size is checked against the bytes that remain.
  ListHeader ReadListHeader();
  // Reads a list<i32> / list<binary> (checking the element type).
  std::vector<int32_t> ReadI32List();
  std::vector<std::string_view> ReadBinaryList();
  // Skips one value of the given type (recursively, depth-bounded).
  void Skip(CType type);

  // Bytes consumed so far.
  size_t position() const { return pos_; }
  [[noreturn]] void Fail(std::string_view what) const;

 private:
  void BeginStruct();
  void EndStruct();
  FieldHeader ReadFieldHeader();
  uint64_t ReadVarint(int max_bytes);
  uint8_t ReadRawByte();
  void EnterNested();
  CType CheckType(uint8_t nibble);

  std::string_view data_;
  std::string context_;
  uint64_t base_offset_;
  size_t pos_ = 0;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace botrecon::io::thrift
