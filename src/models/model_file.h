// botrecon's own model file format (.brm), little-endian throughout:
//
//   magic       8 bytes  "BRMODEL\0"
//   version     u32      kModelFormatVersion
//   type        string   model type name ("rforest", "svm"), selects the body format
//   score kind  u32      0 = probability, 1 = decision value
//   threshold   f64      a host is reported when its mean score is >= this
//   feature set u32      1 = FlowEncoder's original set, followed by its two
//                        vocabularies: u32 count, then count strings (protocols,
//                        then states); 2 = the generalised set (fixed codes,
//                        nothing follows; rforest only: 19 inputs)
//   body                 per type; "rforest": u32 tree count, then per tree a
//                        u32 node count and 28-byte nodes (i32 feature, -1 = leaf;
//                        u32 left; u32 right; f64 threshold; f64 value)
//                        "svm" (KernelSvm, decision values): u32 input count
//                        (8), per input u32 transform (0 identity, 1 log1p),
//                        f64 mean, f64 scale; f64 gamma; u32 component count m;
//                        m x 8 f64 landmarks, m x m f64 projection (row-major),
//                        m f64 weights, f64 bias
//
// A string is a u32 byte length and the bytes. Nothing may follow the body.
// Loading is safe on untrusted bytes: every count is checked against the bytes
// left before anything is allocated, every tree is validated (CheckTree), every
// svm value must be finite and its dimensions consistent (CheckKernelSvmParts).
#pragma once
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "models/flow_encoder.h"
#include "models/forest.h"
#include "models/model.h"
#include "models/svm.h"

namespace botrecon::models {

inline constexpr std::string_view kModelMagic{"BRMODEL\0", 8};
inline constexpr uint32_t kModelFormatVersion = 1;
inline constexpr std::string_view kModelFileExtension = ".brm";

// Reads fields of a model file. Every failure throws core::ModelFormatError
// "NAME: offset N: what is wrong".
class ModelReader {
 public:
  ModelReader(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

  std::string_view Bytes(size_t n, const char* what);
  uint32_t U32(const char* what);
  int32_t I32(const char* what);
  double F64(const char* what);
  // A string of at most max_length bytes.
  std::string String(size_t max_length, const char* what);
  // A count of items that each take at least `min_item_bytes` of what follows;
  // fails unless that many bytes are left, so a lying count never allocates.
  uint32_t Count(size_t min_item_bytes, const char* what);
  // Fails unless the whole input has been read.
  void ExpectEnd();

  size_t offset() const { return offset_; }
  size_t remaining() const { return bytes_.size() - offset_; }
  [[noreturn]] void Fail(size_t offset, const std::string& what) const;

 private:
  const char* Take(size_t n, const char* what);

  std::string_view bytes_;
  std::string name_;
  size_t offset_ = 0;
};

// Appends fields of a model file.
class ModelWriter {
 public:
  void U32(uint32_t value);
  void I32(int32_t value);
  void F64(double value);
  void String(std::string_view value);
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// The fields every model file starts with (the feature set follows them).
struct ModelHeader {
  std::string type_name;
  ScoreKind score_kind = ScoreKind::kProbability;
  double threshold = 0;
  size_t score_kind_offset = 0;  // where the score kind is, for errors
};

// The whole .brm file of a model.
std::string SerializeModel(const Forest& forest);
std::string SerializeModel(const KernelSvm& svm);
// Writes SerializeModel(model); throws core::IoError when the stream fails.
void SaveModel(const Forest& forest, std::ostream& out);
void SaveModel(const KernelSvm& svm, std::ostream& out);
// Writes `path` atomically (a temporary file renamed over it); throws core::IoError.
void SaveModelFile(const Forest& forest, const std::string& path);
void SaveModelFile(const KernelSvm& svm, const std::string& path);

// Loads any model type this build knows; `name_for_errors` (usually the path)
// starts every error message. Throws core::ModelFormatError.
std::unique_ptr<Model> LoadModel(std::string_view bytes, const std::string& name_for_errors);
// Reads and loads a model file; throws core::IoError or core::ModelFormatError.
std::unique_ptr<Model> LoadModelFile(const std::string& path);

}  // namespace botrecon::models
