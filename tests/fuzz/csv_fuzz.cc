// libFuzzer target for the CSV/TSV/Zeek/nfdump reader plus feature extraction
// (not built by default). From the repository root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/csv_fuzz.cc src/io/csv_reader.cc src/io/input.cc src/io/decompress.cc src/core/column_batch.cc \
//     src/core/ip_address.cc src/features/columns.cc src/features/extract.cc src/features/flow_batch.cc \
//     -lz -lbz2 -llzma -lzstd -o /tmp/csv_fuzz
//   mkdir -p /tmp/csv_corpus && head -c 4000 ../shared/data/original-tests/test.csv > /tmp/csv_corpus/a.csv
//   /tmp/csv_fuzz /tmp/csv_corpus -max_len=8192 -max_total_time=60 -rss_limit_mb=2048
//
// Every input must either read through or throw a core::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "features/columns.h"
#include "features/extract.h"
#include "io/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botrecon;
  try {
    io::ReaderOptions options;
    options.max_batch_rows = 7;
    options.skip_bad_rows = (size % 2) == 1;
    options.is_header = features::LooksLikeHeader;
    auto reader = io::OpenCsvReader(
        io::ByteStream::FromString("fuzz.csv", std::string(reinterpret_cast<const char*>(data), size)), options);
    auto resolution = features::ResolveColumns(reader->schema(), reader->source_name());
    reader->SetProjection(resolution.Projection());
    features::FeatureExtractor extractor(resolution, reader->source_name(), options.skip_bad_rows);
    core::ColumnBatch batch;
    features::FlowBatch flows;
    uint64_t skipped = 0;
    std::string reason;
    while (auto chunk = reader->NextChunk()) {
      chunk->Decode(batch);
      extractor.Extract(batch, flows, skipped, reason);
    }
  } catch (const core::Error&) {
  }
  return 0;
}
