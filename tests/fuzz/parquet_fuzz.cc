// libFuzzer target for the Parquet reader (not built by default).
//
// Build and run from the repository root (clang 14; needs libclang-rt-14-dev):
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/parquet_fuzz.cc src/io/parquet_reader.cc src/io/thrift_compact.cc \
//     src/io/input.cc src/core/column_batch.cc -lsnappy -llz4 -lzstd -lz -o /tmp/parquet_fuzz
//   mkdir -p /tmp/parquet_corpus && cp tests/fixtures/parquet/*.parquet /tmp/parquet_corpus/
//   /tmp/parquet_fuzz /tmp/parquet_corpus -max_len=65536 -max_total_time=60 -rss_limit_mb=2048
//
// Every input must either read through or throw a core::Error; anything else
// (a crash, a sanitizer report, another exception, a leak) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botrecon;
  try {
    io::ReaderOptions options;
    options.max_batch_rows = 100;
    auto reader = io::OpenParquetReader(
        io::FileBuffer::FromString("fuzz.parquet", std::string(reinterpret_cast<const char*>(data), size)), options);
    std::vector<int> all;
    for (size_t i = 0; i < reader->schema().names.size(); ++i) all.push_back(static_cast<int>(i));
    reader->SetProjection(all);
    size_t checksum = 0;
    // A few bytes can legitimately describe billions of null rows (one RLE run):
    // stop after a bounded number of batches so such inputs do not time out.
    for (int batches = 0; batches < 10000; ++batches) {
      auto chunk = reader->NextChunk();
      if (!chunk) break;
      core::ColumnBatch batch;
      batch.Reset(all.size());
      chunk->Decode(batch);
      // Touch every value so that bad views are caught by ASan.
      for (const auto& column : batch.columns) {
        for (double x : column.numbers) checksum += x == x ? 1 : 0;
        for (auto s : column.strings) {
          for (char c : s) checksum += static_cast<unsigned char>(c);
        }
      }
    }
    if (checksum == 1) return 0;
  } catch (const core::Error&) {
  }
  return 0;
}
