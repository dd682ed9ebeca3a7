#include "cli/version.h"

#include <array>

namespace botrecon::cli {
namespace {

struct BuiltinModelInfo {
  const char* name;
  const char* kind;
  const char* training;
  const char* date;  // when the shipped file was trained (git history of models/)
};

// Kept beside the model cards (models/*.md), which give the full recipes.
constexpr std::array<BuiltinModelInfo, 3> kBuiltinModels{{
    {"rforest", "random forest, 100 trees, the original's 8 features (default)",
     "CTU-13 scenarios 6 (first 70 min), 11 and 5 (head); 425,746 flows", "2026-11-27"},
    {"svm", "Nystroem RBF + linear SVM, the original's features",
     "the same flows as rforest", "2026-11-27"},
    {"rforest-experimental", "random forest on generalised features (TCP flags, port classes, ratios)",
     "CTU-13, slips, nDPI, IoT-23, Stratosphere Zeek and the P2P captures; 489,150 flows", "2026-11-28"},
}};

}  // namespace

std::string VersionText() {
#ifdef __clang__
  const std::string compiler = std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  const std::string compiler = std::string("GCC ") + __VERSION__;
#else
  const std::string compiler = "unknown compiler";
#endif
  std::string text = std::string("botrecon, version ") + BOTRECON_VERSION + " (" + BOTRECON_BUILD_TYPE +
                     " build, " + compiler + ")\nBuilt-in models (-m NAME):\n";
  for (const auto& model : kBuiltinModels) {
    text += std::string("  ") + model.name + ": " + model.kind + "; trained " + model.date + " on " +
            model.training + "\n";
  }
  return text;
}

}  // namespace botrecon::cli
