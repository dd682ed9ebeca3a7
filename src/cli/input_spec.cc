#include "cli/input_spec.h"

#include <exception>

#include "core/error.h"

namespace botrecon::cli {

InputSpec ParseInputSpec(const std::string& spec, const std::string& command) {
  InputSpec out;
  out.path = spec;
  const size_t at = spec.rfind('@');
  if (at == std::string::npos || spec.find(':', at) == std::string::npos) return out;
  const std::string window = spec.substr(at + 1);
  const size_t colon = window.find(':');
  auto bound = [&](const std::string& text) -> double {
    if (text.empty()) return -1;
    try {
      size_t used = 0;
      double v = std::stod(text, &used);
      if (used == text.size() && v >= 0) return v;
    } catch (const std::exception&) {
    }
    throw core::UsageError(command + ": bad time window '" + window + "' in '" + spec + "'; expected FROM:TO minutes");
  };
  out.window = TimeWindow{bound(window.substr(0, colon)), bound(window.substr(colon + 1))};
  out.path = spec.substr(0, at);
  return out;
}

}  // namespace botrecon::cli
