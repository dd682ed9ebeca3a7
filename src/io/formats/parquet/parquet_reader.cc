// Apache Parquet reader for flat tables (no Arrow/Parquet library: Debian has
// none). Reads the footer on open, then one row group at a time, streaming
// each projected column chunk page by page, so memory stays bounded by a page
// plus a batch whatever the size of a row group.
//
// Supported: physical types BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE,
// BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY; encodings PLAIN, PLAIN_DICTIONARY /
// RLE_DICTIONARY, RLE (booleans and levels), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; data pages v1
// and v2; codecs UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW and LZ4 (Hadoop
// framing, else a raw LZ4 block, as Arrow does).
//
// Values: BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY columns are strings (raw bytes
// when not annotated as text) unless annotated DECIMAL or FLOAT16; everything
// else is a double: integers as they are (unsigned annotations honoured),
// booleans 0/1, DECIMAL unscaled / 10^scale, TIMESTAMP and INT96 as seconds
// since the Unix epoch, DATE as seconds since the epoch (days * 86400), TIME
// as seconds since midnight. Nulls are NaN / empty strings.
//
// Not supported (clear errors): nested schemas (groups, repeated fields),
// encrypted files, column data in other files, BROTLI and LZO codecs.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>

#include "core/error.h"
#include "io/bytes.h"
#include "io/codec/decompressor.h"
#include "io/formats.h"
#include "io/formats/parquet/thrift_compact.h"

namespace botrecon::io {
namespace {

static_assert(std::endian::native == std::endian::little, "the Parquet reader assumes a little-endian host");

using thrift::CompactDecoder;
using thrift::CType;
using thrift::FieldHeader;

// ---------------------------------------------------------------------------
// Parquet's enumerations (parquet.thrift).

enum PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32Converted = 17,
  kInt64Converted = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

// Largest decompressed page we accept, and largest FIXED_LEN_BYTE_ARRAY width.
constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
constexpr int32_t kMaxFixedLength = 1 << 20;

const char* PhysicalTypeName(int32_t type) {
  static const char* const kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                       "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return type >= 0 && type < 8 ? kNames[type] : "unknown";
}

std::string EncodingName(int32_t encoding) {
  static const char* const kNames[] = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  if (encoding >= 0 && encoding < 10) return kNames[encoding];
  return "encoding " + std::to_string(encoding);
}

std::string CodecName(int32_t codec) {
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return kNames[codec];
  return "codec " + std::to_string(codec);
}

// ---------------------------------------------------------------------------
// File metadata (the parts we use).

struct LogicalType {
  enum class Kind { kNone, kString, kDecimal, kDate, kTime, kTimestamp, kInteger, kFloat16, kOpaque, kNested };
  Kind kind = Kind::kNone;
  int32_t scale = 0;
  int32_t unit = 0;  // TIME / TIMESTAMP: 1 millis, 2 micros, 3 nanos
  int32_t bit_width = 0;
  bool is_signed = true;
};

struct SchemaElement {
  std::optional<int32_t> type;
  int32_t type_length = 0;
  std::optional<int32_t> repetition;
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  int32_t scale = 0;
  LogicalType logical;
};

struct ColumnChunkMeta {
  bool has_meta = false;
  std::string file_path;
  int32_t type = -1;
  int32_t codec = kUncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = -1;
  std::optional<int64_t> dictionary_page_offset;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t num_rows = -1;
};

struct FileMeta {
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
};

int32_t ReadTimeUnit(CompactDecoder& d) {
  int32_t unit = 0;
  d.ReadStruct([&](const FieldHeader& f) {
    if (f.id >= 1 && f.id <= 3 && d.Is(f, CType::kStruct)) {
      unit = f.id;
      d.Skip(CType::kStruct);
    } else if (f.id < 1 || f.id > 3) {
      d.Skip(f.type);
    }
  });
  return unit;
}

LogicalType ReadLogicalType(CompactDecoder& d) {
  using Kind = LogicalType::Kind;
  LogicalType out;
  d.ReadStruct([&](const FieldHeader& f) {
    if (!d.Is(f, CType::kStruct)) return;
    switch (f.id) {
      case 1:   // STRING
      case 4:   // ENUM
      case 12:  // JSON
        out.kind = Kind::kString;
        d.Skip(CType::kStruct);
        break;
      case 2:  // MAP
      case 3:  // LIST
        out.kind = Kind::kNested;
        d.Skip(CType::kStruct);
        break;
      case 5:  // DECIMAL
        out.kind = Kind::kDecimal;
        d.ReadStruct([&](const FieldHeader& g) {
          if (g.id == 1 && d.Is(g, CType::kI32)) {
            out.scale = d.ReadI32();
          } else if (g.id != 1) {
            d.Skip(g.type);
          }
        });
        break;
      case 6:  // DATE
        out.kind = Kind::kDate;
        d.Skip(CType::kStruct);
        break;
      case 7:  // TIME
      case 8:  // TIMESTAMP
        out.kind = f.id == 7 ? Kind::kTime : Kind::kTimestamp;
        d.ReadStruct([&](const FieldHeader& g) {
          if (g.id == 2 && d.Is(g, CType::kStruct)) {
            out.unit = ReadTimeUnit(d);
          } else if (g.id != 2) {
            d.Skip(g.type);
          }
        });
        break;
      case 10:  // INTEGER
        out.kind = Kind::kInteger;
        d.ReadStruct([&](const FieldHeader& g) {
          if (g.id == 1 && d.Is(g, CType::kByte)) {
            out.bit_width = d.ReadByte();
          } else if (g.id == 2 && d.Is(g, CType::kBoolTrue)) {
            out.is_signed = d.ReadBool(g);
          } else if (g.id != 1 && g.id != 2) {
            d.Skip(g.type);
          }
        });
        break;
      case 15:  // FLOAT16
        out.kind = Kind::kFloat16;
        d.Skip(CType::kStruct);
        break;
      default:  // UNKNOWN (always null), BSON, UUID, VARIANT, GEOMETRY, ...: raw values
        out.kind = Kind::kOpaque;
        d.Skip(CType::kStruct);
        break;
    }
  });
  return out;
}

SchemaElement ReadSchemaElement(CompactDecoder& d) {
  SchemaElement e;
  d.ReadStruct([&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        if (d.Is(f, CType::kI32)) e.type = d.ReadI32();
        break;
      case 2:
        if (d.Is(f, CType::kI32)) e.type_length = d.ReadI32();
        break;
      case 3:
        if (d.Is(f, CType::kI32)) e.repetition = d.ReadI32();
        break;
      case 4:
        if (d.Is(f, CType::kBinary)) e.name = std::string(d.ReadBinary());
        break;
      case 5:
        if (d.Is(f, CType::kI32)) e.num_children = d.ReadI32();
        break;
      case 6:
        if (d.Is(f, CType::kI32)) e.converted_type = d.ReadI32();
        break;
      case 7:
        if (d.Is(f, CType::kI32)) e.scale = d.ReadI32();
        break;
      case 10:
        if (d.Is(f, CType::kStruct)) e.logical = ReadLogicalType(d);
        break;
      default:
        d.Skip(f.type);
    }
  });
  return e;
}

ColumnChunkMeta ReadColumnChunk(CompactDecoder& d) {
  ColumnChunkMeta c;
  d.ReadStruct([&](const FieldHeader& f) {
    if (f.id == 1 && d.Is(f, CType::kBinary)) {
      c.file_path = std::string(d.ReadBinary());
    } else if (f.id == 3 && d.Is(f, CType::kStruct)) {
      c.has_meta = true;
      d.ReadStruct([&](const FieldHeader& g) {
        switch (g.id) {
          case 1:
            if (d.Is(g, CType::kI32)) c.type = d.ReadI32();
            break;
          case 4:
            if (d.Is(g, CType::kI32)) c.codec = d.ReadI32();
            break;
          case 5:
            if (d.Is(g, CType::kI64)) c.num_values = d.ReadI64();
            break;
          case 7:
            if (d.Is(g, CType::kI64)) c.total_compressed_size = d.ReadI64();
            break;
          case 9:
            if (d.Is(g, CType::kI64)) c.data_page_offset = d.ReadI64();
            break;
          case 11:
            if (d.Is(g, CType::kI64)) c.dictionary_page_offset = d.ReadI64();
            break;
          default:
            d.Skip(g.type);
        }
      });
    } else if (f.id != 1 && f.id != 3) {
      d.Skip(f.type);
    }
  });
  return c;
}

RowGroupMeta ReadRowGroup(CompactDecoder& d) {
  RowGroupMeta rg;
  d.ReadStruct([&](const FieldHeader& f) {
    if (f.id == 1 && d.Is(f, CType::kList)) {
      thrift::ListHeader list = d.ReadListHeader();
      if (list.size > 0 && list.element_type != CType::kStruct) d.Fail("row group columns are not structs");
      for (uint32_t i = 0; i < list.size; ++i) rg.columns.push_back(ReadColumnChunk(d));
    } else if (f.id == 3 && d.Is(f, CType::kI64)) {
      rg.num_rows = d.ReadI64();
    } else if (f.id != 1 && f.id != 3) {
      d.Skip(f.type);
    }
  });
  return rg;
}

FileMeta ReadFileMeta(CompactDecoder& d) {
  FileMeta meta;
  bool has_schema = false;
  bool has_num_rows = false;
  d.ReadStruct([&](const FieldHeader& f) {
    if (f.id == 2 && d.Is(f, CType::kList)) {
      has_schema = true;
      thrift::ListHeader list = d.ReadListHeader();
      if (list.size > 0 && list.element_type != CType::kStruct) d.Fail("schema elements are not structs");
      for (uint32_t i = 0; i < list.size; ++i) meta.schema.push_back(ReadSchemaElement(d));
    } else if (f.id == 3 && d.Is(f, CType::kI64)) {
      has_num_rows = true;
      meta.num_rows = d.ReadI64();
    } else if (f.id == 4 && d.Is(f, CType::kList)) {
      thrift::ListHeader list = d.ReadListHeader();
      if (list.size > 0 && list.element_type != CType::kStruct) d.Fail("row groups are not structs");
      for (uint32_t i = 0; i < list.size; ++i) meta.row_groups.push_back(ReadRowGroup(d));
    } else if (f.id < 2 || f.id > 4) {
      d.Skip(f.type);
    }
  });
  if (!has_schema || meta.schema.empty()) d.Fail("file metadata has no schema");
  if (!has_num_rows) d.Fail("file metadata has no row count");
  return meta;
}

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_size = -1;
  int32_t compressed_size = -1;
  bool has_sub_header = false;
  int32_t num_values = -1;
  int32_t encoding = -1;
  int32_t def_level_encoding = kRle;
  // v2 only
  int32_t num_nulls = 0;
  int32_t def_levels_length = 0;
  int32_t rep_levels_length = 0;
  bool is_compressed = true;
};

// An i32 field of a page (sub-)header struct.
struct I32Field {
  int16_t id;
  int32_t PageHeader::*member;
};

// Reads the sub-header struct `f` (DataPageHeader, DictionaryPageHeader or
// DataPageHeaderV2) into `h` when the page is of type `page_type`, else skips
// it. Its i32 fields are `fields`; v2's is_compressed flag is field 7.
void ReadSubHeader(CompactDecoder& d, const FieldHeader& f, PageHeader& h, int32_t page_type,
                   std::initializer_list<I32Field> fields) {
  if (!d.Is(f, CType::kStruct)) return;
  if (h.type != page_type) {
    d.Skip(CType::kStruct);
    return;
  }
  h.has_sub_header = true;
  d.ReadStruct([&](const FieldHeader& g) {
    for (const I32Field& field : fields) {
      if (g.id != field.id) continue;
      if (d.Is(g, CType::kI32)) h.*field.member = d.ReadI32();
      return;
    }
    if (page_type == kDataPageV2 && g.id == 7) {
      if (d.Is(g, CType::kBoolTrue)) h.is_compressed = d.ReadBool(g);
      return;
    }
    d.Skip(g.type);
  });
}

PageHeader ReadPageHeader(CompactDecoder& d) {
  PageHeader h;
  d.ReadStruct([&](const FieldHeader& f) {
    switch (f.id) {
      case 1:
        if (d.Is(f, CType::kI32)) h.type = d.ReadI32();
        break;
      case 2:
        if (d.Is(f, CType::kI32)) h.uncompressed_size = d.ReadI32();
        break;
      case 3:
        if (d.Is(f, CType::kI32)) h.compressed_size = d.ReadI32();
        break;
      case 5:
        ReadSubHeader(d, f, h, kDataPage,
                      {{1, &PageHeader::num_values}, {2, &PageHeader::encoding}, {3, &PageHeader::def_level_encoding}});
        break;
      case 7:
        ReadSubHeader(d, f, h, kDictionaryPage, {{1, &PageHeader::num_values}, {2, &PageHeader::encoding}});
        break;
      case 8:
        ReadSubHeader(d, f, h, kDataPageV2,
                      {{1, &PageHeader::num_values},
                       {2, &PageHeader::num_nulls},
                       {4, &PageHeader::encoding},
                       {5, &PageHeader::def_levels_length},
                       {6, &PageHeader::rep_levels_length}});
        break;
      default:
        d.Skip(f.type);
    }
  });
  return h;
}

// ---------------------------------------------------------------------------
// How a column's stored values become a batch column.

struct Conversion {
  enum class Kind {
    kString,        // bytes as they are
    kSigned,        // integer * multiplier / divisor
    kUnsigned32,    // INT32 read as uint32
    kUnsigned64,    // INT64 read as uint64
    kFloating,      // FLOAT / DOUBLE
    kBytesDecimal,  // big-endian two's complement / divisor
    kFloat16,       // 2-byte IEEE half
    kInt96,         // legacy Impala timestamp -> seconds
  };
  Kind kind = Kind::kSigned;
  double multiplier = 1;
  double divisor = 1;

  double FromInt(int64_t v) const {
    double x;
    switch (kind) {
      case Kind::kUnsigned32:
        x = static_cast<double>(static_cast<uint32_t>(v));
        break;
      case Kind::kUnsigned64:
        x = static_cast<double>(static_cast<uint64_t>(v));
        break;
      default:
        x = static_cast<double>(v);
    }
    if (multiplier != 1) x *= multiplier;
    if (divisor != 1) x /= divisor;
    return x;
  }

  double FromBytes(std::string_view b) const {
    if (kind == Kind::kFloat16) {
      if (b.size() != 2) return std::numeric_limits<double>::quiet_NaN();
      auto h = static_cast<uint16_t>(static_cast<uint8_t>(b[0]) | (static_cast<uint8_t>(b[1]) << 8));
      const double value = HalfToDouble(h);
      // A NaN keeps its sign bit here (as this reader always did).
      return std::isnan(value) && (h & 0x8000) ? -value : value;
    }
    if (kind == Kind::kInt96) {
      if (b.size() != 12) return std::numeric_limits<double>::quiet_NaN();
      uint64_t nanos;
      uint32_t julian_day;
      std::memcpy(&nanos, b.data(), 8);
      std::memcpy(&julian_day, b.data() + 8, 4);
      constexpr int64_t kJulianUnixEpoch = 2440588;
      return static_cast<double>(static_cast<int64_t>(julian_day) - kJulianUnixEpoch) * 86400.0 +
             static_cast<double>(nanos) / 1e9;
    }
    // kBytesDecimal
    if (b.empty()) return 0;
    bool negative = (static_cast<uint8_t>(b[0]) & 0x80) != 0;
    double magnitude = 0;
    for (char c : b) {
      auto byte = static_cast<uint8_t>(c);
      magnitude = magnitude * 256 + (negative ? static_cast<uint8_t>(~byte) : byte);
    }
    double x = negative ? -(magnitude + 1) : magnitude;
    return divisor != 1 ? x / divisor : x;
  }
};

// One column of the file: name, storage and conversion.
struct ColumnInfo {
  std::string name;
  int32_t physical = kInt32;
  int32_t type_length = 0;
  bool optional = false;
  core::ColumnType out_type = core::ColumnType::kDouble;
  Conversion conversion;
};

double Pow10(int32_t n) { return std::pow(10.0, n); }

// The logical type of a column: its own, else its legacy converted type translated.
LogicalType LogicalOf(const SchemaElement& e) {
  using Kind = LogicalType::Kind;
  LogicalType logical = e.logical;
  if (logical.kind != Kind::kNone || !e.converted_type) return logical;
  switch (*e.converted_type) {
    case kUtf8:
    case kEnum:
    case kJson:
      logical.kind = Kind::kString;
      break;
    case kMap:
    case kMapKeyValue:
    case kList:
      logical.kind = Kind::kNested;
      break;
    case kDecimal:
      logical.kind = Kind::kDecimal;
      logical.scale = e.scale;
      break;
    case kDate:
      logical.kind = Kind::kDate;
      break;
    case kTimeMillis:
    case kTimeMicros:
      logical.kind = Kind::kTime;
      logical.unit = *e.converted_type == kTimeMillis ? 1 : 2;
      break;
    case kTimestampMillis:
    case kTimestampMicros:
      logical.kind = Kind::kTimestamp;
      logical.unit = *e.converted_type == kTimestampMillis ? 1 : 2;
      break;
    case kUint8:
    case kUint16:
    case kUint32:
    case kUint64:
      logical.kind = Kind::kInteger;
      logical.is_signed = false;
      break;
    default:
      break;  // INT_8..INT_64, BSON, INTERVAL: nothing to change
  }
  return logical;
}

// The conversion a column's physical type alone asks for.
void SetPhysicalConversion(ColumnInfo& info) {
  using CK = Conversion::Kind;
  Conversion& c = info.conversion;
  info.out_type = core::ColumnType::kDouble;
  switch (info.physical) {
    case kBoolean:
    case kInt32:
    case kInt64:
      c.kind = CK::kSigned;
      break;
    case kFloat:
    case kDouble:
      c.kind = CK::kFloating;
      break;
    case kInt96:
      c.kind = CK::kInt96;
      break;
    default:
      c.kind = CK::kString;
      info.out_type = core::ColumnType::kString;
  }
}

// Refines a column's conversion by its logical type. Returns an error text, empty if fine.
std::string ApplyLogicalType(const LogicalType& logical, ColumnInfo& info) {
  using Kind = LogicalType::Kind;
  using CK = Conversion::Kind;
  Conversion& c = info.conversion;
  const int32_t physical = info.physical;
  const bool is_bytes = physical == kByteArray || physical == kFixedLenByteArray;
  const bool is_int = physical == kInt32 || physical == kInt64;
  switch (logical.kind) {
    case Kind::kDecimal:
      if (logical.scale < 0 || logical.scale > 76) return "has a DECIMAL scale out of range";
      c.divisor = Pow10(logical.scale);
      if (is_bytes) {
        c.kind = CK::kBytesDecimal;
        info.out_type = core::ColumnType::kDouble;
      } else if (!is_int) {
        return std::string("is DECIMAL stored as ") + PhysicalTypeName(physical);
      }
      break;
    case Kind::kDate:
      if (is_int) c.multiplier = 86400;
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      if (is_int) {
        if (logical.unit == 1) c.divisor = 1e3;
        if (logical.unit == 2) c.divisor = 1e6;
        if (logical.unit == 3) c.divisor = 1e9;
      }
      break;
    case Kind::kInteger:
      if (!logical.is_signed && physical == kInt32) c.kind = CK::kUnsigned32;
      if (!logical.is_signed && physical == kInt64) c.kind = CK::kUnsigned64;
      break;
    case Kind::kFloat16:
      if (physical == kFixedLenByteArray) {
        if (info.type_length != 2) return "is FLOAT16 but not 2 bytes wide";
        c.kind = CK::kFloat16;
        info.out_type = core::ColumnType::kDouble;
      }
      break;
    default:
      break;
  }
  return {};
}

// Works out a column's conversion from its logical (else converted) type.
// Returns an error text, empty if fine.
std::string ResolveConversion(const SchemaElement& e, ColumnInfo& info) {
  const LogicalType logical = LogicalOf(e);
  if (logical.kind == LogicalType::Kind::kNested) return "is a nested type (LIST/MAP); only flat tables are supported";
  SetPhysicalConversion(info);
  if (info.physical == kInt96) return {};  // INT96: the logical type is not consulted
  return ApplyLogicalType(logical, info);
}

// ---------------------------------------------------------------------------
// Byte-level helpers.

using Bytes = const uint8_t*;

// Owned decompressed bytes that string views may point into.
struct Buffer {
  std::unique_ptr<uint8_t[]> data;
  size_t size = 0;
};

// Owners of the bytes a batch's string views point into.
struct BatchOwners {
  std::vector<std::shared_ptr<const void>> items;
  void Add(const std::shared_ptr<const void>& owner) {
    if (!owner) return;
    for (const auto& item : items) {
      if (item == owner) return;
    }
    items.push_back(owner);
  }
};

uint32_t LoadLe32(Bytes p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Reads `bit_width` (0..64) bits LSB-first starting at bit `bit` of `base`.
// The caller guarantees the bytes exist.
uint64_t UnpackBits(Bytes base, uint64_t bit, int bit_width) {
  if (bit_width == 0) return 0;
  Bytes p = base + (bit >> 3);
  int shift = static_cast<int>(bit & 7);
  uint64_t value = static_cast<uint64_t>(*p++) >> shift;
  int got = 8 - shift;
  while (got < bit_width) {
    value |= static_cast<uint64_t>(*p++) << got;
    got += 8;
  }
  return bit_width == 64 ? value : value & ((uint64_t{1} << bit_width) - 1);
}

// ULEB128 varint of at most `max_bytes`; throws with `where` on bad data.
uint64_t ReadUleb(Bytes& p, Bytes end, int max_bytes, const std::string& where) {
  uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p >= end) throw core::InputError(where + ": varint runs past the end of the data");
    uint8_t byte = *p++;
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  throw core::InputError(where + ": varint longer than " + std::to_string(max_bytes) + " bytes");
}

int64_t ZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// ---------------------------------------------------------------------------
// RLE / bit-packed hybrid (levels, dictionary indices, RLE booleans).

class RleDecoder {
 public:
  RleDecoder() = default;
  RleDecoder(Bytes data, Bytes end, int bit_width, const std::string* where)
      : p_(data), end_(end), bit_width_(bit_width), where_(where) {}

  // Decodes up to n values; fewer only at the end of the data.
  size_t Next(uint32_t* out, size_t n) {
    size_t done = 0;
    while (done < n) {
      if (rle_left_ == 0 && packed_left_ == 0 && !NextRun()) break;
      if (rle_left_ > 0) {
        size_t take = static_cast<size_t>(std::min<uint64_t>(rle_left_, n - done));
        std::fill(out + done, out + done + take, rle_value_);
        done += take;
        rle_left_ -= take;
      } else {
        size_t take = static_cast<size_t>(std::min<uint64_t>(packed_left_, n - done));
        for (size_t i = 0; i < take; ++i) {
          out[done + i] = static_cast<uint32_t>(UnpackBits(packed_, packed_bit_, bit_width_));
          packed_bit_ += static_cast<uint64_t>(bit_width_);
        }
        done += take;
        packed_left_ -= take;
      }
    }
    return done;
  }

 private:
  bool NextRun() {
    while (p_ < end_) {
      uint64_t header = ReadUleb(p_, end_, 5, *where_);
      if (header > 0xffffffffu) throw core::InputError(*where_ + ": RLE run header out of range");
      if (header & 1) {
        uint64_t groups = header >> 1;
        uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
        auto available = static_cast<uint64_t>(end_ - p_);
        uint64_t values = groups * 8;
        if (bytes > available) {  // a truncated last run: take the values present
          values = bit_width_ == 0 ? values : available * 8 / static_cast<uint64_t>(bit_width_);
          bytes = available;
        }
        packed_ = p_;
        packed_bit_ = 0;
        packed_left_ = values;
        p_ += bytes;
      } else {
        int value_bytes = (bit_width_ + 7) / 8;
        if (end_ - p_ < value_bytes) throw core::InputError(*where_ + ": RLE run value runs past the end of the data");
        uint32_t value = 0;
        for (int i = 0; i < value_bytes; ++i) value |= static_cast<uint32_t>(p_[i]) << (8 * i);
        p_ += value_bytes;
        rle_value_ = value;
        rle_left_ = header >> 1;
      }
      if (rle_left_ > 0 || packed_left_ > 0) return true;
    }
    return false;
  }

  Bytes p_ = nullptr;
  Bytes end_ = nullptr;
  int bit_width_ = 0;
  const std::string* where_ = nullptr;
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  Bytes packed_ = nullptr;
  uint64_t packed_bit_ = 0;
};

// ---------------------------------------------------------------------------
// DELTA_BINARY_PACKED, streamed one value at a time.

class DeltaBinaryPackedDecoder {
 public:
  DeltaBinaryPackedDecoder() = default;
  DeltaBinaryPackedDecoder(Bytes data, Bytes end, const std::string* where) : p_(data), end_(end), where_(where) {
    block_size_ = ReadUleb(p_, end_, 5, *where_);
    miniblocks_ = ReadUleb(p_, end_, 5, *where_);
    total_ = ReadUleb(p_, end_, 5, *where_);
    last_ = static_cast<uint64_t>(ZigZag(ReadUleb(p_, end_, 10, *where_)));
    if (block_size_ == 0 || block_size_ % 128 != 0 || block_size_ > (1u << 20) || miniblocks_ == 0 ||
        block_size_ % miniblocks_ != 0 || (block_size_ / miniblocks_) % 32 != 0) {
      throw core::InputError(*where_ + ": bad DELTA_BINARY_PACKED header (block size " + std::to_string(block_size_) +
                             ", " + std::to_string(miniblocks_) + " miniblocks)");
    }
    per_mini_ = block_size_ / miniblocks_;
    left_ = total_;
    mini_index_ = miniblocks_;  // the first miniblock starts a block
  }

  uint64_t total() const { return total_; }

  // Decodes the next n values (wrapping 64-bit arithmetic).
  void Next(int64_t* out, size_t n) {
    if (n > left_) {
      throw core::InputError(*where_ + ": DELTA_BINARY_PACKED holds " + std::to_string(total_) +
                             " values, more were needed");
    }
    for (size_t i = 0; i < n; ++i) {
      if (!first_done_) {
        first_done_ = true;
      } else {
        if (mini_left_ == 0) StartMiniblock();
        uint64_t delta = UnpackBits(mini_data_, mini_bit_, bit_width_);
        mini_bit_ += static_cast<uint64_t>(bit_width_);
        --mini_left_;
        last_ += min_delta_ + delta;
      }
      out[i] = static_cast<int64_t>(last_);
      --left_;
    }
  }

  // Position just after the encoded values (walks the remaining blocks
  // without decoding them). Only valid before any value was decoded.
  Bytes End() {
    DeltaBinaryPackedDecoder copy = *this;
    if (copy.left_ > 0) {
      copy.first_done_ = true;
      --copy.left_;
    }
    while (copy.left_ > 0) {
      if (copy.mini_left_ == 0) copy.StartMiniblock();
      uint64_t take = std::min<uint64_t>(copy.mini_left_, copy.left_);
      copy.left_ -= take;
      copy.mini_left_ -= take;
    }
    return copy.p_;
  }

 private:
  void StartMiniblock() {
    if (mini_index_ == miniblocks_) {
      min_delta_ = static_cast<uint64_t>(ZigZag(ReadUleb(p_, end_, 10, *where_)));
      if (static_cast<uint64_t>(end_ - p_) < miniblocks_) {
        throw core::InputError(*where_ + ": DELTA_BINARY_PACKED block header runs past the end of the data");
      }
      widths_ = p_;
      p_ += miniblocks_;
      mini_index_ = 0;
    }
    bit_width_ = widths_[mini_index_++];
    if (bit_width_ > 64) {
      throw core::InputError(*where_ + ": DELTA_BINARY_PACKED bit width " + std::to_string(bit_width_));
    }
    // The last miniblock may be cut short to the values still to come.
    uint64_t values = std::min<uint64_t>(per_mini_, left_);
    uint64_t needed = (values * static_cast<uint64_t>(bit_width_) + 7) / 8;
    uint64_t full = per_mini_ * static_cast<uint64_t>(bit_width_) / 8;
    auto available = static_cast<uint64_t>(end_ - p_);
    if (needed > available) {
      throw core::InputError(*where_ + ": DELTA_BINARY_PACKED miniblock runs past the end of the data");
    }
    mini_data_ = p_;
    mini_bit_ = 0;
    mini_left_ = per_mini_;
    p_ += std::min(full, available);
  }

  Bytes p_ = nullptr;
  Bytes end_ = nullptr;
  const std::string* where_ = nullptr;
  uint64_t block_size_ = 0;
  uint64_t miniblocks_ = 0;
  uint64_t per_mini_ = 0;
  uint64_t total_ = 0;
  uint64_t left_ = 0;
  bool first_done_ = false;
  uint64_t last_ = 0;
  uint64_t min_delta_ = 0;
  Bytes widths_ = nullptr;
  uint64_t mini_index_ = 0;  // == miniblocks_: the next miniblock starts a new block
  int bit_width_ = 0;
  Bytes mini_data_ = nullptr;
  uint64_t mini_bit_ = 0;
  uint64_t mini_left_ = 0;
};

// ---------------------------------------------------------------------------
// Value decoders: one per encoding, producing the physical values of a page
// (no nulls) in raw form.

class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  // BOOLEAN (0/1), INT32, INT64.
  virtual void Ints(int64_t* out, size_t n) = 0;
  // FLOAT, DOUBLE.
  virtual void Doubles(double* out, size_t n) = 0;
  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96. Views point into the page, or
  // into `batch` for values the decoder had to assemble.
  virtual void Views(std::string_view* out, size_t n, core::ColumnBatch& batch) = 0;
};

class PlainDecoder : public ValueDecoder {
 public:
  PlainDecoder(int32_t physical, int32_t type_length, Bytes data, Bytes end, const std::string* where)
      : physical_(physical), p_(data), end_(end), where_(where) {
    switch (physical) {
      case kInt32:
      case kFloat:
        width_ = 4;
        break;
      case kInt64:
      case kDouble:
        width_ = 8;
        break;
      case kInt96:
        width_ = 12;
        break;
      case kFixedLenByteArray:
        width_ = static_cast<size_t>(type_length);
        break;
      default:
        width_ = 0;
    }
  }

  void Ints(int64_t* out, size_t n) override {
    if (physical_ == kBoolean) {
      if (n > static_cast<uint64_t>(end_ - p_) * 8 - bit_) Short(n);
      for (size_t i = 0; i < n; ++i, ++bit_) out[i] = (p_[bit_ >> 3] >> (bit_ & 7)) & 1;
      return;
    }
    Need(n);
    if (physical_ == kInt32) {
      for (size_t i = 0; i < n; ++i, p_ += 4) out[i] = static_cast<int32_t>(LoadLe32(p_));
    } else {
      std::memcpy(out, p_, n * 8);
      p_ += n * 8;
    }
  }

  void Doubles(double* out, size_t n) override {
    Need(n);
    if (physical_ == kFloat) {
      for (size_t i = 0; i < n; ++i, p_ += 4) {
        float f;
        std::memcpy(&f, p_, 4);
        out[i] = f;
      }
    } else {
      std::memcpy(out, p_, n * 8);
      p_ += n * 8;
    }
  }

  void Views(std::string_view* out, size_t n, core::ColumnBatch&) override {
    if (physical_ != kByteArray) {
      Need(n);
      for (size_t i = 0; i < n; ++i, p_ += width_) out[i] = std::string_view(reinterpret_cast<const char*>(p_), width_);
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if (end_ - p_ < 4) Short(n - i);
      uint32_t length = LoadLe32(p_);
      p_ += 4;
      if (length > static_cast<uint64_t>(end_ - p_)) {
        throw core::InputError(*where_ + ": PLAIN string of " + std::to_string(length) + " bytes but only " +
                               std::to_string(end_ - p_) + " bytes remain in the page");
      }
      out[i] = std::string_view(reinterpret_cast<const char*>(p_), length);
      p_ += length;
    }
  }

 private:
  void Need(size_t n) {
    if (width_ == 0 || n > static_cast<uint64_t>(end_ - p_) / width_) Short(n);
  }
  [[noreturn]] void Short(size_t n) {
    throw core::InputError(*where_ + ": PLAIN values end early (" + std::to_string(n) + " more " +
                           PhysicalTypeName(physical_) + " values needed, " + std::to_string(end_ - p_) +
                           " bytes remain)");
  }

  int32_t physical_;
  Bytes p_;
  Bytes end_;
  const std::string* where_;
  size_t width_ = 0;
  uint64_t bit_ = 0;  // BOOLEAN: next bit
};

// Booleans with the RLE encoding (data pages v2): 4-byte length, then RLE/bit-packed, width 1.
class RleBooleanDecoder : public ValueDecoder {
 public:
  RleBooleanDecoder(Bytes data, Bytes end, const std::string* where) : where_(where) {
    if (end - data < 4) throw core::InputError(*where + ": RLE boolean data shorter than its length prefix");
    uint32_t length = LoadLe32(data);
    if (length > static_cast<uint64_t>(end - data - 4)) {
      throw core::InputError(*where + ": RLE boolean data of " + std::to_string(length) + " bytes but only " +
                             std::to_string(end - data - 4) + " remain");
    }
    rle_ = RleDecoder(data + 4, data + 4 + length, 1, where);
  }
  void Ints(int64_t* out, size_t n) override {
    scratch_.resize(n);
    if (rle_.Next(scratch_.data(), n) != n) throw core::InputError(*where_ + ": RLE boolean values end early");
    for (size_t i = 0; i < n; ++i) out[i] = scratch_[i];
  }
  void Doubles(double*, size_t) override { throw core::InternalError("RLE booleans read as doubles"); }
  void Views(std::string_view*, size_t, core::ColumnBatch&) override {
    throw core::InternalError("RLE booleans read as bytes");
  }

 private:
  RleDecoder rle_;
  const std::string* where_;
  std::vector<uint32_t> scratch_;
};

class DeltaIntDecoder : public ValueDecoder {
 public:
  DeltaIntDecoder(int32_t physical, Bytes data, Bytes end, const std::string* where)
      : physical_(physical), delta_(data, end, where) {}
  void Ints(int64_t* out, size_t n) override {
    delta_.Next(out, n);
    if (physical_ == kInt32) {
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(static_cast<uint32_t>(out[i]));
    }
  }
  void Doubles(double*, size_t) override { throw core::InternalError("delta integers read as doubles"); }
  void Views(std::string_view*, size_t, core::ColumnBatch&) override {
    throw core::InternalError("delta integers read as bytes");
  }

 private:
  int32_t physical_;
  DeltaBinaryPackedDecoder delta_;
};

class DeltaLengthDecoder : public ValueDecoder {
 public:
  DeltaLengthDecoder(Bytes data, Bytes end, const std::string* where)
      : lengths_(data, end, where), where_(where), p_(lengths_.End()), end_(end) {}
  uint64_t total() const { return lengths_.total(); }
  void Ints(int64_t*, size_t) override { throw core::InternalError("byte arrays read as integers"); }
  void Doubles(double*, size_t) override { throw core::InternalError("byte arrays read as doubles"); }
  void Views(std::string_view* out, size_t n, core::ColumnBatch&) override {
    scratch_.resize(n);
    lengths_.Next(scratch_.data(), n);
    for (size_t i = 0; i < n; ++i) {
      int64_t length = scratch_[i];
      if (length < 0 || static_cast<uint64_t>(length) > static_cast<uint64_t>(end_ - p_)) {
        throw core::InputError(*where_ + ": DELTA_LENGTH_BYTE_ARRAY length " + std::to_string(length) +
                               " does not fit the " + std::to_string(end_ - p_) + " bytes that remain");
      }
      out[i] = std::string_view(reinterpret_cast<const char*>(p_), static_cast<size_t>(length));
      p_ += length;
    }
  }

 private:
  DeltaBinaryPackedDecoder lengths_;
  const std::string* where_;
  Bytes p_;
  Bytes end_;
  std::vector<int64_t> scratch_;
};

class DeltaByteArrayDecoder : public ValueDecoder {
 public:
  DeltaByteArrayDecoder(Bytes data, Bytes end, const std::string* where)
      : prefixes_(data, end, where), suffixes_(prefixes_.End(), end, where), where_(where) {
    if (prefixes_.total() != suffixes_.total()) {
      throw core::InputError(*where + ": DELTA_BYTE_ARRAY has " + std::to_string(prefixes_.total()) + " prefixes but " +
                             std::to_string(suffixes_.total()) + " suffixes");
    }
  }
  void Ints(int64_t*, size_t) override { throw core::InternalError("byte arrays read as integers"); }
  void Doubles(double*, size_t) override { throw core::InternalError("byte arrays read as doubles"); }
  void Views(std::string_view* out, size_t n, core::ColumnBatch& batch) override {
    prefix_scratch_.resize(n);
    suffix_scratch_.resize(n);
    prefixes_.Next(prefix_scratch_.data(), n);
    suffixes_.Views(suffix_scratch_.data(), n, batch);
    for (size_t i = 0; i < n; ++i) {
      int64_t prefix = prefix_scratch_[i];
      if (prefix < 0 || static_cast<uint64_t>(prefix) > previous_.size()) {
        throw core::InputError(*where_ + ": DELTA_BYTE_ARRAY prefix length " + std::to_string(prefix) +
                               " is longer than the previous value (" + std::to_string(previous_.size()) + " bytes)");
      }
      previous_.resize(static_cast<size_t>(prefix));
      previous_.append(suffix_scratch_[i]);
      out[i] = batch.Intern(previous_);
    }
  }

 private:
  DeltaBinaryPackedDecoder prefixes_;
  DeltaLengthDecoder suffixes_;
  const std::string* where_;
  std::string previous_;
  std::vector<int64_t> prefix_scratch_;
  std::vector<std::string_view> suffix_scratch_;
};

class ByteStreamSplitDecoder : public ValueDecoder {
 public:
  ByteStreamSplitDecoder(int32_t physical, size_t width, Bytes data, Bytes end, const std::string* where)
      : physical_(physical), width_(width), data_(data), where_(where) {
    auto size = static_cast<size_t>(end - data);
    if (width == 0 || size % width != 0) {
      throw core::InputError(*where + ": BYTE_STREAM_SPLIT data of " + std::to_string(size) +
                             " bytes is not a multiple of the value width " + std::to_string(width));
    }
    count_ = size / width;
  }
  void Ints(int64_t* out, size_t n) override {
    Gather(n);
    for (size_t i = 0; i < n; ++i) {
      if (physical_ == kInt32) {
        int32_t v;
        std::memcpy(&v, value_bytes_.data() + i * 4, 4);
        out[i] = v;
      } else {
        std::memcpy(&out[i], value_bytes_.data() + i * 8, 8);
      }
    }
  }
  void Doubles(double* out, size_t n) override {
    Gather(n);
    for (size_t i = 0; i < n; ++i) {
      if (physical_ == kFloat) {
        float v;
        std::memcpy(&v, value_bytes_.data() + i * 4, 4);
        out[i] = v;
      } else {
        std::memcpy(&out[i], value_bytes_.data() + i * 8, 8);
      }
    }
  }
  void Views(std::string_view* out, size_t n, core::ColumnBatch& batch) override {
    Gather(n);
    for (size_t i = 0; i < n; ++i) out[i] = batch.Intern(std::string_view(value_bytes_.data() + i * width_, width_));
  }

 private:
  // Reassembles the next n values into value_bytes_.
  void Gather(size_t n) {
    if (n > count_ - next_) {
      throw core::InputError(*where_ + ": BYTE_STREAM_SPLIT holds " + std::to_string(count_) +
                             " values, more were needed");
    }
    value_bytes_.resize(n * width_);
    for (size_t stream = 0; stream < width_; ++stream) {
      Bytes src = data_ + stream * count_ + next_;
      for (size_t i = 0; i < n; ++i) value_bytes_[i * width_ + stream] = static_cast<char>(src[i]);
    }
    next_ += n;
  }

  int32_t physical_;
  size_t width_;
  Bytes data_;
  const std::string* where_;
  size_t count_ = 0;
  size_t next_ = 0;
  std::string value_bytes_;
};

// ---------------------------------------------------------------------------
// Decompression.

std::shared_ptr<Buffer> NewBuffer(size_t size) {
  auto buffer = std::make_shared<Buffer>();
  buffer->data.reset(new uint8_t[size == 0 ? 1 : size]);
  buffer->size = size;
  return buffer;
}

// The codec library's decompressor of a parquet codec; nullopt if unsupported.
std::optional<codec::Codec> BlockCodec(int32_t codec) {
  switch (codec) {
    case kSnappy:
      return codec::Codec::kSnappy;
    case kGzip:
      return codec::Codec::kGzip;
    case kZstd:
      return codec::Codec::kZstd;
    case kLz4Raw:
      return codec::Codec::kLz4Block;
    case kLz4:
      // LZ4 (deprecated): Hadoop's framing first, then a raw block, as Arrow does.
      return codec::Codec::kLz4Hadoop;
    default:
      return std::nullopt;
  }
}

using FailFn = std::function<void(const std::string&)>;

// Checks a page's claimed uncompressed size against what its data can hold,
// before anything is allocated.
void CheckClaimedSize(int32_t codec, const codec::Decompressor& decompressor, std::string_view data, size_t out_size,
                      const FailFn& fail) {
  bool bad_header = false;
  std::optional<uint64_t> declared = decompressor.DeclaredSize(data, bad_header);
  if (bad_header) fail(codec == kSnappy ? "data is corrupt (bad length header)" : "data is corrupt (bad frame header)");
  // snappy says its exact size; zstd the first frame's (a page is normally one frame).
  if (declared && (codec == kSnappy ? *declared != out_size : *declared > out_size)) {
    fail("data decompresses to " + std::to_string(*declared) + " bytes but the page header says " +
         std::to_string(out_size));
  }
  // Deflate expands at most ~1032:1, LZ4 ~255:1.
  const bool lz4 = codec == kLz4Raw || codec == kLz4;
  if ((codec == kGzip && out_size / 1032 > data.size() + 1024) || (lz4 && out_size / 255 > data.size() + 64)) {
    fail("page claims a decompressed size beyond what its data can hold");
  }
  if (lz4 && (data.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
              out_size > static_cast<size_t>(std::numeric_limits<int>::max()))) {
    fail("page too large");
  }
}

std::shared_ptr<Buffer> Decompress(int32_t codec, Bytes src, size_t size, int64_t expected, const std::string& where) {
  FailFn fail = [&](const std::string& what) {
    throw core::InputError(where + ": " + CodecName(codec) + " " + what);
  };
  if (expected < 0 || expected > kMaxPageBytes) {
    fail("page claims an uncompressed size of " + std::to_string(expected) + " bytes");
  }
  std::optional<codec::Codec> kind = BlockCodec(codec);
  if (!kind) fail("is not supported");
  const auto out_size = static_cast<size_t>(expected);
  const std::string_view data(reinterpret_cast<const char*>(src), size);
  auto decompressor = codec::MakeDecompressor(*kind);
  CheckClaimedSize(codec, *decompressor, data, out_size, fail);
  std::shared_ptr<Buffer> out = NewBuffer(out_size);
  codec::DecompressResult result = decompressor->Decompress(data, reinterpret_cast<char*>(out->data.get()), out_size);
  using Status = codec::DecompressResult::Status;
  if (result.status == Status::kOverflow) {
    fail("data decompresses to more bytes than the page header says (" + std::to_string(out_size) + ")");
  }
  if (!result.ok()) {
    fail(codec == kGzip             ? "data is corrupt or truncated"
         : result.detail.empty() ? "data is corrupt"
                                 : "data is corrupt: " + result.detail);
  }
  if (result.produced != out_size) {
    if (codec == kSnappy) fail("data is corrupt");
    fail("data decompresses to " + std::to_string(result.produced) + " bytes but the page header says " +
         std::to_string(out_size));
  }
  return out;
}


// ---------------------------------------------------------------------------
// Reads one column chunk of one row group, page by page.

class ColumnChunkReader {
 public:
  ColumnChunkReader(std::shared_ptr<const FileBuffer> file, const ColumnInfo& info, int32_t codec, Bytes begin,
                    Bytes end, int64_t num_rows, std::string where)
      : file_(std::move(file)),
        info_(info),
        codec_(codec),
        pos_(begin),
        end_(end),
        rows_left_in_chunk_(num_rows),
        where_(std::move(where)) {}

  // Appends the next n rows of this column to `column`.
  void Read(size_t n, core::Column& column, core::ColumnBatch& batch, BatchOwners& owners) {
    column.type = info_.out_type;
    size_t done = 0;
    while (done < n) {
      if (page_rows_left_ == 0) NextPage(batch);
      size_t take = static_cast<size_t>(std::min<uint64_t>(page_rows_left_, n - done));
      size_t present = take;
      if (has_levels_) {
        levels_.resize(take);
        if (def_levels_.Next(levels_.data(), take) != take) {
          throw core::InputError(page_where_ + ": definition levels end early");
        }
        present = 0;
        for (size_t i = 0; i < take; ++i) {
          if (levels_[i] > 1) {
            throw core::InputError(page_where_ + ": definition level " + std::to_string(levels_[i]) +
                                   " above the column's maximum 1");
          }
          present += levels_[i];
        }
      }
      if (info_.out_type == core::ColumnType::kDouble) {
        size_t base = column.numbers.size();
        column.numbers.resize(base + take);
        double* out = column.numbers.data() + base;
        DecodeNumbers(out, present, batch);
        if (present != take) Spread(out, take, present, std::numeric_limits<double>::quiet_NaN());
      } else {
        size_t base = column.strings.size();
        column.strings.resize(base + take);
        std::string_view* out = column.strings.data() + base;
        DecodeStrings(out, present, batch, owners);
        if (present != take) Spread(out, take, present, std::string_view());
      }
      page_rows_left_ -= take;
      done += take;
    }
  }

 private:
  // Moves the `present` dense values at the front of out[0..take) to the
  // positions whose definition level is 1, filling the others with `null`.
  template <typename T>
  void Spread(T* out, size_t take, size_t present, T null) {
    size_t src = present;
    for (size_t i = take; i-- > 0;) out[i] = levels_[i] ? out[--src] : null;
  }

  void DecodeNumbers(double* out, size_t n, core::ColumnBatch& batch) {
    if (n == 0) return;
    if (dictionary_encoded_) {
      ReadIndices(n, dict_numbers_.size());
      for (size_t i = 0; i < n; ++i) out[i] = dict_numbers_[indices_[i]];
      return;
    }
    ConvertNumbers(*values_, out, n, batch);
  }

  void DecodeStrings(std::string_view* out, size_t n, core::ColumnBatch& batch, BatchOwners& owners) {
    if (n == 0) return;
    if (dictionary_encoded_) {
      ReadIndices(n, dict_strings_.size());
      for (size_t i = 0; i < n; ++i) out[i] = dict_strings_[indices_[i]];
      owners.Add(dict_owner_);
      return;
    }
    values_->Views(out, n, batch);
    owners.Add(page_owner_);
  }

  void ReadIndices(size_t n, size_t dict_size) {
    indices_.resize(n);
    if (dict_indices_.Next(indices_.data(), n) != n) {
      throw core::InputError(page_where_ + ": dictionary indices end early");
    }
    for (size_t i = 0; i < n; ++i) {
      if (indices_[i] >= dict_size) {
        throw core::InputError(page_where_ + ": dictionary index " + std::to_string(indices_[i]) +
                               " out of range (dictionary has " + std::to_string(dict_size) + " entries)");
      }
    }
  }

  // Decodes n values with `decoder` and converts them to doubles.
  void ConvertNumbers(ValueDecoder& decoder, double* out, size_t n, core::ColumnBatch& batch) {
    const Conversion& c = info_.conversion;
    switch (info_.physical) {
      case kBoolean:
      case kInt32:
      case kInt64:
        ints_.resize(n);
        decoder.Ints(ints_.data(), n);
        if (c.kind == Conversion::Kind::kSigned && c.multiplier == 1 && c.divisor == 1) {
          for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(ints_[i]);
        } else {
          for (size_t i = 0; i < n; ++i) out[i] = c.FromInt(ints_[i]);
        }
        return;
      case kFloat:
      case kDouble:
        decoder.Doubles(out, n);
        return;
      default:
        views_.resize(n);
        decoder.Views(views_.data(), n, batch);
        for (size_t i = 0; i < n; ++i) out[i] = c.FromBytes(views_[i]);
    }
  }

  // Reads pages until a data page with values is set up (a dictionary page is
  // read on the way, index pages and unknown page types are skipped).
  void NextPage(core::ColumnBatch& batch) {
    for (;;) {
      if (rows_left_in_chunk_ == 0) throw core::InternalError("column read past its row group");
      auto offset = static_cast<uint64_t>(pos_ - FileStart());
      page_where_ = where_ + ", page at offset " + std::to_string(offset);
      if (pos_ >= end_) {
        throw core::InputError(where_ + ": column chunk ends (offset " + std::to_string(offset) + ") with " +
                               std::to_string(rows_left_in_chunk_) + " rows still to read");
      }
      CompactDecoder decoder(std::string_view(reinterpret_cast<const char*>(pos_), static_cast<size_t>(end_ - pos_)),
                             page_where_ + ": page header", offset);
      PageHeader h = ReadPageHeader(decoder);
      pos_ += decoder.position();
      if (h.compressed_size < 0 || h.uncompressed_size < 0) {
        throw core::InputError(page_where_ + ": page header lacks its sizes or has negative ones");
      }
      if (static_cast<uint64_t>(h.compressed_size) > static_cast<uint64_t>(end_ - pos_)) {
        throw core::InputError(page_where_ + ": page of " + std::to_string(h.compressed_size) +
                               " bytes runs past the end of the column chunk (" + std::to_string(end_ - pos_) +
                               " bytes remain)");
      }
      Bytes body = pos_;
      pos_ += h.compressed_size;
      if (h.type == kDictionaryPage) {
        ReadDictionary(h, body, batch);
      } else if (h.type == kDataPage || h.type == kDataPageV2) {
        if (StartDataPage(h, body)) return;
      }
      // Index pages and unknown page types are skipped.
    }
  }

  // The uncompressed bytes [begin, end) of a page body (or of its part after
  // the v2 levels), decompressed into page_owner_ if needed.
  std::pair<Bytes, Bytes> PageData(Bytes body, size_t compressed, int64_t uncompressed, bool compressed_flag) {
    if (codec_ == kUncompressed || !compressed_flag) {
      if (static_cast<int64_t>(compressed) != uncompressed) {
        throw core::InputError(page_where_ + ": uncompressed page of " + std::to_string(compressed) +
                               " bytes but the header says " + std::to_string(uncompressed));
      }
      page_owner_.reset();
      return {body, body + compressed};
    }
    if (compressed == 0 && uncompressed == 0) {  // an empty values section (an all-null v2 page)
      page_owner_.reset();
      return {body, body};
    }
    auto buffer = Decompress(codec_, body, compressed, uncompressed, page_where_);
    Bytes data = buffer->data.get();
    page_owner_ = std::move(buffer);
    return {data, data + uncompressed};
  }

  void ReadDictionary(const PageHeader& h, Bytes body, core::ColumnBatch& batch) {
    if (has_dictionary_) throw core::InputError(page_where_ + ": a second dictionary page");
    if (!h.has_sub_header) throw core::InputError(page_where_ + ": dictionary page without its header");
    if (h.encoding != kPlain && h.encoding != kPlainDictionary) {
      throw core::InputError(page_where_ + ": dictionary page encoded as " + EncodingName(h.encoding) +
                             " (expected PLAIN)");
    }
    auto [data, end] = PageData(body, static_cast<size_t>(h.compressed_size), h.uncompressed_size, true);
    // Every PLAIN value takes at least 1 bit (BOOLEAN) or 1 byte.
    auto bytes = static_cast<uint64_t>(end - data);
    uint64_t limit = info_.physical == kBoolean ? bytes * 8 : bytes;
    if (h.num_values < 0 || static_cast<uint64_t>(h.num_values) > limit) {
      throw core::InputError(page_where_ + ": dictionary of " + std::to_string(h.num_values) +
                             " values cannot fit in " + std::to_string(bytes) + " bytes");
    }
    auto count = static_cast<size_t>(h.num_values);
    PlainDecoder decoder(info_.physical, info_.type_length, data, end, &page_where_);
    if (info_.out_type == core::ColumnType::kDouble) {
      dict_numbers_.resize(count);
      ConvertNumbers(decoder, dict_numbers_.data(), count, batch);
    } else {
      dict_strings_.resize(count);
      decoder.Views(dict_strings_.data(), count, batch);
      dict_owner_ = page_owner_ ? page_owner_ : std::shared_ptr<const void>(file_);
    }
    has_dictionary_ = true;
  }

  // Sets up decoding of a data page; false if it holds no values.
  bool StartDataPage(const PageHeader& h, Bytes body) {
    if (!h.has_sub_header) throw core::InputError(page_where_ + ": data page without its header");
    if (h.num_values < 0) throw core::InputError(page_where_ + ": negative value count");
    if (h.num_values > rows_left_in_chunk_) {
      throw core::InputError(page_where_ + ": page holds " + std::to_string(h.num_values) + " values but only " +
                             std::to_string(rows_left_in_chunk_) + " rows of the row group remain");
    }
    const bool v2 = h.type == kDataPageV2;
    PageParts parts = SplitPage(h, body);
    // A v2 page may leave out the levels of a column without nulls.
    has_levels_ = info_.optional && !(v2 && h.def_levels_length == 0 && h.num_nulls == 0);
    if (has_levels_) StartDefinitionLevels(h, parts);
    StartValues(h, parts.data, parts.end);
    page_rows_left_ = static_cast<uint64_t>(h.num_values);
    rows_left_in_chunk_ -= h.num_values;
    return page_rows_left_ > 0;
  }

  // A data page's definition levels (v2: apart from the values) and values.
  struct PageParts {
    Bytes data = nullptr;
    Bytes end = nullptr;
    Bytes levels = nullptr;
    Bytes levels_end = nullptr;
  };

  PageParts SplitPage(const PageHeader& h, Bytes body) {
    const auto compressed = static_cast<size_t>(h.compressed_size);
    PageParts parts;
    if (h.type == kDataPageV2) {
      // v2: repetition then definition levels, never compressed, then the values.
      if (h.def_levels_length < 0 || h.rep_levels_length < 0 ||
          static_cast<uint64_t>(h.def_levels_length) + static_cast<uint64_t>(h.rep_levels_length) > compressed ||
          static_cast<int64_t>(h.def_levels_length) + h.rep_levels_length > h.uncompressed_size) {
        throw core::InputError(page_where_ + ": level lengths (" + std::to_string(h.rep_levels_length) + " + " +
                               std::to_string(h.def_levels_length) + " bytes) do not fit the page");
      }
      size_t level_bytes = static_cast<size_t>(h.def_levels_length) + static_cast<size_t>(h.rep_levels_length);
      parts.levels = body + h.rep_levels_length;
      parts.levels_end = parts.levels + h.def_levels_length;
      std::tie(parts.data, parts.end) =
          PageData(body + level_bytes, compressed - level_bytes,
                   static_cast<int64_t>(h.uncompressed_size) - static_cast<int64_t>(level_bytes), h.is_compressed);
    } else {
      std::tie(parts.data, parts.end) = PageData(body, compressed, h.uncompressed_size, true);
    }
    return parts;
  }

  // Sets def_levels_ up; v1 levels are taken from the front of parts.data.
  void StartDefinitionLevels(const PageHeader& h, PageParts& parts) {
    Bytes& data = parts.data;
    const Bytes end = parts.end;
    if (h.type == kDataPageV2) {
      def_levels_ = RleDecoder(parts.levels, parts.levels_end, 1, &page_where_);
    } else if (h.def_level_encoding == kRle) {
      if (end - data < 4) throw core::InputError(page_where_ + ": definition levels missing");
      uint32_t length = LoadLe32(data);
      data += 4;
      if (length > static_cast<uint64_t>(end - data)) {
        throw core::InputError(page_where_ + ": definition levels of " + std::to_string(length) + " bytes but only " +
                               std::to_string(end - data) + " bytes remain");
      }
      def_levels_ = RleDecoder(data, data + length, 1, &page_where_);
      data += length;
    } else if (h.def_level_encoding == kBitPacked) {
      data += StartBitPackedLevels(h, data, end);
    } else {
      throw core::InputError(page_where_ + ": definition levels encoded as " + EncodingName(h.def_level_encoding) +
                             " (expected RLE)");
    }
  }

  // Deprecated BIT_PACKED levels: width 1, MSB first. Rewritten as one
  // bit-packed run of the hybrid encoding (LSB first) for RleDecoder.
  // Returns the bytes they take.
  uint64_t StartBitPackedLevels(const PageHeader& h, Bytes data, Bytes end) {
    uint64_t length = (static_cast<uint64_t>(h.num_values) + 7) / 8;
    if (length > static_cast<uint64_t>(end - data)) {
      throw core::InputError(page_where_ + ": BIT_PACKED definition levels run past the end of the page");
    }
    bit_packed_run_.clear();
    for (uint64_t header = (length << 1) | 1; header != 0;) {
      auto low = static_cast<uint8_t>(header & 0x7f);
      header >>= 7;
      bit_packed_run_.push_back(static_cast<uint8_t>(low | (header != 0 ? 0x80 : 0)));
    }
    for (uint64_t i = 0; i < length; ++i) {
      uint8_t reversed = 0;
      for (int b = 0; b < 8; ++b) reversed |= static_cast<uint8_t>(((data[i] >> b) & 1) << (7 - b));
      bit_packed_run_.push_back(reversed);
    }
    def_levels_ = RleDecoder(bit_packed_run_.data(), bit_packed_run_.data() + bit_packed_run_.size(), 1, &page_where_);
    return length;
  }

  // Sets the value decoder (values_, or dict_indices_) of the page's encoding up.
  void StartValues(const PageHeader& h, Bytes data, Bytes end) {
    dictionary_encoded_ = false;
    values_.reset();
    const int32_t physical = info_.physical;
    auto bad_encoding = [&]() {
      throw core::InputError(page_where_ + ": encoding " + EncodingName(h.encoding) + " is not valid for " +
                             PhysicalTypeName(physical) + " values");
    };
    switch (h.encoding) {
      case kPlain:
        values_ = std::make_unique<PlainDecoder>(physical, info_.type_length, data, end, &page_where_);
        break;
      case kPlainDictionary:
      case kRleDictionary: {
        if (!has_dictionary_) throw core::InputError(page_where_ + ": dictionary-encoded page but no dictionary page");
        dictionary_encoded_ = true;
        // The index bit width (an all-null page may omit it: then no index is read).
        int bit_width = data < end ? *data++ : 0;
        if (bit_width > 32) {
          throw core::InputError(page_where_ + ": dictionary index bit width " + std::to_string(bit_width));
        }
        dict_indices_ = RleDecoder(data, end, bit_width, &page_where_);
        break;
      }
      case kRle:
        if (physical != kBoolean) bad_encoding();
        values_ = std::make_unique<RleBooleanDecoder>(data, end, &page_where_);
        break;
      case kDeltaBinaryPacked:
        if (physical != kInt32 && physical != kInt64) bad_encoding();
        values_ = std::make_unique<DeltaIntDecoder>(physical, data, end, &page_where_);
        break;
      case kDeltaLengthByteArray:
        if (physical != kByteArray) bad_encoding();
        values_ = std::make_unique<DeltaLengthDecoder>(data, end, &page_where_);
        break;
      case kDeltaByteArray:
        if (physical != kByteArray && physical != kFixedLenByteArray) bad_encoding();
        values_ = std::make_unique<DeltaByteArrayDecoder>(data, end, &page_where_);
        break;
      case kByteStreamSplit: {
        size_t width = physical == kFloat || physical == kInt32    ? 4
                       : physical == kDouble || physical == kInt64 ? 8
                       : physical == kFixedLenByteArray            ? static_cast<size_t>(info_.type_length)
                                                                   : 0;
        if (width == 0) bad_encoding();
        values_ = std::make_unique<ByteStreamSplitDecoder>(physical, width, data, end, &page_where_);
        break;
      }
      default:
        throw core::InputError(page_where_ + ": unsupported encoding " + EncodingName(h.encoding));
    }
  }

  Bytes FileStart() const { return reinterpret_cast<Bytes>(file_->bytes().data()); }

  std::shared_ptr<const FileBuffer> file_;
  const ColumnInfo& info_;
  int32_t codec_;
  Bytes pos_;
  Bytes end_;
  int64_t rows_left_in_chunk_;  // rows not yet assigned to a page
  std::string where_;
  std::string page_where_;

  // Dictionary.
  bool has_dictionary_ = false;
  std::vector<double> dict_numbers_;
  std::vector<std::string_view> dict_strings_;
  std::shared_ptr<const void> dict_owner_;

  // Current data page.
  uint64_t page_rows_left_ = 0;
  std::shared_ptr<const void> page_owner_;  // decompressed bytes; null: the file
  bool has_levels_ = false;
  RleDecoder def_levels_;
  bool dictionary_encoded_ = false;
  RleDecoder dict_indices_;
  std::unique_ptr<ValueDecoder> values_;
  std::vector<uint8_t> bit_packed_run_;

  // Scratch.
  std::vector<uint32_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<int64_t> ints_;
  std::vector<std::string_view> views_;
};

// ---------------------------------------------------------------------------
// The reader.

class ParquetReader : public SequentialReader {
 public:
  ParquetReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : file_(std::move(file)), max_batch_rows_(std::max<size_t>(1, options.max_batch_rows)) {
    ReadFooter();
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return file_->name(); }
  uint64_t bytes_total() const override { return file_->bytes().size(); }
  uint64_t bytes_consumed() const override { return bytes_consumed_; }

  void SetProjection(const std::vector<int>& column_indices) override {
    if (next_group_ > 0) throw core::InternalError("SetProjection after reading started");
    for (int index : column_indices) {
      if (index < 0 || static_cast<size_t>(index) >= columns_.size()) {
        throw core::InternalError("projection index " + std::to_string(index) + " out of range");
      }
    }
    SequentialReader::SetProjection(column_indices);
  }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    while (rows_left_in_group_ == 0) {
      if (next_group_ >= meta_.row_groups.size()) return false;
      StartRowGroup(next_group_++);
    }
    size_t n = static_cast<size_t>(std::min<uint64_t>(rows_left_in_group_, max_batch_rows_));
    BatchOwners owners;
    owners.Add(file_);
    for (size_t i = 0; i < chunk_readers_.size(); ++i) chunk_readers_[i]->Read(n, batch.columns[i], batch, owners);
    batch.num_rows = n;
    batch.first_row = next_row_;
    next_row_ += n;
    rows_left_in_group_ -= n;
    if (owners.items.size() == 1) {
      batch.keep_alive = file_;
    } else {
      batch.keep_alive = std::make_shared<BatchOwners>(std::move(owners));
    }
    if (group_rows_ > 0) {
      bytes_consumed_ =
          group_start_bytes_ + static_cast<uint64_t>(static_cast<double>(group_bytes_) *
                                                     static_cast<double>(group_rows_ - rows_left_in_group_) /
                                                     static_cast<double>(group_rows_));
    }
    return true;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const { throw core::InputError(file_->name() + ": " + what); }

  void ReadFooter() {
    std::string_view bytes = file_->bytes();
    if (bytes.size() < 12) Fail("not a Parquet file (only " + std::to_string(bytes.size()) + " bytes)");
    std::string_view tail_magic = bytes.substr(bytes.size() - 4);
    if (tail_magic == "PARE") Fail("encrypted Parquet files are not supported");
    if (bytes.substr(0, 4) != "PAR1" || tail_magic != "PAR1") {
      Fail("not a Parquet file (no PAR1 magic at its start and end; truncated?)");
    }
    uint32_t footer_length = LoadLe32(reinterpret_cast<Bytes>(bytes.data() + bytes.size() - 8));
    if (footer_length > bytes.size() - 12) {
      Fail("footer length " + std::to_string(footer_length) + " is larger than the file (" +
           std::to_string(bytes.size()) + " bytes)");
    }
    footer_start_ = bytes.size() - 8 - footer_length;
    CompactDecoder decoder(bytes.substr(footer_start_, footer_length), file_->name() + ": footer", footer_start_);
    meta_ = ReadFileMeta(decoder);
    ResolveSchema();
    CheckRowGroups();
  }

  void ResolveSchema() {
    const auto& schema = meta_.schema;
    const SchemaElement& root = schema[0];
    if (root.num_children < 0 || static_cast<size_t>(root.num_children) != schema.size() - 1) {
      // Either nested (groups inside) or inconsistent; find a group to name.
      for (size_t i = 1; i < schema.size(); ++i) {
        if (schema[i].num_children > 0 || !schema[i].type) {
          Fail("column '" + schema[i].name +
               "' is a nested group (struct, list or map); only flat tables are supported");
        }
      }
      Fail("schema root claims " + std::to_string(root.num_children) + " columns but " +
           std::to_string(schema.size() - 1) + " are listed");
    }
    if (schema.size() == 1) Fail("schema has no columns");
    for (size_t i = 1; i < schema.size(); ++i) {
      const SchemaElement& e = schema[i];
      if (e.num_children > 0 || !e.type) {
        Fail("column '" + e.name + "' is a nested group (struct, list or map); only flat tables are supported");
      }
      if (e.repetition && *e.repetition == kRepeated) {
        Fail("column '" + e.name + "' is a repeated field (a list); only flat tables are supported");
      }
      ColumnInfo info;
      info.name = e.name;
      info.physical = *e.type;
      if (info.physical < kBoolean || info.physical > kFixedLenByteArray) {
        Fail("column '" + e.name + "' has an unknown physical type " + std::to_string(info.physical));
      }
      info.type_length = e.type_length;
      if (info.physical == kFixedLenByteArray && (e.type_length <= 0 || e.type_length > kMaxFixedLength)) {
        Fail("column '" + e.name + "' is FIXED_LEN_BYTE_ARRAY of bad length " + std::to_string(e.type_length));
      }
      if (!e.repetition) Fail("column '" + e.name + "' has no repetition type (required/optional)");
      info.optional = *e.repetition == kOptional;
      std::string problem = ResolveConversion(e, info);
      if (!problem.empty()) Fail("column '" + e.name + "' " + problem);
      columns_.push_back(info);
      // pandas writes an unnamed index as __index_level_N__: expose it unnamed.
      bool pandas_index = e.name.starts_with("__index_level_") && e.name.ends_with("__");
      schema_.names.push_back(pandas_index ? std::string() : e.name);
    }
  }

  void CheckRowGroups() {
    for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
      const RowGroupMeta& rg = meta_.row_groups[g];
      std::string where = "row group " + std::to_string(g);
      if (rg.num_rows < 0) Fail(where + " has no valid row count");
      if (rg.columns.size() != columns_.size()) {
        Fail(where + " has " + std::to_string(rg.columns.size()) + " column chunks but the schema has " +
             std::to_string(columns_.size()) + " columns");
      }
      for (size_t c = 0; c < columns_.size(); ++c) {
        const ColumnChunkMeta& chunk = rg.columns[c];
        std::string at = where + ", column '" + columns_[c].name + "'";
        if (!chunk.file_path.empty()) Fail(at + ": data in another file ('" + chunk.file_path + "') is not supported");
        if (!chunk.has_meta) Fail(at + ": column chunk has no metadata");
        if (chunk.type != columns_[c].physical) {
          Fail(at + ": column chunk type " + PhysicalTypeName(chunk.type) + " differs from the schema's " +
               PhysicalTypeName(columns_[c].physical));
        }
        if (chunk.codec != kUncompressed && chunk.codec != kSnappy && chunk.codec != kGzip && chunk.codec != kZstd &&
            chunk.codec != kLz4 && chunk.codec != kLz4Raw) {
          Fail(at + ": compression " + CodecName(chunk.codec) + " is not supported");
        }
        if (rg.num_rows == 0) continue;
        auto [begin, size] = ChunkRange(chunk);
        if (begin < 4 || size <= 0 || static_cast<uint64_t>(begin) > footer_start_ ||
            static_cast<uint64_t>(size) > footer_start_ - static_cast<uint64_t>(begin)) {
          Fail(at + ": column chunk at offset " + std::to_string(begin) + " of " + std::to_string(size) +
               " bytes lies outside the file's data (4.." + std::to_string(footer_start_) + ")");
        }
      }
    }
  }

  static std::pair<int64_t, int64_t> ChunkRange(const ColumnChunkMeta& chunk) {
    int64_t begin = chunk.data_page_offset;
    if (chunk.dictionary_page_offset && *chunk.dictionary_page_offset > 0 && *chunk.dictionary_page_offset < begin) {
      begin = *chunk.dictionary_page_offset;
    }
    return {begin, chunk.total_compressed_size};
  }

  void StartRowGroup(size_t g) {
    const RowGroupMeta& rg = meta_.row_groups[g];
    bytes_consumed_ = group_start_bytes_ + group_bytes_;
    group_start_bytes_ = bytes_consumed_;
    group_bytes_ = 0;
    for (const auto& chunk : rg.columns)
      group_bytes_ += static_cast<uint64_t>(std::max<int64_t>(0, chunk.total_compressed_size));
    group_rows_ = static_cast<uint64_t>(rg.num_rows);
    rows_left_in_group_ = group_rows_;
    chunk_readers_.clear();
    if (rg.num_rows == 0) return;
    Bytes file_start = reinterpret_cast<Bytes>(file_->bytes().data());
    for (int column_index : projection()) {
      const ColumnChunkMeta& chunk = rg.columns[static_cast<size_t>(column_index)];
      auto [begin, size] = ChunkRange(chunk);
      const ColumnInfo& info = columns_[static_cast<size_t>(column_index)];
      chunk_readers_.push_back(std::make_unique<ColumnChunkReader>(
          file_, info, chunk.codec, file_start + begin, file_start + begin + size, rg.num_rows,
          file_->name() + ": row group " + std::to_string(g) + ", column '" + info.name + "'"));
    }
  }

  std::shared_ptr<const FileBuffer> file_;
  size_t max_batch_rows_;
  Schema schema_;
  FileMeta meta_;
  std::vector<ColumnInfo> columns_;
  uint64_t footer_start_ = 0;

  size_t next_group_ = 0;
  uint64_t rows_left_in_group_ = 0;
  uint64_t next_row_ = 0;
  std::vector<std::unique_ptr<ColumnChunkReader>> chunk_readers_;

  uint64_t group_start_bytes_ = 0;
  uint64_t group_bytes_ = 0;
  uint64_t group_rows_ = 0;
  uint64_t bytes_consumed_ = 0;
};

}  // namespace

std::unique_ptr<Reader> OpenParquetReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  return std::make_unique<ParquetReader>(std::move(file), options);
}

}  // namespace botrecon::io
