// Bounds-checked read access to FlatBuffers data (tables, vectors, strings,
// structs) from untrusted bytes. Every read is checked against the buffer;
// a bad offset throws flatbuf::FormatError (a core::InputError without the
// file name: callers catch it and add where they were).
//
// Wire format (flatbuffers.dev "Internals"): little-endian; a table starts
// with an int32 offset back to its vtable; the vtable holds uint16 sizes then
// one uint16 offset per field (0 = absent, use the default); offset fields
// (tables, strings, vectors) hold a uint32 relative to their own position;
// strings and vectors start with a uint32 element count.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace botrecon::io::flatbuf {

class FormatError : public core::InputError {
 public:
  explicit FormatError(const std::string& what) : core::InputError(what) {}
};

// Reads a little-endian scalar at `pos`, checking that it fits in `bytes`.
template <typename T>
T Load(std::string_view bytes, uint64_t pos) {
  static_assert(std::is_arithmetic_v<T>);
  if (pos > bytes.size() || bytes.size() - pos < sizeof(T)) {
    throw FormatError("flatbuffer read of " + std::to_string(sizeof(T)) + " bytes at offset " + std::to_string(pos) +
                      " is outside the " + std::to_string(bytes.size()) + "-byte buffer");
  }
  T value;
  std::memcpy(&value, bytes.data() + pos, sizeof(T));
  return value;  // the project targets little-endian hosts only
}

// A vector of `count` elements of `element_size` bytes starting at `pos`.
class Vector {
 public:
  Vector() = default;
  Vector(std::string_view bytes, uint64_t pos, uint32_t count) : bytes_(bytes), pos_(pos), count_(count) {}
  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view bytes() const { return bytes_; }
  // Position of element `index` (of `element_size` bytes each).
  uint64_t ElementPos(uint32_t index, uint32_t element_size) const {
    if (index >= count_) throw FormatError("flatbuffer vector index " + std::to_string(index) + " out of range");
    return pos_ + static_cast<uint64_t>(index) * element_size;
  }
  template <typename T>
  T Scalar(uint32_t index) const {
    return Load<T>(bytes_, ElementPos(index, sizeof(T)));
  }

 private:
  std::string_view bytes_;
  uint64_t pos_ = 0;
  uint32_t count_ = 0;
};

class Table {
 public:
  Table() = default;

  // The root table of a flatbuffer occupying all of `bytes`.
  static Table Root(std::string_view bytes) { return At(bytes, Load<uint32_t>(bytes, 0)); }

  // The table at `pos`: validates its vtable.
  static Table At(std::string_view bytes, uint64_t pos) {
    Table t;
    t.bytes_ = bytes;
    t.pos_ = pos;
    int64_t vtable = static_cast<int64_t>(pos) - Load<int32_t>(bytes, pos);
    if (vtable < 0 || static_cast<uint64_t>(vtable) >= bytes.size()) {
      throw FormatError("flatbuffer table at offset " + std::to_string(pos) + " has its vtable outside the buffer");
    }
    t.vtable_ = static_cast<uint64_t>(vtable);
    uint16_t vtable_size = Load<uint16_t>(bytes, t.vtable_);
    if (vtable_size < 4 || vtable_size % 2 != 0 || t.vtable_ + vtable_size > bytes.size()) {
      throw FormatError("flatbuffer vtable at offset " + std::to_string(t.vtable_) + " has a bad size " +
                        std::to_string(vtable_size));
    }
    t.num_fields_ = (vtable_size - 4) / 2;
    return t;
  }

  bool valid() const { return !bytes_.empty(); }
  uint64_t pos() const { return pos_; }

  // Offset of field `id` from the table start; 0 if absent.
  uint16_t FieldOffset(int id) const {
    if (id < 0 || id >= num_fields_) return 0;
    return Load<uint16_t>(bytes_, vtable_ + 4 + 2 * static_cast<uint64_t>(id));
  }
  bool Has(int id) const { return FieldOffset(id) != 0; }

  template <typename T>
  T Scalar(int id, T default_value) const {
    uint16_t off = FieldOffset(id);
    return off == 0 ? default_value : Load<T>(bytes_, pos_ + off);
  }
  bool Bool(int id, bool default_value) const { return Scalar<uint8_t>(id, default_value ? 1 : 0) != 0; }

  // The sub-table of field `id`; an invalid Table if absent.
  Table SubTable(int id) const {
    uint64_t target = Target(id);
    return target == 0 ? Table() : At(bytes_, target);
  }

  // The string of field `id`; empty if absent.
  std::string_view String(int id) const {
    uint64_t target = Target(id);
    if (target == 0) return {};
    uint32_t length = Load<uint32_t>(bytes_, target);
    if (bytes_.size() - target - 4 < length) {
      throw FormatError("flatbuffer string at offset " + std::to_string(target) + " runs past the buffer");
    }
    return bytes_.substr(target + 4, length);
  }

  // The vector of field `id` with elements of `element_size` bytes; empty if absent.
  Vector VectorOf(int id, uint32_t element_size) const {
    uint64_t target = Target(id);
    if (target == 0) return {};
    uint32_t count = Load<uint32_t>(bytes_, target);
    uint64_t room = bytes_.size() - target - 4;
    if (static_cast<uint64_t>(count) * element_size > room) {
      throw FormatError("flatbuffer vector at offset " + std::to_string(target) + " claims " + std::to_string(count) +
                        " elements but only " + std::to_string(room) + " bytes remain");
    }
    return Vector(bytes_, target + 4, count);
  }

  // Element `index` of a vector of tables.
  static Table TableAt(const Vector& vector, uint32_t index) {
    uint64_t pos = vector.ElementPos(index, 4);
    return At(vector.bytes(), Follow(vector.bytes(), pos));
  }

 private:
  // Absolute position an offset field points to; 0 if the field is absent.
  uint64_t Target(int id) const {
    uint16_t off = FieldOffset(id);
    return off == 0 ? 0 : Follow(bytes_, pos_ + off);
  }
  static uint64_t Follow(std::string_view bytes, uint64_t pos) {
    uint64_t target = pos + Load<uint32_t>(bytes, pos);
    if (target + 4 > bytes.size()) {
      throw FormatError("flatbuffer offset at " + std::to_string(pos) + " points outside the buffer");
    }
    return target;
  }

  std::string_view bytes_;
  uint64_t pos_ = 0;
  uint64_t vtable_ = 0;
  int num_fields_ = 0;
};

}  // namespace botrecon::io::flatbuf
