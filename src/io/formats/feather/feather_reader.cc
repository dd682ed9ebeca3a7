// Feather v2 = the Arrow IPC file format ("ARROW1" magic, footer with the
// schema and the record-batch blocks), plus the IPC stream format (no footer).
// Format references: arrow.apache.org/docs/format/Columnar.html (IPC section)
// and the Arrow flatbuffers schemas (Schema.fbs, Message.fbs, File.fbs), read
// here through the bounds-checked accessors of io/flatbuf.h.
//
// One record batch is loaded at a time (only the projected columns; their
// compressed buffers are decompressed into memory that the output batches
// keep alive) and handed out in slices of at most max_batch_rows rows.
// Strings point into the mapped file (uncompressed bodies), into the
// decompressed buffers, or into the dictionaries (dictionary-encoded columns).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/bytes.h"
#include "io/codec/decompressor.h"
#include "io/formats.h"
#include "io/formats/feather/flatbuf.h"

namespace botrecon::io {
namespace {

using flatbuf::FormatError;
using flatbuf::Table;

constexpr std::string_view kFileMagic = "ARROW1";
constexpr std::string_view kFeatherV1Magic = "FEA1";
constexpr uint32_t kContinuation = 0xFFFFFFFFu;
// Nesting depth and total number of fields visited when walking a schema (a
// hostile schema can share child tables and make the tree exponential).
constexpr int kMaxDepth = 64;
constexpr int kMaxFieldVisits = 1 << 16;
// Metadata versions (Schema.fbs MetadataVersion): V4 = Arrow 0.8 .. 0.17, V5 = 1.0+.
constexpr int16_t kMetadataV4 = 3;
constexpr int16_t kMetadataV5 = 4;
// Message header union (Message.fbs MessageHeader).
constexpr uint8_t kHeaderSchema = 1;
constexpr uint8_t kHeaderDictionaryBatch = 2;
constexpr uint8_t kHeaderRecordBatch = 3;

// Type union of Schema.fbs.
enum TypeId : uint8_t {
  kTypeNone = 0,
  kTypeNull = 1,
  kTypeInt = 2,
  kTypeFloatingPoint = 3,
  kTypeBinary = 4,
  kTypeUtf8 = 5,
  kTypeBool = 6,
  kTypeDecimal = 7,
  kTypeDate = 8,
  kTypeTime = 9,
  kTypeTimestamp = 10,
  kTypeInterval = 11,
  kTypeList = 12,
  kTypeStruct = 13,
  kTypeUnion = 14,
  kTypeFixedSizeBinary = 15,
  kTypeFixedSizeList = 16,
  kTypeMap = 17,
  kTypeDuration = 18,
  kTypeLargeBinary = 19,
  kTypeLargeUtf8 = 20,
  kTypeLargeList = 21,
  kTypeRunEndEncoded = 22,
  kTypeBinaryView = 23,
  kTypeUtf8View = 24,
  kTypeListView = 25,
  kTypeLargeListView = 26,
};

const char* TypeName(uint8_t type) {
  static constexpr const char* kNames[] = {"NONE",          "Null",      "Int",           "FloatingPoint",
                                           "Binary",        "Utf8",      "Bool",          "Decimal",
                                           "Date",          "Time",      "Timestamp",     "Interval",
                                           "List",          "Struct",    "Union",         "FixedSizeBinary",
                                           "FixedSizeList", "Map",       "Duration",      "LargeBinary",
                                           "LargeUtf8",     "LargeList", "RunEndEncoded", "BinaryView",
                                           "Utf8View",      "ListView",  "LargeListView"};
  return type < std::size(kNames) ? kNames[type] : "unknown";
}

// How the values of a column we can decode are stored.
enum class Physical {
  kUnsupported,
  kNull,      // no buffers: every value missing
  kSigned,    // little-endian two's complement, `width` bytes
  kUnsigned,  // `width` bytes
  kFloat16,
  kFloat32,
  kFloat64,
  kDecimal,      // `width` bytes, divided by 10^scale
  kBool,         // bit-packed
  kString32,     // int32 offsets + data
  kString64,     // int64 offsets + data
  kFixedBinary,  // `width` bytes per value, as a string
};

struct ValueType {
  Physical physical = Physical::kUnsupported;
  int width = 0;
  int scale = 0;
  std::string name;  // for messages: "Int64", "List", ...

  bool is_string() const {
    return physical == Physical::kString32 || physical == Physical::kString64 || physical == Physical::kFixedBinary;
  }
  int num_buffers() const {
    switch (physical) {
      case Physical::kNull:
        return 0;
      case Physical::kString32:
      case Physical::kString64:
        return 3;
      default:
        return 2;
    }
  }
};

// The nodes and buffers a top-level field occupies in a record batch.
struct FieldLayout {
  int64_t nodes = 0;
  int64_t buffers = 0;
  int64_t variadic = 0;  // view-type fields, each with a variadicBufferCounts entry
};

struct ColumnInfo {
  std::string name;
  ValueType value;  // the column's values (for dictionaries: the dictionary's)
  FieldLayout layout;
  bool dictionary = false;
  int64_t dictionary_id = 0;
  ValueType index;  // dictionary index type
};

ValueType IntType(int bit_width, bool is_signed) {
  ValueType t;
  if (bit_width != 8 && bit_width != 16 && bit_width != 32 && bit_width != 64) {
    throw FormatError("integer type with a bit width of " + std::to_string(bit_width));
  }
  t.physical = is_signed ? Physical::kSigned : Physical::kUnsigned;
  t.width = bit_width / 8;
  t.name = std::string(is_signed ? "Int" : "UInt") + std::to_string(bit_width);
  return t;
}

// The decodable value type of a field's Type union (kUnsupported otherwise).
ValueType ParseValueType(const Table& field) {
  uint8_t type_id = field.Scalar<uint8_t>(2, kTypeNone);
  Table type = field.SubTable(3);
  ValueType t;
  t.name = TypeName(type_id);
  auto sub = [&](int id, auto default_value) {
    return type.valid() ? type.Scalar<decltype(default_value)>(id, default_value) : default_value;
  };
  switch (type_id) {
    case kTypeNull:
      t.physical = Physical::kNull;
      break;
    case kTypeInt:
      return IntType(sub(0, int32_t{0}), sub(1, uint8_t{0}) != 0);
    case kTypeFloatingPoint: {
      int16_t precision = sub(0, int16_t{0});
      static constexpr Physical kFloats[] = {Physical::kFloat16, Physical::kFloat32, Physical::kFloat64};
      static constexpr const char* kFloatNames[] = {"Float16", "Float32", "Float64"};
      if (precision < 0 || precision > 2) throw FormatError("floating-point precision " + std::to_string(precision));
      t.physical = kFloats[precision];
      t.width = 2 << precision;
      t.name = kFloatNames[precision];
      break;
    }
    case kTypeBinary:
    case kTypeUtf8:
      t.physical = Physical::kString32;
      break;
    case kTypeLargeBinary:
    case kTypeLargeUtf8:
      t.physical = Physical::kString64;
      break;
    case kTypeBool:
      t.physical = Physical::kBool;
      break;
    case kTypeDecimal: {
      int32_t bit_width = sub(2, int32_t{128});
      if (bit_width == 32 || bit_width == 64 || bit_width == 128) {
        t.physical = Physical::kDecimal;
        t.width = bit_width / 8;
        t.scale = sub(1, int32_t{0});
        if (t.scale < -400 || t.scale > 400) throw FormatError("decimal scale " + std::to_string(t.scale));
      }
      t.name = "Decimal" + std::to_string(bit_width);
      break;
    }
    case kTypeDate:  // DAY = 32-bit days, MILLISECOND (the default) = 64-bit ms
      t.physical = Physical::kSigned;
      t.width = sub(0, int16_t{1}) == 0 ? 4 : 8;
      t.name = t.width == 4 ? "Date32" : "Date64";
      break;
    case kTypeTime: {
      int32_t bit_width = sub(1, int32_t{32});
      if (bit_width != 32 && bit_width != 64)
        throw FormatError("time type with a bit width of " + std::to_string(bit_width));
      t.physical = Physical::kSigned;
      t.width = bit_width / 8;
      break;
    }
    case kTypeTimestamp:
    case kTypeDuration:
      t.physical = Physical::kSigned;
      t.width = 8;
      break;
    case kTypeFixedSizeBinary: {
      int32_t width = sub(0, int32_t{0});
      if (width < 0) throw FormatError("fixed-size binary width " + std::to_string(width));
      t.physical = Physical::kFixedBinary;
      t.width = width;
      break;
    }
    default:
      break;  // nested, union, interval, views, run-end encoded: not decoded
  }
  return t;
}

// Nodes and buffers of `field` and its children in a record batch (the
// pre-order flattening of the Columnar format's IPC section).
FieldLayout CountLayout(const Table& field, int depth, int16_t version, int& visits) {
  if (depth > kMaxDepth) throw FormatError("fields are nested more than " + std::to_string(kMaxDepth) + " levels deep");
  if (++visits > kMaxFieldVisits)
    throw FormatError("the schema has more than " + std::to_string(kMaxFieldVisits) + " fields");
  FieldLayout layout{1, 0, 0};
  if (field.SubTable(4).valid()) {  // dictionary-encoded: only the indices are in the batch
    layout.buffers = 2;
    return layout;
  }
  uint8_t type_id = field.Scalar<uint8_t>(2, kTypeNone);
  bool nested = false;
  switch (type_id) {
    case kTypeNull:
      break;
    case kTypeInt:
    case kTypeFloatingPoint:
    case kTypeBool:
    case kTypeDecimal:
    case kTypeDate:
    case kTypeTime:
    case kTypeTimestamp:
    case kTypeInterval:
    case kTypeFixedSizeBinary:
    case kTypeDuration:
      layout.buffers = 2;
      break;
    case kTypeBinary:
    case kTypeUtf8:
    case kTypeLargeBinary:
    case kTypeLargeUtf8:
      layout.buffers = 3;
      break;
    case kTypeBinaryView:
    case kTypeUtf8View:
      layout.buffers = 2;
      layout.variadic = 1;
      break;
    case kTypeList:
    case kTypeLargeList:
    case kTypeMap:
      layout.buffers = 2;
      nested = true;
      break;
    case kTypeListView:
    case kTypeLargeListView:
      layout.buffers = 3;
      nested = true;
      break;
    case kTypeFixedSizeList:
    case kTypeStruct:
      layout.buffers = 1;
      nested = true;
      break;
    case kTypeRunEndEncoded:
      nested = true;
      break;
    case kTypeUnion: {
      Table type = field.SubTable(3);
      int16_t mode = type.valid() ? type.Scalar<int16_t>(0, 0) : 0;
      layout.buffers = (mode == 1 ? 2 : 1) + (version < kMetadataV5 ? 1 : 0);
      nested = true;
      break;
    }
    default:
      throw FormatError("unknown Arrow type id " + std::to_string(type_id));
  }
  if (nested) {
    flatbuf::Vector children = field.VectorOf(5, 4);
    for (uint32_t i = 0; i < children.size(); ++i) {
      FieldLayout child = CountLayout(Table::TableAt(children, i), depth + 1, version, visits);
      layout.nodes += child.nodes;
      layout.buffers += child.buffers;
      layout.variadic += child.variadic;
    }
  }
  return layout;
}

struct BufferRef {
  int64_t offset = 0;
  int64_t length = 0;
};

struct NodeRef {
  int64_t length = 0;
  int64_t null_count = 0;
};

enum class Codec { kNone, kLz4Frame, kZstd };

// The metadata of a RecordBatch table (also the data of a DictionaryBatch).
struct BatchMeta {
  int64_t length = 0;
  std::vector<NodeRef> nodes;
  std::vector<BufferRef> buffers;
  std::vector<int64_t> variadic_counts;
  Codec codec = Codec::kNone;
};

BatchMeta ParseBatchMeta(const Table& batch) {
  if (!batch.valid()) throw FormatError("record batch metadata is missing");
  BatchMeta meta;
  meta.length = batch.Scalar<int64_t>(0, 0);
  if (meta.length < 0) throw FormatError("negative record batch length " + std::to_string(meta.length));
  flatbuf::Vector nodes = batch.VectorOf(1, 16);
  meta.nodes.resize(nodes.size());
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    uint64_t pos = nodes.ElementPos(i, 16);
    meta.nodes[i].length = flatbuf::Load<int64_t>(nodes.bytes(), pos);
    meta.nodes[i].null_count = flatbuf::Load<int64_t>(nodes.bytes(), pos + 8);
  }
  flatbuf::Vector buffers = batch.VectorOf(2, 16);
  meta.buffers.resize(buffers.size());
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    uint64_t pos = buffers.ElementPos(i, 16);
    meta.buffers[i].offset = flatbuf::Load<int64_t>(buffers.bytes(), pos);
    meta.buffers[i].length = flatbuf::Load<int64_t>(buffers.bytes(), pos + 8);
  }
  Table compression = batch.SubTable(3);
  if (compression.valid()) {
    int8_t codec = compression.Scalar<int8_t>(0, 0);
    int8_t method = compression.Scalar<int8_t>(1, 0);
    if (method != 0) throw FormatError("unknown body compression method " + std::to_string(method));
    if (codec == 0) {
      meta.codec = Codec::kLz4Frame;
    } else if (codec == 1) {
      meta.codec = Codec::kZstd;
    } else {
      throw FormatError("unknown compression codec " + std::to_string(codec));
    }
  }
  flatbuf::Vector variadic = batch.VectorOf(4, 8);
  meta.variadic_counts.resize(variadic.size());
  for (uint32_t i = 0; i < variadic.size(); ++i) meta.variadic_counts[i] = variadic.Scalar<int64_t>(i);
  return meta;
}

// Decompresses whole LZ4 frames / zstd frames (io/codec), growing the output
// as bytes actually come out (a claimed size is never allocated up front).
class Decompressor {
 public:
  // `src` must decompress to exactly `size` bytes.
  std::string Run(Codec codec, std::string_view src, uint64_t size) {
    std::unique_ptr<codec::Decompressor>& decompressor = codec == Codec::kLz4Frame ? lz4_ : zstd_;
    if (decompressor == nullptr) {
      decompressor = codec::MakeDecompressor(codec == Codec::kLz4Frame ? codec::Codec::kLz4Frame : codec::Codec::kZstd);
    }
    std::string out;
    codec::DecompressResult result = decompressor->DecompressGrowing(src, size, out);
    using Status = codec::DecompressResult::Status;
    switch (result.status) {
      case Status::kOk:
        break;
      case Status::kCorrupt:
        throw FormatError((codec == Codec::kLz4Frame ? "LZ4 frame: " : "zstd: ") + result.detail);
      case Status::kOverflow:
        throw FormatError("buffer decompresses to more than the " + std::to_string(size) + " bytes it claims");
      case Status::kTruncated:
        throw FormatError("compressed buffer is truncated");
      case Status::kDamaged:
        throw FormatError("compressed buffer is damaged");
    }
    if (result.produced != size) {
      throw FormatError("buffer decompresses to " + std::to_string(result.produced) + " bytes but claims " +
                        std::to_string(size));
    }
    return out;
  }

 private:
  std::unique_ptr<codec::Decompressor> lz4_;
  std::unique_ptr<codec::Decompressor> zstd_;
};

// Decoded dictionary values of one dictionary id.
struct Dictionary {
  bool is_string = false;
  std::vector<std::string_view> strings;
  std::vector<double> numbers;
  std::vector<std::shared_ptr<const void>> owners;  // memory the string views point into

  size_t size() const { return is_string ? strings.size() : numbers.size(); }
};

// Memory that the strings of a loaded record batch point into.
struct BatchMemory {
  std::shared_ptr<const FileBuffer> file;
  std::deque<std::string> decompressed;
  std::vector<std::shared_ptr<const Dictionary>> dictionaries;
};

// The buffers of one column of a loaded record batch.
struct LoadedColumn {
  int64_t length = 0;
  int64_t null_count = 0;
  std::string_view validity;  // empty when there are no nulls
  std::string_view values;    // fixed-width values, bits or dictionary indices
  std::string_view offsets;   // variable-width columns
  std::string_view data;

  bool IsValid(int64_t row) const {
    return validity.empty() || ((static_cast<uint8_t>(validity[static_cast<size_t>(row >> 3)]) >> (row & 7)) & 1) != 0;
  }
};

template <typename T>
T LoadAt(std::string_view bytes, int64_t index) {
  T value;
  std::memcpy(&value, bytes.data() + static_cast<size_t>(index) * sizeof(T), sizeof(T));
  return value;
}

double DecimalToDouble(std::string_view bytes, int64_t index, int width, int scale) {
  double value = 0;
  const char* p = bytes.data() + static_cast<size_t>(index) * width;
  if (width == 4) {
    int32_t v;
    std::memcpy(&v, p, 4);
    value = v;
  } else if (width == 8) {
    int64_t v;
    std::memcpy(&v, p, 8);
    value = static_cast<double>(v);
  } else {
    __extension__ typedef __int128 Int128;  // GCC/Clang; rounds once, unlike high * 2^64 + low
    Int128 v;
    std::memcpy(&v, p, 16);
    value = static_cast<double>(v);
  }
  return scale == 0 ? value : value / std::pow(10.0, scale);
}

// Calls out[i] = get(begin + i) for valid rows, NaN for null rows.
template <typename Get>
void FillNumbers(const LoadedColumn& column, int64_t begin, size_t rows, double* out, Get get) {
  if (column.validity.empty()) {
    for (size_t i = 0; i < rows; ++i) out[i] = get(begin + static_cast<int64_t>(i));
    return;
  }
  for (size_t i = 0; i < rows; ++i) {
    int64_t row = begin + static_cast<int64_t>(i);
    out[i] = column.IsValid(row) ? get(row) : std::numeric_limits<double>::quiet_NaN();
  }
}

template <typename T>
void FillFixed(const LoadedColumn& column, int64_t begin, size_t rows, double* out) {
  FillNumbers(column, begin, rows, out,
              [&](int64_t row) { return static_cast<double>(LoadAt<T>(column.values, row)); });
}

// Rows [begin, begin + rows) of a numeric column as doubles.
void DecodeNumbers(const LoadedColumn& column, const ValueType& type, int64_t begin, size_t rows, double* out) {
  switch (type.physical) {
    case Physical::kSigned:
      switch (type.width) {
        case 1:
          return FillFixed<int8_t>(column, begin, rows, out);
        case 2:
          return FillFixed<int16_t>(column, begin, rows, out);
        case 4:
          return FillFixed<int32_t>(column, begin, rows, out);
        default:
          return FillFixed<int64_t>(column, begin, rows, out);
      }
    case Physical::kUnsigned:
      switch (type.width) {
        case 1:
          return FillFixed<uint8_t>(column, begin, rows, out);
        case 2:
          return FillFixed<uint16_t>(column, begin, rows, out);
        case 4:
          return FillFixed<uint32_t>(column, begin, rows, out);
        default:
          return FillFixed<uint64_t>(column, begin, rows, out);
      }
    case Physical::kFloat16:
      return FillNumbers(column, begin, rows, out,
                         [&](int64_t row) { return HalfToDouble(LoadAt<uint16_t>(column.values, row)); });
    case Physical::kFloat32:
      return FillFixed<float>(column, begin, rows, out);
    case Physical::kFloat64:
      return FillFixed<double>(column, begin, rows, out);
    case Physical::kDecimal:
      return FillNumbers(column, begin, rows, out,
                         [&](int64_t row) { return DecimalToDouble(column.values, row, type.width, type.scale); });
    case Physical::kBool:
      return FillNumbers(column, begin, rows, out, [&](int64_t row) {
        return static_cast<double>((static_cast<uint8_t>(column.values[static_cast<size_t>(row >> 3)]) >> (row & 7)) &
                                   1);
      });
    default:  // Null
      std::fill(out, out + rows, std::numeric_limits<double>::quiet_NaN());
  }
}

// A fully decodable integer index (dictionary indices), or nullopt when it
// does not fit in int64.
std::optional<int64_t> IndexAt(const LoadedColumn& column, const ValueType& type, int64_t row) {
  if (type.physical == Physical::kSigned) {
    switch (type.width) {
      case 1:
        return LoadAt<int8_t>(column.values, row);
      case 2:
        return LoadAt<int16_t>(column.values, row);
      case 4:
        return LoadAt<int32_t>(column.values, row);
      default:
        return LoadAt<int64_t>(column.values, row);
    }
  }
  switch (type.width) {
    case 1:
      return LoadAt<uint8_t>(column.values, row);
    case 2:
      return LoadAt<uint16_t>(column.values, row);
    case 4:
      return LoadAt<uint32_t>(column.values, row);
    default: {
      uint64_t v = LoadAt<uint64_t>(column.values, row);
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return static_cast<int64_t>(v);
    }
  }
}

struct Message {
  uint64_t offset = 0;  // where its metadata prefix starts in the file
  uint8_t header_type = 0;
  Table header;
  std::string_view body;
  uint64_t body_offset = 0;
  uint64_t end = 0;  // offset just past the body
  int16_t version = 0;
};

class FeatherReader : public SequentialReader {
 public:
  FeatherReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : file_(std::move(file)), bytes_(file_->bytes()), name_(file_->name()), options_(options) {
    if (options_.max_batch_rows == 0) options_.max_batch_rows = 1;
    if (bytes_.substr(0, kFeatherV1Magic.size()) == kFeatherV1Magic) {
      throw core::InputError(name_ +
                             ": this is a Feather v1 file (written by feather-format or pyarrow before 0.17), which is "
                             "not supported; rewrite it as Feather v2, e.g. with pyarrow: "
                             "feather.write_feather(feather.read_table(path), new_path)");
    }
    if (bytes_.substr(0, kFileMagic.size()) == kFileMagic) {
      OpenFile();
    } else if (bytes_.size() >= 4 && flatbuf::Load<uint32_t>(bytes_, 0) == kContinuation) {
      OpenStream();
    } else if (bytes_.empty()) {
      throw core::InputError(name_ + ": the file is empty; expected a Feather (Arrow IPC) file");
    } else {
      throw core::InputError(name_ +
                             ": not a Feather v2 / Arrow IPC file: it starts with neither the magic "
                             "'ARROW1' nor an IPC stream message");
    }
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return name_; }
  uint64_t bytes_consumed() const override { return consumed_; }
  uint64_t bytes_total() const override { return bytes_.size(); }

  void SetProjection(const std::vector<int>& column_indices) override {
    for (int index : column_indices) {
      if (index < 0 || static_cast<size_t>(index) >= columns_.size()) {
        throw core::InternalError("feather reader: projected column " + std::to_string(index) + " does not exist");
      }
      const ColumnInfo& info = columns_[static_cast<size_t>(index)];
      if (info.value.physical == Physical::kUnsupported) {
        throw core::InputError(name_ + ": column '" + info.name + "' has the Arrow type " + info.value.name +
                               (info.dictionary ? " (dictionary-encoded)" : "") +
                               ", which botrecon cannot read (supported: integers, floats, booleans, strings, binary, "
                               "dates, times, timestamps, decimals and their dictionaries)");
      }
    }
    SequentialReader::SetProjection(column_indices);
  }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    while (current_.cursor >= current_.length) {
      if (!LoadNextRecordBatch()) return false;
    }
    const std::vector<int>& projection = this->projection();
    size_t rows = static_cast<size_t>(
        std::min<int64_t>(current_.length - current_.cursor, static_cast<int64_t>(options_.max_batch_rows)));
    batch.num_rows = rows;
    batch.first_row = current_.first_row + static_cast<uint64_t>(current_.cursor);
    for (size_t j = 0; j < projection.size(); ++j) {
      DecodeRows(j, projection[j], current_.cursor, rows, batch.columns[j]);
    }
    batch.keep_alive = current_.memory;
    current_.cursor += static_cast<int64_t>(rows);
    return true;
  }

 private:
  [[noreturn]] void Fail(const std::string& where, const std::string& what) const {
    throw core::InputError(name_ + ": " + where + ": " + what);
  }

  // ---- opening --------------------------------------------------------------

  void OpenFile() {
    constexpr uint64_t kTrailer = 4 + kFileMagic.size();  // footer length + magic
    if (bytes_.size() < 8 + kTrailer || bytes_.substr(bytes_.size() - kFileMagic.size()) != kFileMagic) {
      throw core::InputError(name_ + ": truncated Feather/Arrow IPC file: the trailing 'ARROW1' magic is missing");
    }
    int32_t footer_length = flatbuf::Load<int32_t>(bytes_, bytes_.size() - kTrailer);
    if (footer_length <= 0 || static_cast<uint64_t>(footer_length) > bytes_.size() - kTrailer - 8) {
      Fail("footer", "bad footer length " + std::to_string(footer_length) + " (the file has " +
                         std::to_string(bytes_.size()) + " bytes)");
    }
    uint64_t footer_offset = bytes_.size() - kTrailer - static_cast<uint64_t>(footer_length);
    std::string where = "footer at offset " + std::to_string(footer_offset);
    try {
      Table footer = Table::Root(bytes_.substr(footer_offset, static_cast<size_t>(footer_length)));
      version_ = footer.Scalar<int16_t>(0, 0);
      CheckVersion(version_, where);
      ParseSchema(footer.SubTable(1), where);
      dictionary_blocks_ = ParseBlocks(footer.VectorOf(2, 24), "dictionary");
      batch_blocks_ = ParseBlocks(footer.VectorOf(3, 24), "record batch");
    } catch (const FormatError& e) {
      Fail(where, e.what());
    }
    mode_ = Mode::kFile;
    consumed_ = 8;
  }

  void OpenStream() {
    std::optional<Message> message = ReadMessage(0, std::nullopt, "stream message at offset 0");
    if (!message || message->header_type != kHeaderSchema) {
      Fail("stream message at offset 0", "an Arrow IPC stream must start with a schema message");
    }
    version_ = message->version;
    try {
      ParseSchema(message->header, "schema");
    } catch (const FormatError& e) {
      Fail("schema", e.what());
    }
    mode_ = Mode::kStream;
    stream_pos_ = message->end;
    consumed_ = stream_pos_;
  }

  void CheckVersion(int16_t version, const std::string& where) const {
    if (version < kMetadataV4) {
      Fail(where, "Arrow metadata version V" + std::to_string(version + 1) +
                      " (written by Arrow before 0.8) is not supported");
    }
  }

  struct Block {
    int64_t offset = 0;
    int32_t metadata_length = 0;
    int64_t body_length = 0;
  };

  static std::vector<Block> ParseBlocks(const flatbuf::Vector& vector, const char* what) {
    std::vector<Block> blocks(vector.size());
    for (uint32_t i = 0; i < vector.size(); ++i) {
      uint64_t pos = vector.ElementPos(i, 24);
      blocks[i].offset = flatbuf::Load<int64_t>(vector.bytes(), pos);
      blocks[i].metadata_length = flatbuf::Load<int32_t>(vector.bytes(), pos + 8);
      blocks[i].body_length = flatbuf::Load<int64_t>(vector.bytes(), pos + 16);
      if (blocks[i].offset < 0 || blocks[i].metadata_length < 0 || blocks[i].body_length < 0) {
        throw FormatError(std::string(what) + " block " + std::to_string(i + 1) + " has a negative offset or length");
      }
    }
    return blocks;
  }

  void ParseSchema(const Table& schema, const std::string& where) {
    if (!schema.valid()) throw FormatError("the schema is missing");
    if (schema.Scalar<uint8_t>(0, 0) != 0) {
      Fail(where, "big-endian Arrow data is not supported");
    }
    flatbuf::Vector fields = schema.VectorOf(1, 4);
    int visits = 0;
    columns_.reserve(fields.size());
    for (uint32_t i = 0; i < fields.size(); ++i) {
      Table field = Table::TableAt(fields, i);
      ColumnInfo info;
      info.name = std::string(field.String(0));
      info.layout = CountLayout(field, 0, version_, visits);
      Table encoding = field.SubTable(4);
      if (encoding.valid()) {
        info.dictionary = true;
        info.dictionary_id = encoding.Scalar<int64_t>(0, 0);
        Table index = encoding.SubTable(1);
        info.index = index.valid() ? IntType(index.Scalar<int32_t>(0, 0), index.Bool(1, false)) : IntType(32, true);
        info.value = ParseValueType(field);
        if (info.value.physical == Physical::kNull) info.value.physical = Physical::kUnsupported;
      } else {
        info.value = ParseValueType(field);
      }
      schema_.names.push_back(info.name);
      columns_.push_back(std::move(info));
    }
  }

  // ---- messages -------------------------------------------------------------

  // Reads the encapsulated message at `offset`: continuation marker, metadata
  // length, Message flatbuffer, body. nullopt at an end-of-stream marker.
  // `block_metadata_length` (file format) places the body after that many bytes.
  std::optional<Message> ReadMessage(uint64_t offset, std::optional<int32_t> block_metadata_length,
                                     const std::string& where) {
    if (offset > bytes_.size() || bytes_.size() - offset < 8) {
      Fail(where, "the message header runs past the end of the file (" + std::to_string(bytes_.size()) + " bytes)");
    }
    uint32_t marker = flatbuf::Load<uint32_t>(bytes_, offset);
    if (marker != kContinuation) {
      Fail(where,
           "expected the IPC continuation marker 0xFFFFFFFF (the file is damaged, or was written by Arrow "
           "before 0.15, which is not supported)");
    }
    int32_t length = flatbuf::Load<int32_t>(bytes_, offset + 4);
    if (length == 0) return std::nullopt;
    uint64_t metadata_offset = offset + 8;
    if (length < 0 || static_cast<uint64_t>(length) > bytes_.size() - metadata_offset) {
      Fail(where, "message metadata length " + std::to_string(length) + " runs past the end of the file");
    }
    Message message;
    message.offset = offset;
    message.body_offset = metadata_offset + static_cast<uint64_t>(length);
    if (block_metadata_length) {
      if (int64_t{*block_metadata_length} < int64_t{length} + 8) {
        Fail(where, "the footer's metadata length " + std::to_string(*block_metadata_length) +
                        " is shorter than the message's " + std::to_string(int64_t{length} + 8));
      }
      message.body_offset = offset + static_cast<uint64_t>(*block_metadata_length);
    }
    int64_t body_length = 0;
    try {
      Table root = Table::Root(bytes_.substr(metadata_offset, static_cast<size_t>(length)));
      message.version = root.Scalar<int16_t>(0, 0);
      message.header_type = root.Scalar<uint8_t>(1, 0);
      message.header = root.SubTable(2);
      body_length = root.Scalar<int64_t>(3, 0);
      if (!message.header.valid()) throw FormatError("the message has no header");
    } catch (const FormatError& e) {
      Fail(where, e.what());
    }
    CheckVersion(message.version, where);
    if (body_length < 0 || message.body_offset > bytes_.size() ||
        static_cast<uint64_t>(body_length) > bytes_.size() - message.body_offset) {
      Fail(where, "message body of " + std::to_string(body_length) + " bytes at offset " +
                      std::to_string(message.body_offset) + " runs past the end of the file (" +
                      std::to_string(bytes_.size()) + " bytes)");
    }
    message.body = bytes_.substr(message.body_offset, static_cast<size_t>(body_length));
    message.end = message.body_offset + static_cast<uint64_t>(body_length);
    return message;
  }

  // Applies dictionary batches until the next record batch is loaded; false at the end.
  bool LoadNextRecordBatch() {
    for (;;) {
      if (mode_ == Mode::kFile) {
        if (next_dictionary_block_ < dictionary_blocks_.size()) {
          size_t index = next_dictionary_block_++;
          std::string where = "dictionary batch " + std::to_string(index + 1);
          std::optional<Message> message = ReadBlock(dictionary_blocks_[index], where);
          if (message->header_type != kHeaderDictionaryBatch) Fail(where, "the block is not a dictionary batch");
          ApplyDictionary(*message, where);
          continue;
        }
        if (next_batch_block_ >= batch_blocks_.size()) return false;
        size_t index = next_batch_block_++;
        std::string where = "record batch " + std::to_string(index + 1);
        std::optional<Message> message = ReadBlock(batch_blocks_[index], where);
        if (message->header_type != kHeaderRecordBatch) Fail(where, "the block is not a record batch");
        LoadRecordBatch(*message, where);
        return true;
      }
      // A stream may end without its end marker, or with the 4-byte one of Arrow < 0.15.
      if (stream_pos_ >= bytes_.size() ||
          (bytes_.size() - stream_pos_ == 4 && flatbuf::Load<uint32_t>(bytes_, stream_pos_) == 0)) {
        consumed_ = bytes_.size();
        return false;
      }
      std::string where = "stream message at offset " + std::to_string(stream_pos_);
      std::optional<Message> message = ReadMessage(stream_pos_, std::nullopt, where);
      if (!message) {
        stream_pos_ = bytes_.size();
        consumed_ = stream_pos_;
        return false;
      }
      stream_pos_ = message->end;
      consumed_ = std::max(consumed_, message->end);
      switch (message->header_type) {
        case kHeaderDictionaryBatch:
          ApplyDictionary(*message, where + " (dictionary batch)");
          break;
        case kHeaderRecordBatch:
          LoadRecordBatch(*message, "record batch " + std::to_string(batches_loaded_ + 1) + " (" + where + ")");
          return true;
        case kHeaderSchema:
          Fail(where, "a second schema message in the stream");
        default:
          Fail(where, "unsupported message type " + std::to_string(message->header_type) +
                          " (expected a dictionary or record batch)");
      }
    }
  }

  std::optional<Message> ReadBlock(const Block& block, const std::string& where) {
    std::optional<Message> message = ReadMessage(static_cast<uint64_t>(block.offset), block.metadata_length,
                                                 where + " at offset " + std::to_string(block.offset));
    if (!message) Fail(where, "the footer points at an end-of-stream marker");
    consumed_ = std::max(consumed_, message->end);
    return message;
  }

  // ---- buffers ----------------------------------------------------------------

  // Buffer `index` of a batch body, decompressed if needed; at least `needed` bytes.
  std::string_view GetBuffer(const BatchMeta& meta, std::string_view body, size_t index, uint64_t needed,
                             BatchMemory& memory, const std::string& where) {
    if (index >= meta.buffers.size()) Fail(where, "the batch lists too few buffers");
    const BufferRef& ref = meta.buffers[index];
    std::string buffer_where = where + ", buffer " + std::to_string(index);
    if (ref.offset < 0 || ref.length < 0 || static_cast<uint64_t>(ref.offset) > body.size() ||
        static_cast<uint64_t>(ref.length) > body.size() - static_cast<uint64_t>(ref.offset)) {
      Fail(buffer_where, "bytes " + std::to_string(ref.offset) + "+" + std::to_string(ref.length) +
                             " lie outside the message body of " + std::to_string(body.size()) + " bytes");
    }
    std::string_view bytes = body.substr(static_cast<size_t>(ref.offset), static_cast<size_t>(ref.length));
    if (meta.codec != Codec::kNone && !bytes.empty()) {
      if (bytes.size() < 8) Fail(buffer_where, "a compressed buffer shorter than its 8-byte length prefix");
      int64_t size = flatbuf::Load<int64_t>(bytes, 0);
      bytes.remove_prefix(8);
      if (size != -1) {
        if (size < 0) Fail(buffer_where, "negative uncompressed length " + std::to_string(size));
        if (static_cast<uint64_t>(size) < needed) {
          Fail(buffer_where, "uncompressed length " + std::to_string(size) + " is less than the " +
                                 std::to_string(needed) + " bytes the column needs");
        }
        try {
          memory.decompressed.push_back(decompressor_.Run(meta.codec, bytes, static_cast<uint64_t>(size)));
        } catch (const FormatError& e) {
          Fail(buffer_where, e.what());
        }
        bytes = memory.decompressed.back();
      }
    }
    if (bytes.size() < needed) {
      Fail(buffer_where,
           "has " + std::to_string(bytes.size()) + " bytes but the column needs " + std::to_string(needed));
    }
    return bytes;
  }

  // Loads the buffers of one column (type `type`) whose node is `node_index`
  // and whose buffers start at `buffer_index`.
  LoadedColumn LoadColumn(const BatchMeta& meta, std::string_view body, size_t node_index, size_t buffer_index,
                          const ValueType& type, BatchMemory& memory, const std::string& where) {
    if (node_index >= meta.nodes.size()) Fail(where, "the batch lists too few field nodes");
    const NodeRef& node = meta.nodes[node_index];
    if (node.length != meta.length) {
      Fail(where, "the column has " + std::to_string(node.length) + " values but the batch has " +
                      std::to_string(meta.length) + " rows");
    }
    if (node.null_count < 0 || node.null_count > node.length) {
      Fail(where,
           "bad null count " + std::to_string(node.null_count) + " for " + std::to_string(node.length) + " values");
    }
    LoadedColumn column;
    column.length = node.length;
    column.null_count = node.null_count;
    if (type.physical == Physical::kNull) return column;
    uint64_t length = static_cast<uint64_t>(node.length);
    uint64_t bitmap_bytes = (length + 7) / 8;
    if (node.null_count > 0) column.validity = GetBuffer(meta, body, buffer_index, bitmap_bytes, memory, where);
    constexpr uint64_t kMaxBytes = uint64_t{1} << 62;
    switch (type.physical) {
      case Physical::kBool:
        column.values = GetBuffer(meta, body, buffer_index + 1, bitmap_bytes, memory, where);
        break;
      case Physical::kString32:
      case Physical::kString64: {
        uint64_t offset_width = type.physical == Physical::kString32 ? 4 : 8;
        if (length >= kMaxBytes / offset_width) Fail(where, "absurd length " + std::to_string(length));
        // Length 0 may come with an empty offsets buffer.
        uint64_t offsets_needed = length == 0 ? 0 : (length + 1) * offset_width;
        column.offsets = GetBuffer(meta, body, buffer_index + 1, offsets_needed, memory, where);
        column.data = GetBuffer(meta, body, buffer_index + 2, 0, memory, where);
        break;
      }
      default: {
        uint64_t width = static_cast<uint64_t>(type.width);
        if (width != 0 && length >= kMaxBytes / width) Fail(where, "absurd length " + std::to_string(length));
        column.values = GetBuffer(meta, body, buffer_index + 1, length * width, memory, where);
        break;
      }
    }
    return column;
  }

  // ---- dictionaries and record batches ---------------------------------------

  void ApplyDictionary(const Message& message, const std::string& where) {
    int64_t id = 0;
    bool is_delta = false;
    BatchMeta meta;
    try {
      id = message.header.Scalar<int64_t>(0, 0);
      is_delta = message.header.Bool(2, false);
      meta = ParseBatchMeta(message.header.SubTable(1));
    } catch (const FormatError& e) {
      Fail(where, e.what());
    }
    const ColumnInfo* info = nullptr;
    for (const ColumnInfo& column : columns_) {
      if (column.dictionary && column.dictionary_id == id) info = &column;
    }
    // Dictionaries of nested fields, or of value types we cannot decode, are skipped.
    if (info == nullptr || info->value.physical == Physical::kUnsupported) return;
    std::string column_where = where + ", dictionary " + std::to_string(id) + " of column '" + info->name + "'";
    auto memory = std::make_shared<BatchMemory>();
    memory->file = file_;
    LoadedColumn values = LoadColumn(meta, message.body, 0, 0, info->value, *memory, column_where);
    // A delta appends in place: handed-out batches copied their values out and
    // only hold the dictionary for its owners, which stay.
    auto found = dictionaries_.find(id);
    std::shared_ptr<Dictionary> dictionary =
        is_delta && found != dictionaries_.end() ? found->second : std::make_shared<Dictionary>();
    dictionary->is_string = info->value.is_string();
    core::Column column;
    column.type = dictionary->is_string ? core::ColumnType::kString : core::ColumnType::kDouble;
    DecodeValues(values, info->value, 0, static_cast<size_t>(values.length), column, 0, *info, column_where, true);
    if (dictionary->is_string) {
      dictionary->strings.insert(dictionary->strings.end(), column.strings.begin(), column.strings.end());
    } else {
      dictionary->numbers.insert(dictionary->numbers.end(), column.numbers.begin(), column.numbers.end());
    }
    dictionary->owners.push_back(memory);
    dictionaries_[id] = std::move(dictionary);
  }

  void LoadRecordBatch(const Message& message, const std::string& where) {
    BatchMeta meta;
    try {
      meta = ParseBatchMeta(message.header);
    } catch (const FormatError& e) {
      Fail(where, e.what());
    }
    current_ = CurrentBatch();
    current_.length = meta.length;
    current_.first_row = rows_before_;
    current_.memory = std::make_shared<BatchMemory>();
    current_.memory->file = file_;
    rows_before_ += static_cast<uint64_t>(meta.length);
    ++batches_loaded_;

    // Where each top-level column's nodes and buffers start.
    std::vector<size_t> first_node(columns_.size());
    std::vector<size_t> first_buffer(columns_.size());
    uint64_t node = 0;
    uint64_t buffer = 0;
    size_t variadic = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      first_node[c] = static_cast<size_t>(node);
      first_buffer[c] = static_cast<size_t>(buffer);
      node += static_cast<uint64_t>(columns_[c].layout.nodes);
      buffer += static_cast<uint64_t>(columns_[c].layout.buffers);
      for (int64_t v = 0; v < columns_[c].layout.variadic; ++v, ++variadic) {
        if (variadic >= meta.variadic_counts.size()) Fail(where, "variadic buffer counts are missing");
        int64_t count = meta.variadic_counts[variadic];
        if (count < 0 || static_cast<uint64_t>(count) > meta.buffers.size()) {
          Fail(where, "bad variadic buffer count " + std::to_string(count));
        }
        buffer += static_cast<uint64_t>(count);
      }
    }
    if (node > meta.nodes.size() || buffer > meta.buffers.size()) {
      Fail(where, "the schema needs " + std::to_string(node) + " field nodes and " + std::to_string(buffer) +
                      " buffers but the batch has " + std::to_string(meta.nodes.size()) + " and " +
                      std::to_string(meta.buffers.size()));
    }

    for (size_t c = 0; c < columns_.size(); ++c) {
      const NodeRef& top = meta.nodes[first_node[c]];
      if (top.length != meta.length) {
        Fail(where + ", column '" + columns_[c].name + "'", "the column has " + std::to_string(top.length) +
                                                                " values but the batch has " +
                                                                std::to_string(meta.length) + " rows");
      }
    }

    const std::vector<int>& projection = this->projection();
    current_.columns.resize(projection.size());
    current_.dictionaries.resize(projection.size());
    if (meta.length == 0) return;
    VerifyLength(meta, message.body, first_node, first_buffer, where);
    for (size_t j = 0; j < projection.size(); ++j) {
      size_t c = static_cast<size_t>(projection[j]);
      const ColumnInfo& info = columns_[c];
      std::string column_where = where + ", column '" + info.name + "'";
      if (info.dictionary) {
        auto found = dictionaries_.find(info.dictionary_id);
        if (found == dictionaries_.end()) {
          Fail(column_where, "dictionary " + std::to_string(info.dictionary_id) + " was not defined before its use");
        }
        current_.dictionaries[j] = found->second;
        current_.memory->dictionaries.push_back(found->second);
      }
      current_.columns[j] = LoadColumn(meta, message.body, first_node[c], first_buffer[c],
                                       info.dictionary ? info.index : info.value, *current_.memory, column_where);
    }
  }

  // The batch's row count is confirmed by the buffers of the columns that are
  // loaded. When no projected column has buffers (an empty projection, Null
  // columns), the first column that has some is loaded to confirm it, so a
  // lying count cannot make us hand out endless empty batches.
  void VerifyLength(const BatchMeta& meta, std::string_view body, const std::vector<size_t>& first_node,
                    const std::vector<size_t>& first_buffer, const std::string& where) {
    auto has_buffers = [](const ColumnInfo& info) {
      return info.dictionary ||
             (info.value.physical != Physical::kUnsupported && info.value.physical != Physical::kNull);
    };
    for (int c : projection()) {
      if (has_buffers(columns_[static_cast<size_t>(c)])) return;
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      const ColumnInfo& info = columns_[c];
      if (!has_buffers(info)) continue;
      BatchMemory scratch;
      LoadColumn(meta, body, first_node[c], first_buffer[c], info.dictionary ? info.index : info.value, scratch,
                 where + ", column '" + info.name + "'");
      return;
    }
    constexpr int64_t kMaxUnconfirmedRows = int64_t{1} << 20;
    if (meta.length > kMaxUnconfirmedRows) {
      Fail(where, "the batch claims " + std::to_string(meta.length) +
                      " rows but has no column whose buffers could confirm that many");
    }
  }

  // Fills `out` with rows [begin, begin + rows) of projected column `j`.
  void DecodeRows(size_t j, int column_index, int64_t begin, size_t rows, core::Column& out) {
    const ColumnInfo& info = columns_[static_cast<size_t>(column_index)];
    const LoadedColumn& column = current_.columns[j];
    std::string where = "record batch " + std::to_string(batches_loaded_);
    if (!info.dictionary) {
      out.type = info.value.is_string() ? core::ColumnType::kString : core::ColumnType::kDouble;
      DecodeValues(column, info.value, begin, rows, out, current_.first_row, info, where, false);
      return;
    }
    const Dictionary& dictionary = *current_.dictionaries[j];
    out.type = dictionary.is_string ? core::ColumnType::kString : core::ColumnType::kDouble;
    if (dictionary.is_string) {
      out.strings.resize(rows);
    } else {
      out.numbers.resize(rows);
    }
    for (size_t i = 0; i < rows; ++i) {
      int64_t row = begin + static_cast<int64_t>(i);
      if (!column.IsValid(row)) {
        if (dictionary.is_string) {
          out.strings[i] = {};
        } else {
          out.numbers[i] = std::numeric_limits<double>::quiet_NaN();
        }
        continue;
      }
      std::optional<int64_t> index = IndexAt(column, info.index, row);
      if (!index || *index < 0 || static_cast<uint64_t>(*index) >= dictionary.size()) {
        throw core::InputError(Location(info, current_.first_row + static_cast<uint64_t>(row)) + ": dictionary index " +
                               (index ? std::to_string(*index) : std::string("above 2^63")) +
                               " is out of range (the dictionary has " + std::to_string(dictionary.size()) +
                               " values)");
      }
      if (dictionary.is_string) {
        out.strings[i] = dictionary.strings[static_cast<size_t>(*index)];
      } else {
        out.numbers[i] = dictionary.numbers[static_cast<size_t>(*index)];
      }
    }
  }

  std::string Location(const ColumnInfo& info, uint64_t row) const {
    core::SourceLocation location;
    location.file = name_;
    location.row = row + 1;
    location.column = info.name;
    location.column_number = static_cast<int>(&info - columns_.data()) + 1;
    return location.ToString();
  }

  // Decodes rows [begin, begin + rows) of a plain (non-dictionary) column of
  // type `type`. Errors name `first_row + row` of the column, or, for a
  // dictionary (`in_dictionary`), the dictionary entry and `where`.
  void DecodeValues(const LoadedColumn& column, const ValueType& type, int64_t begin, size_t rows, core::Column& out,
                    uint64_t first_row, const ColumnInfo& info, const std::string& where, bool in_dictionary) const {
    if (!type.is_string()) {
      out.numbers.resize(rows);
      DecodeNumbers(column, type, begin, rows, out.numbers.data());
      return;
    }
    out.strings.resize(rows);
    for (size_t i = 0; i < rows; ++i) {
      int64_t row = begin + static_cast<int64_t>(i);
      if (!column.IsValid(row)) {
        out.strings[i] = {};
        continue;
      }
      int64_t start = 0;
      int64_t end = 0;
      if (type.physical == Physical::kFixedBinary) {
        start = row * type.width;
        end = start + type.width;
      } else if (type.physical == Physical::kString32) {
        start = LoadAt<int32_t>(column.offsets, row);
        end = LoadAt<int32_t>(column.offsets, row + 1);
      } else {
        start = LoadAt<int64_t>(column.offsets, row);
        end = LoadAt<int64_t>(column.offsets, row + 1);
      }
      std::string_view data = type.physical == Physical::kFixedBinary ? column.values : column.data;
      if (start < 0 || end < start || static_cast<uint64_t>(end) > data.size()) {
        std::string location = in_dictionary
                                   ? name_ + ": " + where + ", value " + std::to_string(row + 1)
                                   : Location(info, first_row + static_cast<uint64_t>(row)) + " (" + where + ")";
        throw core::InputError(location + ": string offsets " + std::to_string(start) + ".." + std::to_string(end) +
                               " lie outside the " + std::to_string(data.size()) + "-byte data buffer");
      }
      out.strings[i] = data.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    }
  }

  enum class Mode { kFile, kStream };

  struct CurrentBatch {
    int64_t length = 0;
    int64_t cursor = 0;
    uint64_t first_row = 0;
    std::vector<LoadedColumn> columns;  // per projected column
    std::vector<std::shared_ptr<const Dictionary>> dictionaries;
    std::shared_ptr<BatchMemory> memory;
  };

  std::shared_ptr<const FileBuffer> file_;
  std::string_view bytes_;
  std::string name_;
  ReaderOptions options_;
  Schema schema_;
  std::vector<ColumnInfo> columns_;
  int16_t version_ = kMetadataV5;
  Mode mode_ = Mode::kFile;
  std::vector<Block> dictionary_blocks_;
  std::vector<Block> batch_blocks_;
  size_t next_dictionary_block_ = 0;
  size_t next_batch_block_ = 0;
  uint64_t stream_pos_ = 0;
  uint64_t consumed_ = 0;
  uint64_t rows_before_ = 0;
  size_t batches_loaded_ = 0;
  std::map<int64_t, std::shared_ptr<Dictionary>> dictionaries_;
  CurrentBatch current_;
  Decompressor decompressor_;
};

}  // namespace

std::unique_ptr<Reader> OpenFeatherReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  return std::make_unique<FeatherReader>(std::move(file), options);
}

}  // namespace botrecon::io
