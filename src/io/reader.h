// The reader interface every input format implements.
//
// Life cycle (DuckDB's bind -> init -> scan):
//   1. Open: the reader learns its schema (column names) without reading data rows.
//   2. SetProjection: the pipeline says which columns it needs, once.
//   3. NextChunk (one thread at a time) claims the next piece of the input;
//      Chunk::Decode (any thread, once per chunk) turns it into a ColumnBatch
//      holding at most `ReaderOptions::max_batch_rows` rows.
// Readers that cannot decode in parallel do their work in NextChunk and hand
// out an already-decoded chunk (see DecodedChunk).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/column_batch.h"

namespace botrecon::io {

struct ReaderOptions {
  // Upper bound on rows per batch.
  size_t max_batch_rows = 65536;
  // Sheet name for spreadsheet formats (empty: the first sheet).
  std::string sheet;
  // Drop rows that cannot be parsed (wrong field count, bad values) and count
  // them, instead of stopping with an error.
  bool skip_bad_rows = false;
  // Decides whether the first line of a text file is a header row (true) or
  // data. Unset: always a header.
  std::function<bool(const std::vector<std::string>& fields)> is_header;
  // Field separator of delimited text (csv): ',', ';', '\t' or '|'; 0 detects
  // it from the first lines. Zeek logs always use their own #separator.
  char separator = 0;
};

struct Schema {
  // Column names as written in the file. For a file without a header row,
  // "column 1", "column 2", ... and has_header = false.
  std::vector<std::string> names;
  bool has_header = true;
  // A Zeek TSV log: the value of its #path line ("conn", "dns", ...); empty
  // for other inputs. Lets the column resolution say which log it is.
  std::string zeek_path;
};

// One claimed piece of input, decoded on any thread.
class Chunk {
 public:
  virtual ~Chunk() = default;
  // Fills `batch` (already Reset to the projection width). Called once.
  // Throws core::InputError naming file, line/row and column on bad data.
  virtual void Decode(core::ColumnBatch& batch) = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;
  virtual const Schema& schema() const = 0;
  // Indices into schema().names of the columns batches must hold, in order.
  virtual void SetProjection(const std::vector<int>& column_indices) = 0;
  // Claims the next chunk; nullptr at the end of the input. Not thread-safe.
  virtual std::unique_ptr<Chunk> NextChunk() = 0;
  // Bytes of input consumed so far and in total (0 if unknown), for progress.
  virtual uint64_t bytes_consumed() const { return 0; }
  virtual uint64_t bytes_total() const { return 0; }
  // Path or name used in error messages.
  virtual const std::string& source_name() const = 0;
};

// A chunk whose batch was filled when it was claimed.
class DecodedChunk : public Chunk {
 public:
  explicit DecodedChunk(core::ColumnBatch batch) : batch_(std::move(batch)) {}
  void Decode(core::ColumnBatch& batch) override { batch = std::move(batch_); }

 private:
  core::ColumnBatch batch_;
};

// Base class for readers that decode sequentially: implement ReadBatch.
class SequentialReader : public Reader {
 public:
  void SetProjection(const std::vector<int>& column_indices) override { projection_ = column_indices; }
  std::unique_ptr<Chunk> NextChunk() override {
    core::ColumnBatch batch;
    batch.Reset(projection_.size());
    if (!ReadBatch(batch)) return nullptr;
    return std::make_unique<DecodedChunk>(std::move(batch));
  }

 protected:
  // Fills `batch` (Reset to projection().size() columns) with the next rows of
  // the projected columns, setting num_rows, first_row and, for text formats,
  // lines. Returns false (and leaves num_rows == 0) at the end.
  virtual bool ReadBatch(core::ColumnBatch& batch) = 0;
  const std::vector<int>& projection() const { return projection_; }

 private:
  std::vector<int> projection_;
};

// kPcap (pcap and pcapng), kArgus and kNfdump are captures read through their
// tools (argus + ra, ra, nfdump), whose CSV goes to the csv reader.
enum class InputType { kCsv, kFeather, kFwf, kStata, kJson, kPickle, kParquet, kExcel, kPcap, kArgus, kNfdump };

// Parses "csv", "feather", ... (case-insensitive). nullopt if unknown.
std::optional<InputType> ParseInputType(const std::string& name);
const char* InputTypeName(InputType type);

// The type of a file known for sure from its first (decompressed) bytes
// `head` or its name (magic bytes, extension, nfcapd.*); nullopt when only
// the content could tell (used to pick the flow files of a directory).
std::optional<InputType> RecognizeInputType(const std::string& path, std::string_view head);

// Opens `path` ("-" is stdin) as `type`; with no type, detects it from the
// extension and the first bytes (csv by default).
std::unique_ptr<Reader> OpenReader(const std::string& path, std::optional<InputType> type,
                                   const ReaderOptions& options = {});

}  // namespace botrecon::io
