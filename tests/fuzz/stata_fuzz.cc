// libFuzzer target for the Stata .dta reader (not built by default). From the
// repository root:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/stata_fuzz.cc src/io/stata_reader.cc src/io/input.cc -lreadstat -o /tmp/stata_fuzz
//   mkdir -p /tmp/stata_corpus && cp tests/fixtures/stata/*.dta /tmp/stata_corpus/
//   /tmp/stata_fuzz -max_total_time=60 -rss_limit_mb=4096 /tmp/stata_corpus
// (Debian: apt-get install clang libclang-rt-14-dev libreadstat-dev.) ReadStat
// itself is not instrumented; ASan still checks the memory it allocates.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botrecon;
  try {
    io::ReaderOptions options;
    options.max_batch_rows = 3;
    auto reader = io::OpenStataReader(
        io::FileBuffer::FromString("fuzz.dta", std::string(reinterpret_cast<const char*>(data), size)), options);
    std::vector<int> projection;
    for (size_t i = 0; i < reader->schema().names.size() && i < 64; ++i) projection.push_back(static_cast<int>(i));
    reader->SetProjection(projection);
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(projection.size());
      chunk->Decode(batch);
    }
  } catch (const core::Error&) {
  }
  return 0;
}
