// Stata .dta reader, read like pandas.read_stata: every variable is a column
// (pandas' to_stata writes its index as a variable named "index", exposed as
// is); byte/int/long/float/double become kDouble with Stata's missing values
// (., .a-.z) as NaN; str# and strL become kString.
//
// Parsing is done by ReadStat (Debian's libreadstat) through an I/O handler
// over the in-memory FileBuffer. ReadStat is callback-driven over a whole
// parse, so each batch is one parse limited to its rows (row offset + row
// limit: ReadStat re-reads the header and seeks to the rows, which is cheap
// for fixed-width records), with the columns outside the projection skipped.
// Files with strL columns (formats 117+) are the exception: ReadStat loads
// every strL of the file at the start of each parse, so such a file is parsed
// once, for the projected columns of all rows, and then handed out in
// batches. Memory: one batch of projected values normally; for strL files
// the projected values of the whole file plus ReadStat's copy of its strLs.
#include <readstat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

// ReadStat's I/O over a byte buffer.
struct MemoryIo {
  std::string_view bytes;
  int64_t pos = 0;
};

int IoOpen(const char* /*path*/, void* io_ctx) {
  static_cast<MemoryIo*>(io_ctx)->pos = 0;
  return 0;
}

int IoClose(void* /*io_ctx*/) { return 0; }

readstat_off_t IoSeek(readstat_off_t offset, readstat_io_flags_t whence, void* io_ctx) {
  auto* io = static_cast<MemoryIo*>(io_ctx);
  const int64_t size = static_cast<int64_t>(io->bytes.size());
  int64_t base = 0;
  if (whence == READSTAT_SEEK_CUR) {
    base = io->pos;
  } else if (whence == READSTAT_SEEK_END) {
    base = size;
  }
  int64_t off = static_cast<int64_t>(offset);
  // Out of the buffer (or overflowing): fail the seek.
  if ((off > 0 && off > size - base) || (off < 0 && -off > base)) return -1;
  io->pos = base + off;
  return static_cast<readstat_off_t>(io->pos);
}

ssize_t IoRead(void* buf, size_t nbyte, void* io_ctx) {
  auto* io = static_cast<MemoryIo*>(io_ctx);
  size_t left = io->bytes.size() - static_cast<size_t>(io->pos);
  size_t take = nbyte < left ? nbyte : left;
  if (take > 0) std::memcpy(buf, io->bytes.data() + io->pos, take);
  io->pos += static_cast<int64_t>(take);
  return static_cast<ssize_t>(take);
}

readstat_error_t IoUpdate(long /*file_size*/, readstat_progress_handler /*progress*/, void* /*user_ctx*/,
                          void* /*io_ctx*/) {
  return READSTAT_OK;
}

// What one parse collects; also the callbacks' user context.
struct ParseState {
  // Open pass.
  int64_t row_count = -1;
  std::vector<std::string> names;
  std::vector<bool> is_string;

  // Data pass.
  const std::vector<int>* column_to_output = nullptr;  // variable index -> projected column or -1
  int64_t first_row = 0;                               // row offset of this parse
  int64_t num_rows = 0;                                // rows expected
  int64_t rows_seen = 0;
  int64_t obs_base = -1;  // obs_index of the first row delivered
  core::ColumnBatch* batch = nullptr;

  std::string error_detail;
  std::exception_ptr exception;
};

int OnMetadata(readstat_metadata_t* metadata, void* ctx) {
  auto* state = static_cast<ParseState*>(ctx);
  state->row_count = readstat_get_row_count(metadata);
  return READSTAT_HANDLER_OK;
}

int OnVariableOpen(int index, readstat_variable_t* variable, const char* /*labels*/, void* ctx) {
  auto* state = static_cast<ParseState*>(ctx);
  try {
    if (index != static_cast<int>(state->names.size())) return READSTAT_HANDLER_ABORT;
    const char* name = readstat_variable_get_name(variable);
    state->names.emplace_back(name != nullptr ? name : "");
    state->is_string.push_back(readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING);
  } catch (...) {
    state->exception = std::current_exception();
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

int OnVariableData(int index, readstat_variable_t* /*variable*/, const char* /*labels*/, void* ctx) {
  auto* state = static_cast<ParseState*>(ctx);
  const auto& map = *state->column_to_output;
  if (index < 0 || static_cast<size_t>(index) >= map.size()) return READSTAT_HANDLER_ABORT;
  return map[static_cast<size_t>(index)] >= 0 ? READSTAT_HANDLER_OK : READSTAT_HANDLER_SKIP_VARIABLE;
}

int OnValue(int obs_index, readstat_variable_t* variable, readstat_value_t value, void* ctx) {
  auto* state = static_cast<ParseState*>(ctx);
  try {
    int index = readstat_variable_get_index(variable);
    const auto& map = *state->column_to_output;
    if (index < 0 || static_cast<size_t>(index) >= map.size() || map[static_cast<size_t>(index)] < 0) {
      return READSTAT_HANDLER_OK;
    }
    // ReadStat numbers rows from 0 or from the row offset depending on its
    // version: count from the first row delivered.
    if (state->obs_base < 0) state->obs_base = obs_index;
    int64_t row = static_cast<int64_t>(obs_index) - state->obs_base;
    if (row < 0 || row >= state->num_rows) {
      state->error_detail = "row index " + std::to_string(obs_index) + " out of range";
      return READSTAT_HANDLER_ABORT;
    }
    if (row >= state->rows_seen) state->rows_seen = row + 1;
    core::Column& column = state->batch->columns[static_cast<size_t>(map[static_cast<size_t>(index)])];
    const size_t r = static_cast<size_t>(row);
    if (column.type == core::ColumnType::kString) {
      readstat_type_t type = readstat_value_type(value);
      if (type == READSTAT_TYPE_STRING || type == READSTAT_TYPE_STRING_REF) {
        const char* s = readstat_string_value(value);
        if (s != nullptr) column.strings[r] = state->batch->Intern(s);
      }
      return READSTAT_HANDLER_OK;
    }
    double number = std::numeric_limits<double>::quiet_NaN();
    if (!readstat_value_is_missing(value, variable)) {
      switch (readstat_value_type(value)) {
        case READSTAT_TYPE_INT8:
          number = readstat_int8_value(value);
          break;
        case READSTAT_TYPE_INT16:
          number = readstat_int16_value(value);
          break;
        case READSTAT_TYPE_INT32:
          number = readstat_int32_value(value);
          break;
        case READSTAT_TYPE_FLOAT:
          number = readstat_float_value(value);
          break;
        case READSTAT_TYPE_DOUBLE:
          number = readstat_double_value(value);
          break;
        default:
          break;
      }
    }
    column.numbers[r] = number;
  } catch (...) {
    state->exception = std::current_exception();
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

void OnError(const char* message, void* ctx) {
  auto* state = static_cast<ParseState*>(ctx);
  if (message != nullptr && state->error_detail.empty()) state->error_detail = message;
}

// ReadStat 1.1.8 hands a strL's bytes to the value handler as a C string
// without checking that they end in NUL, so a damaged strL would make it (and
// us) read past its buffer. The strL section of formats 117-119 is checked
// first: every record must lie inside the file and end in NUL (which excludes
// binary strLs that do not).
class StrlValidator {
 public:
  StrlValidator(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}

  // Returns the number of strLs.
  size_t Run() {
    Expect("<stata_dta><header><release>");
    std::string_view release = Take(3);
    if (release != "117" && release != "118" && release != "119") {
      Fail("unsupported release '" + std::string(release) + "'");
    }
    const int version = (release[2] - '0') + 110;
    Expect("</release><byteorder>");
    std::string_view order = Take(3);
    if (order != "MSF" && order != "LSF") Fail("bad byte order '" + std::string(order) + "'");
    big_endian_ = order == "MSF";
    Expect("</byteorder><K>");
    Take(version >= 119 ? 4 : 2);
    Expect("</K><N>");
    Take(version >= 118 ? 8 : 4);
    Expect("</N><label>");
    Take(static_cast<size_t>(version >= 118 ? Unsigned(2) : Unsigned(1)));
    Expect("</label><timestamp>");
    Take(static_cast<size_t>(Unsigned(1)));
    Expect("</timestamp></header><map>");
    uint64_t map[14];
    for (auto& entry : map) entry = Unsigned(8);
    const uint64_t strls = map[10];
    if (strls > bytes_.size()) Fail("strL section offset " + std::to_string(strls) + " is beyond the end of the file");
    pos_ = static_cast<size_t>(strls);
    Expect("<strls>");
    for (size_t count = 0;; ++count) {
      if (bytes_.substr(pos_, 8) == "</strls>") return count;
      const size_t record = pos_;
      Expect("GSO");
      Take(4);                       // v
      Take(version >= 118 ? 8 : 4);  // o
      Take(1);                       // type: 129 binary, 130 text
      const uint64_t len = Unsigned(4);
      if (len > bytes_.size() - pos_) {
        Fail("strL at offset " + std::to_string(record) + " is " + std::to_string(len) +
             " bytes long, beyond the end of the file");
      }
      if (len == 0 || bytes_[pos_ + len - 1] != '\0') {
        Fail("strL at offset " + std::to_string(record) + " does not end in NUL (binary strLs are not supported)");
      }
      pos_ += static_cast<size_t>(len);
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw core::InputError(name_ + ": " + what); }

  std::string_view Take(size_t n) {
    if (n > bytes_.size() - pos_) Fail("unexpected end of file at offset " + std::to_string(pos_));
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  void Expect(std::string_view tag) {
    if (bytes_.substr(pos_, tag.size()) != tag) {
      Fail("expected '" + std::string(tag) + "' at offset " + std::to_string(pos_));
    }
    pos_ += tag.size();
  }
  uint64_t Unsigned(size_t n) {
    std::string_view raw = Take(n);
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) {
      const auto byte = static_cast<unsigned char>(raw[big_endian_ ? i : n - 1 - i]);
      value = (value << 8) | byte;
    }
    return value;
  }

  std::string_view bytes_;
  const std::string& name_;
  size_t pos_ = 0;
  bool big_endian_ = false;
};

// One ReadStat parser over a buffer.
class Parser {
 public:
  explicit Parser(std::string_view bytes) : io_{bytes, 0} {
    parser_ = readstat_parser_init();
    if (parser_ == nullptr) throw std::bad_alloc();
    readstat_set_open_handler(parser_, IoOpen);
    readstat_set_close_handler(parser_, IoClose);
    readstat_set_seek_handler(parser_, IoSeek);
    readstat_set_read_handler(parser_, IoRead);
    readstat_set_update_handler(parser_, IoUpdate);
    readstat_set_io_ctx(parser_, &io_);
    readstat_set_error_handler(parser_, OnError);
  }
  ~Parser() { readstat_parser_free(parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  readstat_parser_t* get() { return parser_; }

  // Runs the parse; throws core::InputError naming `what` on failure.
  void Run(ParseState& state, const std::string& file, const std::string& what) {
    readstat_error_t error = readstat_parse_dta(parser_, "", &state);
    if (state.exception) std::rethrow_exception(state.exception);
    if (error != READSTAT_OK) {
      std::string message = file + ": " + what + ": " + readstat_error_message(error);
      if (!state.error_detail.empty()) message += " (" + state.error_detail + ")";
      throw core::InputError(message);
    }
  }

 private:
  MemoryIo io_;
  readstat_parser_t* parser_ = nullptr;
};

class StataReader : public SequentialReader {
 public:
  StataReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : file_(std::move(file)), max_batch_rows_(options.max_batch_rows > 0 ? options.max_batch_rows : 1) {
    std::string_view bytes = file_->bytes();
    if (bytes.size() < 4)
      throw core::InputError(name() + ": not a Stata file (" + std::to_string(bytes.size()) + " bytes)");
    ParseState state;
    Parser parser(bytes);
    readstat_set_metadata_handler(parser.get(), OnMetadata);
    readstat_set_variable_handler(parser.get(), OnVariableOpen);
    parser.Run(state, name(), "not a readable Stata file");
    if (state.row_count < 0) throw core::InputError(name() + ": not a readable Stata file (no row count)");
    row_count_ = state.row_count;
    // Every variable takes at least one byte per row: a row count the file
    // cannot hold is refused before anything is allocated for it.
    const uint64_t min_row_bytes = std::max<uint64_t>(1, state.names.size());
    if (static_cast<uint64_t>(row_count_) > bytes.size() / min_row_bytes) {
      throw core::InputError(name() + ": the header declares " + std::to_string(row_count_) + " rows of " +
                             std::to_string(state.names.size()) + " variables, more than the file's " +
                             std::to_string(bytes.size()) + " bytes can hold");
    }
    schema_.names = std::move(state.names);
    schema_.has_header = true;
    is_string_ = std::move(state.is_string);
    // Formats 113-115 have no strLs.
    if (bytes.substr(0, 11) == "<stata_dta>") has_strl_ = StrlValidator(bytes, name()).Run() > 0;
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return file_->name(); }
  uint64_t bytes_consumed() const override {
    if (row_count_ == 0) return file_->bytes().size();
    return static_cast<uint64_t>(static_cast<double>(file_->bytes().size()) * static_cast<double>(next_row_) /
                                 static_cast<double>(row_count_));
  }
  uint64_t bytes_total() const override { return file_->bytes().size(); }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    if (next_row_ >= row_count_) return false;
    const int64_t take = std::min<int64_t>(static_cast<int64_t>(max_batch_rows_), row_count_ - next_row_);
    if (!has_strl_) {
      Parse(next_row_, take, batch);
      batch.first_row = static_cast<uint64_t>(next_row_);
      next_row_ += take;
      return true;
    }
    // strL files: parse once, then slice.
    if (!whole_) {
      whole_ = std::make_shared<core::ColumnBatch>();
      whole_->Reset(projection().size());
      Parse(0, row_count_, *whole_);
    }
    const size_t begin = static_cast<size_t>(next_row_);
    const size_t end = begin + static_cast<size_t>(take);
    for (size_t out = 0; out < batch.columns.size(); ++out) {
      const core::Column& src = whole_->columns[out];
      core::Column& dst = batch.columns[out];
      dst.type = src.type;
      if (src.type == core::ColumnType::kString) {
        dst.strings.assign(src.strings.begin() + static_cast<std::ptrdiff_t>(begin),
                           src.strings.begin() + static_cast<std::ptrdiff_t>(end));
      } else {
        dst.numbers.assign(src.numbers.begin() + static_cast<std::ptrdiff_t>(begin),
                           src.numbers.begin() + static_cast<std::ptrdiff_t>(end));
      }
    }
    batch.keep_alive = whole_;
    batch.num_rows = static_cast<size_t>(take);
    batch.first_row = static_cast<uint64_t>(next_row_);
    next_row_ += take;
    if (next_row_ >= row_count_) whole_.reset();
    return true;
  }

 private:
  // Fills `batch` with rows [first, first + count) of the projected columns.
  void Parse(int64_t first, int64_t count, core::ColumnBatch& batch) {
    const std::vector<int>& proj = projection();
    std::vector<int> column_to_output(schema_.names.size(), -1);  // first output of each column
    for (size_t out = 0; out < proj.size(); ++out) {
      int col = proj[out];
      if (col < 0 || static_cast<size_t>(col) >= schema_.names.size()) {
        throw core::InternalError("projection index " + std::to_string(col) + " out of range");
      }
      if (column_to_output[static_cast<size_t>(col)] < 0)
        column_to_output[static_cast<size_t>(col)] = static_cast<int>(out);
      core::Column& column = batch.columns[out];
      column.Clear();
      if (is_string_[static_cast<size_t>(col)]) {
        column.type = core::ColumnType::kString;
        column.strings.resize(static_cast<size_t>(count));
      } else {
        column.type = core::ColumnType::kDouble;
        column.numbers.assign(static_cast<size_t>(count), std::numeric_limits<double>::quiet_NaN());
      }
    }
    batch.num_rows = static_cast<size_t>(count);
    if (proj.empty()) return;  // nothing to decode; the row count is known

    ParseState state;
    state.column_to_output = &column_to_output;
    state.first_row = first;
    state.num_rows = count;
    state.batch = &batch;
    Parser parser(file_->bytes());
    readstat_set_variable_handler(parser.get(), OnVariableData);
    readstat_set_value_handler(parser.get(), OnValue);
    readstat_set_row_offset(parser.get(), static_cast<long>(first));
    readstat_set_row_limit(parser.get(), static_cast<long>(count));
    const std::string what = "rows " + std::to_string(first + 1) + "-" + std::to_string(first + count);
    parser.Run(state, name(), what);
    if (state.rows_seen != count) {
      throw core::InputError(name() + ": " + what + ": only " + std::to_string(state.rows_seen) +
                             " rows could be read");
    }
    // A column projected twice: copy the first (views share the batch's arena).
    for (size_t out = 0; out < proj.size(); ++out) {
      int first = column_to_output[static_cast<size_t>(proj[out])];
      if (first != static_cast<int>(out)) batch.columns[out] = batch.columns[static_cast<size_t>(first)];
    }
  }

  const std::string& name() const { return file_->name(); }

  std::shared_ptr<const FileBuffer> file_;
  size_t max_batch_rows_;
  Schema schema_;
  std::vector<bool> is_string_;
  bool has_strl_ = false;  // the file holds strLs
  int64_t row_count_ = 0;
  int64_t next_row_ = 0;
  std::shared_ptr<core::ColumnBatch> whole_;  // strL files: all rows
};

}  // namespace

std::unique_ptr<Reader> OpenStataReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  return std::make_unique<StataReader>(std::move(file), options);
}

}  // namespace botrecon::io
