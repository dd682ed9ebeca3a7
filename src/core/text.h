// Small text helpers shared by every stage.
#pragma once
#include <string>
#include <string_view>

namespace botrecon::core {

// ASCII lower-case copy (locale-independent: names, types, labels, protocols).
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace botrecon::core
