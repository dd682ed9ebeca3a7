// What the line-oriented text readers (csv, fwf) share: a reader that cuts a
// stream into chunks of whole lines on one thread, and chunks of string
// columns decoded on any thread. `Config` is the format's settings, shared by
// the reader and its chunks and immutable once scanning starts; it has a
// `name` used in error messages.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {

// A chunk of whole lines of a text file, with the settings it is decoded by.
template <class Config>
class TextChunk : public Chunk {
 public:
  // `first_line`: the line number of the chunk's first byte; `first_row`: the
  // number of the data row it starts with.
  TextChunk(std::shared_ptr<const Config> config, std::shared_ptr<std::string> buffer, uint64_t first_line,
            uint64_t first_row)
      : config_(std::move(config)), buffer_(std::move(buffer)), first_line_(first_line), first_row_(first_row) {}

 protected:
  // Resets `batch` to `num_outputs` string columns viewing this chunk's bytes.
  void StartBatch(core::ColumnBatch& batch, size_t num_outputs) const {
    batch.Reset(num_outputs);
    batch.keep_alive = buffer_;
    batch.first_row = first_row_;
    for (auto& column : batch.columns) column.type = core::ColumnType::kString;
  }

  std::shared_ptr<const Config> config_;
  std::shared_ptr<std::string> buffer_;
  uint64_t first_line_;
  uint64_t first_row_;
};

// A reader of a text stream: the stream, the bytes read ahead and the position.
template <class Config>
class TextReader : public Reader {
 public:
  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return config_->name; }
  uint64_t bytes_consumed() const override { return consumed_; }
  uint64_t bytes_total() const override { return stream_->size(); }

 protected:
  TextReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options)
      : stream_(std::move(stream)), options_(options) {}

  // Reads until `buffer` holds `target` bytes or the stream ends.
  void Fill(std::string& buffer, size_t target) { consumed_ += FillBuffer(*stream_, buffer, target, eof_); }

  // The bytes read ahead, to start the next chunk's buffer with; null at the end.
  std::shared_ptr<std::string> TakePending() {
    if (pending_.empty() && eof_) return nullptr;
    auto buffer = std::make_shared<std::string>();
    buffer->swap(pending_);
    return buffer;
  }

  // Cuts `buffer` at `cut`, keeping the rest for the next chunk; false if
  // nothing is left before the cut.
  bool CutAt(std::string& buffer, size_t cut) {
    pending_.assign(buffer, cut, std::string::npos);
    buffer.resize(cut);
    return !buffer.empty();
  }

  std::unique_ptr<ByteStream> stream_;
  ReaderOptions options_;
  std::shared_ptr<const Config> config_;
  Schema schema_;
  std::string pending_;  // bytes read but not yet handed out
  bool eof_ = false;
  uint64_t next_line_ = 1;
  uint64_t consumed_ = 0;
};

}  // namespace botrecon::io
