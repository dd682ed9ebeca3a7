// Formats not implemented yet answer with a clear usage error. Each moves to
// its own reader file when implemented.
#include "core/error.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {
[[noreturn]] void NotYet(const std::string& name, const char* type) {
  throw core::UsageError(name + ": input type '" + type + "' is not supported yet");
}
}  // namespace

std::unique_ptr<Reader> OpenFwfReader(std::unique_ptr<ByteStream> s, const ReaderOptions&) { NotYet(s->name(), "fwf"); }
std::unique_ptr<Reader> OpenJsonReader(std::shared_ptr<const FileBuffer> f, const ReaderOptions&) { NotYet(f->name(), "json"); }
std::unique_ptr<Reader> OpenParquetReader(std::shared_ptr<const FileBuffer> f, const ReaderOptions&) { NotYet(f->name(), "parquet"); }
std::unique_ptr<Reader> OpenFeatherReader(std::shared_ptr<const FileBuffer> f, const ReaderOptions&) { NotYet(f->name(), "feather"); }
std::unique_ptr<Reader> OpenExcelReader(std::shared_ptr<const FileBuffer> f, const ReaderOptions&) { NotYet(f->name(), "excel"); }
std::unique_ptr<Reader> OpenStataReader(std::shared_ptr<const FileBuffer> f, const ReaderOptions&) { NotYet(f->name(), "stata"); }

}  // namespace botrecon::io
