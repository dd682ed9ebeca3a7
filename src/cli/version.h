// What `botrecon -V` prints: version, build and the built-in models.
#pragma once
#include <string>

namespace botrecon::cli {

// "botrecon, version X (Release build, GCC 12.2.0)" and one line per
// built-in model: its kind, training data and date.
std::string VersionText();

}  // namespace botrecon::cli
