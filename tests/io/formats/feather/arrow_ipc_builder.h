// Test helper: writes small Arrow IPC files and streams from a description,
// so tests can build exactly the (valid or damaged) bytes they need. It has
// its own minimal FlatBuffers writer that lays objects out front to back
// (every offset points forward), independent of the reader's accessors.
#pragma once
#include <lz4frame.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace botrecon::io::testing {

// ---- a minimal FlatBuffers writer ---------------------------------------------

struct FbNode;
using FbPtr = std::shared_ptr<FbNode>;

// A table field: inline scalar bytes, or a reference to another object.
struct FbField {
  std::string bytes;
  FbPtr ref;
};

struct FbNode {
  enum class Kind { kTable, kString, kRefVector, kRawVector } kind = Kind::kTable;
  std::map<int, FbField> fields;  // kTable
  std::string raw;                // kString: the text; kRawVector: the elements
  uint32_t count = 0;             // kRawVector
  std::vector<FbPtr> elements;    // kRefVector
};

template <typename T>
std::string Bytes(T value) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &value, sizeof(T));
  return s;
}
template <typename T>
FbField Scalar(T value) {
  return FbField{Bytes(value), nullptr};
}
inline FbField Ref(FbPtr node) { return FbField{{}, std::move(node)}; }

inline FbPtr FbTable(std::map<int, FbField> fields) {
  auto node = std::make_shared<FbNode>();
  node->fields = std::move(fields);
  return node;
}
inline FbPtr FbString(std::string text) {
  auto node = std::make_shared<FbNode>();
  node->kind = FbNode::Kind::kString;
  node->raw = std::move(text);
  return node;
}
inline FbPtr FbVector(std::vector<FbPtr> elements) {
  auto node = std::make_shared<FbNode>();
  node->kind = FbNode::Kind::kRefVector;
  node->elements = std::move(elements);
  return node;
}
inline FbPtr FbRawVector(std::string raw, uint32_t count) {
  auto node = std::make_shared<FbNode>();
  node->kind = FbNode::Kind::kRawVector;
  node->raw = std::move(raw);
  node->count = count;
  return node;
}

class FbWriter {
 public:
  // The whole flatbuffer: root offset, then the objects.
  static std::string Finish(const FbPtr& root) {
    FbWriter writer;
    writer.out_.assign(4, '\0');
    uint32_t pos = writer.Emit(root);
    writer.Patch(0, pos);
    return writer.out_;
  }

 private:
  void Align(size_t alignment, size_t extra = 0) {
    while ((out_.size() + extra) % alignment != 0) out_.push_back('\0');
  }
  void Patch(uint32_t at, uint32_t target) {
    if (target <= at) throw std::logic_error("FbWriter: a shared object is referenced after it was written");
    uint32_t offset = target - at;
    std::memcpy(out_.data() + at, &offset, 4);
  }
  // Emits each object once (shared children are shared in the output too);
  // every reference must point forward, as the layout is front to back.
  uint32_t Emit(const FbPtr& node) {
    auto found = emitted_.find(node.get());
    if (found != emitted_.end()) return found->second;
    uint32_t pos = EmitNew(node);
    emitted_[node.get()] = pos;
    return pos;
  }
  uint32_t EmitNew(const FbPtr& node) {
    switch (node->kind) {
      case FbNode::Kind::kString: {
        Align(4);
        auto pos = static_cast<uint32_t>(out_.size());
        out_ += Bytes(static_cast<uint32_t>(node->raw.size())) + node->raw + '\0';
        return pos;
      }
      case FbNode::Kind::kRawVector: {
        Align(8, 4);
        auto pos = static_cast<uint32_t>(out_.size());
        out_ += Bytes(node->count) + node->raw;
        return pos;
      }
      case FbNode::Kind::kRefVector: {
        Align(4);
        auto pos = static_cast<uint32_t>(out_.size());
        out_ += Bytes(static_cast<uint32_t>(node->elements.size()));
        std::vector<uint32_t> slots;
        for (size_t i = 0; i < node->elements.size(); ++i) {
          slots.push_back(static_cast<uint32_t>(out_.size()));
          out_ += Bytes(uint32_t{0});
        }
        for (size_t i = 0; i < node->elements.size(); ++i) Patch(slots[i], Emit(node->elements[i]));
        return pos;
      }
      case FbNode::Kind::kTable:
        break;
    }
    int num_fields = node->fields.empty() ? 0 : node->fields.rbegin()->first + 1;
    // Table layout: soffset, then the fields in id order.
    std::map<int, uint16_t> offsets;
    uint16_t size = 4;
    for (const auto& [id, field] : node->fields) {
      offsets[id] = size;
      size = static_cast<uint16_t>(size + (field.ref ? 4 : field.bytes.size()));
    }
    Align(4);
    auto vtable = static_cast<uint32_t>(out_.size());
    out_ += Bytes(static_cast<uint16_t>(4 + 2 * num_fields)) + Bytes(size);
    for (int id = 0; id < num_fields; ++id) out_ += Bytes(static_cast<uint16_t>(offsets.count(id) ? offsets[id] : 0));
    Align(4);
    auto table = static_cast<uint32_t>(out_.size());
    out_ += Bytes(static_cast<int32_t>(table - vtable));
    std::vector<std::pair<uint32_t, FbPtr>> refs;
    for (const auto& [id, field] : node->fields) {
      if (field.ref) {
        refs.emplace_back(static_cast<uint32_t>(out_.size()), field.ref);
        out_ += Bytes(uint32_t{0});
      } else {
        out_ += field.bytes;
      }
    }
    for (const auto& [slot, ref] : refs) Patch(slot, Emit(ref));
    return table;
  }

  std::string out_;
  std::map<const FbNode*, uint32_t> emitted_;
};

// ---- Arrow schema pieces -------------------------------------------------------

enum ArrowTypeId : uint8_t {
  kNull = 1,
  kInt = 2,
  kFloatingPoint = 3,
  kBinary = 4,
  kUtf8 = 5,
  kBool = 6,
  kDecimal = 7,
  kDate = 8,
  kTime = 9,
  kTimestamp = 10,
  kInterval = 11,
  kList = 12,
  kStruct = 13,
  kUnion = 14,
  kFixedSizeBinary = 15,
  kLargeUtf8 = 20,
  kUtf8View = 24,
};

inline FbPtr IntTypeFb(int bits, bool is_signed) {
  return FbTable({{0, Scalar<int32_t>(bits)}, {1, Scalar<uint8_t>(is_signed ? 1 : 0)}});
}
inline FbPtr FloatTypeFb(int16_t precision) { return FbTable({{0, Scalar<int16_t>(precision)}}); }

struct FieldSpec {
  std::string name;
  uint8_t type_id = kInt;
  FbPtr type;                         // the type table (may be empty for Utf8 etc.)
  std::optional<int64_t> dictionary;  // dictionary id
  FbPtr index_type;                   // dictionary index type (Int table); null = default int32
  std::vector<FieldSpec> children;
};

inline FbPtr FieldFb(const FieldSpec& spec) {
  std::map<int, FbField> fields{
      {0, Ref(FbString(spec.name))}, {1, Scalar<uint8_t>(1)}, {2, Scalar<uint8_t>(spec.type_id)}};
  fields[3] = Ref(spec.type ? spec.type : FbTable({}));
  if (spec.dictionary) {
    std::map<int, FbField> encoding{{0, Scalar<int64_t>(*spec.dictionary)}};
    if (spec.index_type) encoding[1] = Ref(spec.index_type);
    fields[4] = Ref(FbTable(encoding));
  }
  std::vector<FbPtr> children;
  for (const auto& child : spec.children) children.push_back(FieldFb(child));
  fields[5] = Ref(FbVector(children));
  return FbTable(fields);
}

inline FbPtr SchemaFb(const std::vector<FieldSpec>& specs, bool big_endian = false) {
  std::vector<FbPtr> fields;
  for (const auto& spec : specs) fields.push_back(FieldFb(spec));
  std::map<int, FbField> schema{{1, Ref(FbVector(fields))}};
  if (big_endian) schema[0] = Scalar<int16_t>(1);
  return FbTable(schema);
}

// ---- record batch bodies -----------------------------------------------------

// One array: its node and its buffers (validity first; "" = absent).
struct ArrayData {
  int64_t length = 0;
  int64_t null_count = 0;
  std::vector<std::string> buffers;
};

// Validity bitmap of `valid` flags (LSB first).
inline std::string Bitmap(const std::vector<bool>& valid) {
  std::string bits((valid.size() + 7) / 8, '\0');
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
  }
  return bits;
}

template <typename T>
std::string Values(const std::vector<T>& values) {
  std::string s;
  for (const T& v : values) s += Bytes(v);
  return s;
}

template <typename T>
ArrayData Fixed(const std::vector<T>& values, const std::vector<bool>& valid = {}) {
  ArrayData a;
  a.length = static_cast<int64_t>(values.size());
  for (bool v : valid) a.null_count += v ? 0 : 1;
  a.buffers = {valid.empty() ? "" : Bitmap(valid), Values(values)};
  return a;
}

// Utf8 (int32 offsets) or LargeUtf8 (OffsetT = int64_t); nullopt = null.
template <typename OffsetT = int32_t>
ArrayData Strings(const std::vector<std::optional<std::string>>& values) {
  ArrayData a;
  a.length = static_cast<int64_t>(values.size());
  std::vector<bool> valid;
  std::string offsets = Bytes(OffsetT{0});
  std::string data;
  for (const auto& v : values) {
    valid.push_back(v.has_value());
    if (!v) ++a.null_count;
    data += v.value_or("");
    offsets += Bytes(static_cast<OffsetT>(data.size()));
  }
  a.buffers = {a.null_count == 0 ? "" : Bitmap(valid), offsets, data};
  return a;
}

enum class Compression { kNone, kLz4, kZstd };

inline std::string CompressBuffer(Compression codec, const std::string& raw) {
  if (codec == Compression::kZstd) {
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    if (ZSTD_isError(n)) throw std::runtime_error("zstd failed");
    out.resize(n);
    return out;
  }
  std::string out(LZ4F_compressFrameBound(raw.size(), nullptr), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), raw.data(), raw.size(), nullptr);
  if (LZ4F_isError(n)) throw std::runtime_error("lz4 failed");
  out.resize(n);
  return out;
}

struct BatchSpec {
  int64_t length = 0;
  std::vector<ArrayData> arrays;  // nodes in pre-order
  Compression compression = Compression::kNone;
  bool store_uncompressed = false;  // compressed batch whose buffers are stored with length -1
  std::vector<int64_t> variadic_counts;
};

// Body bytes and the RecordBatch table of `batch`.
inline std::pair<std::string, FbPtr> EncodeBatch(const BatchSpec& batch) {
  std::string body;
  std::string nodes;
  std::string buffers;
  uint32_t num_buffers = 0;
  for (const ArrayData& array : batch.arrays) {
    nodes += Bytes(array.length) + Bytes(array.null_count);
    for (const std::string& raw : array.buffers) {
      std::string stored = raw;
      if (batch.compression != Compression::kNone && !raw.empty()) {
        stored = batch.store_uncompressed
                     ? Bytes(int64_t{-1}) + raw
                     : Bytes(static_cast<int64_t>(raw.size())) + CompressBuffer(batch.compression, raw);
      }
      buffers += Bytes(static_cast<int64_t>(body.size())) + Bytes(static_cast<int64_t>(stored.size()));
      ++num_buffers;
      body += stored;
      while (body.size() % 8 != 0) body.push_back('\0');
    }
  }
  std::map<int, FbField> table{{0, Scalar<int64_t>(batch.length)},
                               {1, Ref(FbRawVector(nodes, static_cast<uint32_t>(batch.arrays.size())))},
                               {2, Ref(FbRawVector(buffers, num_buffers))}};
  if (batch.compression != Compression::kNone) {
    table[3] = Ref(FbTable({{0, Scalar<int8_t>(batch.compression == Compression::kLz4 ? 0 : 1)}}));
  }
  if (!batch.variadic_counts.empty()) {
    table[4] = Ref(FbRawVector(Values(batch.variadic_counts), static_cast<uint32_t>(batch.variadic_counts.size())));
  }
  return {body, FbTable(table)};
}

// An encapsulated message: continuation, length, metadata padded to 8, body.
inline std::string EncodeMessage(uint8_t header_type, const FbPtr& header, const std::string& body,
                                 int16_t version = 4) {
  std::string metadata = FbWriter::Finish(FbTable({{0, Scalar<int16_t>(version)},
                                                   {1, Scalar<uint8_t>(header_type)},
                                                   {2, Ref(header)},
                                                   {3, Scalar<int64_t>(static_cast<int64_t>(body.size()))}}));
  while ((metadata.size() + 8) % 8 != 0) metadata.push_back('\0');
  return Bytes(uint32_t{0xFFFFFFFF}) + Bytes(static_cast<int32_t>(metadata.size())) + metadata + body;
}

struct DictionarySpec {
  int64_t id = 0;
  BatchSpec data;
  bool is_delta = false;
};

// Message kinds in the order they are written.
struct IpcMessage {
  std::optional<DictionarySpec> dictionary;
  std::optional<BatchSpec> batch;
};

inline std::string DictionaryMessage(const DictionarySpec& spec) {
  auto [body, data] = EncodeBatch(spec.data);
  return EncodeMessage(
      2, FbTable({{0, Scalar<int64_t>(spec.id)}, {1, Ref(data)}, {2, Scalar<uint8_t>(spec.is_delta ? 1 : 0)}}), body);
}

inline std::string BatchMessage(const BatchSpec& spec) {
  auto [body, table] = EncodeBatch(spec);
  return EncodeMessage(3, table, body);
}

inline std::string SchemaMessage(const std::vector<FieldSpec>& fields) {
  return EncodeMessage(1, SchemaFb(fields), "");
}

inline const std::string kEndOfStream = Bytes(uint32_t{0xFFFFFFFF}) + Bytes(uint32_t{0});

// The IPC stream format: schema, messages, end-of-stream marker.
inline std::string WriteStream(const std::vector<FieldSpec>& fields, const std::vector<IpcMessage>& messages,
                               bool end_marker = true) {
  std::string out = SchemaMessage(fields);
  for (const IpcMessage& m : messages) out += m.dictionary ? DictionaryMessage(*m.dictionary) : BatchMessage(*m.batch);
  if (end_marker) out += kEndOfStream;
  return out;
}

// The IPC file format: magic, schema message, messages, end marker, footer.
inline std::string WriteFile(const std::vector<FieldSpec>& fields, const std::vector<IpcMessage>& messages,
                             int16_t footer_version = 4) {
  std::string out = std::string("ARROW1") + std::string(2, '\0') + SchemaMessage(fields);
  std::string dictionary_blocks;
  std::string batch_blocks;
  uint32_t num_dictionaries = 0;
  uint32_t num_batches = 0;
  for (const IpcMessage& m : messages) {
    std::string message = m.dictionary ? DictionaryMessage(*m.dictionary) : BatchMessage(*m.batch);
    int32_t metadata_length;
    std::memcpy(&metadata_length, message.data() + 4, 4);
    int64_t body_length = static_cast<int64_t>(message.size()) - 8 - metadata_length;
    std::string block =
        Bytes(static_cast<int64_t>(out.size())) + Bytes(metadata_length + 8) + Bytes(int32_t{0}) + Bytes(body_length);
    if (m.dictionary) {
      dictionary_blocks += block;
      ++num_dictionaries;
    } else {
      batch_blocks += block;
      ++num_batches;
    }
    out += message;
  }
  out += kEndOfStream;
  std::string footer = FbWriter::Finish(FbTable({{0, Scalar<int16_t>(footer_version)},
                                                 {1, Ref(SchemaFb(fields))},
                                                 {2, Ref(FbRawVector(dictionary_blocks, num_dictionaries))},
                                                 {3, Ref(FbRawVector(batch_blocks, num_batches))}}));
  out += footer + Bytes(static_cast<int32_t>(footer.size())) + "ARROW1";
  return out;
}

}  // namespace botrecon::io::testing
