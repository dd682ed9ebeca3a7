// libFuzzer target for the Feather v2 / Arrow IPC reader. Not built by CMake.
// Build and run from the repository root (Debian: apt-get install clang
// libclang-rt-14-dev liblz4-dev libzstd-dev):
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/feather_fuzz.cc src/io/feather_reader.cc src/io/input.cc \
//     src/core/column_batch.cc -llz4 -lzstd -o /tmp/feather_fuzz
//   mkdir -p /tmp/feather_corpus
//   cp tests/fixtures/feather/*.arrow tests/fixtures/feather/*.arrows /tmp/feather_corpus/
//   /tmp/feather_fuzz -max_total_time=60 -max_len=65536 -rss_limit_mb=2048 /tmp/feather_corpus
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
    options.max_batch_rows = 1000;
    auto file = io::FileBuffer::FromString("fuzz.arrow", std::string(reinterpret_cast<const char*>(data), size));
    auto reader = io::OpenFeatherReader(file, options);
    // Project every column the reader accepts.
    std::vector<int> projection;
    for (size_t i = 0; i < reader->schema().names.size(); ++i) {
      try {
        reader->SetProjection({static_cast<int>(i)});
        projection.push_back(static_cast<int>(i));
      } catch (const core::InputError&) {
      }
    }
    reader->SetProjection(projection);
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(projection.size());
      chunk->Decode(batch);
      for (const auto& column : batch.columns) {
        for (std::string_view s : column.strings) {
          volatile char sink = s.empty() ? 0 : s.back();  // touch the bytes the views point at
          (void)sink;
        }
      }
    }
  } catch (const core::Error&) {
  }
  return 0;
}
