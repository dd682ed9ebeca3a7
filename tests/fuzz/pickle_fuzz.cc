// libFuzzer target for the pickle VM and the pandas DataFrame pickle reader.
// Not built by default. Build and run from the repository root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//       tests/fuzz/pickle_fuzz.cc src/io/pickle_vm.cc src/io/pickle_numpy.cc \
//       src/io/pickle_reader.cc src/io/input.cc src/core/column_batch.cc -o /tmp/pickle_fuzz
//   mkdir -p /tmp/pickle_corpus && cp tests/fixtures/pickle/*.pkl /tmp/pickle_corpus/
//   /tmp/pickle_fuzz -max_total_time=60 -max_len=65536 /tmp/pickle_corpus
//
// (needs: apt-get install clang libclang-rt-14-dev)
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/formats.h"
#include "io/formats/pickle/pickle_numpy.h"
#include "io/formats/pickle/pickle_vm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botrecon;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The generic VM with the data and numpy allow-list, and the tree walkers.
  try {
    io::PickleAllowList allow = io::PickleAllowList::DataBasics();
    io::AllowNumpyArrays(allow);
    auto doc = io::RunPickle(io::FileBuffer::FromString("fuzz.pkl", bytes), allow);
    (void)io::PickleDebugString(doc->root());
    if (io::IsNumpyArray(doc->root())) {
      io::NumpyArray array = io::ReadNumpyArray(doc->root(), "fuzz.pkl", "array");
      if (array.objects == nullptr && array.size > 0) (void)array.NumberAt(array.size - 1);
    }
  } catch (const core::Error&) {
  }
  // The DataFrame reader: open, read every column of every batch.
  try {
    io::ReaderOptions options;
    options.max_batch_rows = 7;
    auto reader = io::OpenPickleReader(io::FileBuffer::FromString("fuzz.pkl", std::move(bytes)), options);
    std::vector<int> all;
    for (size_t i = 0; i < reader->schema().names.size(); ++i) all.push_back(static_cast<int>(i));
    reader->SetProjection(all);
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(all.size());
      chunk->Decode(batch);
    }
  } catch (const core::Error&) {
  }
  return 0;
}
