// libFuzzer target for the model-file loader (every .brm type; not built by
// default). From the repository root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I/usr/include/eigen3 \
//     tests/fuzz/model_fuzz.cc src/models/model_file.cc src/models/forest.cc src/models/svm.cc \
//     src/models/flow_encoder.cc src/features/flow_batch.cc src/io/input.cc src/io/decompress.cc src/cli/output.cc \
//     -lz -lbz2 -llzma -lzstd -o /tmp/model_fuzz
//   mkdir -p /tmp/model_corpus && head -c 3000 models/rforest.brm > /tmp/model_corpus/rf && head -c 3000 models/svm.brm > /tmp/model_corpus/svm
//   /tmp/model_fuzz /tmp/model_corpus -max_len=4096 -max_total_time=60 -rss_limit_mb=2048
//
// Every input must either load or throw a core::Error; nothing in a model
// file is ever executed, and no length in it drives an unchecked allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "models/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    botrecon::models::LoadModel(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.brm");
  } catch (const botrecon::core::Error&) {
  }
  return 0;
}
