// Fixed-width text reader with the semantics of pandas.read_fwf (colspecs
// "infer", infer_nrows=100), which reads what DataFrame.to_string writes:
//
//  - Column boundaries are inferred from the first 100 lines (header and blank
//    lines included): a character position belongs to a column if any of those
//    lines has a non-whitespace character there; each maximal run of such
//    positions is one column. Positions count characters (UTF-8 code points),
//    not bytes, as in Python.
//  - The first non-blank line is the header (unless ReaderOptions::is_header
//    says it is data); a column with a blank header cell is pandas' unnamed
//    index when it is the first ("" here), else "Unnamed: N".
//  - Values are trimmed of spaces and tabs; blank lines are skipped; pandas'
//    default missing-value markers ("NaN", "NA", "null", ...) are missing.
//
// One deliberate difference: pandas cuts a value that crosses an inferred
// boundary (a later row wider than all of the first 100, e.g. index 4998 read
// as "49" in original-tests/test.txt). Here a value that runs on across a
// boundary into the blank gap beside it is kept whole, unless it fills the gap
// up to the neighbouring column, where it is ambiguous and cut as pandas does.
//
// After the inference window the input is streamed: chunks of whole lines are
// cut on one thread and decoded on any thread.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "core/text.h"
#include "io/formats.h"
#include "io/formats/text_reader.h"

namespace botrecon::io {
namespace {

constexpr size_t kInferLines = 100;           // pandas' infer_nrows
constexpr size_t kBlockBytes = 4 << 20;       // bytes read per chunk
constexpr size_t kMaxLineBytes = 16 << 20;    // one line longer than this is an error
constexpr size_t kMaxWindowBytes = 64 << 20;  // the inference window
constexpr size_t kMaxColumns = 100000;

// Missing-value markers of pandas 1.5 (pandas._libs.parsers.STR_NA_VALUES).
constexpr std::array<std::string_view, 18> kNaValues{"",     "#N/A", "#N/A N/A", "#NA",     "-1.#IND", "-1.#QNAN",
                                                     "-NaN", "-nan", "1.#IND",   "1.#QNAN", "<NA>",    "N/A",
                                                     "NA",   "NULL", "NaN",      "n/a",     "nan",     "null"};

bool IsNa(std::string_view value) { return std::find(kNaValues.begin(), kNaValues.end(), value) != kNaValues.end(); }

// pandas' delimiters for fixed-width files.
using core::IsBlank;
using core::TrimBlank;
bool IsBlankLine(std::string_view line) { return core::IsBlankText(line); }

struct ColSpec {
  size_t begin;  // first character
  size_t end;    // one past the last character
};

// A line seen as characters: character index -> byte offset.
class LineChars {
 public:
  void Reset(std::string_view line) {
    line_ = line;
    ascii_ = true;
    for (char c : line) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        ascii_ = false;
        break;
      }
    }
    if (ascii_) {
      num_chars_ = line.size();
      return;
    }
    offsets_.clear();
    for (size_t i = 0; i < line.size(); ++i) {
      // Every byte that is not a UTF-8 continuation byte starts a character.
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) offsets_.push_back(static_cast<uint32_t>(i));
    }
    num_chars_ = offsets_.size();
    offsets_.push_back(static_cast<uint32_t>(line.size()));
  }
  size_t size() const { return num_chars_; }
  // Byte offset of character `k` (the line's size for k >= size()).
  size_t ByteOf(size_t k) const {
    if (k >= num_chars_) return line_.size();
    return ascii_ ? k : offsets_[k];
  }
  // Whether character `k` (< size()) is a delimiter (whitespace).
  bool Blank(size_t k) const { return IsBlank(line_[ByteOf(k)]); }

 private:
  std::string_view line_;
  bool ascii_ = true;
  size_t num_chars_ = 0;
  std::vector<uint32_t> offsets_;
};

// The text of column `col` in `chars`: pandas' slice, widened over a value
// that runs on across the column's boundaries (see the top of this file).
std::string_view Field(std::string_view line, const LineChars& chars, const std::vector<ColSpec>& specs, size_t col) {
  const size_t n = chars.size();
  size_t begin = std::min(specs[col].begin, n);
  size_t end = std::min(specs[col].end, n);
  if (begin < end) {
    // Leftwards: the first character and the one before it are both part of the value.
    const size_t low = col == 0 ? 0 : specs[col - 1].end;
    if (begin > low && !chars.Blank(begin) && !chars.Blank(begin - 1)) {
      size_t start = begin;
      while (start > low && !chars.Blank(start - 1)) --start;
      const bool touches_previous = start == low && col > 0 && !chars.Blank(low - 1);
      if (!touches_previous) begin = start;
    }
    // Rightwards, likewise.
    const size_t high = col + 1 < specs.size() ? std::min(specs[col + 1].begin, n) : n;
    if (end < high && !chars.Blank(end - 1) && !chars.Blank(end)) {
      size_t stop = end;
      while (stop < high && !chars.Blank(stop)) ++stop;
      const bool touches_next = stop == high && high < n && !chars.Blank(high);
      if (!touches_next) end = stop;
    }
  }
  const size_t from = chars.ByteOf(begin);
  const size_t to = chars.ByteOf(end);
  return TrimBlank(line.substr(from, to - from));
}

// Settings shared by the reader and its chunks (immutable once scanning starts).
struct FwfConfig {
  std::string name;
  std::vector<ColSpec> specs;
  std::vector<int> projection;  // schema column of each output column
};

class FwfChunk : public TextChunk<FwfConfig> {
 public:
  using TextChunk::TextChunk;

  void Decode(core::ColumnBatch& batch) override {
    const FwfConfig& cfg = *config_;
    const size_t num_outputs = cfg.projection.size();
    StartBatch(batch, num_outputs);
    std::string_view text(*buffer_);
    uint64_t line_number = first_line_;
    LineChars chars;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      pos = nl + 1;
      const uint64_t this_line = line_number++;
      line = core::ChompCr(line);
      if (IsBlankLine(line)) continue;
      chars.Reset(line);
      for (size_t out = 0; out < num_outputs; ++out) {
        std::string_view value = Field(line, chars, cfg.specs, static_cast<size_t>(cfg.projection[out]));
        batch.columns[out].strings.push_back(IsNa(value) ? std::string_view() : value);
      }
      batch.lines.push_back(this_line);
      ++batch.num_rows;
    }
  }
};

class FwfReader : public TextReader<FwfConfig> {
 public:
  FwfReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) : TextReader(std::move(stream), options) {
    auto config = std::make_shared<FwfConfig>();
    config->name = stream_->name();
    Infer(*config);
    config_ = config;
  }

  void SetProjection(const std::vector<int>& column_indices) override {
    for (int column : column_indices) {
      if (column < 0 || static_cast<size_t>(column) >= config_->specs.size()) {
        throw core::InternalError("projection out of range");
      }
    }
    auto config = std::make_shared<FwfConfig>(*config_);
    config->projection = column_indices;
    config_ = config;
  }

  std::unique_ptr<Chunk> NextChunk() override {
    std::shared_ptr<std::string> buffer = TakePending();
    if (buffer == nullptr) return nullptr;
    size_t cut = std::string::npos;
    uint64_t rows = 0;
    for (;;) {
      if (!eof_ && buffer->size() < kBlockBytes) Fill(*buffer, kBlockBytes);
      cut = FindCut(*buffer, rows);
      if (cut != std::string::npos || eof_) break;
      if (buffer->size() > kMaxLineBytes) {
        throw core::InputError(config_->name + ":" + std::to_string(next_line_) + ": a line longer than " +
                               std::to_string(kMaxLineBytes >> 20) + " MiB");
      }
      Fill(*buffer, std::min(buffer->size() * 2, kMaxLineBytes + 1));
    }
    // At the end, a last line without a newline joins the chunk if there is room.
    const size_t tail = cut == std::string::npos ? 0 : cut;
    if (eof_ && tail < buffer->size() && rows < std::max<size_t>(1, options_.max_batch_rows)) {
      cut = buffer->size();
      rows += IsBlankLine(std::string_view(*buffer).substr(tail)) ? 0 : 1;
    }
    if (!CutAt(*buffer, cut)) return nullptr;
    const uint64_t first_line = next_line_;
    const uint64_t first_row = next_row_;
    next_line_ += static_cast<uint64_t>(std::count(buffer->begin(), buffer->end(), '\n'));
    next_row_ += rows;
    return std::make_unique<FwfChunk>(config_, std::move(buffer), first_line, first_row);
  }

 private:
  // Position just after the line that completes max_batch_rows non-blank
  // lines, or after the last complete line; npos if there is none. `rows`
  // receives the number of non-blank lines before the cut.
  size_t FindCut(const std::string& buffer, uint64_t& rows) const {
    const size_t max_rows = std::max<size_t>(1, options_.max_batch_rows);
    size_t pos = 0;
    size_t last_cut = std::string::npos;
    rows = 0;
    while (pos < buffer.size()) {
      const void* nl = std::memchr(buffer.data() + pos, '\n', buffer.size() - pos);
      if (nl == nullptr) break;
      size_t end = static_cast<const char*>(nl) - buffer.data();
      if (!IsBlankLine(std::string_view(buffer).substr(pos, end - pos))) ++rows;
      pos = end + 1;
      last_cut = pos;
      if (rows >= max_rows) break;
    }
    return last_cut;
  }

  // Reads the first lines, infers the columns and reads the header.
  void Infer(FwfConfig& config) {
    const std::string_view window = ReadInferenceWindow(config);
    config.specs = ColumnsOfMask(config.name, NonBlankMask(config.name, window));
    ReadHeader(config);
  }

  // Gathers up to kInferLines lines into pending_ (they stay there) and
  // returns them.
  std::string_view ReadInferenceWindow(const FwfConfig& config) {
    Fill(pending_, 1 << 16);
    if (pending_.compare(0, 3, "\xEF\xBB\xBF") == 0) pending_.erase(0, 3);
    size_t lines = 0;
    size_t scanned = 0;
    for (;;) {
      size_t nl;
      while (lines < kInferLines && (nl = pending_.find('\n', scanned)) != std::string::npos) {
        scanned = nl + 1;
        ++lines;
      }
      if (lines >= kInferLines || eof_) break;
      if (pending_.size() > kMaxWindowBytes) {
        throw core::InputError(config.name + ": the first " + std::to_string(kInferLines) + " lines are longer than " +
                               std::to_string(kMaxWindowBytes >> 20) + " MiB; is this a fixed-width table?");
      }
      Fill(pending_, pending_.size() + (1 << 16));
    }
    std::string_view window(pending_);
    if (lines >= kInferLines) window = window.substr(0, scanned);
    if (IsBlankLine(window)) throw core::InputError(config.name + ": the file is empty (no header and no data rows)");
    return window;
  }

  // The mask of character positions with a non-blank character in some line of `window`.
  static std::vector<char> NonBlankMask(const std::string& name, std::string_view window) {
    std::vector<char> mask;
    LineChars chars;
    uint64_t line_number = 0;
    for (size_t pos = 0; pos < window.size();) {
      size_t nl = window.find('\n', pos);
      if (nl == std::string_view::npos) nl = window.size();
      std::string_view line = window.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_number;
      if (line.size() > kMaxLineBytes) {
        throw core::InputError(name + ":" + std::to_string(line_number) + ": a line longer than " +
                               std::to_string(kMaxLineBytes >> 20) + " MiB");
      }
      chars.Reset(line);
      if (chars.size() > mask.size()) mask.resize(chars.size(), 0);
      for (size_t k = 0; k < chars.size(); ++k) {
        if (!chars.Blank(k)) mask[k] = 1;
      }
    }
    return mask;
  }

  // The columns of a mask: each maximal run of set positions.
  static std::vector<ColSpec> ColumnsOfMask(const std::string& name, const std::vector<char>& mask) {
    std::vector<ColSpec> specs;
    for (size_t k = 0; k < mask.size();) {
      if (!mask[k]) {
        ++k;
        continue;
      }
      size_t start = k;
      while (k < mask.size() && mask[k]) ++k;
      specs.push_back({start, k});
      if (specs.size() > kMaxColumns) {
        throw core::InputError(name + ": more than " + std::to_string(kMaxColumns) +
                               " columns in the first lines; is this a fixed-width table?");
      }
    }
    return specs;
  }

  // The header: the first non-blank line, taken out of pending_ when it is a
  // header row (else the data starts there).
  void ReadHeader(const FwfConfig& config) {
    size_t pos = 0;
    std::string_view header;
    for (;;) {
      size_t nl = pending_.find('\n', pos);
      if (nl == std::string::npos) nl = pending_.size();
      std::string_view line = std::string_view(pending_).substr(pos, nl - pos);
      line = core::ChompCr(line);
      if (!IsBlankLine(line)) {
        header = line;
        break;
      }
      pos = nl + 1;
      ++next_line_;
    }
    LineChars chars;
    chars.Reset(header);
    std::vector<std::string> names;
    for (size_t col = 0; col < config.specs.size(); ++col) names.emplace_back(Field(header, chars, config.specs, col));
    if (!options_.is_header || options_.is_header(names)) {
      schema_.has_header = true;
      for (size_t col = 0; col < names.size(); ++col) {
        if (names[col].empty() && col > 0) names[col] = "Unnamed: " + std::to_string(col);
      }
      schema_.names = std::move(names);
      size_t header_end = pos + header.size();
      size_t nl = pending_.find('\n', header_end);
      pending_.erase(0, nl == std::string::npos ? pending_.size() : nl + 1);
      ++next_line_;
    } else {
      schema_.has_header = false;
      for (size_t col = 0; col < names.size(); ++col) schema_.names.push_back("column " + std::to_string(col + 1));
      pending_.erase(0, pos);
    }
  }

  uint64_t next_row_ = 0;
};

}  // namespace

std::unique_ptr<Reader> OpenFwfReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) {
  return std::make_unique<FwfReader>(std::move(stream), options);
}

}  // namespace botrecon::io
