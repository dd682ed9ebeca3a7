#include "models/model_file.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "core/error.h"
#include "io/input.h"

namespace botrecon::models {
namespace {

constexpr size_t kMaxTypeNameLength = 64;
constexpr size_t kMaxVocabularyEntryLength = 256;
constexpr size_t kStringMinBytes = 4;
// i32 feature, u32 left, u32 right, f64 threshold, f64 value.
constexpr size_t kNodeBytes = 28;
// A node count and at least one node.
constexpr size_t kTreeMinBytes = 4 + kNodeBytes;

uint64_t LoadLittleEndian(const char* p, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) value |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return value;
}

void StoreLittleEndian(std::string& out, uint64_t value, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// --- Feature sets ----------------------------------------------------------

void WriteVocabulary(ModelWriter& out, const std::vector<std::string>& vocabulary) {
  out.U32(static_cast<uint32_t>(vocabulary.size()));
  for (const std::string& entry : vocabulary) out.String(entry);
}

std::vector<std::string> ReadVocabulary(ModelReader& in, bool lower_case, const char* what) {
  const uint32_t count = in.Count(kStringMinBytes, what);
  std::vector<std::string> vocabulary;
  vocabulary.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = in.offset();
    std::string entry = in.String(kMaxVocabularyEntryLength, what);
    const char* defect =
        FlowEncoder::VocabularyDefect(vocabulary.empty() ? nullptr : &vocabulary.back(), entry, lower_case);
    if (defect != nullptr) in.Fail(at, std::string(what) + " entry " + std::to_string(i) + ": " + defect);
    vocabulary.push_back(std::move(entry));
  }
  return vocabulary;
}

void WriteFeatureSet(ModelWriter& out, const FlowEncoder& encoder) {
  out.U32(encoder.feature_set());
  if (encoder.feature_set() == kFeatureSetGeneralised) return;  // fixed codes, no vocabularies
  WriteVocabulary(out, encoder.protocols());
  WriteVocabulary(out, encoder.states());
}

FlowEncoder ReadFeatureSet(ModelReader& in) {
  const size_t at = in.offset();
  const uint32_t feature_set = in.U32("feature set");
  if (feature_set == kFeatureSetGeneralised) return FlowEncoder::Generalised();
  if (feature_set != kFeatureSetOriginal) {
    in.Fail(at, "unsupported feature set " + std::to_string(feature_set) + " (this build knows " +
                    std::to_string(kFeatureSetOriginal) + " and " + std::to_string(kFeatureSetGeneralised) + ")");
  }
  std::vector<std::string> protocols = ReadVocabulary(in, true, "protocol vocabulary");
  std::vector<std::string> states = ReadVocabulary(in, false, "state vocabulary");
  return FlowEncoder(std::move(protocols), std::move(states));
}

// --- Header ----------------------------------------------------------------

// Everything after the magic up to the feature set.
void WriteHeaderFields(ModelWriter& out, const Model& model) {
  out.U32(kModelFormatVersion);
  out.String(model.type_name());
  out.U32(model.score_kind() == ScoreKind::kProbability ? 0 : 1);
  out.F64(model.threshold());
}

ModelHeader ReadHeader(ModelReader& in) {
  if (in.remaining() < kModelMagic.size() || in.Bytes(kModelMagic.size(), "magic") != kModelMagic) {
    in.Fail(0, "not a botrecon model file (wrong magic bytes)");
  }
  ModelHeader header;
  size_t at = in.offset();
  const uint32_t version = in.U32("format version");
  if (version != kModelFormatVersion) {
    in.Fail(at, "unsupported format version " + std::to_string(version) + " (this build reads version " +
                    std::to_string(kModelFormatVersion) + ")");
  }
  header.type_name = in.String(kMaxTypeNameLength, "model type");
  at = in.offset();
  header.score_kind_offset = at;
  const uint32_t score_kind = in.U32("score kind");
  if (score_kind > 1) in.Fail(at, "invalid score kind " + std::to_string(score_kind));
  header.score_kind = score_kind == 0 ? ScoreKind::kProbability : ScoreKind::kDecision;
  at = in.offset();
  header.threshold = in.F64("threshold");
  if (!std::isfinite(header.threshold)) in.Fail(at, "threshold not finite");
  return header;
}

// --- rforest ---------------------------------------------------------------

void WriteForestBody(ModelWriter& out, const Forest& forest) {
  out.U32(static_cast<uint32_t>(forest.n_trees()));
  for (size_t t = 0; t < forest.n_trees(); ++t) {
    const std::vector<TreeNode> nodes = forest.tree_nodes(t);
    out.U32(static_cast<uint32_t>(nodes.size()));
    for (const TreeNode& node : nodes) {
      out.I32(node.feature);
      out.U32(node.left);
      out.U32(node.right);
      out.F64(node.threshold);
      out.F64(node.value);
    }
  }
}

std::unique_ptr<Model> ReadForestBody(ModelReader& in, const ModelHeader& header, FlowEncoder encoder) {
  if (header.score_kind != ScoreKind::kProbability) {
    in.Fail(header.score_kind_offset, "an rforest model must score probabilities");
  }
  const uint32_t n_trees = in.Count(kTreeMinBytes, "tree count");
  if (n_trees == 0) in.Fail(in.offset() - 4, "forest has no trees");
  std::vector<std::vector<TreeNode>> trees(n_trees);
  for (uint32_t t = 0; t < n_trees; ++t) {
    const uint32_t n_nodes = in.Count(kNodeBytes, "node count");
    if (n_nodes == 0) in.Fail(in.offset() - 4, "tree " + std::to_string(t) + " has no nodes");
    const size_t first_node = in.offset();
    std::vector<TreeNode>& nodes = trees[t];
    nodes.resize(n_nodes);
    for (TreeNode& node : nodes) {
      node.feature = in.I32("node feature");
      node.left = in.U32("node left child");
      node.right = in.U32("node right child");
      node.threshold = in.F64("node threshold");
      node.value = in.F64("node value");
    }
    if (auto defect = CheckTree(nodes, encoder.n_features())) {
      in.Fail(first_node + defect->node * kNodeBytes,
              "tree " + std::to_string(t) + " node " + std::to_string(defect->node) + ": " + defect->what);
    }
  }
  return std::make_unique<Forest>(std::move(encoder), trees, header.threshold);
}

// --- svm -------------------------------------------------------------------

// u32 transform, f64 mean, f64 scale.
constexpr size_t kSvmInputBytes = 20;

void WriteSvmBody(ModelWriter& out, const KernelSvm& svm) {
  const KernelSvmParts& parts = svm.parts();
  out.U32(static_cast<uint32_t>(parts.inputs.size()));
  for (const InputScaling& input : parts.inputs) {
    out.U32(static_cast<uint32_t>(input.transform));
    out.F64(input.mean);
    out.F64(input.scale);
  }
  out.F64(parts.gamma);
  out.U32(static_cast<uint32_t>(parts.n_components()));
  for (double value : parts.landmarks) out.F64(value);
  for (double value : parts.projection) out.F64(value);
  for (double value : parts.weights) out.F64(value);
  out.F64(parts.bias);
}

double FiniteF64(ModelReader& in, const std::string& what) {
  const size_t at = in.offset();
  const double value = in.F64(what.c_str());
  if (!std::isfinite(value)) in.Fail(at, what + " not finite");
  return value;
}

void ReadF64Array(ModelReader& in, size_t count, size_t row_length, const char* what, std::vector<double>& out) {
  out.resize(count);
  for (size_t idx = 0; idx < count; ++idx) {
    const size_t at = in.offset();
    out[idx] = in.F64(what);
    if (!std::isfinite(out[idx])) {
      in.Fail(at, std::string(what) + " " + std::to_string(idx / row_length) + ": value not finite");
    }
  }
}

std::unique_ptr<Model> ReadSvmBody(ModelReader& in, const ModelHeader& header, FlowEncoder encoder) {
  if (header.score_kind != ScoreKind::kDecision) {
    in.Fail(header.score_kind_offset, "an svm model must score decision values");
  }
  KernelSvmParts parts;
  size_t at = in.offset();
  const uint32_t n_inputs = in.Count(kSvmInputBytes, "input count");
  if (n_inputs != static_cast<uint32_t>(kNumOriginalFeatures)) {
    in.Fail(at, "expected " + std::to_string(kNumOriginalFeatures) + " inputs, got " + std::to_string(n_inputs));
  }
  parts.inputs.resize(n_inputs);
  for (uint32_t idx = 0; idx < n_inputs; ++idx) {
    InputScaling& input = parts.inputs[idx];
    const std::string name = "input " + std::to_string(idx);
    at = in.offset();
    const uint32_t transform = in.U32("input transform");
    if (transform >= kNumInputTransforms) in.Fail(at, name + ": unknown transform " + std::to_string(transform));
    input.transform = static_cast<InputTransform>(transform);
    input.mean = FiniteF64(in, name + ": mean");
    at = in.offset();
    input.scale = FiniteF64(in, name + ": scale");
    if (!(input.scale > 0)) in.Fail(at, name + ": scale must be > 0");
  }
  at = in.offset();
  parts.gamma = FiniteF64(in, "gamma");
  if (!(parts.gamma > 0)) in.Fail(at, "gamma must be > 0");
  at = in.offset();
  const uint32_t m = in.U32("component count");
  if (m == 0) in.Fail(at, "model has no components");
  if (m > kMaxSvmComponents) {
    in.Fail(at, "component count " + std::to_string(m) + " exceeds the limit of " + std::to_string(kMaxSvmComponents));
  }
  // Landmarks, projection, weights and bias, all f64.
  const uint64_t needed = 8 * (uint64_t{m} * kNumOriginalFeatures + uint64_t{m} * m + m + 1);
  if (needed > in.remaining()) {
    in.Fail(at, "component count " + std::to_string(m) + " needs " + std::to_string(needed) + " bytes, only " +
                    std::to_string(in.remaining()) + " left");
  }
  ReadF64Array(in, size_t{m} * kNumOriginalFeatures, kNumOriginalFeatures, "landmark", parts.landmarks);
  ReadF64Array(in, size_t{m} * m, m, "projection row", parts.projection);
  ReadF64Array(in, m, 1, "weight", parts.weights);
  parts.bias = FiniteF64(in, "bias");
  if (auto defect = CheckKernelSvmParts(parts)) in.Fail(at, *defect);  // unreachable: all checked above
  return std::make_unique<KernelSvm>(std::move(encoder), std::move(parts), header.threshold);
}

// Every model type a model file may hold, by its type name.
struct ModelType {
  std::string_view type_name;
  std::unique_ptr<Model> (*read_body)(ModelReader& in, const ModelHeader& header, FlowEncoder encoder);
};
constexpr ModelType kModelTypes[] = {
    {"rforest", &ReadForestBody},
    {"svm", &ReadSvmBody},
};

}  // namespace

// --- ModelReader / ModelWriter ---------------------------------------------

void ModelReader::Fail(size_t offset, const std::string& what) const {
  throw core::ModelFormatError(name_ + ": offset " + std::to_string(offset) + ": " + what);
}

const char* ModelReader::Take(size_t n, const char* what) {
  if (remaining() < n) {
    Fail(offset_, std::string("unexpected end of file reading ") + what + " (" + std::to_string(n) + " bytes needed, " +
                      std::to_string(remaining()) + " left)");
  }
  const char* p = bytes_.data() + offset_;
  offset_ += n;
  return p;
}

std::string_view ModelReader::Bytes(size_t n, const char* what) { return {Take(n, what), n}; }

uint32_t ModelReader::U32(const char* what) { return static_cast<uint32_t>(LoadLittleEndian(Take(4, what), 4)); }

int32_t ModelReader::I32(const char* what) { return static_cast<int32_t>(U32(what)); }

double ModelReader::F64(const char* what) { return std::bit_cast<double>(LoadLittleEndian(Take(8, what), 8)); }

std::string ModelReader::String(size_t max_length, const char* what) {
  const size_t at = offset_;
  const uint32_t length = U32(what);
  if (length > max_length) {
    Fail(at, std::string(what) + ": length " + std::to_string(length) + " exceeds the limit of " +
                 std::to_string(max_length));
  }
  const char* p = Take(length, what);
  return std::string(p, length);
}

uint32_t ModelReader::Count(size_t min_item_bytes, const char* what) {
  const size_t at = offset_;
  const uint32_t count = U32(what);
  if (uint64_t{count} * min_item_bytes > remaining()) {
    Fail(at, std::string(what) + " " + std::to_string(count) + " needs at least " +
                 std::to_string(uint64_t{count} * min_item_bytes) + " bytes, only " + std::to_string(remaining()) +
                 " left");
  }
  return count;
}

void ModelReader::ExpectEnd() {
  if (remaining() != 0) Fail(offset_, std::to_string(remaining()) + " unexpected bytes after the model");
}

void ModelWriter::U32(uint32_t value) { StoreLittleEndian(bytes_, value, 4); }
void ModelWriter::I32(int32_t value) { U32(static_cast<uint32_t>(value)); }
void ModelWriter::F64(double value) { StoreLittleEndian(bytes_, std::bit_cast<uint64_t>(value), 8); }
void ModelWriter::String(std::string_view value) {
  U32(static_cast<uint32_t>(value.size()));
  bytes_.append(value);
}

// --- Public entry points ---------------------------------------------------

namespace {

std::string Serialize(const Model& model, const FlowEncoder& encoder, void (*write_body)(ModelWriter&, const Model&)) {
  ModelWriter out;
  WriteHeaderFields(out, model);
  WriteFeatureSet(out, encoder);
  write_body(out, model);
  return std::string(kModelMagic) + out.bytes();
}

void WriteBytes(const std::string& bytes, std::ostream& out) {
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw core::IoError("cannot write the model file");
}

void WriteBytesToFile(const std::string& bytes, const std::string& path) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw core::IoError(path + ": cannot create " + temp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      throw core::IoError(path + ": cannot write " + temp);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw core::IoError(path + ": cannot rename " + temp + " to it");
  }
}

}  // namespace

std::string SerializeModel(const Forest& forest) {
  return Serialize(forest, forest.encoder(), [](ModelWriter& out, const Model& model) {
    WriteForestBody(out, static_cast<const Forest&>(model));
  });
}

std::string SerializeModel(const KernelSvm& svm) {
  return Serialize(svm, svm.encoder(), [](ModelWriter& out, const Model& model) {
    WriteSvmBody(out, static_cast<const KernelSvm&>(model));
  });
}

void SaveModel(const Forest& forest, std::ostream& out) { WriteBytes(SerializeModel(forest), out); }
void SaveModel(const KernelSvm& svm, std::ostream& out) { WriteBytes(SerializeModel(svm), out); }
void SaveModelFile(const Forest& forest, const std::string& path) { WriteBytesToFile(SerializeModel(forest), path); }
void SaveModelFile(const KernelSvm& svm, const std::string& path) { WriteBytesToFile(SerializeModel(svm), path); }

std::unique_ptr<Model> LoadModel(std::string_view bytes, const std::string& name_for_errors) {
  ModelReader in(bytes, name_for_errors);
  const ModelHeader header = ReadHeader(in);
  const ModelType* type = nullptr;
  for (const ModelType& candidate : kModelTypes) {
    if (candidate.type_name == header.type_name) type = &candidate;
  }
  if (type == nullptr) {
    std::string known;
    for (const ModelType& candidate : kModelTypes)
      known += (known.empty() ? "" : ", ") + std::string(candidate.type_name);
    in.Fail(kModelMagic.size() + 4, "unknown model type '" + header.type_name + "' (this build knows " + known + ")");
  }
  try {
    FlowEncoder encoder = ReadFeatureSet(in);
    std::unique_ptr<Model> model = type->read_body(in, header, std::move(encoder));
    in.ExpectEnd();
    return model;
  } catch (const std::invalid_argument& e) {
    // The readers check everything the model constructors check, with offsets;
    // this only keeps a missed case a format error rather than a crash.
    in.Fail(in.offset(), e.what());
  }
}

std::unique_ptr<Model> LoadModelFile(const std::string& path) {
  const std::shared_ptr<const io::FileBuffer> file = io::FileBuffer::Load(path);
  return LoadModel(file->bytes(), path);
}

}  // namespace botrecon::models
