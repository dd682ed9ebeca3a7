// Factories of the per-format readers, one per file; OpenReader (open_reader.cc)
// dispatches to them from one explicit table.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {

// Text formats read from a stream.
std::unique_ptr<Reader> OpenCsvReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);
std::unique_ptr<Reader> OpenFwfReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);
// The field separator of delimited text whose first lines are `head`: of
// ',', '\t', ';' and '|', the one the header line has and the most following
// lines have as often (outside quotes); then the one the header has most of;
// ',' when the header has none of them.
char DetectSeparator(std::string_view head);
// Any pandas to_json orient (columns, records, index, split, values, table),
// detected from the shape, or JSON Lines (detected, or by a .jsonl/.ndjson name).
std::unique_ptr<Reader> OpenJsonReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
// JSON Lines (one object, or one array of values, per line), parsed as it is read.
std::unique_ptr<Reader> OpenJsonLinesReader(std::unique_ptr<ByteStream> stream, const ReaderOptions& options);
// Whether json input named `name` starting with `head` is JSON Lines: a
// .jsonl/.ndjson name, or a first line that is a whole JSON value followed by
// another value.
bool LooksLikeJsonLines(std::string_view name, std::string_view head);
// Bytes of json input LooksLikeJsonLines wants to see.
inline constexpr size_t kJsonSniffBytes = 1 << 16;

// Binary formats read from a whole buffer.
std::unique_ptr<Reader> OpenParquetReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenFeatherReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenPickleReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenExcelReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);
std::unique_ptr<Reader> OpenStataReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options);

// Network captures, read through the tools that turn them into flows (argus +
// ra, ra, nfdump -B; src/io/formats/capture/capture_reader.cc), whose CSV goes
// to the csv reader. `type` is kPcap (pcap or pcapng), kArgus or kNfdump.
std::unique_ptr<Reader> OpenCaptureReader(const std::string& path, InputType type, const ReaderOptions& options);
// The same from a stream (stdin, a decompressed file): fed to the tool's stdin,
// or for nfdump (which reads files only) through a temporary file.
std::unique_ptr<Reader> OpenCaptureReader(std::unique_ptr<PeekableStream> stream, InputType type,
                                          const ReaderOptions& options);
bool IsCaptureType(InputType type);
// kPcap, kArgus or kNfdump if `head` (the first 16 bytes or more) starts like
// such a file: pcap (a1b2c3d4 / a1b23c4d, either byte order), pcapng (0a0d0d0a
// and its byte-order magic), an Argus management record with the Argus cookie,
// nfdump's file header (magic 0xA50C, layout 1 or 2).
std::optional<InputType> DetectCaptureType(std::string_view head);

}  // namespace botrecon::io
