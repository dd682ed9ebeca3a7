// libFuzzer target for the .xlsx reader (not built by default). From the
// repository root:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/excel_fuzz.cc src/io/excel_reader.cc src/io/input.cc -lzip -lpugixml -o /tmp/excel_fuzz
//   mkdir -p /tmp/excel_corpus && cp tests/fixtures/excel/*.xlsx tests/fixtures/excel/fuzz_seeds/* /tmp/excel_corpus/
//   /tmp/excel_fuzz -max_total_time=60 -rss_limit_mb=4096 /tmp/excel_corpus
// (Debian: apt-get install clang libclang-rt-14-dev libzip-dev libpugixml-dev.)
//
// An input starting with "PK" is read as a whole .xlsx file. Since zip entries
// are checksummed, mutations of a real file rarely get past the container, so
// any other input is taken as XML and packed here into a valid workbook: the
// bytes before the first NUL are the sheet part, the rest the shared strings.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"

namespace {

std::string PackWorkbook(const std::string& sheet, const std::string& sst) {
  static const char* kRels =
      R"(<Relationships><Relationship Id="rId1" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
  static const char* kWorkbook = R"(<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>)";
  static const char* kWorkbookRels =
      R"(<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>)"
      R"(<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>)";
  const std::vector<std::pair<const char*, std::string>> parts = {{"_rels/.rels", kRels},
                                                                  {"xl/workbook.xml", kWorkbook},
                                                                  {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                                                                  {"xl/worksheets/sheet1.xml", sheet},
                                                                  {"xl/sharedStrings.xml", sst}};
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  for (const auto& [name, data] : parts) {
    zip_int64_t index = zip_file_add(archive, name, zip_source_buffer(archive, data.data(), data.size(), 0), 0);
    if (index >= 0) zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  zip_close(archive);
  std::string bytes;
  zip_source_open(out);
  zip_source_seek(out, 0, SEEK_END);
  bytes.resize(static_cast<size_t>(zip_source_tell(out)));
  zip_source_seek(out, 0, SEEK_SET);
  zip_source_read(out, bytes.data(), bytes.size());
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace botrecon;
  std::string input(reinterpret_cast<const char*>(data), size);
  if (input.compare(0, 2, "PK") != 0) {
    size_t nul = input.find('\0');
    std::string sst =
        nul == std::string::npos ? "<sst><si><t>a</t></si><si><r><t>b</t></r></si></sst>" : input.substr(nul + 1);
    input = PackWorkbook(input.substr(0, nul), sst);
  }
  try {
    io::ReaderOptions options;
    options.max_batch_rows = 7;
    auto reader = io::OpenExcelReader(io::FileBuffer::FromString("fuzz.xlsx", std::move(input)), options);
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
