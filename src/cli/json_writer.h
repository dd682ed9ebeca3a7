// A small JSON writer for machine-readable reports: indented output, escaped
// strings (always valid UTF-8), numbers that read back exactly.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace botrecon::cli {

// Builds a JSON text by calls in document order:
//   JsonWriter w; w.BeginObject(); w.Key("n"); w.Int(1); w.EndObject();
// Inside an object every value is preceded by Key(). Misuse (a value without
// a key in an object, unbalanced ends) throws core::InternalError.
class JsonWriter {
 public:
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  // Shortest text that reads back as the same double, always with a '.' or
  // an exponent (1.0, 0.1, 1e+16); null if not finite.
  void Number(double value);
  void Number(std::optional<double> value);  // null when empty
  void Int(int64_t value);
  void UInt(uint64_t value);
  void Bool(bool value);
  void Null();

  // The document, ending with a newline once every container is closed.
  std::string str() const;

 private:
  void BeforeValue();
  void Newline();

  struct Level {
    bool is_object;
    bool empty = true;
  };
  std::string out_;
  std::vector<Level> levels_;
  bool have_key_ = false;
  int indent_;
};

// `value` as a JSON string literal with its quotes: ", \ and control
// characters escaped, invalid UTF-8 bytes replaced by U+FFFD.
std::string JsonQuote(std::string_view value);

}  // namespace botrecon::cli
