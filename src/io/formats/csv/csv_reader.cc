// CSV / TSV reader (also Argus binetflow). Splits the stream into chunks of
// whole records on one thread; chunks are parsed on any thread.
#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>

#include "core/error.h"
#include "core/text.h"
#include "io/formats.h"
#include "io/formats/text_reader.h"

namespace botrecon::io {
namespace {

constexpr size_t kBlockBytes = 4 << 20;         // bytes read per chunk
constexpr size_t kMaxRecordBytes = 64 << 20;    // one record longer than this is an error

// Splits one record (no line terminator) into fields, honouring quotes.
// Quoted fields with doubled quotes are unescaped and stored by `keep(std::string)`,
// which returns a stable view.
template <class Keep>
void SplitRecord(std::string_view record, char delim, std::vector<std::string_view>& fields, Keep&& keep) {
  fields.clear();
  size_t pos = 0;
  const size_t n = record.size();
  for (;;) {
    if (pos < n && record[pos] == '"') {
      std::string value;
      size_t i = pos + 1;
      bool escaped = false;
      while (i < n) {
        if (record[i] == '"') {
          if (i + 1 < n && record[i + 1] == '"') {
            value.push_back('"');
            escaped = true;
            i += 2;
            continue;
          }
          break;
        }
        value.push_back(record[i]);
        ++i;
      }
      std::string_view field;
      if (escaped) {
        field = keep(std::move(value));
      } else {
        field = record.substr(pos + 1, std::min(i, n) - pos - 1);
      }
      // Skip to the next delimiter (text after a closing quote is ignored).
      size_t next = record.find(delim, std::min(i, n));
      fields.push_back(field);
      if (next == std::string_view::npos) return;
      pos = next + 1;
    } else {
      size_t next = record.find(delim, pos);
      if (next == std::string_view::npos) {
        fields.push_back(record.substr(pos));
        return;
      }
      fields.push_back(record.substr(pos, next - pos));
      pos = next + 1;
    }
  }
}

// Settings shared by the reader and its chunks (immutable once scanning starts).
struct CsvConfig {
  std::string name;
  char delim = ',';
  size_t num_fields = 0;              // fields per record
  std::vector<int> field_to_output;   // field index -> projected column or -1
  size_t last_needed_field = 0;       // fields beyond this are only counted
  size_t num_outputs = 0;
  bool skip_bad_rows = false;
  bool skip_comment_lines = false;    // Zeek logs: '#' lines (e.g. #close) are not data
  bool nfdump = false;                // `nfdump -o csv` output
  std::string header_text;            // the header line, to skip repetitions of it
  uint64_t header_lines = 0;          // lines before the first data line
};

class CsvChunk : public TextChunk<CsvConfig> {
 public:
  CsvChunk(std::shared_ptr<const CsvConfig> config, std::shared_ptr<std::string> buffer, uint64_t first_line,
           bool has_quotes)
      : TextChunk(config, std::move(buffer), first_line,
                  first_line > config->header_lines ? first_line - config->header_lines - 1 : 0),
        has_quotes_(has_quotes) {}

  void Decode(core::ColumnBatch& batch) override {
    const CsvConfig& cfg = *config_;
    StartBatch(batch, cfg.num_outputs);
    const char* data = buffer_->data();
    const size_t size = buffer_->size();
    size_t pos = 0;
    uint64_t line = first_line_;
    std::vector<std::string_view> fields;
    auto keep = [&batch](std::string value) { return batch.Intern(value); };
    while (pos < size) {
      // Find the end of this record.
      size_t end;
      uint64_t lines_in_record = 1;
      if (!has_quotes_) {
        const void* nl = std::memchr(data + pos, '\n', size - pos);
        end = nl ? static_cast<const char*>(nl) - data : size;
      } else {
        bool in_quotes = false;
        end = pos;
        while (end < size) {
          char c = data[end];
          if (c == '"') {
            in_quotes = !in_quotes;
          } else if (c == '\n') {
            if (!in_quotes) break;
            ++lines_in_record;
          }
          ++end;
        }
      }
      std::string_view record(data + pos, end - pos);
      record = core::ChompCr(record);
      const uint64_t record_line = line;
      pos = end + 1;
      line += lines_in_record;
      if (record.empty()) continue;  // blank lines are skipped, as pandas does
      if (cfg.skip_comment_lines && record[0] == '#') continue;
      if (record == cfg.header_text) continue;  // a header repeated inside the file (e.g. concatenated logs)
      if (cfg.nfdump && record == "No matching flows") continue;  // nfdump's line for an empty selection
      if (has_quotes_ && std::memchr(record.data(), '"', record.size()) != nullptr) {
        SplitRecord(record, cfg.delim, fields, keep);
        if (fields.size() != cfg.num_fields) {
          BadRow(batch, record_line, fields.size());
          continue;
        }
        for (size_t f = 0; f <= cfg.last_needed_field && f < fields.size(); ++f) {
          int out = cfg.field_to_output[f];
          if (out >= 0) batch.columns[out].strings.push_back(fields[f]);
        }
      } else if (!AddSimpleRecord(batch, record, record_line)) {
        continue;
      }
      batch.lines.push_back(record_line);
      ++batch.num_rows;
    }
  }

 private:
  // Splits a record without quotes. Returns false if the row was bad and skipped.
  bool AddSimpleRecord(core::ColumnBatch& batch, std::string_view record, uint64_t record_line) {
    const CsvConfig& cfg = *config_;
    std::string_view* slots = slots_;
    const char* p = record.data();
    const char* end = p + record.size();
    size_t field = 0;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, cfg.delim, end - p));
      if (q == nullptr) q = end;
      if (field <= cfg.last_needed_field) {
        int out = cfg.field_to_output[field];
        if (out >= 0) slots[out] = std::string_view(p, q - p);
      }
      ++field;
      if (q == end) break;
      p = q + 1;
    }
    if (field != cfg.num_fields) {
      BadRow(batch, record_line, field);
      return false;
    }
    for (size_t out = 0; out < cfg.num_outputs; ++out) batch.columns[out].strings.push_back(slots[out]);
    return true;
  }

  void BadRow(core::ColumnBatch& batch, uint64_t record_line, size_t got) {
    const CsvConfig& cfg = *config_;
    std::string message = cfg.name + ":" + std::to_string(record_line) + ": expected " +
                          std::to_string(cfg.num_fields) + " fields (as in the header), got " + std::to_string(got);
    if (!cfg.skip_bad_rows) throw core::InputError(message + "; use --skip-bad-rows to skip such rows");
    if (batch.skipped_rows == 0) batch.first_skip_reason = message;
    ++batch.skipped_rows;
  }

  bool has_quotes_;
  std::string_view slots_[64];
};

class CsvReader : public TextReader<CsvConfig> {
 public:
  CsvReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) : TextReader(std::move(stream), options) {
    auto config = std::make_shared<CsvConfig>();
    config->name = stream_->name();
    config->skip_bad_rows = options.skip_bad_rows;
    config_ = config;
    ReadHeader(*config);
  }

  void SetProjection(const std::vector<int>& column_indices) override {
    auto config = std::make_shared<CsvConfig>(*config_);
    if (column_indices.size() > 64) throw core::InternalError("too many projected columns");
    config->field_to_output.assign(config->num_fields, -1);
    config->num_outputs = column_indices.size();
    config->last_needed_field = 0;
    for (size_t out = 0; out < column_indices.size(); ++out) {
      int field = column_indices[out];
      if (field < 0 || static_cast<size_t>(field) >= config->num_fields) {
        throw core::InternalError("projection out of range");
      }
      config->field_to_output[field] = static_cast<int>(out);
      config->last_needed_field = std::max(config->last_needed_field, static_cast<size_t>(field));
    }
    config_ = config;
  }

  std::unique_ptr<Chunk> NextChunk() override {
    std::shared_ptr<std::string> buffer = TakePending();
    if (buffer == nullptr) return nullptr;
    size_t cut = std::string::npos;
    bool has_quotes = false;
    uint64_t newlines = 0;
    for (;;) {
      if (!eof_ && buffer->size() < kBlockBytes) Fill(*buffer, kBlockBytes);
      has_quotes = std::memchr(buffer->data(), '"', buffer->size()) != nullptr;
      cut = FindCut(*buffer, has_quotes, newlines);
      if (cut != std::string::npos || eof_) break;
      if (buffer->size() > kMaxRecordBytes) {
        throw core::InputError(config_->name + ":" + std::to_string(next_line_) + ": a record longer than " +
                               std::to_string(kMaxRecordBytes >> 20) + " MB (unterminated quote?)");
      }
      Fill(*buffer, buffer->size() * 2);
    }
    if (nfdump_) {
      // `nfdump -o csv` ends its rows with a "Summary" section: the data ends there.
      size_t summary = buffer->rfind("\nSummary\n", cut == std::string::npos ? std::string::npos : cut);
      if (summary == std::string::npos && buffer->compare(0, 8, "Summary\n") == 0) summary = 0;
      else if (summary != std::string::npos) summary += 1;
      if (summary != std::string::npos) {
        buffer->resize(summary);
        pending_.clear();
        eof_ = true;
        if (buffer->empty()) return nullptr;
        cut = buffer->size();
        newlines = static_cast<uint64_t>(std::count(buffer->begin(), buffer->end(), '\n'));
      }
    }
    if (cut == std::string::npos) {  // the last record, without a final newline
      cut = buffer->size();
      newlines = static_cast<uint64_t>(std::count(buffer->begin(), buffer->end(), '\n'));
    }
    if (!CutAt(*buffer, cut)) return nullptr;
    const uint64_t first_line = next_line_;
    next_line_ += newlines;
    return std::make_unique<CsvChunk>(config_, std::move(buffer), first_line, has_quotes);
  }

 private:
  // Position just after the last record end that ends at most max_batch_rows
  // records in (npos if no complete record); `newlines` gets the number of
  // line feeds before it (quoted ones included: errors cite physical lines).
  size_t FindCut(const std::string& buffer, bool has_quotes, uint64_t& newlines) const {
    const size_t max_rows = std::max<size_t>(1, options_.max_batch_rows);
    size_t rows = 0;
    size_t last_cut = std::string::npos;
    uint64_t lines = 0;
    newlines = 0;
    const char* data = buffer.data();
    if (!has_quotes) {
      size_t pos = 0;
      while (pos < buffer.size()) {
        const void* nl = std::memchr(data + pos, '\n', buffer.size() - pos);
        if (nl == nullptr) break;
        pos = static_cast<const char*>(nl) - data + 1;
        last_cut = pos;
        newlines = ++rows;
        if (rows >= max_rows) break;
      }
      return last_cut;
    }
    bool in_quotes = false;
    for (size_t i = 0; i < buffer.size(); ++i) {
      char c = data[i];
      if (c == '"') {
        in_quotes = !in_quotes;
      } else if (c == '\n') {
        ++lines;
        if (in_quotes) continue;
        last_cut = i + 1;
        newlines = lines;
        if (++rows >= max_rows) break;
      }
    }
    return last_cut;
  }

  // Reads the first record, detects the delimiter and whether it is a header.
  void ReadHeader(CsvConfig& config) {
    for (;;) {
      Fill(pending_, pending_.size() + (1 << 16));
      // Skip a UTF-8 byte order mark.
      if (next_line_ == 1 && pending_.size() >= 3 && pending_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        pending_.erase(0, 3);
      }
      size_t pos = 0;
      // Skip blank lines before the header.
      while (pos < pending_.size() && (pending_[pos] == '\n' || pending_[pos] == '\r')) {
        if (pending_[pos] == '\n') ++next_line_;
        ++pos;
      }
      pending_.erase(0, pos);
      size_t nl = pending_.find('\n');
      if (nl != std::string::npos || eof_) break;
      if (pending_.size() > kMaxRecordBytes) throw core::InputError(config.name + ":1: header line too long");
    }
    if (pending_.empty()) throw core::InputError(config.name + ": the file is empty (no header and no data rows)");
    // Zeek TSV log (some files in the wild have stray blanks before it).
    if (const size_t lead = pending_.find_first_not_of(" \t");
        lead != std::string::npos && pending_.compare(lead, 10, "#separator") == 0) {
      ReadZeekHeader(config);
      return;
    }
    size_t nl = pending_.find('\n');
    std::string_view first(pending_.data(), nl == std::string::npos ? pending_.size() : nl);
    first = core::ChompCr(first);
    config.delim = options_.separator != 0 ? options_.separator : DetectSeparator(pending_);
    std::vector<std::string_view> fields;
    std::deque<std::string> unescaped;
    SplitRecord(first, config.delim, fields, [&](std::string v) -> std::string_view { return unescaped.emplace_back(std::move(v)); });
    std::vector<std::string> names;
    for (auto f : fields) names.emplace_back(core::TrimSpaceTab(f));
    config.num_fields = names.size();
    bool header = !options_.is_header || options_.is_header(names);
    if (header) {
      config.header_text = std::string(first);
      nfdump_ = first.rfind("ts,te,td,sa,da", 0) == 0;
      config.nfdump = nfdump_;
      schema_.names = names;
      schema_.has_header = true;
      pending_.erase(0, nl == std::string::npos ? pending_.size() : nl + 1);
      config.header_lines = next_line_;
      ++next_line_;
      DetectIndexColumn(config);
    } else {
      schema_.has_header = false;
      for (size_t i = 0; i < names.size(); ++i) schema_.names.push_back("column " + std::to_string(i + 1));
      config.header_lines = next_line_ - 1;
    }
  }

  // Takes the next line out of pending_ (reading more as needed); false at the end.
  bool TakeLine(std::string& line) {
    size_t nl;
    while ((nl = pending_.find('\n')) == std::string::npos && !eof_) {
      if (pending_.size() > kMaxRecordBytes) throw core::InputError(config_->name + ": header line too long");
      Fill(pending_, pending_.size() + (1 << 16));
    }
    if (pending_.empty()) return false;
    line.assign(pending_, 0, nl == std::string::npos ? pending_.size() : nl);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pending_.erase(0, nl == std::string::npos ? pending_.size() : nl + 1);
    ++next_line_;
    return true;
  }

  // Zeek's TSV logs: "#separator \x09", "#fields a b c", other '#' lines
  // skipped (also "#close" at the end, see Decode).
  void ReadZeekHeader(CsvConfig& config) {
    config.delim = '\t';
    config.skip_comment_lines = true;
    std::string line;
    while (TakeLine(line)) {
      if (const size_t lead = line.find_first_not_of(" \t"); lead != std::string::npos && lead > 0 &&
                                                              line[lead] == '#') {
        line.erase(0, lead);  // stray blanks before a '#' directive
      }
      if (line.rfind("#separator", 0) == 0) {
        std::string_view sep = core::TrimSpaceTab(std::string_view(line).substr(10));
        auto hex = [](char c) {
          return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        };
        if (sep.size() == 4 && sep[0] == '\\' && sep[1] == 'x' && hex(sep[2]) >= 0 && hex(sep[3]) >= 0) {
          config.delim = static_cast<char>(hex(sep[2]) * 16 + hex(sep[3]));
        } else if (sep.size() == 1) {
          config.delim = sep[0];
        } else {
          throw core::InputError(config.name + ":" + std::to_string(next_line_ - 1) + ": invalid Zeek #separator '" +
                                 std::string(sep) + "'; expected one character or \\xHH");
        }
        if (config.delim == '\n' || config.delim == '\r' || config.delim == '"') {
          throw core::InputError(config.name + ":" + std::to_string(next_line_ - 1) + ": unusable Zeek #separator '" +
                                 std::string(sep) + "'");
        }
        continue;
      }
      if (line.rfind("#path", 0) == 0) {
        std::string_view rest(line);
        rest.remove_prefix(5);
        if (!rest.empty() && rest.front() == config.delim) rest.remove_prefix(1);
        schema_.zeek_path = std::string(core::TrimSpaceTab(rest));
        continue;
      }
      if (line.rfind("#fields", 0) == 0) {
        std::string_view rest(line);
        rest.remove_prefix(7);
        if (!rest.empty() && rest.front() == config.delim) rest.remove_prefix(1);
        std::vector<std::string_view> fields;
        std::deque<std::string> unescaped;
        SplitRecord(rest, config.delim, fields, [&](std::string v) -> std::string_view { return unescaped.emplace_back(std::move(v)); });
        for (auto f : fields) schema_.names.emplace_back(core::TrimSpaceTab(f));
        continue;
      }
      if (line.empty() || line[0] != '#') {
        // The first data line: put it back.
        pending_.insert(0, line + "\n");
        --next_line_;
        break;
      }
    }
    if (schema_.names.empty()) throw core::InputError(config.name + ": a Zeek log without a #fields line");
    schema_.has_header = true;
    config.num_fields = schema_.names.size();
    config.header_lines = next_line_ - 1;
  }

  // pandas writes an index without a header cell when the header has one field
  // fewer than the data rows: add an unnamed first column then.
  void DetectIndexColumn(CsvConfig& config) {
    if (pending_.find('\n') == std::string::npos && !eof_) Fill(pending_, pending_.size() + (1 << 16));
    size_t nl = pending_.find('\n');
    std::string_view first(pending_.data(), nl == std::string::npos ? pending_.size() : nl);
    first = core::ChompCr(first);
    if (first.empty()) return;
    std::vector<std::string_view> fields;
    std::deque<std::string> unescaped;
    SplitRecord(first, config.delim, fields, [&](std::string v) -> std::string_view { return unescaped.emplace_back(std::move(v)); });
    if (fields.size() == config.num_fields + 1) {
      schema_.names.insert(schema_.names.begin(), "");
      config.num_fields += 1;
    }
  }

  bool nfdump_ = false;  // `nfdump -o csv` output, which ends with a summary
};

// Occurrences of `c` in `line` outside double quotes.
size_t CountOutsideQuotes(std::string_view line, char c) {
  size_t n = 0;
  bool quoted = false;
  for (char x : line) {
    if (x == '"') quoted = !quoted;
    else if (x == c && !quoted) ++n;
  }
  return n;
}

}  // namespace

char DetectSeparator(std::string_view head) {
  // The header and up to 20 more non-blank lines (a last line cut short by
  // the end of `head` is left out).
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < head.size() && lines.size() < 21) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (lines.empty()) lines.push_back(core::ChompCr(head.substr(pos)));
      break;
    }
    std::string_view line = core::ChompCr(head.substr(pos, nl - pos));
    if (!line.empty()) lines.push_back(line);
    pos = nl + 1;
  }
  if (lines.empty()) return ',';
  char best = ',';
  size_t best_consistent = 0, best_fields = 0;
  for (char c : {',', '\t', ';', '|'}) {
    const size_t in_header = CountOutsideQuotes(lines[0], c);
    if (in_header == 0) continue;
    size_t consistent = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t n = CountOutsideQuotes(lines[i], c);
      // pandas writes an index without a header cell: one separator more.
      if (n == in_header || n == in_header + 1) ++consistent;
    }
    if (best_fields == 0 || consistent > best_consistent ||
        (consistent == best_consistent && in_header > best_fields)) {
      best = c;
      best_consistent = consistent;
      best_fields = in_header;
    }
  }
  return best;
}

std::unique_ptr<Reader> OpenCsvReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options) {
  return std::make_unique<CsvReader>(std::move(stream), options);
}

}  // namespace botrecon::io
