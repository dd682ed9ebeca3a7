// Little binary writer/reader for BehaviourTable::Serialize (Dask partials).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace botrecon::detect {

// Appends fixed-width values in host byte order (partials never leave the machine
// architecture they were made on: x86-64 and aarch64 are both little-endian).
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  template <typename T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    char buf[sizeof(T)];
    std::memcpy(buf, &value, sizeof(T));
    out_.append(buf, sizeof(T));
  }
  void PutString(std::string_view text) {
    Put<uint32_t>(static_cast<uint32_t>(text.size()));
    out_.append(text);
  }

 private:
  std::string& out_;
};

// Reads what ByteWriter wrote; throws core::InputError on truncated input.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    Need(sizeof(T));
    T value;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  std::string_view GetString() {
    auto size = Get<uint32_t>();
    Need(size);
    std::string_view text = bytes_.substr(pos_, size);
    pos_ += size;
    return text;
  }
  bool done() const { return pos_ == bytes_.size(); }
  // Throws unless `count` more bytes are available (also bounds counts read from input).
  void Need(size_t count) const {
    if (count > bytes_.size() - pos_) throw core::InputError("behaviour state: truncated or corrupt serialized data");
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace botrecon::detect
