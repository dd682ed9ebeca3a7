// Small text helpers shared by every stage.
#pragma once
#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace botrecon::core {

// ASCII lower-case copy (locale-independent: names, types, labels, protocols).
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Blank as text readers (pandas' fixed-width delimiters, JSON white space) see
// it: space, tab, CR and LF. Locale-independent.
// `text` safe to print on a terminal: control bytes (NUL, ESC, newlines, DEL)
// written as \xNN and a backslash as \\, so capture data can neither cut a
// line short nor send escape sequences. Other bytes (UTF-8 included) as is.
inline std::string Printable(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += ch;
    }
  }
  return out;
}

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `text` without leading and trailing blanks (see IsBlank).
inline std::string_view TrimBlank(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// Whether `text` is empty or all blanks.
inline bool IsBlankText(std::string_view text) { return TrimBlank(text).empty(); }

// `text` without leading and trailing spaces and tabs (header names, separators).
inline std::string_view TrimSpaceTab(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `line` without one trailing CR (a CRLF line ending, the LF already cut).
inline std::string_view ChompCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Parses all of `text` (non-empty, nothing before or after the number) with
// std::from_chars into `value`; false if that fails or leaves text over.
template <typename T>
bool ParseWhole(std::string_view text, T& value) {
  const char* end = text.data() + text.size();
  auto parsed = std::from_chars(text.data(), end, value);
  return !text.empty() && parsed.ec == std::errc() && parsed.ptr == end;
}

}  // namespace botrecon::core
