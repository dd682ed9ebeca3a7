// Stage "filter": the --ip address filter.
//
// BM_FilterMatch     AddressFilter::Matches on parsed addresses, for a filter
//                    of `entries` networks (1 = just 10.0.0.0/8; more = that
//                    plus random /16, /24 and single addresses).
// BM_FilterScanLoop  what RunScan does per row with --ip: parse the source
//                    address, then match it.
#include "bench_common.h"
#include "core/ip_address.h"
#include "filter/address_filter.h"

namespace botrecon::bench {
namespace {

filter::AddressFilter MakeFilter(int64_t entries) {
  std::vector<std::string> list{"10.0.0.0/8"};
  SplitMix64 rng{11};
  while (static_cast<int64_t>(list.size()) < entries) {
    const uint64_t bits = rng.Next();
    const auto octet = [&](int idx) { return std::to_string((bits >> (8 * idx)) & 255); };
    const int prefix = static_cast<int>((bits >> 32) % 3);
    if (prefix == 0) {
      list.push_back(octet(0) + "." + octet(1) + ".0.0/16");
    } else if (prefix == 1) {
      list.push_back(octet(0) + "." + octet(1) + "." + octet(2) + ".0/24");
    } else {
      list.push_back(octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3));
    }
  }
  return filter::AddressFilter::FromEntries(list);
}

void BM_FilterMatch(benchmark::State& state) {
  const DecodedFlows* decoded = Decoded(state, kDefaultRows);
  if (decoded == nullptr) return;
  std::vector<core::IpAddress> addresses;
  for (const auto& flows : decoded->flows) {
    for (std::string_view host : flows.srcaddr) {
      if (auto address = core::ParseIpAddress(host)) addresses.push_back(*address);
    }
  }
  const filter::AddressFilter address_filter = MakeFilter(state.range(0));
  uint64_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const core::IpAddress& address : addresses) matched += address_filter.Matches(address);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(addresses.size()));
  state.counters["matched"] = static_cast<double>(matched) / static_cast<double>(addresses.size());
}
BENCHMARK(BM_FilterMatch)->ArgName("entries")->Arg(1)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_FilterScanLoop(benchmark::State& state) {
  const DecodedFlows* decoded = Decoded(state, kDefaultRows);
  if (decoded == nullptr) return;
  const filter::AddressFilter address_filter = MakeFilter(state.range(0));
  for (auto _ : state) {
    uint64_t matched = 0;
    for (const auto& flows : decoded->flows) {
      for (std::string_view host : flows.srcaddr) {
        auto address = core::ParseIpAddress(host);
        matched += address && address_filter.Matches(*address);
      }
    }
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * decoded->rows);
}
BENCHMARK(BM_FilterScanLoop)->ArgName("entries")->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
