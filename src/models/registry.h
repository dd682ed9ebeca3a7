// Where models come from: the built-in ones embedded in the executable, and
// model files given with -M (LoadModelFile in model_file.h). Every loader goes
// through LoadModel (model_file.h).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "models/model.h"

namespace botrecon::models {

// The bytes of a built-in model file ("rforest", "svm", "rforest-experimental");
// empty if this build has no such model.
std::string_view BuiltinModelBytes(const std::string& name);

// Loads a built-in model. Throws core::UsageError if it is not in this build.
std::unique_ptr<Model> LoadBuiltinModel(const std::string& name);

}  // namespace botrecon::models
