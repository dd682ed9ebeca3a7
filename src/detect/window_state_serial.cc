// Serialize / Deserialize of WindowState (canonical: equal states give equal bytes).
#include <algorithm>

#include "detect/window_state.h"

namespace botrecon::detect {
namespace {

void PutAddress(ByteWriter& out, const core::IpAddress& address) {
  for (uint8_t byte : address.bytes) out.Put<uint8_t>(byte);
  out.Put<uint8_t>(address.is_v4);
}
core::IpAddress GetAddress(ByteReader& in) {
  core::IpAddress address;
  for (uint8_t& byte : address.bytes) byte = in.Get<uint8_t>();
  address.is_v4 = in.Get<uint8_t>() != 0;
  return address;
}

void PutExamples(ByteWriter& out, const ExampleSet& set) {
  out.Put<uint8_t>(set.count);
  for (int idx = 0; idx < set.count; ++idx) {
    out.Put<uint64_t>(set.items[idx].hash);
    PutAddress(out, set.items[idx].address);
    out.Put<int32_t>(set.items[idx].port);
  }
}
ExampleSet GetExamples(ByteReader& in) {
  ExampleSet set;
  auto count = in.Get<uint8_t>();
  if (count > ExampleSet::kSize) throw core::InputError("behaviour state: corrupt examples");
  for (int idx = 0; idx < count; ++idx) {
    Example example;
    example.hash = in.Get<uint64_t>();
    example.address = GetAddress(in);
    example.port = in.Get<int32_t>();
    set.Add(example);
  }
  return set;
}

void PutBeacons(ByteWriter& out, const BeaconState& state) {
  out.Put<uint32_t>(static_cast<uint32_t>(state.pairs.size()));
  for (const BeaconPair& pair : state.pairs) {
    out.Put<uint64_t>(pair.dst_hash);
    PutAddress(out, pair.dst);
    out.Put<int32_t>(pair.port);
    out.Put<uint32_t>(pair.flows);
    out.Put<uint32_t>(pair.sized);
    out.Put<uint64_t>(pair.bytes_sum);
    out.Put<uint64_t>(static_cast<uint64_t>(pair.bytes_squares));
    out.Put<uint64_t>(static_cast<uint64_t>(pair.bytes_squares >> 64));
    pair.slots.Serialize(out);
  }
}
std::unique_ptr<BeaconState> GetBeacons(ByteReader& in) {
  auto state = std::make_unique<BeaconState>();
  auto count = in.Get<uint32_t>();
  if (count > BeaconState::kMaxPairs) throw core::InputError("behaviour state: corrupt beacon pairs");
  for (uint32_t idx = 0; idx < count; ++idx) {
    BeaconPair pair;
    pair.dst_hash = in.Get<uint64_t>();
    pair.dst = GetAddress(in);
    pair.port = in.Get<int32_t>();
    pair.flows = in.Get<uint32_t>();
    pair.sized = in.Get<uint32_t>();
    pair.bytes_sum = in.Get<uint64_t>();
    uint64_t low = in.Get<uint64_t>();
    pair.bytes_squares = (static_cast<Uint128>(in.Get<uint64_t>()) << 64) | low;
    pair.slots = TimeSlots::Deserialize(in);
    if (!state->pairs.empty() && state->pairs.back().dst_hash >= pair.dst_hash) {
      throw core::InputError("behaviour state: corrupt beacon pairs");
    }
    state->pairs.push_back(std::move(pair));
  }
  return state;
}

}  // namespace

void WindowState::Serialize(ByteWriter& out) const {
  out.Put<int64_t>(window);
  out.Put<uint64_t>(flows);
  out.Put<double>(first);
  out.Put<double>(last);
  for (uint32_t counter : {classified, failed, smtp_flows, smtp_failed, icmp_flows, arp_flows, p2p_flows, p2p_failed,
                           dns_flows, public_flows}) {
    out.Put<uint32_t>(counter);
  }
  for (const DistinctSketch* sketch : {&dsts, &failed_dsts, &smtp_dsts, &icmp_dsts, &arp_dsts, &p2p_dsts, &p2p_ports, &public_dsts}) {
    sketch->Serialize(out);
  }
  out.Put<uint8_t>((scan ? 1 : 0) | (examples.any() ? 2 : 0) | (beacons ? 4 : 0) | (pending.empty() ? 0 : 8));
  if (!pending.empty()) {
    out.Put<uint8_t>(static_cast<uint8_t>(pending.size()));
    for (const FailedPair& pair : pending) {
      out.Put<uint64_t>(pair.pair_hash);
      out.Put<uint64_t>(pair.dst_hash);
      PutAddress(out, pair.dst);
      out.Put<int32_t>(pair.port);
      out.Put<uint8_t>(pair.dst_ip);
    }
  }
  if (scan) {
    for (int idx = 0; idx < ScanState::kBuckets; ++idx) {
      for (const ScanBucket* bucket : {&scan->by_port[idx], &scan->by_dst[idx]}) {
        bucket->pairs.Serialize(out);
        bucket->keys.Serialize(out);
        ExampleSet one;
        if (bucket->example.hash != 0) one.Add(bucket->example);
        PutExamples(out, one);
      }
    }
  }
  if (examples.any()) {
    static const ExampleSet kNone;
    for (const auto& set : examples.sets) PutExamples(out, set ? *set : kNone);
  }
  if (beacons) PutBeacons(out, *beacons);
}

WindowState WindowState::Deserialize(ByteReader& in) {
  WindowState state(in.Get<int64_t>());
  state.flows = in.Get<uint64_t>();
  state.first = in.Get<double>();
  state.last = in.Get<double>();
  for (uint32_t* counter : {&state.classified, &state.failed, &state.smtp_flows, &state.smtp_failed, &state.icmp_flows,
                            &state.arp_flows, &state.p2p_flows, &state.p2p_failed, &state.dns_flows, &state.public_flows}) {
    *counter = in.Get<uint32_t>();
  }
  for (DistinctSketch* sketch : {&state.dsts, &state.failed_dsts, &state.smtp_dsts, &state.icmp_dsts, &state.arp_dsts,
                                 &state.p2p_dsts, &state.p2p_ports, &state.public_dsts}) {
    *sketch = DistinctSketch::Deserialize(in);
  }
  auto parts = in.Get<uint8_t>();
  if (parts & 8) {
    auto count = in.Get<uint8_t>();
    if (count == 0 || count > kMaxPending) throw core::InputError("behaviour state: corrupt failed pairs");
    for (int idx = 0; idx < count; ++idx) {
      FailedPair pair;
      pair.pair_hash = in.Get<uint64_t>();
      pair.dst_hash = in.Get<uint64_t>();
      pair.dst = GetAddress(in);
      pair.port = in.Get<int32_t>();
      pair.dst_ip = in.Get<uint8_t>() != 0;
      if (!state.pending.empty() && state.pending.back().pair_hash >= pair.pair_hash) {
        throw core::InputError("behaviour state: corrupt failed pairs");
      }
      state.pending.push_back(pair);
    }
  }
  if (parts & 1) {
    state.scan = std::make_unique<ScanState>();
    for (int idx = 0; idx < ScanState::kBuckets; ++idx) {
      for (ScanBucket* bucket : {&state.scan->by_port[idx], &state.scan->by_dst[idx]}) {
        bucket->pairs = DistinctSketch::Deserialize(in);
        bucket->keys = DistinctSketch::Deserialize(in);
        ExampleSet one = GetExamples(in);
        if (one.count > 0) bucket->example = one.items[0];
      }
    }
  }
  if (parts & 2) {
    for (int kind = 0; kind < WindowExamples::kKinds; ++kind) {
      ExampleSet set = GetExamples(in);
      if (set.count > 0) state.examples.Get(static_cast<WindowExamples::Kind>(kind)) = set;
    }
  }
  if (parts & 4) state.beacons = GetBeacons(in);
  return state;
}

}  // namespace botrecon::detect
