#include "detect/behaviour.h"

namespace botrecon::detect {

class HostTables {};

BehaviourTable::BehaviourTable(const Options& options, int threads) : options_(options), tables_(std::make_unique<HostTables>()) {}
BehaviourTable::~BehaviourTable() = default;
BehaviourTable::BehaviourTable(BehaviourTable&&) noexcept = default;
BehaviourTable& BehaviourTable::operator=(BehaviourTable&&) noexcept = default;
void BehaviourTable::Observe(const FlowColumns& flows) {}
void BehaviourTable::Merge(const BehaviourTable& other) {}
std::vector<HostBehaviour> BehaviourTable::Finish() const { return {}; }
std::vector<HostBehaviour> BehaviourTable::Timeline(std::string_view host) const { return {}; }
std::vector<std::string> BehaviourTable::Notes() const { return {}; }
std::string BehaviourTable::Serialize() const { return {}; }
BehaviourTable BehaviourTable::Deserialize(std::string_view bytes, const Options& options) { return BehaviourTable(options); }
const std::vector<DetectorInfo>& BehaviourTable::Detectors() {
  static const std::vector<DetectorInfo> detectors;
  return detectors;
}
size_t BehaviourTable::num_hosts() const { return 0; }
size_t BehaviourTable::MemoryBytes() const { return 0; }

}  // namespace botrecon::detect
