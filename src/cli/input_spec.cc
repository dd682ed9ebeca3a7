#include "cli/input_spec.h"

#include <sys/stat.h>

#include <exception>
#include <optional>

#include "core/error.h"

namespace botrecon::cli {

namespace {

// Takes "#KEY=VALUE" out of `rest` (VALUE ends at '@' or the end); nullopt if absent.
std::optional<std::string> TakeSuffix(std::string& rest, const std::string& key) {
  const size_t hash = rest.rfind("#" + key + "=");
  if (hash == std::string::npos) return std::nullopt;
  const std::string after = rest.substr(hash + key.size() + 2);
  const size_t value_end = after.find('@');
  std::string value = after.substr(0, value_end);
  rest = rest.substr(0, hash) + (value_end == std::string::npos ? "" : after.substr(value_end));
  return value;
}

}  // namespace

InputSpec ParseInputSpec(const std::string& spec, const std::string& command) {
  InputSpec out;
  std::string rest = spec;
  if (auto value = TakeSuffix(rest, "infected")) {
    for (size_t begin = 0; begin <= value->size();) {
      size_t comma = value->find(',', begin);
      if (comma == std::string::npos) comma = value->size();
      if (comma > begin) out.infected.push_back(value->substr(begin, comma - begin));
      begin = comma + 1;
    }
    if (out.infected.empty()) {
      throw core::UsageError(command + ": '" + spec + "': #infected= needs at least one address or network");
    }
  } else if (auto label = TakeSuffix(rest, "label")) {
    if (*label != "0" && *label != "1") {
      throw core::UsageError(command + ": bad per-file label '" + *label + "' in '" + spec +
                             "'; expected #label=0 or #label=1");
    }
    out.label = *label == "1" ? 1 : 0;
  }
  out.path = rest;
  const size_t at = rest.rfind('@');
  if (at == std::string::npos || rest.find(':', at) == std::string::npos) return out;
  const std::string window = rest.substr(at + 1);
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
  out.path = rest.substr(0, at);
  return out;
}

pipeline::LabelOptions FileLabelOptions(const InputSpec& spec, const pipeline::LabelOptions& base,
                                        const filter::AddressFilter* infected) {
  pipeline::LabelOptions options = base;
  if (infected != nullptr) {
    options.infected = infected;
    options.fixed_label.reset();
  } else if (spec.label) {
    options.fixed_label = *spec.label;
    options.infected = nullptr;
  }
  if (spec.window) {
    options.from_minutes = spec.window->from_minutes;
    options.to_minutes = spec.window->to_minutes;
  }
  return options;
}

WindowedInputs SplitWindows(const std::vector<std::string>& inputs, const std::string& command) {
  WindowedInputs out;
  for (const auto& input : inputs) {
    struct stat st {};
    if (input.find('@') == std::string::npos || stat(input.c_str(), &st) == 0) {
      out.paths.push_back(input);
      out.windows.emplace_back();
      continue;
    }
    InputSpec spec = ParseInputSpec(input, command.empty() ? "scan" : command);
    if (spec.label || !spec.infected.empty()) {
      throw core::UsageError((command.empty() ? "" : command + ": ") + "'" + input +
                             "': #label= and #infected= label flows for train and evaluate; a scan takes FILE@FROM:TO");
    }
    out.paths.push_back(spec.path);
    out.windows.push_back(spec.window);
  }
  return out;
}

std::unique_ptr<filter::AddressFilter> FileInfectedFilter(const InputSpec& spec) {
  if (spec.infected.empty()) return nullptr;
  return std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(spec.infected, "#infected="));
}

}  // namespace botrecon::cli
