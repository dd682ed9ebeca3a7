// JSON reader: every table layout pandas' DataFrame.to_json writes, told apart
// by the shape of the document, and JSON Lines.
//
//   columns  {"col": {"idx": v, ...}, ...}        (pandas' default; also {"col": [v, ...]})
//   index    {"idx": {"col": v, ...}, ...}
//   records  [{"col": v, ...}, ...]
//   split    {"columns": [...], "index": [...], "data": [[...], ...]}
//   values   [[v, ...], ...]                      (no names: "column 1", ...)
//   table    {"schema": {"fields": [...], ...}, "data": [{...}, ...]}
//   lines    one record (or one array of values) per line
//
// Whole documents are parsed into a simdjson DOM once; batches are then cut
// from it. JSON Lines are parsed line by line as batches are read, so memory
// stays bounded whatever the input size.
//
// Values: numbers become doubles (integers beyond 2^53 are rounded; beyond 64
// bits, like pandas, they are an error), booleans 0/1, null a missing value,
// strings text. A column with any text in a batch is a text column in that
// batch, its numbers written as text. Nested objects and arrays are kept as
// their JSON text.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

using simdjson::dom::element_type;

// JSON Lines: a line longer than this is an error.
constexpr size_t kMaxLineBytes = 64 << 20;
// JSON Lines: the columns are the keys found in the first lines, up to this
// many lines or bytes.
constexpr size_t kSchemaWindowLines = 10000;
constexpr size_t kSchemaWindowBytes = 64 << 20;
// Stream reads for JSON Lines.
constexpr size_t kStreamBlock = 1 << 20;

// The object / array an element of that type holds.
simdjson::dom::object AsObject(simdjson::dom::element value) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) throw core::InternalError("not a JSON object");
  return object;
}
simdjson::dom::array AsArray(simdjson::dom::element value) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) throw core::InternalError("not a JSON array");
  return array;
}
size_t CountElements(simdjson::dom::array array) {
  size_t n = 0;
  for (auto it = array.begin(); it != array.end(); ++it) ++n;
  return n;
}


std::string_view StripBom(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

const char* TypeName(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// One token of a JSON Pointer (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Locating syntax errors. simdjson says what is wrong but not where; this small
// validator finds the first offending byte for the error message.

class JsonLocator {
 public:
  explicit JsonLocator(std::string_view text) : t_(text) {}

  // Offset of the first byte where `text` stops being one valid JSON value
  // (text.size() if it ends too early), or npos if it is valid.
  size_t FindError() {
    std::vector<char> stack;
    SkipSpace();
    for (;;) {
      // Expecting a value.
      if (i_ >= t_.size()) return i_;
      char c = t_[i_];
      if (c == '{' || c == '[') {
        if (stack.size() >= simdjson::DEFAULT_MAX_DEPTH - 1) return i_;
        stack.push_back(c);
        ++i_;
        SkipSpace();
        if (i_ < t_.size() && t_[i_] == (c == '{' ? '}' : ']')) {
          ++i_;
          stack.pop_back();
        } else if (c == '{') {
          if (!Key()) return i_;
          continue;
        } else {
          continue;
        }
      } else if (c == '"') {
        if (!String()) return i_;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (!Number()) return i_;
      } else if (!Literal("true") && !Literal("false") && !Literal("null")) {
        return i_;
      }
      // After a value: close containers or go on to the next element.
      for (;;) {
        SkipSpace();
        if (stack.empty()) return i_ == t_.size() ? std::string_view::npos : i_;
        if (i_ >= t_.size()) return i_;
        char close = stack.back() == '{' ? '}' : ']';
        if (t_[i_] == close) {
          ++i_;
          stack.pop_back();
          continue;
        }
        if (t_[i_] != ',') return i_;
        ++i_;
        SkipSpace();
        if (stack.back() == '{' && !Key()) return i_;
        break;
      }
    }
  }

 private:
  void SkipSpace() {
    while (i_ < t_.size() && core::IsBlank(t_[i_])) ++i_;
  }
  // A key, the colon and the space before the value.
  bool Key() {
    if (i_ >= t_.size() || t_[i_] != '"' || !String()) return false;
    SkipSpace();
    if (i_ >= t_.size() || t_[i_] != ':') return false;
    ++i_;
    SkipSpace();
    return true;
  }
  bool Literal(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool String() {
    ++i_;  // opening quote
    while (i_ < t_.size()) {
      unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (i_ + 1 >= t_.size()) return false;
        char e = t_[i_ + 1];
        if (e == 'u') {
          for (size_t k = 2; k < 6; ++k) {
            if (i_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[i_ + k]))) return false;
          }
          i_ += 6;
        } else if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
          i_ += 2;
        } else {
          return false;
        }
        continue;
      }
      if (c < 0x80) {
        ++i_;
        continue;
      }
      // UTF-8 sequence.
      size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      if (len == 0 || c == 0xC0 || c == 0xC1 || c > 0xF4 || i_ + len > t_.size()) return false;
      for (size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(t_[i_ + k]) & 0xC0) != 0x80) return false;
      }
      i_ += len;
    }
    return false;
  }
  bool Number() {
    size_t start = i_;
    if (t_[i_] == '-') ++i_;
    if (i_ >= t_.size() || !Digit(t_[i_])) return false;
    if (t_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < t_.size() && Digit(t_[i_])) ++i_;
    }
    bool integer = true;
    if (i_ < t_.size() && t_[i_] == '.') {
      integer = false;
      ++i_;
      if (i_ >= t_.size() || !Digit(t_[i_])) return false;
      while (i_ < t_.size() && Digit(t_[i_])) ++i_;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      integer = false;
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (i_ >= t_.size() || !Digit(t_[i_])) return false;
      while (i_ < t_.size() && Digit(t_[i_])) ++i_;
    }
    // Numbers simdjson cannot hold: integers beyond 64 bits, reals beyond double.
    const char* first = t_.data() + start;
    const char* last = t_.data() + i_;
    bool fits;
    if (integer && t_[start] == '-') {
      int64_t v;
      fits = std::from_chars(first, last, v).ec == std::errc();
    } else if (integer) {
      uint64_t v;
      fits = std::from_chars(first, last, v).ec == std::errc();
    } else {
      std::string token(first, last);
      double v = std::strtod(token.c_str(), nullptr);
      fits = std::isfinite(v);
    }
    if (!fits) {
      i_ = start;
      return false;
    }
    return true;
  }
  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  std::string_view t_;
  size_t i_ = 0;
};

// The message for a document (or line) simdjson rejected:
// "NAME:LINE:COLUMN: invalid JSON (byte offset N): what". `first_line` and
// `base_offset` place `text` in the file.
std::string SyntaxError(const std::string& name, std::string_view text, simdjson::error_code error,
                        uint64_t first_line = 1, uint64_t base_offset = 0) {
  size_t offset = JsonLocator(text).FindError();
  if (offset == std::string_view::npos) {
    return name + ":" + (first_line != 1 || base_offset != 0 ? std::to_string(first_line) + ":" : std::string()) +
           " invalid JSON: " + simdjson::error_message(error);
  }
  offset = std::min(offset, text.size());
  uint64_t line = first_line + static_cast<uint64_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  return name + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) +
         ": invalid JSON (byte offset " + std::to_string(base_offset + offset) + "): " + simdjson::error_message(error);
}

// ---------------------------------------------------------------------------
// Cells of a batch, before the type of each column is known.

struct Cell {
  enum Kind : uint8_t { kMissing, kInteger, kReal, kBool, kText };
  Kind kind = kMissing;
  double number = 0;
  std::string_view text;
};

std::string NumberText(const Cell& cell) {
  if (cell.kind == Cell::kBool) return cell.number != 0 ? "True" : "False";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, cell.number);
  std::string text(buf, result.ptr);
  if (cell.kind == Cell::kReal && text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

// Converts one JSON value. Strings are interned into `batch` unless `stable`
// (the DOM outlives the batch through keep_alive).
Cell ToCell(simdjson::dom::element value, core::ColumnBatch& batch, bool stable) {
  Cell cell;
  switch (value.type()) {
    case element_type::NULL_VALUE:
      break;
    case element_type::BOOL:
      cell.kind = Cell::kBool;
      cell.number = value.get_bool().value_unsafe() ? 1 : 0;
      break;
    case element_type::INT64:
      cell.kind = Cell::kInteger;
      cell.number = static_cast<double>(value.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      cell.kind = Cell::kInteger;
      cell.number = static_cast<double>(value.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      cell.kind = Cell::kReal;
      cell.number = value.get_double().value_unsafe();
      break;
    case element_type::STRING: {
      cell.kind = Cell::kText;
      std::string_view s = value.get_string().value_unsafe();
      cell.text = stable ? s : batch.Intern(s);
      break;
    }
    case element_type::ARRAY:
    case element_type::OBJECT:
      cell.kind = Cell::kText;
      cell.text = batch.Intern(simdjson::minify(value));
      break;
  }
  return cell;
}

// Text of a JSON value used as a column name.
std::string NameOf(simdjson::dom::element value) {
  if (value.type() == element_type::STRING) return std::string(value.get_string().value_unsafe());
  if (value.type() == element_type::NULL_VALUE) return "";
  return simdjson::minify(value);
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using NameIndex = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

// Collects the rows of one batch: one cell per projected column and row.
class RowAssembler {
 public:
  // `projection`: schema column indices in output order; `num_columns`: schema width.
  void Configure(const std::vector<int>& projection, size_t num_columns) {
    out_of_column_.assign(num_columns, -1);
    for (size_t out = 0; out < projection.size(); ++out) {
      if (projection[out] < 0 || static_cast<size_t>(projection[out]) >= num_columns) {
        throw core::InternalError("projection out of range");
      }
      out_of_column_[projection[out]] = static_cast<int>(out);
    }
    cells_.assign(projection.size(), {});
  }
  void StartBatch() {
    for (auto& column : cells_) column.clear();
    rows_ = 0;
  }
  size_t rows() const { return rows_; }
  // Adds a row of missing values, to be filled by Set.
  void AddRow() {
    for (auto& column : cells_) column.emplace_back();
    ++rows_;
  }
  // Output slot of schema column `column`, or -1 if not projected.
  int OutputOf(size_t column) const { return column < out_of_column_.size() ? out_of_column_[column] : -1; }
  void Set(int out, Cell cell) { cells_[out].back() = cell; }

  // Moves the cells into `batch`: a column without text is numeric.
  void Finish(core::ColumnBatch& batch) {
    batch.num_rows = rows_;
    for (size_t out = 0; out < cells_.size(); ++out) {
      const std::vector<Cell>& cells = cells_[out];
      core::Column& column = batch.columns[out];
      bool any_text = std::any_of(cells.begin(), cells.end(), [](const Cell& c) { return c.kind == Cell::kText; });
      if (!any_text) {
        column.type = core::ColumnType::kDouble;
        column.numbers.resize(cells.size());
        for (size_t r = 0; r < cells.size(); ++r) {
          column.numbers[r] =
              cells[r].kind == Cell::kMissing ? std::numeric_limits<double>::quiet_NaN() : cells[r].number;
        }
      } else {
        column.type = core::ColumnType::kString;
        column.strings.resize(cells.size());
        for (size_t r = 0; r < cells.size(); ++r) {
          const Cell& cell = cells[r];
          column.strings[r] = cell.kind == Cell::kText      ? cell.text
                              : cell.kind == Cell::kMissing ? std::string_view()
                                                            : batch.Intern(NumberText(cell));
        }
      }
    }
  }

 private:
  std::vector<int> out_of_column_;
  std::vector<std::vector<Cell>> cells_;
  size_t rows_ = 0;
};

// Fills the projected cells of a new row from a record {"col": v, ...}.
void AddKeyedRow(RowAssembler& rows, simdjson::dom::object record, const NameIndex& columns, core::ColumnBatch& batch,
                 bool stable) {
  rows.AddRow();
  for (auto field : record) {
    auto it = columns.find(field.key);
    if (it == columns.end()) continue;
    int out = rows.OutputOf(static_cast<size_t>(it->second));
    if (out >= 0) rows.Set(out, ToCell(field.value, batch, stable));
  }
}

// Fills the projected cells of a new row from an array of values by position.
void AddPositionalRow(RowAssembler& rows, simdjson::dom::array values, core::ColumnBatch& batch, bool stable) {
  rows.AddRow();
  size_t column = 0;
  for (auto value : values) {
    int out = rows.OutputOf(column++);
    if (out >= 0) rows.Set(out, ToCell(value, batch, stable));
  }
}

// Adds the keys of `record` not seen yet to the schema.
void CollectKeys(simdjson::dom::object record, Schema& schema, NameIndex& columns) {
  for (auto field : record) {
    if (columns.find(field.key) == columns.end()) {
      columns.emplace(std::string(field.key), static_cast<int>(schema.names.size()));
      schema.names.emplace_back(field.key);
    }
  }
}

// Suricata's eve.json: one record per event (alert, dns, http, flow, ...),
// told by its "event_type". Only "flow" records are flows; their nested
// "flow" object is read as columns "flow.bytes_toserver", "flow.state", ...

// Whether a JSON Lines record is an eve.json event.
bool IsEveRecord(simdjson::dom::object record) {
  simdjson::dom::element value;
  return record["event_type"].get(value) == simdjson::SUCCESS && value.type() == element_type::STRING &&
         record["timestamp"].get(value) == simdjson::SUCCESS;
}

bool IsEveFlow(simdjson::dom::object record) {
  simdjson::dom::element value;
  std::string_view type;
  return record["event_type"].get(value) == simdjson::SUCCESS && value.get_string().get(type) == simdjson::SUCCESS &&
         type == "flow";
}

// The columns of eve flow records, present even when the first lines hold
// no flow record (Suricata writes a flow's record when the flow ends).
constexpr const char* kEveFlowColumns[] = {
    "timestamp",          "flow_id",            "event_type",         "src_ip",       "src_port",   "dest_ip",
    "dest_port",          "proto",              "app_proto",          "flow.pkts_toserver", "flow.pkts_toclient",
    "flow.bytes_toserver", "flow.bytes_toclient", "flow.start",       "flow.end",     "flow.age",   "flow.state",
    "flow.reason"};

void AddColumn(std::string name, Schema& schema, NameIndex& columns) {
  if (columns.find(name) != columns.end()) return;
  columns.emplace(name, static_cast<int>(schema.names.size()));
  schema.names.push_back(std::move(name));
}

// CollectKeys with nested objects' keys as "outer.inner" (one level).
void CollectFlattenedKeys(simdjson::dom::object record, Schema& schema, NameIndex& columns) {
  for (auto field : record) {
    simdjson::dom::object inner;
    if (field.value.get_object().get(inner) == simdjson::SUCCESS) {
      for (auto sub : inner) AddColumn(std::string(field.key) + "." + std::string(sub.key), schema, columns);
    } else {
      AddColumn(std::string(field.key), schema, columns);
    }
  }
}

// AddKeyedRow with nested objects' values under "outer.inner".
void AddFlattenedRow(RowAssembler& rows, simdjson::dom::object record, const NameIndex& columns,
                     core::ColumnBatch& batch, std::string& key) {
  rows.AddRow();
  for (auto field : record) {
    simdjson::dom::object inner;
    if (field.value.get_object().get(inner) == simdjson::SUCCESS) {
      for (auto sub : inner) {
        key.assign(field.key).append(".").append(sub.key);
        auto it = columns.find(key);
        if (it == columns.end()) continue;
        int out = rows.OutputOf(static_cast<size_t>(it->second));
        if (out >= 0) rows.Set(out, ToCell(sub.value, batch, false));
      }
      continue;
    }
    auto it = columns.find(field.key);
    if (it == columns.end()) continue;
    int out = rows.OutputOf(static_cast<size_t>(it->second));
    if (out >= 0) rows.Set(out, ToCell(field.value, batch, false));
  }
}

bool IsIntegerText(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view StripCompressionSuffix(std::string_view name) {
  for (std::string_view suffix : {".gz", ".bz2", ".xz", ".zst"}) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return name;
}

bool HasLinesExtension(std::string_view name) {
  std::string lower(StripCompressionSuffix(name));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view l(lower);
  auto ends = [&](std::string_view suffix) {
    return l.size() >= suffix.size() && l.substr(l.size() - suffix.size()) == suffix;
  };
  return ends(".jsonl") || ends(".ndjson");
}

// ---------------------------------------------------------------------------
// Whole documents.

enum class Orient { kColumns, kIndex, kRecords, kSplit, kValues, kTable, kSingleRecord };

// The parsed document; batches keep it alive, their strings point into it.
struct DomState {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

class DomReader : public SequentialReader {
 public:
  DomReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : name_(file->name()), options_(options), state_(std::make_shared<DomState>()) {
    std::string_view text = StripBom(file->bytes());
    total_bytes_ = file->bytes().size();
    const uint64_t bom = total_bytes_ - text.size();
    if (core::IsBlankText(text)) {
      throw core::InputError(name_ + ": the file is empty (no JSON document)");
    }
    simdjson::error_code error = state_->parser.parse(text.data(), text.size(), true).get(state_->root);
    if (error == simdjson::CAPACITY) {
      throw core::InputError(name_ + ": the JSON document is too large (" + std::to_string(text.size() >> 20) +
                             " MiB; the limit is 4 GiB); write it as JSON Lines to read it in pieces");
    }
    if (error != simdjson::SUCCESS) throw core::InputError(SyntaxError(name_, text, error, 1, bom));
    Detect();
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return name_; }
  uint64_t bytes_total() const override { return total_bytes_; }
  uint64_t bytes_consumed() const override {
    if (total_rows_ == 0) return rows_done_ > 0 ? total_bytes_ : 0;
    return static_cast<uint64_t>(static_cast<double>(total_bytes_) * static_cast<double>(rows_done_) /
                                 static_cast<double>(total_rows_));
  }

  void SetProjection(const std::vector<int>& column_indices) override {
    SequentialReader::SetProjection(column_indices);
    rows_.Configure(column_indices, schema_.names.size());
    started_ = false;
  }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    if (!started_) Start();
    const size_t max_rows = std::max<size_t>(1, options_.max_batch_rows);
    batch.keep_alive = state_;
    batch.first_row = rows_done_;
    rows_.StartBatch();
    switch (orient_) {
      case Orient::kRecords:
      case Orient::kTable:
        for (; rows_.rows() < max_rows && array_it_ != array_end_; ++array_it_, ++row_number_) {
          simdjson::dom::element record = *array_it_;
          if (record.type() != element_type::OBJECT) {
            throw core::InputError(name_ + ": " + rows_pointer_ + std::to_string(row_number_) + " (record " +
                                   std::to_string(row_number_ + 1) + "): expected an object, got " +
                                   TypeName(record.type()));
          }
          AddKeyedRow(rows_, AsObject(record), column_index_, batch, true);
        }
        break;
      case Orient::kIndex:
        for (; rows_.rows() < max_rows && object_it_ != object_end_; ++object_it_, ++row_number_) {
          simdjson::dom::element record = object_it_.value();
          if (record.type() != element_type::OBJECT) {
            throw core::InputError(name_ + ": /" + PointerToken(object_it_.key()) +
                                   ": expected an object (a row of the 'index' layout), got " +
                                   TypeName(record.type()));
          }
          AddKeyedRow(rows_, AsObject(record), column_index_, batch, true);
        }
        break;
      case Orient::kSplit:
      case Orient::kValues:
        for (; rows_.rows() < max_rows && array_it_ != array_end_; ++array_it_, ++row_number_) {
          simdjson::dom::element row = *array_it_;
          if (row.type() != element_type::ARRAY) {
            throw core::InputError(name_ + ": " + rows_pointer_ + std::to_string(row_number_) + " (row " +
                                   std::to_string(row_number_ + 1) + "): expected an array of values, got " +
                                   TypeName(row.type()));
          }
          AddPositionalRow(rows_, AsArray(row), batch, true);
        }
        break;
      case Orient::kSingleRecord:
        if (row_number_ == 0) {
          AddKeyedRow(rows_, AsObject(state_->root), column_index_, batch, true);
          row_number_ = 1;
        }
        break;
      case Orient::kColumns:
        ReadColumns(batch, max_rows);
        break;
    }
    rows_.Finish(batch);
    rows_done_ += batch.num_rows;
    return batch.num_rows > 0;
  }

 private:
  [[noreturn]] void Fail(const std::string& pointer, const std::string& what) const {
    throw core::InputError(name_ + ": " + (pointer.empty() ? std::string() : pointer + ": ") + what);
  }

  void AddName(std::string name) {
    column_index_.emplace(name, static_cast<int>(schema_.names.size()));
    schema_.names.push_back(std::move(name));
  }

  // Tells the layout from the shape of the document and reads the schema.
  void Detect() {
    simdjson::dom::element root = state_->root;
    if (root.type() == element_type::ARRAY) {
      simdjson::dom::array rows = AsArray(root);
      DetectRows(rows, "/");
      return;
    }
    if (root.type() != element_type::OBJECT) {
      Fail("", std::string("expected a JSON object or array holding a table, got ") + TypeName(root.type()));
    }
    simdjson::dom::object object = AsObject(root);
    simdjson::dom::element schema_value, data, columns;
    const bool has_schema = object["schema"].get(schema_value) == simdjson::SUCCESS;
    const bool has_data = object["data"].get(data) == simdjson::SUCCESS;
    const bool has_columns = object["columns"].get(columns) == simdjson::SUCCESS;
    if (has_schema && has_data && schema_value.type() == element_type::OBJECT && data.type() == element_type::ARRAY) {
      DetectTable(AsObject(schema_value), AsArray(data));
      return;
    }
    if (has_columns && has_data && columns.type() == element_type::ARRAY && data.type() == element_type::ARRAY) {
      DetectSplit(AsArray(columns), AsArray(data));
      return;
    }
    DetectObjectOfColumnsOrRows(object);
  }

  // [ {...}, ... ] (records) or [ [...], ... ] (values).
  void DetectRows(simdjson::dom::array rows, const std::string& pointer) {
    array_it_ = rows.begin();
    array_end_ = rows.end();
    rows_pointer_ = pointer;
    size_t row = 0;
    bool positional = false;
    size_t width = 0;
    for (simdjson::dom::element value : rows) {
      const std::string where = pointer + std::to_string(row);
      if (row == 0) {
        if (value.type() == element_type::ARRAY) {
          positional = true;
        } else if (value.type() != element_type::OBJECT) {
          Fail(where, std::string("expected an object (a record) or an array (a row of values), got ") +
                          TypeName(value.type()));
        }
      }
      if (positional) {
        if (value.type() != element_type::ARRAY) {
          Fail(where, std::string("expected an array of values like the rows before, got ") + TypeName(value.type()));
        }
        width = std::max(width, CountElements(AsArray(value)));
      } else {
        if (value.type() != element_type::OBJECT) {
          Fail(where + " (record " + std::to_string(row + 1) + ")",
               std::string("expected an object like the records before, got ") + TypeName(value.type()));
        }
        CollectKeys(AsObject(value), schema_, column_index_);
      }
      ++row;
    }
    total_rows_ = row;
    if (positional) {
      orient_ = Orient::kValues;
      schema_.has_header = false;
      for (size_t i = 0; i < width; ++i) schema_.names.push_back("column " + std::to_string(i + 1));
    } else {
      orient_ = Orient::kRecords;
    }
  }

  // {"schema": {"fields": [{"name": ...}, ...], "primaryKey": [...]}, "data": [records]}
  void DetectTable(simdjson::dom::object schema, simdjson::dom::array data) {
    simdjson::dom::array fields;
    if (schema["fields"].get_array().get(fields) != simdjson::SUCCESS) {
      Fail("/schema/fields", "expected an array of fields (the 'table' layout)");
    }
    std::vector<std::string> primary_key;
    simdjson::dom::array keys;
    if (schema["primaryKey"].get_array().get(keys) == simdjson::SUCCESS) {
      for (auto key : keys) primary_key.push_back(NameOf(key));
    }
    size_t field_number = 0;
    for (auto field : fields) {
      simdjson::dom::element name;
      if (field.type() != element_type::OBJECT || field["name"].get(name) != simdjson::SUCCESS) {
        Fail("/schema/fields/" + std::to_string(field_number), "expected an object with a \"name\"");
      }
      std::string text = NameOf(name);
      // pandas' unnamed index ("index" as primary key) is the unnamed first column.
      bool unnamed_index =
          text == "index" && std::find(primary_key.begin(), primary_key.end(), text) != primary_key.end();
      if (unnamed_index) {
        column_index_.emplace(text, static_cast<int>(schema_.names.size()));
        schema_.names.emplace_back();
      } else {
        AddName(std::move(text));
      }
      ++field_number;
    }
    orient_ = Orient::kTable;
    array_it_ = data.begin();
    array_end_ = data.end();
    rows_pointer_ = "/data/";
    total_rows_ = CountElements(data);
  }

  // {"columns": [...], "index": [...], "data": [[...], ...]}
  void DetectSplit(simdjson::dom::array columns, simdjson::dom::array data) {
    for (auto name : columns) schema_.names.push_back(NameOf(name));
    orient_ = Orient::kSplit;
    array_it_ = data.begin();
    array_end_ = data.end();
    rows_pointer_ = "/data/";
    total_rows_ = CountElements(data);
  }

  // How many members of an object are objects, arrays and scalars.
  struct MemberCounts {
    size_t objects = 0, arrays = 0, scalars = 0, outer = 0;
    bool outer_integers = true;  // every key is an integer
  };

  static MemberCounts CountMembers(simdjson::dom::object object) {
    MemberCounts counts;
    for (auto field : object) {
      ++counts.outer;
      counts.outer_integers = counts.outer_integers && IsIntegerText(field.key);
      element_type type = field.value.type();
      if (type == element_type::OBJECT) {
        ++counts.objects;
      } else if (type == element_type::ARRAY) {
        ++counts.arrays;
      } else {
        ++counts.scalars;
      }
    }
    return counts;
  }

  // {"col": {"idx": v}} (columns), {"idx": {"col": v}} (index), {"col": [v]}
  // (columns by position) or {"col": v} (one record).
  void DetectObjectOfColumnsOrRows(simdjson::dom::object object) {
    const MemberCounts counts = CountMembers(object);
    const size_t outer = counts.outer;
    if (outer == 0) {
      orient_ = Orient::kColumns;  // {}: no columns, no rows
      return;
    }
    if (counts.scalars == outer) {
      orient_ = Orient::kSingleRecord;
      total_rows_ = 1;
      CollectKeys(object, schema_, column_index_);
      return;
    }
    if (counts.objects != outer && counts.arrays != outer) RequireAlikeMembers(object, counts.objects > 0);
    if (counts.arrays == outer) {
      DetectColumnsByPosition(object);
    } else if (IsIndexLayout(object, counts)) {
      DetectIndex(object, outer);
    } else {
      DetectColumnsOfObjects(object);
    }
  }

  // Fails at the first member that is not an object (`objects`), else an array.
  void RequireAlikeMembers(simdjson::dom::object object, bool objects) {
    for (auto field : object) {
      if (field.value.type() != (objects ? element_type::OBJECT : element_type::ARRAY)) {
        Fail("/" + PointerToken(field.key), std::string("expected ") + (objects ? "an object" : "an array") +
                                                " like the other members (a column or row), got " +
                                                TypeName(field.value.type()));
      }
    }
  }

  // {"col": [v]}
  void DetectColumnsByPosition(simdjson::dom::object object) {
    orient_ = Orient::kColumns;
    columns_by_position_ = true;
    for (auto field : object) {
      AddName(std::string(field.key));
      total_rows_ = std::max<uint64_t>(total_rows_, CountElements(AsArray(field.value)));
    }
  }

  // Objects of objects: columns (pandas' default) or index. The index labels
  // pandas writes are usually integers and the column names are not; else
  // there are usually fewer columns than rows.
  bool IsIndexLayout(simdjson::dom::object object, const MemberCounts& counts) {
    simdjson::dom::key_value_pair first_member = *object.begin();
    simdjson::dom::object first_inner = AsObject(first_member.value);
    bool inner_integers = true;
    size_t inner = 0;
    for (auto field : first_inner) {
      ++inner;
      inner_integers = inner_integers && IsIntegerText(field.key);
    }
    if (inner_integers != counts.outer_integers && inner > 0) return counts.outer_integers;
    return counts.outer > inner;
  }

  // {"idx": {"col": v}}
  void DetectIndex(simdjson::dom::object object, size_t outer) {
    orient_ = Orient::kIndex;
    object_it_ = object.begin();
    object_end_ = object.end();
    for (auto field : object) CollectKeys(AsObject(field.value), schema_, column_index_);
    total_rows_ = outer;
  }

  // {"col": {"idx": v}}. Rows are the index keys in order of appearance. When
  // every column has the same keys in the same order (what pandas writes), the
  // columns are walked side by side; otherwise rows are matched by key.
  void DetectColumnsOfObjects(simdjson::dom::object object) {
    orient_ = Orient::kColumns;
    std::vector<std::string_view> keys;
    bool first = true;
    for (auto field : object) {
      AddName(std::string(field.key));
      simdjson::dom::object column = AsObject(field.value);
      size_t k = 0;
      for (auto cell : column) {
        if (first) {
          keys.push_back(cell.key);
        } else if (k >= keys.size() || keys[k] != cell.key) {
          lockstep_ = false;
        }
        ++k;
      }
      if (!first && k != keys.size()) lockstep_ = false;
      first = false;
    }
    if (lockstep_) {
      total_rows_ = keys.size();
      return;
    }
    for (auto field : object) {
      for (auto cell : AsObject(field.value)) {
        if (row_of_key_.emplace(cell.key, row_of_key_.size()).second) ++total_rows_;
      }
    }
  }

  // Columns layout: prepares one cursor per projected column.
  void Start() {
    started_ = true;
    if (orient_ != Orient::kColumns || state_->root.type() != element_type::OBJECT) return;
    simdjson::dom::object object = AsObject(state_->root);
    const std::vector<int>& projection = this->projection();
    std::vector<simdjson::dom::element> column_values(schema_.names.size());
    size_t column = 0;
    for (auto field : object) column_values[column++] = field.value;
    column_cursors_.clear();
    materialised_.clear();
    for (int index : projection) {
      simdjson::dom::element value = column_values[index];
      ColumnCursor cursor;
      if (columns_by_position_) {
        simdjson::dom::array array = AsArray(value);
        cursor.array_it = array.begin();
        cursor.array_end = array.end();
      } else if (lockstep_) {
        simdjson::dom::object cells = AsObject(value);
        cursor.object_it = cells.begin();
        cursor.object_end = cells.end();
      } else {
        // Rows matched by key: place each cell at its row.
        std::vector<simdjson::dom::element> by_row(total_rows_);
        std::vector<bool> present(total_rows_, false);
        for (auto cell : AsObject(value)) {
          size_t row = row_of_key_.find(cell.key)->second;
          by_row[row] = cell.value;
          present[row] = true;
        }
        materialised_.push_back({std::move(by_row), std::move(present)});
      }
      column_cursors_.push_back(cursor);
    }
  }

  void ReadColumns(core::ColumnBatch& batch, size_t max_rows) {
    const size_t num_outputs = column_cursors_.size();
    while (rows_.rows() < max_rows && row_number_ < total_rows_) {
      rows_.AddRow();
      for (size_t out = 0; out < num_outputs; ++out) {
        ColumnCursor& cursor = column_cursors_[out];
        if (columns_by_position_) {
          if (cursor.array_it != cursor.array_end) {
            rows_.Set(static_cast<int>(out), ToCell(*cursor.array_it, batch, true));
            ++cursor.array_it;
          }
        } else if (lockstep_) {
          if (cursor.object_it != cursor.object_end) {
            rows_.Set(static_cast<int>(out), ToCell(cursor.object_it.value(), batch, true));
            ++cursor.object_it;
          }
        } else if (materialised_[out].present[row_number_]) {
          rows_.Set(static_cast<int>(out), ToCell(materialised_[out].by_row[row_number_], batch, true));
        }
      }
      ++row_number_;
    }
  }

  struct ColumnCursor {
    simdjson::dom::object::iterator object_it, object_end;
    simdjson::dom::array::iterator array_it, array_end;
  };
  struct MaterialisedColumn {
    std::vector<simdjson::dom::element> by_row;
    std::vector<bool> present;
  };

  std::string name_;
  ReaderOptions options_;
  std::shared_ptr<DomState> state_;
  uint64_t total_bytes_ = 0;
  Schema schema_;
  NameIndex column_index_;
  Orient orient_ = Orient::kRecords;
  RowAssembler rows_;
  bool started_ = false;
  uint64_t rows_done_ = 0;
  uint64_t total_rows_ = 0;
  uint64_t row_number_ = 0;   // next row (0-based) in the document
  std::string rows_pointer_;  // JSON Pointer prefix of the row containers
  simdjson::dom::array::iterator array_it_, array_end_;
  simdjson::dom::object::iterator object_it_, object_end_;
  // Columns layout.
  bool columns_by_position_ = false;
  bool lockstep_ = true;
  std::unordered_map<std::string_view, size_t> row_of_key_;
  std::vector<ColumnCursor> column_cursors_;
  std::vector<MaterialisedColumn> materialised_;
};

// ---------------------------------------------------------------------------
// JSON Lines.

// Lines of the input, one at a time.
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line without its terminator, valid until the next call; false at the end.
  virtual bool Next(std::string_view& line) = 0;
  // Bytes consumed so far / in total (0 if unknown).
  virtual uint64_t consumed() const = 0;
  virtual uint64_t total() const = 0;
};

class BufferLines : public LineSource {
 public:
  explicit BufferLines(std::shared_ptr<const FileBuffer> file) : file_(std::move(file)), text_(file_->bytes()) {}
  bool Next(std::string_view& line) override {
    if (pos_ >= text_.size()) return false;
    size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return true;
  }
  uint64_t consumed() const override { return std::min(pos_, text_.size()); }
  uint64_t total() const override { return text_.size(); }

 private:
  std::shared_ptr<const FileBuffer> file_;
  std::string_view text_;
  size_t pos_ = 0;
};

class StreamLines : public LineSource {
 public:
  explicit StreamLines(std::unique_ptr<ByteStream> stream) : stream_(std::move(stream)) {}
  bool Next(std::string_view& line) override {
    for (;;) {
      size_t nl = buffer_.find('\n', pos_);
      if (nl != std::string::npos) {
        line = std::string_view(buffer_).substr(pos_, nl - pos_);
        consumed_ += nl + 1 - pos_;
        pos_ = nl + 1;
        return true;
      }
      if (eof_) {
        if (pos_ >= buffer_.size()) return false;
        line = std::string_view(buffer_).substr(pos_);
        consumed_ += buffer_.size() - pos_;
        pos_ = buffer_.size();
        return true;
      }
      if (buffer_.size() - pos_ > kMaxLineBytes) {
        throw core::InputError(stream_->name() + ": a line longer than " + std::to_string(kMaxLineBytes >> 20) +
                               " MiB after byte offset " + std::to_string(consumed_));
      }
      buffer_.erase(0, pos_);
      pos_ = 0;
      size_t old = buffer_.size();
      buffer_.resize(old + kStreamBlock);
      size_t got = stream_->Read(buffer_.data() + old, kStreamBlock);
      buffer_.resize(old + got);
      if (got == 0) eof_ = true;
    }
  }
  uint64_t consumed() const override { return consumed_; }
  uint64_t total() const override { return stream_->size(); }

 private:
  std::unique_ptr<ByteStream> stream_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t consumed_ = 0;
};

class JsonLinesReader : public SequentialReader {
 public:
  JsonLinesReader(std::string name, std::unique_ptr<LineSource> source, const ReaderOptions& options)
      : name_(std::move(name)), source_(std::move(source)), options_(options) {
    ReadSchemaWindow();
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return name_; }
  uint64_t bytes_total() const override { return source_->total(); }
  uint64_t bytes_consumed() const override { return source_->consumed(); }

  void SetProjection(const std::vector<int>& column_indices) override {
    SequentialReader::SetProjection(column_indices);
    rows_.Configure(column_indices, schema_.names.size());
  }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    const size_t max_rows = std::max<size_t>(1, options_.max_batch_rows);
    batch.first_row = rows_done_;
    rows_.StartBatch();
    std::string_view line;
    uint64_t line_number = 0, offset = 0;
    while (rows_.rows() < max_rows && NextLine(line, line_number, offset)) {
      simdjson::dom::element value = Parse(line, line_number, offset);
      if (eve_) {
        if (value.type() != element_type::OBJECT) Mismatch(line_number, offset, TypeName(value.type()), "objects");
        if (!IsEveFlow(AsObject(value))) continue;  // alerts, dns, http, ...: not flows
        ++eve_flows_;
        AddFlattenedRow(rows_, AsObject(value), column_index_, batch, key_);
      } else if (value.type() == element_type::OBJECT) {
        if (positional_) Mismatch(line_number, offset, "an object", "arrays");
        AddKeyedRow(rows_, AsObject(value), column_index_, batch, false);
      } else {
        if (!positional_) Mismatch(line_number, offset, "an array", "objects");
        AddPositionalRow(rows_, AsArray(value), batch, false);
      }
      batch.lines.push_back(line_number);
    }
    rows_.Finish(batch);
    rows_done_ += batch.num_rows;
    if (batch.num_rows == 0 && eve_ && eve_flows_ == 0) {
      throw core::InputError(name_ + ": a Suricata eve.json without flow records; botrecon reads its flow records "
                             "(event_type \"flow\"): enable the flow type of the eve-log output in suricata.yaml");
    }
    return batch.num_rows > 0;
  }

 private:
  struct WindowLine {
    size_t start, size;
    uint64_t line_number, offset;
  };

  // Reads the first lines to learn the columns (the union of their keys); they
  // are kept and read again by the first batches.
  void ReadSchemaWindow() {
    std::string_view line;
    uint64_t line_number = 0, offset = 0;
    bool first = true;
    size_t width = 0;
    while (window_.size() < kSchemaWindowLines && window_text_.size() < kSchemaWindowBytes &&
           NextSourceLine(line, line_number, offset)) {
      window_.push_back({window_text_.size(), line.size(), line_number, offset});
      window_text_.append(line);
      simdjson::dom::element value = Parse(line, line_number, offset);
      if (first) {
        positional_ = value.type() == element_type::ARRAY;
        eve_ = !positional_ && IsEveRecord(AsObject(value));
        if (eve_) {
          for (const char* name : kEveFlowColumns) AddColumn(name, schema_, column_index_);
        }
        first = false;
      }
      if (eve_) {
        if (value.type() == element_type::OBJECT && IsEveFlow(AsObject(value))) {
          CollectFlattenedKeys(AsObject(value), schema_, column_index_);
        }
      } else if (value.type() == element_type::OBJECT) {
        if (positional_) Mismatch(line_number, offset, "an object", "arrays");
        CollectKeys(AsObject(value), schema_, column_index_);
      } else {
        if (!positional_) Mismatch(line_number, offset, "an array", "objects");
        width = std::max(width, CountElements(AsArray(value)));
      }
    }
    if (first) throw core::InputError(name_ + ": the file is empty (no JSON lines)");
    if (positional_) {
      schema_.has_header = false;
      for (size_t i = 0; i < width; ++i) schema_.names.push_back("column " + std::to_string(i + 1));
    }
  }

  // The next non-blank line of the source, with its 1-based number and byte offset.
  bool NextSourceLine(std::string_view& line, uint64_t& line_number, uint64_t& offset) {
    for (;;) {
      uint64_t start = source_->consumed();
      if (!source_->Next(line)) return false;
      ++source_line_;
      if (source_line_ == 1) {
        std::string_view stripped = StripBom(line);
        start += line.size() - stripped.size();
        line = stripped;
      }
      line = core::ChompCr(line);
      if (line.size() > kMaxLineBytes) {
        throw core::InputError(name_ + ":" + std::to_string(source_line_) + ": a line longer than " +
                               std::to_string(kMaxLineBytes >> 20) + " MiB");
      }
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      line_number = source_line_;
      offset = start;
      return true;
    }
  }

  // The window's lines first, then the source's.
  bool NextLine(std::string_view& line, uint64_t& line_number, uint64_t& offset) {
    if (window_pos_ < window_.size()) {
      const WindowLine& w = window_[window_pos_++];
      line = std::string_view(window_text_).substr(w.start, w.size);
      line_number = w.line_number;
      offset = w.offset;
      if (window_pos_ == window_.size()) {
        // Keep the last line's bytes alive until it is parsed; free the rest later.
        window_done_ = true;
      }
      return true;
    }
    if (window_done_) {
      window_.clear();
      window_text_.clear();
      window_text_.shrink_to_fit();
      window_pos_ = 0;
      window_done_ = false;
    }
    return NextSourceLine(line, line_number, offset);
  }

  simdjson::dom::element Parse(std::string_view line, uint64_t line_number, uint64_t offset) {
    simdjson::dom::element value;
    simdjson::error_code error = parser_.parse(line.data(), line.size(), true).get(value);
    if (error != simdjson::SUCCESS) throw core::InputError(SyntaxError(name_, line, error, line_number, offset));
    if (value.type() != element_type::OBJECT && value.type() != element_type::ARRAY) {
      throw core::InputError(name_ + ":" + std::to_string(line_number) + ": expected a JSON object (a record) " +
                             "or an array of values on each line, got " + TypeName(value.type()) + " (byte offset " +
                             std::to_string(offset) + ")");
    }
    return value;
  }

  [[noreturn]] void Mismatch(uint64_t line_number, uint64_t offset, const char* got, const char* expected) const {
    throw core::InputError(name_ + ":" + std::to_string(line_number) + ": got " + got + ", but the lines before are " +
                           expected + " (byte offset " + std::to_string(offset) + ")");
  }

  std::string name_;
  std::unique_ptr<LineSource> source_;
  ReaderOptions options_;
  Schema schema_;
  NameIndex column_index_;
  bool positional_ = false;
  simdjson::dom::parser parser_;
  RowAssembler rows_;
  uint64_t rows_done_ = 0;
  uint64_t source_line_ = 0;
  std::vector<WindowLine> window_;
  std::string window_text_;
  size_t window_pos_ = 0;
  bool window_done_ = false;
  bool eve_ = false;         // Suricata eve.json: only its flow records are rows
  uint64_t eve_flows_ = 0;   // flow records read
  std::string key_;          // scratch for "outer.inner" names
};

}  // namespace

bool LooksLikeJsonLines(std::string_view name, std::string_view head) {
  if (HasLinesExtension(name)) return true;
  head = StripBom(head);
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || (head[start] != '{' && head[start] != '[')) return false;
  size_t nl = head.find('\n', start);
  if (nl == std::string_view::npos || nl - start > kMaxLineBytes) return false;
  if (head.find_first_not_of(" \t\r\n", nl) == std::string_view::npos) return false;
  std::string_view first = head.substr(start, nl - start);
  while (!first.empty() && core::IsBlank(first.back())) first.remove_suffix(1);
  return JsonLocator(first).FindError() == std::string_view::npos;
}

std::unique_ptr<Reader> OpenJsonReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  if (LooksLikeJsonLines(file->name(), file->bytes())) {
    std::string name = file->name();
    return std::make_unique<JsonLinesReader>(std::move(name), std::make_unique<BufferLines>(std::move(file)), options);
  }
  return std::make_unique<DomReader>(std::move(file), options);
}

std::unique_ptr<Reader> OpenJsonLinesReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) {
  std::string name = stream->name();
  return std::make_unique<JsonLinesReader>(std::move(name), std::make_unique<StreamLines>(std::move(stream)), options);
}

}  // namespace botrecon::io
