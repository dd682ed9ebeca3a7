#include "models/model_file.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "models/svm.h"

namespace botrecon::models {
namespace {

Forest SmallForest(double threshold = 0.5) {
  std::vector<std::vector<TreeNode>> trees = {
      {TreeNode{1, 1, 2, 80.0, 0.4}, TreeNode{-1, 0, 0, 0, 0.25}, TreeNode{3, 3, 4, 0.5, 0.7},
       TreeNode{-1, 0, 0, 0, 1.0}, TreeNode{-1, 0, 0, 0, 0.0}},
      {TreeNode{-1, 0, 0, 0, 0.6}},
  };
  return Forest(FlowEncoder({"tcp", "udp"}, {"CON", "S_RA"}), trees, threshold);
}

// Offsets in SerializeModel(SmallForest()).
constexpr size_t kVersionOffset = 8;
constexpr size_t kTypeOffset = 12;                     // u32 length 7 + "rforest"
constexpr size_t kScoreKindOffset = kTypeOffset + 11;  // 23
constexpr size_t kThresholdOffset = kScoreKindOffset + 4;
constexpr size_t kFeatureSetOffset = kThresholdOffset + 8;  // 35
constexpr size_t kProtocolsOffset = kFeatureSetOffset + 4;  // 39: count 2, "tcp", "udp"
constexpr size_t kStatesOffset = kProtocolsOffset + 4 + 7 + 7;
constexpr size_t kTreeCountOffset = kStatesOffset + 4 + 7 + 8;
constexpr size_t kFirstNodeOffset = kTreeCountOffset + 8;  // tree count, node count

void PutU32(std::string& bytes, size_t offset, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}
void PutF64(std::string& bytes, size_t offset, double value) {
  const auto bits = std::bit_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) bytes[offset + i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
}

std::string LoadError(const std::string& bytes) {
  try {
    LoadModel(bytes, "m.brm");
  } catch (const core::ModelFormatError& e) {
    return e.what();
  }
  return "loaded";
}

TEST(ModelFile, LayoutStartsWithMagicVersionAndType) {
  const std::string bytes = SerializeModel(SmallForest());
  ASSERT_GT(bytes.size(), kFirstNodeOffset);
  EXPECT_EQ(bytes.substr(0, 8), std::string("BRMODEL\0", 8));
  EXPECT_EQ(bytes.substr(kVersionOffset, 4), std::string("\1\0\0\0", 4));
  EXPECT_EQ(bytes.substr(kTypeOffset, 11), std::string("\7\0\0\0rforest", 11));
  EXPECT_EQ(bytes.substr(kTreeCountOffset, 8), std::string("\2\0\0\0\5\0\0\0", 8));
  EXPECT_EQ(bytes.size(), kFirstNodeOffset + 5 * 28 + 4 + 28);
}

TEST(ModelFile, RoundTripKeepsEverything) {
  const Forest forest = SmallForest(0.375);
  const std::string bytes = SerializeModel(forest);
  const std::unique_ptr<Model> model = LoadModel(bytes, "m.brm");
  const auto* loaded = dynamic_cast<const Forest*>(model.get());
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->type_name(), "rforest");
  EXPECT_EQ(loaded->threshold(), 0.375);
  EXPECT_EQ(loaded->encoder(), forest.encoder());
  ASSERT_EQ(loaded->n_trees(), forest.n_trees());
  for (size_t t = 0; t < forest.n_trees(); ++t) EXPECT_EQ(loaded->tree_nodes(t), forest.tree_nodes(t));
  EXPECT_EQ(SerializeModel(*loaded), bytes);
  const double x[8] = {0, 81, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(loaded->PredictRow(x), forest.PredictRow(x));
}

TEST(ModelFile, SaveModelWritesTheSerializedBytes) {
  const Forest forest = SmallForest();
  std::ostringstream out;
  SaveModel(forest, out);
  EXPECT_EQ(out.str(), SerializeModel(forest));
}

TEST(ModelFile, SaveAndLoadFile) {
  const auto path =
      (std::filesystem::temp_directory_path() / ("botrecon_model_file_test_" + std::to_string(::getpid()) + ".brm"))
          .string();
  SaveModelFile(SmallForest(), path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const std::unique_ptr<Model> model = LoadModelFile(path);
  EXPECT_EQ(model->type_name(), "rforest");
  std::filesystem::remove(path);
  EXPECT_THROW(LoadModelFile(path), core::IoError);
}

TEST(ModelFile, TruncationAtEveryOffsetThrows) {
  const std::string bytes = SerializeModel(SmallForest());
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(LoadModel(std::string_view(bytes).substr(0, size), "m.brm"), core::ModelFormatError) << size;
  }
}

TEST(ModelFile, EveryDamagedByteLoadsOrThrows) {
  const std::string bytes = SerializeModel(SmallForest());
  for (size_t offset = 0; offset < bytes.size(); ++offset) {
    for (unsigned char value : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      std::string damaged = bytes;
      damaged[offset] = static_cast<char>(value);
      try {
        const auto model = LoadModel(damaged, "m.brm");
        const double x[8] = {1, 80, 0, 1, 0, 0, 0, 0};
        const double score = dynamic_cast<const Forest&>(*model).PredictRow(x);
        EXPECT_TRUE(score >= 0 && score <= 1);
      } catch (const core::ModelFormatError&) {
      }
    }
  }
}

TEST(ModelFile, ErrorMessagesNameFileOffsetAndProblem) {
  const std::string good = SerializeModel(SmallForest());
  std::string bytes = good;
  bytes[0] = 'X';
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 0: not a botrecon model file (wrong magic bytes)");
  EXPECT_EQ(LoadError("BRM"), "m.brm: offset 0: not a botrecon model file (wrong magic bytes)");

  bytes = good;
  PutU32(bytes, kVersionOffset, 2);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 8: unsupported format version 2 (this build reads version 1)");

  bytes = good;
  bytes[kTypeOffset + 4] = 'x';
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 12: unknown model type 'xforest' (this build knows rforest, svm)");

  bytes = good;
  PutU32(bytes, kTypeOffset, 0xFFFFFFFF);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 12: model type: length 4294967295 exceeds the limit of 64");

  bytes = good;
  PutU32(bytes, kScoreKindOffset, 1);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 23: an rforest model must score probabilities");

  bytes = good;
  PutF64(bytes, kThresholdOffset, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 27: threshold not finite");

  bytes = good;
  PutU32(bytes, kFeatureSetOffset, 3);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 35: unsupported feature set 3 (this build knows 1 and 2)");

  bytes = good;
  bytes[kProtocolsOffset + 4 + 4] = 'T';
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 43: protocol vocabulary entry 0: entry is not lower-case");

  bytes = good;
  bytes = good;
  std::memcpy(&bytes[kStatesOffset + 4 + 7 + 4], "AAAA", 4);  // "CON", "AAAA"
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 68: state vocabulary entry 1: entries not strictly increasing");

  bytes = good;
  PutU32(bytes, kTreeCountOffset, 0xFFFFFFFF);
  EXPECT_EQ(LoadError(bytes),
            "m.brm: offset 76: tree count 4294967295 needs at least 137438953440 bytes, only 176 left");

  bytes = good;
  PutU32(bytes, kTreeCountOffset, 0);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 76: forest has no trees");

  bytes = good;
  PutU32(bytes, kTreeCountOffset + 4, 1u << 30);
  EXPECT_EQ(LoadError(bytes),
            "m.brm: offset 80: node count 1073741824 needs at least 30064771072 bytes, only 172 left");

  bytes = good;
  PutU32(bytes, kFirstNodeOffset + 4, 7);  // root's left child
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 84: tree 0 node 0: child index 7 out of range (tree has 5 nodes)");

  bytes = good;
  PutU32(bytes, kFirstNodeOffset + 2 * 28 + 4, 1);  // node 2's left child points back to node 1
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 140: tree 0 node 2: child index 1 not after its parent");

  bytes = good;
  PutU32(bytes, kFirstNodeOffset, 8);  // root feature
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 84: tree 0 node 0: feature index 8 out of range (model has 8 inputs)");

  bytes = good;
  PutF64(bytes, kFirstNodeOffset + 12, std::numeric_limits<double>::infinity());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 84: tree 0 node 0: threshold not finite");

  bytes = good;
  PutF64(bytes, kFirstNodeOffset + 28 + 20, -0.5);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 112: tree 0 node 1: value not in [0, 1]");

  bytes = good + "x";
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 256: 1 unexpected bytes after the model");
}

// --- svm -------------------------------------------------------------------

KernelSvm SmallSvm(double threshold = 0.0) {
  KernelSvmParts parts;
  parts.inputs.assign(8, InputScaling{});
  parts.inputs[1] = {InputTransform::kLog1p, 4.5, 2.25};
  parts.inputs[5] = {InputTransform::kLog1p, 6.0, 3.0};
  parts.gamma = 0.125;
  parts.landmarks = {0, 1, -1, 0.5, 0, 2, 0, 0,  //
                     1, -1, 0, 0, 0.25, -2, 1, 1};
  parts.projection = {1.25, -0.5, -0.5, 1.25};
  parts.weights = {0.75, -1.5};
  parts.bias = 0.125;
  return KernelSvm(FlowEncoder({"tcp", "udp"}, {"CON", "S_RA"}), parts, threshold);
}

// Offsets in SerializeModel(SmallSvm()).
constexpr size_t kSvmScoreKindOffset = 12 + 4 + 3;                    // 19
constexpr size_t kSvmBodyOffset = kSvmScoreKindOffset + 4 + 8 + 4 + 18 + 19;  // 72: input count
constexpr size_t kSvmInputsOffset = kSvmBodyOffset + 4;                // 20 bytes per input
constexpr size_t kSvmGammaOffset = kSvmInputsOffset + 8 * 20;          // 236
constexpr size_t kSvmComponentsOffset = kSvmGammaOffset + 8;           // 244
constexpr size_t kSvmLandmarksOffset = kSvmComponentsOffset + 4;       // 248
constexpr size_t kSvmProjectionOffset = kSvmLandmarksOffset + 2 * 64;  // 376
constexpr size_t kSvmWeightsOffset = kSvmProjectionOffset + 4 * 8;     // 408
constexpr size_t kSvmBiasOffset = kSvmWeightsOffset + 2 * 8;           // 424
constexpr size_t kSvmSize = kSvmBiasOffset + 8;                        // 432

TEST(KernelSvmModelFile, LayoutAndRoundTrip) {
  const KernelSvm svm = SmallSvm(-0.25);
  const std::string bytes = SerializeModel(svm);
  ASSERT_EQ(bytes.size(), kSvmSize);
  EXPECT_EQ(bytes.substr(12, 7), std::string("\3\0\0\0svm", 7));
  EXPECT_EQ(bytes.substr(kSvmScoreKindOffset, 4), std::string("\1\0\0\0", 4));
  EXPECT_EQ(bytes.substr(kSvmBodyOffset, 4), std::string("\10\0\0\0", 4));
  EXPECT_EQ(bytes.substr(kSvmComponentsOffset, 4), std::string("\2\0\0\0", 4));
  const std::unique_ptr<Model> model = LoadModel(bytes, "m.brm");
  const auto* loaded = dynamic_cast<const KernelSvm*>(model.get());
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->type_name(), "svm");
  EXPECT_EQ(loaded->score_kind(), ScoreKind::kDecision);
  EXPECT_EQ(loaded->threshold(), -0.25);
  EXPECT_EQ(loaded->encoder(), svm.encoder());
  EXPECT_EQ(loaded->parts(), svm.parts());
  EXPECT_EQ(SerializeModel(*loaded), bytes);
  const double x[8] = {0, 80, 1024, 1, 0.5, 300, 100, 4800};
  EXPECT_EQ(loaded->PredictRow(x), svm.PredictRow(x));
}

TEST(KernelSvmModelFile, SaveModelAndSaveModelFile) {
  const KernelSvm svm = SmallSvm();
  std::ostringstream out;
  SaveModel(svm, out);
  EXPECT_EQ(out.str(), SerializeModel(svm));
  const auto path =
      (std::filesystem::temp_directory_path() / ("botrecon_svm_file_test_" + std::to_string(::getpid()) + ".brm"))
          .string();
  SaveModelFile(svm, path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(LoadModelFile(path)->type_name(), "svm");
  std::filesystem::remove(path);
}

TEST(KernelSvmModelFile, TruncationAtEveryOffsetThrows) {
  const std::string bytes = SerializeModel(SmallSvm());
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(LoadModel(std::string_view(bytes).substr(0, size), "m.brm"), core::ModelFormatError) << size;
  }
}

TEST(KernelSvmModelFile, EveryDamagedByteLoadsOrThrows) {
  const std::string bytes = SerializeModel(SmallSvm());
  size_t loaded = 0;
  for (size_t offset = 0; offset < bytes.size(); ++offset) {
    for (unsigned char value : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      std::string damaged = bytes;
      damaged[offset] = static_cast<char>(value);
      try {
        const auto model = LoadModel(damaged, "m.brm");
        ++loaded;
        const double x[8] = {1, 80, 0, 1, 0, 0, 0, 0};
        if (const auto* svm = dynamic_cast<const KernelSvm*>(model.get())) {
          // Damaged values may overflow to infinity, but never read out of bounds.
          (void)svm->PredictRow(x);
          EXPECT_FALSE(CheckKernelSvmParts(svm->parts()).has_value());
        }
      } catch (const core::ModelFormatError&) {
      }
    }
  }
  EXPECT_GT(loaded, 0u);
}

TEST(KernelSvmModelFile, ErrorMessagesNameFileOffsetAndProblem) {
  const std::string good = SerializeModel(SmallSvm());
  std::string bytes = good;
  PutU32(bytes, kSvmScoreKindOffset, 0);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 19: an svm model must score decision values");

  bytes = good;
  PutU32(bytes, kSvmBodyOffset, 7);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 72: expected 8 inputs, got 7");

  bytes = good;
  PutU32(bytes, kSvmBodyOffset, 0xFFFFFFFF);
  EXPECT_EQ(LoadError(bytes),
            "m.brm: offset 72: input count 4294967295 needs at least 85899345900 bytes, only 356 left");

  bytes = good;
  PutU32(bytes, kSvmInputsOffset, 2);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 76: input 0: unknown transform 2");

  bytes = good;
  PutF64(bytes, kSvmInputsOffset + 4, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 80: input 0: mean not finite");

  bytes = good;
  PutF64(bytes, kSvmInputsOffset + 20 + 12, 0.0);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 108: input 1: scale must be > 0");

  bytes = good;
  PutF64(bytes, kSvmInputsOffset + 20 + 12, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 108: input 1: scale not finite");

  bytes = good;
  PutF64(bytes, kSvmGammaOffset, 0.0);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 236: gamma must be > 0");

  bytes = good;
  PutU32(bytes, kSvmComponentsOffset, 0);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 244: model has no components");

  bytes = good;
  PutU32(bytes, kSvmComponentsOffset, 70000);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 244: component count 70000 exceeds the limit of 65536");

  bytes = good;
  PutU32(bytes, kSvmComponentsOffset, 65536);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 244: component count 65536 needs 34364456968 bytes, only 184 left");

  bytes = good;
  PutU32(bytes, kSvmComponentsOffset, 3);
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 244: component count 3 needs 296 bytes, only 184 left");

  bytes = good;
  PutU32(bytes, kSvmComponentsOffset, 1);  // the rest no longer fits: bytes left over
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 336: 96 unexpected bytes after the model");

  bytes = good;
  PutF64(bytes, kSvmLandmarksOffset + 64 + 8, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 320: landmark 1: value not finite");

  bytes = good;
  PutF64(bytes, kSvmProjectionOffset + 24, std::numeric_limits<double>::infinity());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 400: projection row 1: value not finite");

  bytes = good;
  PutF64(bytes, kSvmWeightsOffset + 8, std::numeric_limits<double>::infinity());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 416: weight 1: value not finite");

  bytes = good;
  PutF64(bytes, kSvmBiasOffset, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 424: bias not finite");

  bytes = good + "x";
  EXPECT_EQ(LoadError(bytes), "m.brm: offset 432: 1 unexpected bytes after the model");
}

}  // namespace
}  // namespace botrecon::models

namespace botrecon::models {
namespace {

TEST(ModelFileGeneralised, RoundTripKeepsFeatureSetTwo) {
  // Uses inputs beyond the original set's 8 (feature 15 = log_dur, 13 = dst_rst).
  std::vector<std::vector<TreeNode>> trees = {
      {TreeNode{15, 1, 2, 0.7, 0.4}, TreeNode{-1, 0, 0, 0, 0.25}, TreeNode{13, 3, 4, 0.5, 0.7},
       TreeNode{-1, 0, 0, 0, 1.0}, TreeNode{-1, 0, 0, 0, 0.0}},
  };
  const Forest forest(FlowEncoder::Generalised(), trees);
  const std::string bytes = SerializeModel(forest);
  // Feature set id 2 right after the header, and no vocabularies after it.
  EXPECT_EQ(static_cast<uint8_t>(bytes[kFeatureSetOffset]), 2);
  EXPECT_EQ(bytes.size(), kFeatureSetOffset + 4 + 4 + 4 + 5 * 28);
  auto loaded = LoadModel(bytes, "m.brm");
  const auto* back = dynamic_cast<const Forest*>(loaded.get());
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->encoder().feature_set(), kFeatureSetGeneralised);
  EXPECT_EQ(back->n_features(), 19);
  EXPECT_EQ(back->tree_nodes(0), forest.tree_nodes(0));
  EXPECT_EQ(SerializeModel(*back), bytes);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THROW(LoadModel(bytes.substr(0, cut), "m.brm"), core::ModelFormatError) << cut;
  }
}

TEST(ModelFileGeneralised, FeatureIndexBeyondTheSetIsRejected) {
  // Feature 8 is fine in set 2 but out of range in set 1.
  std::vector<std::vector<TreeNode>> trees = {
      {TreeNode{8, 1, 2, 0.5, 0.5}, TreeNode{-1, 0, 0, 0, 0}, TreeNode{-1, 0, 0, 0, 1}}};
  std::string bytes = SerializeModel(Forest(FlowEncoder::Generalised(), trees));
  EXPECT_NO_THROW(LoadModel(bytes, "m.brm"));
  EXPECT_THROW(Forest(FlowEncoder(), trees), std::invalid_argument);
  std::vector<std::vector<TreeNode>> too_far = {
      {TreeNode{19, 1, 2, 0.5, 0.5}, TreeNode{-1, 0, 0, 0, 0}, TreeNode{-1, 0, 0, 0, 1}}};
  EXPECT_THROW(Forest(FlowEncoder::Generalised(), too_far), std::invalid_argument);
  // An unknown feature set id is a format error.
  bytes[kFeatureSetOffset] = 3;
  EXPECT_THROW(LoadModel(bytes, "m.brm"), core::ModelFormatError);
}

}  // namespace
}  // namespace botrecon::models
