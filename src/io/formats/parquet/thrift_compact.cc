#include "io/formats/parquet/thrift_compact.h"

#include <bit>
#include <cstring>

#include "core/error.h"

namespace botrecon::io::thrift {

CompactDecoder::CompactDecoder(std::string_view data, std::string context, uint64_t base_offset)
    : data_(data), context_(std::move(context)), base_offset_(base_offset) {}

void CompactDecoder::Fail(std::string_view what) const {
  throw core::InputError(context_ + ": " + std::string(what) + " (Thrift data at offset " +
                         std::to_string(base_offset_ + pos_) + ")");
}

uint8_t CompactDecoder::ReadRawByte() {
  if (pos_ >= data_.size()) Fail("unexpected end of data");
  return static_cast<uint8_t>(data_[pos_++]);
}

uint64_t CompactDecoder::ReadVarint(int max_bytes) {
  uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    uint8_t byte = ReadRawByte();
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  Fail("varint longer than " + std::to_string(max_bytes) + " bytes");
}

CType CompactDecoder::CheckType(uint8_t nibble) {
  if (nibble > static_cast<uint8_t>(CType::kStruct)) Fail("unknown Thrift type " + std::to_string(nibble));
  return static_cast<CType>(nibble);
}

void CompactDecoder::EnterNested() {
  if (++depth_ > kMaxDepth) Fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
}

void CompactDecoder::BeginStruct() {
  EnterNested();
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactDecoder::EndStruct() {
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
  --depth_;
}

FieldHeader CompactDecoder::ReadFieldHeader() {
  uint8_t byte = ReadRawByte();
  FieldHeader field;
  field.type = CheckType(byte & 0x0f);
  if (field.type == CType::kStop) {
    if (byte != 0) Fail("bad field header byte " + std::to_string(byte));
    return field;
  }
  uint8_t delta = byte >> 4;
  if (delta != 0) {
    field.id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    field.id = ReadI16();
  }
  last_field_id_ = field.id;
  return field;
}

bool CompactDecoder::Is(const FieldHeader& field, CType type) {
  bool is_bool = field.type == CType::kBoolTrue || field.type == CType::kBoolFalse;
  bool want_bool = type == CType::kBoolTrue || type == CType::kBoolFalse;
  if (field.type == type || (is_bool && want_bool)) return true;
  Skip(field.type);
  return false;
}

bool CompactDecoder::ReadBoolElement() {
  uint8_t byte = ReadRawByte();
  if (byte > 2) Fail("bad bool value " + std::to_string(byte));
  return byte == 1;
}

int8_t CompactDecoder::ReadByte() { return static_cast<int8_t>(ReadRawByte()); }

int16_t CompactDecoder::ReadI16() {
  uint64_t raw = ReadVarint(3);
  if (raw > 0xffff) Fail("i16 varint out of range");
  auto zigzag = static_cast<uint16_t>(raw);
  return static_cast<int16_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
}

int32_t CompactDecoder::ReadI32() {
  uint64_t raw = ReadVarint(5);
  if (raw > 0xffffffffu) Fail("i32 varint out of range");
  auto zigzag = static_cast<uint32_t>(raw);
  return static_cast<int32_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
}

int64_t CompactDecoder::ReadI64() {
  uint64_t zigzag = ReadVarint(10);
  return static_cast<int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
}

double CompactDecoder::ReadDouble() {
  if (data_.size() - pos_ < 8) Fail("unexpected end of data in a double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return std::bit_cast<double>(bits);
}

std::string_view CompactDecoder::ReadBinary() {
  uint64_t size = ReadVarint(5);
  if (size > data_.size() - pos_) {
    Fail("string of " + std::to_string(size) + " bytes but only " + std::to_string(data_.size() - pos_) +
         " bytes remain");
  }
  std::string_view out = data_.substr(pos_, size);
  pos_ += size;
  return out;
}

ListHeader CompactDecoder::ReadListHeader() {
  uint8_t byte = ReadRawByte();
  ListHeader list;
  list.element_type = CheckType(byte & 0x0f);
  uint64_t size = byte >> 4;
  if (size == 15) size = ReadVarint(5);
  if (size > 0 && list.element_type == CType::kStop) Fail("list of a bad element type");
  // Every element takes at least one byte on the wire.
  if (size > data_.size() - pos_) {
    Fail("list of " + std::to_string(size) + " elements but only " + std::to_string(data_.size() - pos_) +
         " bytes remain");
  }
  list.size = static_cast<uint32_t>(size);
  return list;
}

std::vector<int32_t> CompactDecoder::ReadI32List() {
  ListHeader list = ReadListHeader();
  if (list.size > 0 && list.element_type != CType::kI32) Fail("expected a list of i32");
  std::vector<int32_t> out;
  out.reserve(list.size);
  for (uint32_t i = 0; i < list.size; ++i) out.push_back(ReadI32());
  return out;
}

std::vector<std::string_view> CompactDecoder::ReadBinaryList() {
  ListHeader list = ReadListHeader();
  if (list.size > 0 && list.element_type != CType::kBinary) Fail("expected a list of strings");
  std::vector<std::string_view> out;
  out.reserve(list.size);
  for (uint32_t i = 0; i < list.size; ++i) out.push_back(ReadBinary());
  return out;
}

void CompactDecoder::Skip(CType type) {
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      return;  // a field's bool lives in its header
    case CType::kByte:
      ReadRawByte();
      return;
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      ReadVarint(10);
      return;
    case CType::kDouble:
      ReadDouble();
      return;
    case CType::kBinary:
      ReadBinary();
      return;
    case CType::kList:
    case CType::kSet: {
      ListHeader list = ReadListHeader();
      EnterNested();
      for (uint32_t i = 0; i < list.size; ++i) {
        if (list.element_type == CType::kBoolTrue || list.element_type == CType::kBoolFalse) {
          ReadBoolElement();
        } else {
          Skip(list.element_type);
        }
      }
      --depth_;
      return;
    }
    case CType::kMap: {
      uint64_t size = ReadVarint(5);
      if (size == 0) return;
      uint8_t types = ReadRawByte();
      CType key = CheckType(types >> 4);
      CType value = CheckType(types & 0x0f);
      if (key == CType::kStop || value == CType::kStop) Fail("map of a bad element type");
      if (size > data_.size() - pos_) Fail("map of " + std::to_string(size) + " entries is longer than the data");
      EnterNested();
      for (uint64_t i = 0; i < size; ++i) {
        for (CType t : {key, value}) {
          if (t == CType::kBoolTrue || t == CType::kBoolFalse) {
            ReadBoolElement();
          } else {
            Skip(t);
          }
        }
      }
      --depth_;
      return;
    }
    case CType::kStruct:
      ReadStruct([this](const FieldHeader& field) { Skip(field.type); });
      return;
    case CType::kStop:
      break;
  }
  Fail("cannot skip a value of type stop");
}

}  // namespace botrecon::io::thrift
