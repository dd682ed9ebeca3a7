// Excel .xlsx reader (Office Open XML spreadsheet), read like pandas.read_excel
// with its defaults: the first sheet (or ReaderOptions::sheet), sheet row 1 is
// the header, every later row up to the last one holding a value is a data row
// (gaps and empty rows in between become all-missing rows).
//
// The zip container is read with libzip from the in-memory FileBuffer; the
// small parts (relationships, workbook) are parsed with pugixml. The sheet and
// the shared-string table are streamed: an XmlChildScanner inflates the part a
// megabyte at a time and cuts it into whole child elements (<row>, <si>) that
// pugixml then parses a fragment at a time. Memory: the shared-string table
// (all strings of the workbook, about their UTF-8 size plus 8 bytes each), one
// fragment of at most kFragmentBytes of row XML and its pugixml tree, and the
// batch being filled.
//
// Cell values: numbers, booleans (0/1), shared and inline strings (rich-text
// runs concatenated), formula results (t="str"), ISO dates (t="d") as text,
// errors (#N/A...) as missing. Styles are not read, so dates stored as serial
// numbers stay numbers. Each batch decides per column: all numbers/booleans
// give a kDouble column; any string gives a kString column in which numbers
// are written in their shortest round-trip form and booleans as True/False.
// Columns: the header row's cells ("" for an empty header cell, like the
// unnamed pandas index column), widened to the sheet's <dimension> if that is
// wider; cells beyond are ignored.
//
// Limits against hostile archives: every part must declare its uncompressed
// size, at most kMaxPartBytes (1 GiB), checked before inflating and enforced
// while inflating; only stored and deflated entries without encryption; one
// <row> or <si> element at most kMaxElementBytes; no DTDs; UTF-8 only.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "io/codec/zip_archive.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

constexpr uint64_t kMaxPartBytes = uint64_t{1} << 30;        // any uncompressed part
constexpr uint64_t kMaxSmallPartBytes = uint64_t{64} << 20;  // parts parsed whole (workbook, rels)
constexpr size_t kMaxElementBytes = size_t{64} << 20;        // one <row> or <si> element
constexpr size_t kReadBytes = size_t{256} << 10;             // inflated per read
constexpr size_t kFragmentBytes = size_t{512} << 10;         // row XML parsed at once
constexpr size_t kFragmentElements = 2048;                   // rows / strings parsed at once
constexpr uint64_t kMaxRows = 1048576;                       // Excel's limits
constexpr uint32_t kMaxColumns = 16384;
static_assert(kMaxPartBytes < (uint64_t{1} << 32), "shared-string offsets are 32-bit");

[[noreturn]] void Fail(const std::string& file, const std::string& what) { throw core::InputError(file + ": " + what); }

// Name without its namespace prefix ("x:row" -> "row").
std::string_view LocalName(const char* name) {
  const char* local = name;
  const char* p = name;
  for (; *p != '\0'; ++p) {
    if (*p == ':') local = p + 1;
  }
  return std::string_view(local, static_cast<size_t>(p - local));
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_attribute Attribute(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a;
  }
  return {};
}

// Text content of an element (all its text and CDATA children).
void AppendText(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
}

// Text of a string item (<si> or <is>): a plain <t> and/or rich-text runs <r><t>.
// Phonetic runs (<rPh>) are not part of the value.
void AppendStringItem(pugi::xml_node item, std::string& out) {
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = LocalName(c.name());
    if (name == "t") {
      AppendText(c, out);
    } else if (name == "r") {
      pugi::xml_node t = Child(c, "t");
      if (t) AppendText(t, out);
    }
  }
}

// Text of a string item without copying when it is a single plain <t>.
std::string_view StringItemView(pugi::xml_node item, std::string& scratch) {
  pugi::xml_node first = item.first_child();
  if (first && !first.next_sibling() && first.type() == pugi::node_element && LocalName(first.name()) == "t") {
    pugi::xml_node text = first.first_child();
    if (!text) return {};
    if (!text.next_sibling() && (text.type() == pugi::node_pcdata || text.type() == pugi::node_cdata)) {
      return text.value();
    }
  }
  scratch.clear();
  AppendStringItem(item, scratch);
  return scratch;
}

// Shortest text that reads back as `v` ("80", "0.5", "1e+300").
std::string NumberText(double v) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, result.ptr);
}

std::string XmlError(const pugi::xml_parse_result& result) {
  return std::string("malformed XML (") + result.description() + " at byte " + std::to_string(result.offset) + ")";
}

// ---------------------------------------------------------------------------
// Zip container (io/codec/zip_archive.h).

using codec::ZipArchive;
using codec::ZipPartStream;

// The bytes of `file` once they look like an .xlsx zip container.
std::string_view XlsxBytes(const FileBuffer& file) {
  std::string_view bytes = file.bytes();
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
    Fail(file.name(),
         "not an .xlsx file but an OLE2 compound document: a password-protected workbook or a legacy .xls; "
         "save it in Excel as an unencrypted .xlsx");
  }
  if (bytes.substr(0, 2) != "PK") Fail(file.name(), "not an .xlsx file (no zip signature at the start)");
  return bytes;
}

// Parses a small part fully.
void ParsePart(const ZipArchive& zip, const std::string& part, pugi::xml_document& doc) {
  std::string xml = zip.ReadAll(part, kMaxSmallPartBytes);
  pugi::xml_parse_result result = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) Fail(zip.name(), part + ": " + XmlError(result));
}

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels".
std::string RelsPath(const std::string& part) {
  size_t slash = part.rfind('/');
  std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? part : part.substr(slash + 1);
  return dir + "_rels/" + base + ".rels";
}

// Resolves a relationship target against the folder of its source part.
std::optional<std::string> ResolveTarget(const std::string& source_part, const std::string& target) {
  std::string path;
  if (!target.empty() && target[0] == '/') {
    path = target.substr(1);
  } else {
    size_t slash = source_part.rfind('/');
    path = (slash == std::string::npos ? "" : source_part.substr(0, slash + 1)) + target;
  }
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }
  if (segments.empty()) return std::nullopt;
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

struct Relationship {
  std::string type;    // full type URI
  std::string target;  // resolved part name
};

// Relationships of `source_part` by Id; empty if it has no .rels part.
std::unordered_map<std::string, Relationship> ReadRelationships(const ZipArchive& zip, const std::string& source_part) {
  std::unordered_map<std::string, Relationship> out;
  std::string rels = RelsPath(source_part);
  if (!zip.Has(rels)) return out;
  pugi::xml_document doc;
  ParsePart(zip, rels, doc);
  pugi::xml_node root = doc.document_element();
  for (pugi::xml_node r = root.first_child(); r; r = r.next_sibling()) {
    if (r.type() != pugi::node_element || LocalName(r.name()) != "Relationship") continue;
    if (std::string_view(Attribute(r, "TargetMode").as_string()) == "External") continue;
    std::optional<std::string> target = ResolveTarget(source_part, Attribute(r, "Target").as_string());
    if (!target) continue;
    out[Attribute(r, "Id").as_string()] = Relationship{Attribute(r, "Type").as_string(), *target};
  }
  return out;
}

bool TypeIs(const std::string& type, std::string_view suffix) {
  return type.size() >= suffix.size() && type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---------------------------------------------------------------------------
// Streaming XML: cuts the children of one element into whole elements.

class XmlChildScanner {
 public:
  XmlChildScanner(ZipPartStream& input, std::string container) : input_(input), container_(std::move(container)) {}

  // Advances to the start tag of the container element. False if the part has
  // none. The first start tag named `remember` on the way is kept (see
  // remembered()).
  bool FindContainer(std::string_view remember = {}) {
    CheckEncoding();
    for (;;) {
      anchor_ = pos_;
      Token token = NextToken();
      if (token.kind == Token::kEof) return false;
      if (token.kind == Token::kStart && token.name == container_) {
        container_open_ = !token.self_closing;
        return true;
      }
      if (token.kind == Token::kStart && !remember.empty() && token.name == remember && remembered_.empty()) {
        remembered_ = std::string(View(token.begin, pos_));
        if (!token.self_closing) remembered_.insert(remembered_.size() - 1, "/");
      }
    }
  }
  const std::string& remembered() const { return remembered_; }

  // Appends to `out` up to `max_elements` complete child elements of the
  // container (and whatever text or comments lie between them), stopping early
  // once `out` holds `max_bytes`. Returns the number of elements; 0 at the end.
  size_t NextChildren(size_t max_elements, size_t max_bytes, std::string& out) {
    size_t count = 0;
    while (container_open_ && count < max_elements && out.size() < max_bytes) {
      const uint64_t element_start = pos_;
      anchor_ = element_start;
      int depth = 0;
      bool complete = false;
      while (!complete) {
        Token token = NextToken();
        if (token.kind == Token::kEof) Fail(input_.where(), "unexpected end of the part inside <" + container_ + ">");
        switch (token.kind) {
          case Token::kStart:
            if (!token.self_closing) {
              ++depth;
            } else if (depth == 0) {
              complete = true;
            }
            break;
          case Token::kEnd:
            if (depth == 0) {
              if (token.name != container_) {
                Fail(input_.where(), "unexpected </" + std::string(token.name) + "> inside <" + container_ + ">");
              }
              container_open_ = false;
              out.append(View(element_start, token.begin));
              Drain();
              return count;
            }
            if (--depth == 0) complete = true;
            break;
          default:
            break;
        }
      }
      out.append(View(element_start, pos_));
      ++count;
    }
    return count;
  }

 private:
  struct Token {
    enum Kind { kText, kStart, kEnd, kOther, kEof } kind = kEof;
    std::string_view name;  // local name of a start or end tag; valid until the next read
    bool self_closing = false;
    uint64_t begin = 0;
  };

  // Positions are offsets in the inflated part; buffer_ holds [base_, base_ + size).
  uint64_t End() const { return base_ + buffer_.size(); }
  char At(uint64_t pos) const { return buffer_[static_cast<size_t>(pos - base_)]; }
  std::string_view View(uint64_t begin, uint64_t end) const {
    return std::string_view(buffer_).substr(static_cast<size_t>(begin - base_), static_cast<size_t>(end - begin));
  }

  // Makes [anchor_, end) available if the input allows; false if it ends first.
  // Bytes before anchor_ may be dropped.
  bool Fill(uint64_t end) {
    while (End() < end) {
      if (eof_) return false;
      if (anchor_ - base_ >= kReadBytes) {
        buffer_.erase(0, static_cast<size_t>(anchor_ - base_));
        base_ = anchor_;
      }
      if (buffer_.size() > kMaxElementBytes + kReadBytes) {
        Fail(input_.where(), "an element inside <" + container_ + "> (or before it) is larger than " +
                                 std::to_string(kMaxElementBytes) + " bytes");
      }
      // Up to what the part has left (plus one byte to see its end).
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kReadBytes, input_.remaining() + 1));
      size_t old = buffer_.size();
      buffer_.resize(old + want);
      size_t got = input_.Read(buffer_.data() + old, want);
      buffer_.resize(old + got);
      if (got == 0) eof_ = true;
    }
    return true;
  }

  // Position of `pattern` at or after `from`, reading more input as needed; nullopt at the end.
  std::optional<uint64_t> Find(uint64_t from, std::string_view pattern) {
    for (;;) {
      size_t at = std::string_view(buffer_).find(pattern, static_cast<size_t>(from - base_));
      if (at != std::string_view::npos) return base_ + at;
      if (End() >= pattern.size()) from = std::max(from, End() - pattern.size() + 1);
      if (!Fill(End() + 1)) return std::nullopt;
    }
  }

  // Reads the rest of the part, so that its size and checksum are verified.
  void Drain() {
    const uint64_t end = End();
    buffer_.clear();
    base_ = pos_ = anchor_ = end;
    char sink[4096];
    while (!eof_) eof_ = input_.Read(sink, sizeof(sink)) == 0;
  }

  void CheckEncoding() {
    Fill(4);
    std::string_view head(buffer_);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    } else if (head.substr(0, 2) == "\xFE\xFF" || head.substr(0, 2) == "\xFF\xFE" ||
               (head.size() >= 2 && (head[0] == '\0' || head[1] == '\0'))) {
      Fail(input_.where(), "UTF-16 XML is not supported (expected UTF-8)");
    }
  }

  Token NextToken() {
    Token token;
    token.begin = pos_;
    if (!Fill(pos_ + 1)) return token;  // kEof
    if (At(pos_) != '<') {
      std::optional<uint64_t> lt = Find(pos_, "<");
      pos_ = lt ? *lt : End();
      token.kind = Token::kText;
      return token;
    }
    Fill(pos_ + 9);
    const char second = pos_ + 1 < End() ? At(pos_ + 1) : '\0';
    auto skip_to = [&](std::string_view end, const char* what) {
      std::optional<uint64_t> at = Find(pos_ + 2, end);
      if (!at) Fail(input_.where(), std::string("unterminated ") + what);
      pos_ = *at + end.size();
      token.kind = Token::kOther;
    };
    if (second == '!' || second == '?') {
      std::string_view rest = View(pos_, std::min(End(), pos_ + 9));
      if (rest.substr(0, 4) == "<!--") {
        skip_to("-->", "comment");
      } else if (rest.substr(0, 9) == "<![CDATA[") {
        skip_to("]]>", "CDATA section");
      } else if (second == '?') {
        skip_to("?>", "processing instruction");
      } else {
        Fail(input_.where(), "document type declarations are not allowed");
      }
    } else {
      // A start or end tag: find its '>' outside quoted attribute values.
      uint64_t i = pos_ + 1;
      char quote = 0;
      for (;;) {
        if (i >= End() && !Fill(i + 1)) Fail(input_.where(), "unexpected end of the part inside a tag");
        const char* begin = buffer_.data();
        const char* end = begin + buffer_.size();
        const char* p = begin + (i - base_);
        for (; p < end; ++p) {
          const char c = *p;
          if (quote != 0) {
            if (c == quote) quote = 0;
          } else if (c == '>') {
            break;
          } else if (c == '"' || c == '\'') {
            quote = c;
          } else if (c == '<') {
            Fail(input_.where(), "malformed tag at byte " + std::to_string(pos_));
          }
        }
        i = base_ + static_cast<uint64_t>(p - begin);
        if (p < end) break;
      }
      bool end_tag = At(pos_ + 1) == '/';
      uint64_t name_begin = pos_ + (end_tag ? 2 : 1);
      uint64_t name_end = name_begin;
      while (name_end < i && At(name_end) != '/' && static_cast<unsigned char>(At(name_end)) > ' ') ++name_end;
      std::string_view name = View(name_begin, name_end);
      size_t colon = name.rfind(':');
      if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
      if (name.empty()) Fail(input_.where(), "malformed tag at byte " + std::to_string(pos_));
      token.name = name;
      token.kind = end_tag ? Token::kEnd : Token::kStart;
      token.self_closing = !end_tag && At(i - 1) == '/';
      pos_ = i + 1;
    }
    return token;
  }

  ZipPartStream& input_;
  std::string container_;
  std::string buffer_;
  uint64_t base_ = 0;    // offset of buffer_[0]
  uint64_t pos_ = 0;     // next byte to scan
  uint64_t anchor_ = 0;  // earliest byte still needed
  bool eof_ = false;
  bool container_open_ = false;
  std::string remembered_;
};

// ---------------------------------------------------------------------------
// Shared strings: one text block plus offsets (32 bits suffice: the text is
// no longer than its part, at most kMaxPartBytes).

class SharedStrings {
 public:
  size_t size() const { return starts_.empty() ? 0 : starts_.size() - 1; }
  std::string_view Get(size_t index) const {
    return std::string_view(text_.data() + starts_[index], starts_[index + 1] - starts_[index]);
  }

  static std::shared_ptr<const SharedStrings> Load(const ZipArchive& zip, const std::string& part) {
    auto table = std::make_shared<SharedStrings>();
    table->starts_.push_back(0);
    auto stream = zip.Open(part, kMaxPartBytes);
    XmlChildScanner scanner(*stream, "sst");
    if (!scanner.FindContainer()) Fail(stream->where(), "no <sst> element");
    std::string fragment;
    pugi::xml_document doc;
    for (;;) {
      fragment.clear();
      if (scanner.NextChildren(kFragmentElements, kFragmentBytes, fragment) == 0) break;
      pugi::xml_parse_result result = doc.load_buffer_inplace(
          fragment.data(), fragment.size(), pugi::parse_default | pugi::parse_fragment | pugi::parse_ws_pcdata_single,
          pugi::encoding_utf8);
      if (!result) Fail(stream->where(), XmlError(result) + " near string " + std::to_string(table->size()));
      for (pugi::xml_node si = doc.first_child(); si; si = si.next_sibling()) {
        if (si.type() != pugi::node_element || LocalName(si.name()) != "si") continue;
        AppendStringItem(si, table->text_);
        table->starts_.push_back(static_cast<uint32_t>(table->text_.size()));
      }
    }
    table->text_.shrink_to_fit();
    return table;
  }

 private:
  std::string text_;
  std::vector<uint32_t> starts_;
};

// ---------------------------------------------------------------------------
// Cells.

struct CellValue {
  enum Kind : uint8_t { kMissing, kNumber, kBool, kString } kind = kMissing;
  double number = 0;
  std::string_view text;  // kString: view into the shared strings or the batch arena
};

// "B12" -> 1 (0-based column). -1 if `ref` does not start with column letters.
int ColumnOfReference(std::string_view ref) {
  int column = 0;
  size_t i = 0;
  for (; i < ref.size() && i < 4; ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
  }
  if (i == 0 || column > static_cast<int>(kMaxColumns)) return -1;
  return column - 1;
}

// Column widths of a <dimension ref="A1:K5001"> tag; 0 if unknown.
size_t DimensionWidth(const std::string& tag) {
  if (tag.empty()) return 0;
  pugi::xml_document doc;
  if (!doc.load_buffer(tag.data(), tag.size(), pugi::parse_default, pugi::encoding_utf8)) return 0;
  std::string_view ref = Attribute(doc.document_element(), "ref").as_string();
  size_t colon = ref.find(':');
  int last = ColumnOfReference(colon == std::string_view::npos ? ref : ref.substr(colon + 1));
  return last < 0 ? 0 : static_cast<size_t>(last) + 1;
}

std::string ColumnLetters(size_t column) {
  std::string out;
  for (size_t n = column + 1; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  return out;
}

// ---------------------------------------------------------------------------

class ExcelReader : public SequentialReader {
 public:
  ExcelReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : file_(std::move(file)), options_(options), zip_(file_->name(), XlsxBytes(*file_), ".xlsx") {
    if (options_.max_batch_rows == 0) options_.max_batch_rows = 1;
    OpenSheet();
    ReadHeader();
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return file_->name(); }
  uint64_t bytes_consumed() const override { return sheet_stream_->produced(); }
  uint64_t bytes_total() const override { return sheet_stream_->declared(); }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    const std::vector<int>& proj = projection();
    column_to_output_.assign(width_, -1);
    for (size_t out = 0; out < proj.size(); ++out) {
      int col = proj[out];
      if (col < 0 || static_cast<size_t>(col) >= width_) {
        throw core::InternalError("projection index " + std::to_string(col) + " out of range");
      }
      int& first = column_to_output_[static_cast<size_t>(col)];
      if (first < 0) first = static_cast<int>(out);
    }
    values_.resize(proj.size());
    for (auto& v : values_) v.clear();

    batch.first_row = emitted_through_ - 1;  // sheet row 1 is the header
    batch.keep_alive = strings_;
    size_t rows = 0;
    const size_t max_rows = options_.max_batch_rows;
    while (rows < max_rows) {
      if (!NextRowNode()) break;  // trailing empty rows are dropped, like pandas
      if (!row_has_value_) {
        ConsumeRow();
        continue;
      }
      uint64_t gap = pending_row_ - emitted_through_ - 1;
      if (gap > 0) {
        size_t take = static_cast<size_t>(std::min<uint64_t>(gap, max_rows - rows));
        for (auto& v : values_) v.resize(v.size() + take);
        rows += take;
        emitted_through_ += take;
        continue;
      }
      for (auto& v : values_) v.emplace_back();
      DecodeRow(row_node_, pending_row_, rows, batch);
      ++rows;
      emitted_through_ = pending_row_;
      ConsumeRow();
    }
    if (rows == 0) {
      batch.num_rows = 0;
      return false;
    }
    batch.num_rows = rows;
    for (size_t out = 0; out < proj.size(); ++out) {
      int first = column_to_output_[static_cast<size_t>(proj[out])];
      if (first == static_cast<int>(out)) {
        Finish(values_[out], batch, batch.columns[out]);
      } else {  // a column projected twice
        batch.columns[out] = batch.columns[static_cast<size_t>(first)];
      }
    }
    return true;
  }

 private:
  void OpenSheet() {
    // The workbook part: from the package relationships, else the usual name.
    std::string workbook_part = "xl/workbook.xml";
    for (const auto& [id, rel] : ReadRelationships(zip_, "")) {
      if (TypeIs(rel.type, "/officeDocument")) {
        workbook_part = rel.target;
        break;
      }
    }
    pugi::xml_document workbook;
    ParsePart(zip_, workbook_part, workbook);
    auto rels = ReadRelationships(zip_, workbook_part);

    struct SheetEntry {
      std::string name, rid;
    };
    std::vector<SheetEntry> sheets;
    pugi::xml_node sheets_node = Child(workbook.document_element(), "sheets");
    for (pugi::xml_node s = sheets_node.first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || LocalName(s.name()) != "sheet") continue;
      sheets.push_back({Attribute(s, "name").as_string(), Attribute(s, "id").as_string()});
    }
    if (sheets.empty()) Fail(name(), workbook_part + ": the workbook lists no sheets");
    const SheetEntry* chosen = &sheets.front();
    if (!options_.sheet.empty()) {
      chosen = nullptr;
      std::string available;
      for (const auto& s : sheets) {
        if (s.name == options_.sheet) chosen = &s;
        available += (available.empty() ? "'" : ", '") + s.name + "'";
      }
      if (chosen == nullptr) Fail(name(), "no sheet named '" + options_.sheet + "'; available sheets: " + available);
    }
    sheet_name_ = chosen->name;
    auto rel = rels.find(chosen->rid);
    if (rel == rels.end()) {
      Fail(name(), "sheet '" + sheet_name_ + "' refers to relationship '" + chosen->rid + "', which " +
                       RelsPath(workbook_part) + " does not define");
    }
    std::string sheet_part = rel->second.target;
    if (!zip_.Has(sheet_part)) {
      Fail(name(), "sheet '" + sheet_name_ + "': part '" + sheet_part + "' is missing from the archive");
    }
    for (const auto& [id, r] : rels) {
      if (TypeIs(r.type, "/sharedStrings")) {
        if (!zip_.Has(r.target)) Fail(name(), "shared strings part '" + r.target + "' is missing from the archive");
        strings_ = SharedStrings::Load(zip_, r.target);
        break;
      }
    }
    where_ = name() + ": sheet '" + sheet_name_ + "'";
    sheet_stream_ = zip_.Open(sheet_part, kMaxPartBytes);
    rows_ = std::make_unique<XmlChildScanner>(*sheet_stream_, "sheetData");
    if (!rows_->FindContainer("dimension")) {
      Fail(where_, "no <sheetData> element in " + sheet_part + " (a chart sheet?)");
    }
    dimension_width_ = DimensionWidth(rows_->remembered());
  }

  // Sheet row 1 is the header (pandas header=0), even when it is empty.
  void ReadHeader() {
    width_ = 0;
    std::vector<std::string> names;
    if (NextRowNode() && pending_row_ == 1) {
      for (pugi::xml_node c = row_node_.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element || LocalName(c.name()) != "c") continue;
        size_t col = CellColumn(c, 1, names.size());
        CellValue value = DecodeCell(c, 1, col, nullptr);
        std::string text;
        switch (value.kind) {
          case CellValue::kMissing:
            break;
          case CellValue::kNumber:
            text = NumberText(value.number);
            break;
          case CellValue::kBool:
            text = value.number != 0 ? "True" : "False";
            break;
          case CellValue::kString:
            text = std::string(value.text);
            break;
        }
        if (text.empty()) continue;
        if (names.size() <= col) names.resize(col + 1);
        names[col] = std::move(text);
      }
      ConsumeRow();
    }
    width_ = std::max(names.size(), dimension_width_);
    names.resize(width_);
    schema_.names = std::move(names);
    schema_.has_header = true;
  }

  // Makes row_node_ the next unconsumed <row> (parsing the next fragment if
  // needed), with its number in pending_row_. False at the end of the sheet data.
  bool NextRowNode() {
    if (row_ready_) return true;
    while (!row_node_) {
      fragment_.clear();
      if (rows_->NextChildren(kFragmentElements, kFragmentBytes, fragment_) == 0) return false;
      pugi::xml_parse_result result = doc_.load_buffer_inplace(
          fragment_.data(), fragment_.size(), pugi::parse_default | pugi::parse_fragment | pugi::parse_ws_pcdata_single,
          pugi::encoding_utf8);
      if (!result) Fail(where_, XmlError(result) + " in the rows after sheet row " + std::to_string(last_row_));
      row_node_ = FirstRow(doc_.first_child());
    }
    std::string_view r = Attribute(row_node_, "r").as_string();
    uint64_t number = last_row_ + 1;
    if (!r.empty()) {
      if (!core::ParseWhole(r, number) || number == 0) {
        Fail(where_, "bad row number '" + std::string(r) + "' after row " + std::to_string(last_row_));
      }
    }
    if (number <= last_row_) {
      Fail(where_, "row " + std::to_string(number) + " comes after row " + std::to_string(last_row_) +
                       " (rows must be in increasing order)");
    }
    if (number > kMaxRows) Fail(where_, "row number " + std::to_string(number) + " exceeds Excel's limit");
    last_row_ = number;
    pending_row_ = number;
    row_has_value_ = RowHasValue(row_node_);
    row_ready_ = true;
    return true;
  }

  void ConsumeRow() {
    row_node_ = NextRowSibling(row_node_);
    row_ready_ = false;
  }

  static pugi::xml_node FirstRow(pugi::xml_node node) {
    while (node && (node.type() != pugi::node_element || LocalName(node.name()) != "row")) node = node.next_sibling();
    return node;
  }
  static pugi::xml_node NextRowSibling(pugi::xml_node node) { return FirstRow(node.next_sibling()); }

  // Whether any cell of the row holds a value (errors count, like in pandas).
  bool RowHasValue(pugi::xml_node row) {
    for (pugi::xml_node c = row.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || LocalName(c.name()) != "c") continue;
      std::string_view type = Attribute(c, "t").as_string();
      if (type == "e") return true;
      if (type == "inlineStr") {
        if (!StringItemView(Child(c, "is"), scratch_).empty()) return true;
        continue;
      }
      pugi::xml_node v = Child(c, "v");
      if (!v || v.child_value()[0] == '\0') continue;
      if (type == "s" && strings_ != nullptr) {
        size_t index = 0;
        std::string_view s = v.child_value();
        auto parsed = std::from_chars(s.data(), s.data() + s.size(), index);
        if (parsed.ec == std::errc() && index < strings_->size() && strings_->Get(index).empty()) continue;
      }
      return true;
    }
    return false;
  }

  // Column of a cell: its reference, else the one after the previous cell.
  size_t CellColumn(pugi::xml_node c, uint64_t row, size_t next) const {
    std::string_view ref = Attribute(c, "r").as_string();
    if (ref.empty()) {
      if (next >= kMaxColumns) Fail(where_, "row " + std::to_string(row) + " has more than 16384 cells");
      return next;
    }
    int col = ColumnOfReference(ref);
    if (col < 0) Fail(where_, "row " + std::to_string(row) + ": bad cell reference '" + std::string(ref) + "'");
    return static_cast<size_t>(col);
  }

  // Decodes one cell. Strings not in the shared table are interned in `batch`
  // (or, with no batch, in scratch_).
  CellValue DecodeCell(pugi::xml_node c, uint64_t row, size_t col, core::ColumnBatch* batch) {
    CellValue value;
    std::string_view type = Attribute(c, "t").as_string();
    auto where = [&] { return where_ + ", cell " + ColumnLetters(col) + std::to_string(row); };
    auto keep = [&](std::string_view s) -> std::string_view {
      if (batch != nullptr) return batch->Intern(s);
      header_text_ = std::string(s);
      return header_text_;
    };
    if (type == "inlineStr") {
      std::string_view text = StringItemView(Child(c, "is"), scratch_);
      if (!text.empty()) {
        value.kind = CellValue::kString;
        value.text = keep(text);
      }
      return value;
    }
    if (type == "e") return value;  // #N/A, #DIV/0! ...: missing
    pugi::xml_node v = Child(c, "v");
    std::string_view text = v ? v.child_value() : "";
    if (text.empty()) return value;
    if (type.empty() || type == "n") {
      std::string_view number = core::TrimBlank(text);
      if (!number.empty() && number.front() == '+') number.remove_prefix(1);
      if (!core::ParseWhole(number, value.number)) {
        Fail(where(), "bad number '" + std::string(text.substr(0, 40)) + "'");
      }
      value.kind = CellValue::kNumber;
    } else if (type == "s") {
      uint64_t index = 0;
      if (!core::ParseWhole(text, index)) {
        Fail(where(), "bad shared string index '" + std::string(text.substr(0, 40)) + "'");
      }
      size_t count = strings_ != nullptr ? strings_->size() : 0;
      if (index >= count) {
        Fail(where(), "shared string index " + std::to_string(index) + " out of range (the table has " +
                          std::to_string(count) + " strings)");
      }
      std::string_view s = strings_->Get(static_cast<size_t>(index));
      if (!s.empty()) {
        value.kind = CellValue::kString;
        value.text = s;
      }
    } else if (type == "b") {
      value.kind = CellValue::kBool;
      if (text == "1" || text == "true") {
        value.number = 1;
      } else if (text == "0" || text == "false") {
        value.number = 0;
      } else {
        Fail(where(), "bad boolean '" + std::string(text.substr(0, 40)) + "'");
      }
    } else if (type == "str" || type == "d") {
      value.kind = CellValue::kString;
      value.text = keep(text);
    } else {
      Fail(where(), "unknown cell type '" + std::string(type.substr(0, 40)) + "'");
    }
    return value;
  }

  void DecodeRow(pugi::xml_node row, uint64_t row_number, size_t row_index, core::ColumnBatch& batch) {
    size_t next = 0;
    for (pugi::xml_node c = row.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || LocalName(c.name()) != "c") continue;
      size_t col = CellColumn(c, row_number, next);
      next = col + 1;
      if (col >= width_ || column_to_output_[col] < 0) continue;
      values_[static_cast<size_t>(column_to_output_[col])][row_index] = DecodeCell(c, row_number, col, &batch);
    }
  }

  // Turns the collected cells of one column into a typed column.
  static void Finish(const std::vector<CellValue>& cells, core::ColumnBatch& batch, core::Column& column) {
    bool any_string = false;
    for (const auto& cell : cells) any_string |= cell.kind == CellValue::kString;
    column.Clear();
    if (!any_string) {
      column.type = core::ColumnType::kDouble;
      column.numbers.reserve(cells.size());
      for (const auto& cell : cells) {
        column.numbers.push_back(cell.kind == CellValue::kMissing ? std::numeric_limits<double>::quiet_NaN()
                                                                  : cell.number);
      }
      return;
    }
    column.type = core::ColumnType::kString;
    column.strings.reserve(cells.size());
    for (const auto& cell : cells) {
      switch (cell.kind) {
        case CellValue::kMissing:
          column.strings.emplace_back();
          break;
        case CellValue::kString:
          column.strings.push_back(cell.text);
          break;
        case CellValue::kNumber:
          column.strings.push_back(batch.Intern(NumberText(cell.number)));
          break;
        case CellValue::kBool:
          column.strings.push_back(cell.number != 0 ? "True" : "False");
          break;
      }
    }
  }

  const std::string& name() const { return file_->name(); }

  std::shared_ptr<const FileBuffer> file_;
  ReaderOptions options_;
  ZipArchive zip_;
  std::shared_ptr<const SharedStrings> strings_;
  std::string sheet_name_;
  std::string where_;  // "file: sheet 'name'"
  std::unique_ptr<ZipPartStream> sheet_stream_;
  std::unique_ptr<XmlChildScanner> rows_;
  size_t dimension_width_ = 0;
  Schema schema_;
  size_t width_ = 0;

  // Row state. row_node_ is the next unconsumed <row> of doc_ (parsed in
  // place from fragment_); row_ready_ says its number and emptiness are known.
  std::string fragment_;
  pugi::xml_document doc_;
  pugi::xml_node row_node_;
  bool row_ready_ = false;
  bool row_has_value_ = false;
  uint64_t pending_row_ = 0;      // sheet row number of row_node_
  uint64_t last_row_ = 0;         // highest sheet row number seen
  uint64_t emitted_through_ = 1;  // sheet rows up to this one are handed out (1 = header)
  std::string scratch_;           // rich text being joined
  std::string header_text_;       // a header cell's text

  // Per batch.
  std::vector<int> column_to_output_;
  std::vector<std::vector<CellValue>> values_;
};

}  // namespace

std::unique_ptr<Reader> OpenExcelReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  return std::make_unique<ExcelReader>(std::move(file), options);
}

}  // namespace botrecon::io
