#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "core/error.h"
#include "core/text.h"
#include "io/codec/text_encoding.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

struct TypeEntry {
  InputType type;
  const char* name;
  std::array<const char*, 4> extensions;
};

constexpr std::array<TypeEntry, 11> kTypes{{
    {InputType::kCsv, "csv", {".csv", ".tsv", ".binetflow", ".txt"}},
    {InputType::kFeather, "feather", {".feather", ".arrow", ".ipc", nullptr}},
    {InputType::kFwf, "fwf", {".fwf", nullptr, nullptr, nullptr}},
    {InputType::kStata, "stata", {".dta", nullptr, nullptr, nullptr}},
    {InputType::kJson, "json", {".json", ".jsonl", ".ndjson", nullptr}},
    {InputType::kPickle, "pickle", {".pkl", ".pickle", nullptr, nullptr}},
    {InputType::kParquet, "parquet", {".parquet", ".parq", nullptr, nullptr}},
    {InputType::kExcel, "excel", {".xlsx", ".xlsm", nullptr, nullptr}},
    {InputType::kPcap, "pcap", {".pcap", ".pcapng", ".cap", nullptr}},
    {InputType::kArgus, "argus", {".argus", nullptr, nullptr, nullptr}},
    {InputType::kNfdump, "nfdump", {".nfdump", ".nfcapd", nullptr, nullptr}},
}};

bool EndsWith(const std::string& s, const char* suffix) {
  std::string_view suf(suffix);
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// The first line of `head` (a UTF-8 byte order mark and leading blank lines skipped).
std::string_view FirstLine(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && (head.front() == '\n' || head.front() == '\r')) head.remove_prefix(1);
  size_t nl = head.find('\n');
  std::string_view line = head.substr(0, nl);
  line = core::ChompCr(line);
  return line;
}

// Text laid out in columns (pandas' to_string, `ra` without -c): a first line
// with no comma, tab, semicolon or bar, and words separated by runs of spaces.
bool LooksFixedWidth(std::string_view head) {
  std::string_view line = FirstLine(head);
  if (line.empty() || line.find_first_of(",\t;|") != std::string_view::npos) return false;
  return line.find("  ") != std::string_view::npos;
}

// The type the first (decompressed) bytes `head` or the name of `path` give
// for sure: binary formats and captures by their magic bytes, then the
// extension (after any compression suffix; nfdump's nfcapd.* names). `.txt`
// (csv or fixed width, told apart by the content) counts only if `txt_known`.
std::optional<InputType> TypeFromSignatureOrName(const std::string& path, std::string_view head, bool txt_known) {
  std::string_view h = head;
  if (auto capture = DetectCaptureType(h)) return *capture;
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
  std::string lower = core::AsciiLower(path);
  for (const char* compressed : {".gz", ".bz2", ".xz", ".zst"}) {
    if (EndsWith(lower, compressed)) lower.resize(lower.size() - std::string_view(compressed).size());
  }
  const size_t slash = lower.rfind('/');
  if (lower.compare(slash == std::string::npos ? 0 : slash + 1, 7, "nfcapd.") == 0) return InputType::kNfdump;
  for (const auto& entry : kTypes) {
    for (const char* ext : entry.extensions) {
      if (ext == nullptr || !EndsWith(lower, ext)) continue;
      if (std::string_view(ext) == ".txt" && !txt_known) continue;
      return entry.type;
    }
  }
  return std::nullopt;
}

// Detects the type of the input whose first (decompressed) bytes are `head`:
// signature and name first, then the content (json, fixed width); csv by default.
InputType DetectType(const std::string& path, std::string_view head) {
  if (auto type = TypeFromSignatureOrName(path, head, false)) return *type;
  std::string_view h = head;
  size_t first = h.find_first_not_of(" \t\r\n");
  if (h.substr(0, 3) == "\xEF\xBB\xBF") first = h.find_first_not_of(" \t\r\n", 3);
  if (first != std::string_view::npos && (h[first] == '{' || h[first] == '[')) return InputType::kJson;
  if (LooksFixedWidth(head)) return InputType::kFwf;
  return InputType::kCsv;
}

// Bytes of the input looked at to detect its type.
constexpr size_t kSniffBytes = 4096;

// Opens `type` from a stream (stdin or compressed input, already decompressed).
// Formats read as a whole get at most `limit` bytes.
std::unique_ptr<Reader> OpenFromStream(std::unique_ptr<PeekableStream> stream, InputType type, uint64_t limit,
                                       const ReaderOptions& options) {
  if (IsCaptureType(type)) return OpenCaptureReader(std::move(stream), type, options);
  switch (type) {
    case InputType::kCsv:
      return OpenCsvReader(std::move(stream), options);
    case InputType::kFwf:
      return OpenFwfReader(std::move(stream), options);
    case InputType::kJson:
      if (LooksLikeJsonLines(stream->name(), stream->Peek(kJsonSniffBytes))) {
        return OpenJsonLinesReader(std::move(stream), options);
      }
      break;
    default:
      break;
  }
  std::shared_ptr<const FileBuffer> file = FileBuffer::FromStream(*stream, limit);
  switch (type) {
    case InputType::kJson:
      return OpenJsonReader(std::move(file), options);
    case InputType::kParquet:
      return OpenParquetReader(std::move(file), options);
    case InputType::kFeather:
      return OpenFeatherReader(std::move(file), options);
    case InputType::kPickle:
      return OpenPickleReader(std::move(file), options);
    case InputType::kExcel:
      return OpenExcelReader(std::move(file), options);
    case InputType::kStata:
      return OpenStataReader(std::move(file), options);
    default:
      break;
  }
  throw core::InternalError("unhandled input type");
}

}  // namespace

std::optional<InputType> RecognizeInputType(const std::string& path, std::string_view head) {
  return TypeFromSignatureOrName(path, head, true);
}

std::optional<InputType> ParseInputType(const std::string& name) {
  std::string lower = core::AsciiLower(name);
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
  // A separator is only for delimited text: text without one that looks
  // fixed-width is read as csv when a separator is given.
  auto resolve = [&](std::string_view head) {
    if (type) return *type;
    InputType detected = DetectType(path == "-" ? std::string() : path, head);
    if (detected == InputType::kFwf && options.separator != 0) detected = InputType::kCsv;
    return detected;
  };
  const bool text_type = !type || *type == InputType::kCsv || *type == InputType::kFwf || *type == InputType::kJson;
  // stdin, pipes, compressed files and UTF-16 text: decompress and transcode
  // once, look at the resulting bytes, and read formats that need the whole
  // input into memory.
  struct stat st {};
  const bool pipe_like = path == "-" || (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
  const std::string magic = pipe_like ? std::string() : PeekFile(path, kCompressionMagicBytes);
  if (pipe_like || DetectCompression(magic) != Compression::kNone ||
      (text_type && DetectTextEncoding(magic) != TextEncoding::kUtf8)) {
    Compression compression = Compression::kNone;
    auto stream = OpenInputStream(path, &compression);
    if (const TextEncoding encoding = DetectTextEncoding(stream->Peek(2));
        text_type && encoding != TextEncoding::kUtf8) {
      stream = std::make_unique<PeekableStream>(MakeUtf8Stream(std::move(stream), encoding));
    }
    InputType resolved = resolve(stream->Peek(kSniffBytes));
    uint64_t limit = compression == Compression::kNone ? UINT64_MAX : kMaxDecompressedBufferBytes;
    return OpenFromStream(std::move(stream), resolved, limit, options);
  }
  InputType resolved = resolve(PeekFile(path, kSniffBytes));
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
    case InputType::kPcap:
    case InputType::kArgus:
    case InputType::kNfdump:
      return OpenCaptureReader(path, resolved, options);
  }
  throw core::InternalError("unhandled input type");
}

}  // namespace botrecon::io
