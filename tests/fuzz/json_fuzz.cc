// libFuzzer target for the JSON reader (every pandas layout and JSON Lines,
// from a buffer and from a stream). Not built by default. From the repository
// root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/json_fuzz.cc src/io/json_reader.cc src/io/input.cc src/io/decompress.cc \
//     -lsimdjson -lz -lbz2 -llzma -lzstd -o /tmp/json_fuzz
//   mkdir -p /tmp/json_corpus && cp tests/fixtures/json/*.json* /tmp/json_corpus/
//   /tmp/json_fuzz -max_total_time=60 -max_len=4096 /tmp/json_corpus
//
// (Debian: apt-get install clang libclang-rt-14-dev.) Any crash, sanitizer
// report or exception other than core::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"

namespace {

void ReadEverything(botrecon::io::Reader& reader) {
  std::vector<int> all(reader.schema().names.size());
  std::iota(all.begin(), all.end(), 0);
  reader.SetProjection(all);
  while (auto chunk = reader.NextChunk()) {
    botrecon::core::ColumnBatch batch;
    batch.Reset(all.size());
    chunk->Decode(batch);
    for (const auto& column : batch.columns) {
      if (column.size() != batch.num_rows) __builtin_trap();
      for (std::string_view s : column.strings) {
        // Touch every byte so that the sanitizer sees dangling views.
        volatile char sink = 0;
        for (char c : s) sink = static_cast<char>(sink + c);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the name (layout detection) and the batch size.
  const uint8_t control = data[0];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  botrecon::io::ReaderOptions options;
  options.max_batch_rows = 1 + (control >> 4);
  try {
    if ((control & 3) == 3) {
      auto reader =
          botrecon::io::OpenJsonLinesReader(botrecon::io::ByteStream::FromString("fuzz.jsonl", text), options);
      ReadEverything(*reader);
    } else {
      const char* name = (control & 1) ? "fuzz.jsonl" : "fuzz.json";
      auto reader = botrecon::io::OpenJsonReader(botrecon::io::FileBuffer::FromString(name, text), options);
      ReadEverything(*reader);
    }
  } catch (const botrecon::core::Error&) {
  }
  return 0;
}
