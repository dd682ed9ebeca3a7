// libFuzzer target for the fixed-width reader, fed through the decompressing
// input layer (so gzip/bzip2/xz/zstd decoders are fuzzed too when the input
// starts with their magic bytes). Not built by default. From the repository
// root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/fwf_fuzz.cc src/io/fwf_reader.cc src/io/input.cc src/io/decompress.cc \
//     -lz -lbz2 -llzma -lzstd -o /tmp/fwf_fuzz
//   mkdir -p /tmp/fwf_corpus && cp tests/fixtures/fwf/*.txt /tmp/fwf_corpus/
//   /tmp/fwf_fuzz -max_total_time=60 -max_len=8192 /tmp/fwf_corpus
//
// (Debian: apt-get install clang libclang-rt-14-dev.) Any crash, sanitizer
// report or exception other than core::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/codec/decompress.h"
#include "io/formats.h"
#include "io/input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  botrecon::io::ReaderOptions options;
  options.max_batch_rows = 1 + size % 13;
  if (size % 5 == 0) options.is_header = [](const std::vector<std::string>& fields) { return fields.size() % 2 == 0; };
  try {
    auto raw = botrecon::io::ByteStream::FromString("fuzz.txt", text);
    auto stream = std::make_unique<botrecon::io::PeekableStream>(std::move(raw));
    auto compression = botrecon::io::DetectCompression(stream->Peek(botrecon::io::kCompressionMagicBytes));
    auto reader =
        botrecon::io::OpenFwfReader(botrecon::io::MakeDecompressingStream(std::move(stream), compression), options);
    std::vector<int> all(reader->schema().names.size());
    std::iota(all.begin(), all.end(), 0);
    reader->SetProjection(all);
    while (auto chunk = reader->NextChunk()) {
      botrecon::core::ColumnBatch batch;
      batch.Reset(all.size());
      chunk->Decode(batch);
      for (const auto& column : batch.columns) {
        if (column.size() != batch.num_rows) __builtin_trap();
        for (std::string_view s : column.strings) {
          volatile char sink = 0;
          for (char c : s) sink = static_cast<char>(sink + c);
        }
      }
    }
  } catch (const botrecon::core::Error&) {
  }
  return 0;
}
