#include "core/error.h"
#include "io/formats.h"
namespace botrecon::io {
std::unique_ptr<Reader> OpenCsvReader(std::unique_ptr<ByteStream> s, const ReaderOptions&) {
  throw core::UsageError(s->name() + ": csv not implemented yet");
}
}  // namespace botrecon::io
