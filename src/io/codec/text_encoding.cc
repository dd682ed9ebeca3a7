#include "io/codec/text_encoding.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace botrecon::io {
namespace {

// Reads UTF-16 code units from `inner` and hands out UTF-8.
class Utf16Stream : public ByteStream {
 public:
  Utf16Stream(std::unique_ptr<ByteStream> inner, bool big_endian) : inner_(std::move(inner)), big_endian_(big_endian) {
    name_ = inner_->name();
  }

  size_t Read(char* out, size_t n) override {
    while (pos_ >= text_.size()) {
      if (!Refill()) return 0;
    }
    const size_t take = std::min(n, text_.size() - pos_);
    std::memcpy(out, text_.data() + pos_, take);
    pos_ += take;
    return take;
  }

 private:
  static constexpr size_t kBlock = 1 << 16;

  // Transcodes the next block into text_; false at the end of the input.
  bool Refill() {
    text_.clear();
    pos_ = 0;
    if (eof_) return false;
    const size_t old = raw_.size();
    raw_.resize(old + kBlock);
    size_t got = 0;
    while (got < kBlock) {
      const size_t r = inner_->Read(raw_.data() + old + got, kBlock - got);
      if (r == 0) {
        eof_ = true;
        break;
      }
      got += r;
    }
    raw_.resize(old + got);
    size_t i = 0;
    for (; i + 1 < raw_.size(); i += 2) {
      const uint16_t unit = Unit(i);
      if (first_) {
        first_ = false;
        if (unit == 0xFEFF) continue;  // the byte order mark
      }
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        if (i + 3 >= raw_.size()) {
          if (!eof_) break;  // the low half is in the next block
          Append(0xFFFD);
          continue;
        }
        const uint16_t low = Unit(i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          Append(0x10000 + ((static_cast<uint32_t>(unit) - 0xD800) << 10) + (low - 0xDC00));
          i += 2;
        } else {
          Append(0xFFFD);
        }
        continue;
      }
      Append(unit >= 0xDC00 && unit <= 0xDFFF ? 0xFFFD : unit);
    }
    raw_.erase(0, i);
    if (eof_ && !raw_.empty()) {  // an odd final byte
      Append(0xFFFD);
      raw_.clear();
    }
    return !text_.empty() || !eof_;
  }

  uint16_t Unit(size_t i) const {
    const auto a = static_cast<unsigned char>(raw_[i]), b = static_cast<unsigned char>(raw_[i + 1]);
    return big_endian_ ? static_cast<uint16_t>(a << 8 | b) : static_cast<uint16_t>(b << 8 | a);
  }

  void Append(uint32_t cp) {
    if (cp < 0x80) {
      text_.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      text_.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      text_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      text_.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      text_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      text_.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      text_.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::unique_ptr<ByteStream> inner_;
  bool big_endian_;
  bool first_ = true;
  bool eof_ = false;
  std::string raw_;   // UTF-16 bytes not yet transcoded
  std::string text_;  // UTF-8 not yet read
  size_t pos_ = 0;
};

}  // namespace

TextEncoding DetectTextEncoding(std::string_view head) {
  if (head.size() >= 2 && head[0] == '\xFF' && head[1] == '\xFE') return TextEncoding::kUtf16Le;
  if (head.size() >= 2 && head[0] == '\xFE' && head[1] == '\xFF') return TextEncoding::kUtf16Be;
  return TextEncoding::kUtf8;
}

const char* TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf16Le: return "UTF-16LE";
    case TextEncoding::kUtf16Be: return "UTF-16BE";
    case TextEncoding::kUtf8: break;
  }
  return "UTF-8";
}

std::unique_ptr<ByteStream> MakeUtf8Stream(std::unique_ptr<ByteStream> inner, TextEncoding encoding) {
  if (encoding == TextEncoding::kUtf8) return inner;
  return std::make_unique<Utf16Stream>(std::move(inner), encoding == TextEncoding::kUtf16Be);
}

}  // namespace botrecon::io
