#include "models/registry.h"

#include "core/error.h"
#include "models/model_file.h"

extern "C" {
extern const char botrecon_model_rforest_start[], botrecon_model_rforest_end[];
extern const char botrecon_model_svm_start[], botrecon_model_svm_end[];
extern const char botrecon_model_rforest_experimental_start[], botrecon_model_rforest_experimental_end[];
}

namespace botrecon::models {

std::string_view BuiltinModelBytes(const std::string& name) {
  struct Entry {
    const char* name;
    const char* start;
    const char* end;
  };
  static const Entry kBuiltins[] = {
      {"rforest", botrecon_model_rforest_start, botrecon_model_rforest_end},
      {"svm", botrecon_model_svm_start, botrecon_model_svm_end},
      {"rforest-experimental", botrecon_model_rforest_experimental_start, botrecon_model_rforest_experimental_end},
  };
  for (const auto& e : kBuiltins) {
    if (name == e.name) return {e.start, static_cast<size_t>(e.end - e.start)};
  }
  return {};
}

std::unique_ptr<Model> LoadBuiltinModel(const std::string& name) {
  std::string_view bytes = BuiltinModelBytes(name);
  if (bytes.empty()) {
    throw core::UsageError("the built-in model '" + name + "' is not available in this build yet; use -m rforest or -M FILE");
  }
  return LoadModel(bytes, "built-in model '" + name + "'");
}

}  // namespace botrecon::models
