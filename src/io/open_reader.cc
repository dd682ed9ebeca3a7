#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

struct TypeEntry {
  InputType type;
  const char* name;
  std::array<const char*, 4> extensions;
};

constexpr std::array<TypeEntry, 8> kTypes{{
    {InputType::kCsv, "csv", {".csv", ".tsv", ".binetflow", ".txt"}},
    {InputType::kFeather, "feather", {".feather", ".arrow", ".ipc", nullptr}},
    {InputType::kFwf, "fwf", {".fwf", nullptr, nullptr, nullptr}},
    {InputType::kStata, "stata", {".dta", nullptr, nullptr, nullptr}},
    {InputType::kJson, "json", {".json", ".jsonl", ".ndjson", nullptr}},
    {InputType::kPickle, "pickle", {".pkl", ".pickle", nullptr, nullptr}},
    {InputType::kParquet, "parquet", {".parquet", ".parq", nullptr, nullptr}},
    {InputType::kExcel, "excel", {".xlsx", ".xlsm", nullptr, nullptr}},
}};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool EndsWith(const std::string& s, const char* suffix) {
  std::string_view suf(suffix);
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// Detects the type from the first bytes, then from the extension; csv by default.
InputType DetectType(const std::string& path) {
  std::string head = PeekFile(path, 16);
  std::string_view h(head);
  if (h.substr(0, 4) == "PAR1") return InputType::kParquet;
  if (h.substr(0, 6) == "ARROW1" || h.substr(0, 4) == "FEA1") return InputType::kFeather;
  if (h.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return InputType::kExcel;
  if (h.size() >= 2 && static_cast<unsigned char>(h[0]) == 0x80 && h[1] >= 2 && h[1] <= 5) return InputType::kPickle;
  // Stata: formats 117-119 begin with "<stata_dta>"; formats 113-115 (and the
  // never-released 116) with the format byte 0x71-0x74 followed by the byte
  // order (1 = big endian, 2 = little endian). 0x75-0x77 are accepted as well.
  if (h.substr(0, 11) == "<stata_dta>") return InputType::kStata;
  if (h.size() >= 2 && static_cast<unsigned char>(h[0]) >= 0x71 && static_cast<unsigned char>(h[0]) <= 0x77 &&
      (h[1] == 0x01 || h[1] == 0x02)) {
    return InputType::kStata;
  }
  std::string lower = Lower(path);
  for (const char* compressed : {".gz", ".bz2", ".xz", ".zst"}) {
    if (EndsWith(lower, compressed)) lower.resize(lower.size() - std::string_view(compressed).size());
  }
  for (const auto& entry : kTypes) {
    if (entry.type == InputType::kCsv) continue;  // .txt is ambiguous; csv is the default anyway
    for (const char* ext : entry.extensions) {
      if (ext != nullptr && EndsWith(lower, ext)) return entry.type;
    }
  }
  return InputType::kCsv;
}

}  // namespace

std::optional<InputType> ParseInputType(const std::string& name) {
  std::string lower = Lower(name);
  for (const auto& entry : kTypes) {
    if (lower == entry.name) return entry.type;
  }
  return std::nullopt;
}

const char* InputTypeName(InputType type) {
  for (const auto& entry : kTypes) {
    if (entry.type == type) return entry.name;
  }
  return "?";
}

std::unique_ptr<Reader> OpenReader(const std::string& path, std::optional<InputType> type,
                                   const ReaderOptions& options) {
  InputType resolved = type ? *type : DetectType(path);
  switch (resolved) {
    case InputType::kCsv:
      return OpenCsvReader(ByteStream::Open(path), options);
    case InputType::kFwf:
      return OpenFwfReader(ByteStream::Open(path), options);
    case InputType::kJson:
      return OpenJsonReader(FileBuffer::Load(path), options);
    case InputType::kParquet:
      return OpenParquetReader(FileBuffer::Load(path), options);
    case InputType::kFeather:
      return OpenFeatherReader(FileBuffer::Load(path), options);
    case InputType::kPickle:
      return OpenPickleReader(FileBuffer::Load(path), options);
    case InputType::kExcel:
      return OpenExcelReader(FileBuffer::Load(path), options);
    case InputType::kStata:
      return OpenStataReader(FileBuffer::Load(path), options);
  }
  throw core::InternalError("unhandled input type");
}

}  // namespace botrecon::io
