// Factories of the per-format readers, one per file; OpenReader (open_reader.cc)
// dispatches to them from one explicit table.
#pragma once
#include <memory>

#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {

// Text formats read from a stream.
std::unique_ptr<Reader> OpenCsvReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);
std::unique_ptr<Reader> OpenFwfReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);
std::unique_ptr<Reader> OpenJsonReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);

// Binary formats read from a whole buffer.
std::unique_ptr<Reader> OpenParquetReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenFeatherReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenPickleReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenExcelReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenStataReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);

}  // namespace botrecon::io
