// Synthetic flows for the detect tests: rows appended one by one, viewed as FlowColumns.
#pragma once
#include <cmath>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "detect/behaviour.h"

namespace botrecon::detect::testing {

struct Flow {
  std::string src, dst, proto = "tcp", state;
  double start = NAN;
  double sport = 40000, dport = 80;
  double pkts = 1, totbytes = 60, srcbytes = 60;
};

class FlowBuilder {
 public:
  FlowBuilder& Add(const Flow& flow) {
    flows_.push_back(flow);
    return *this;
  }
  size_t size() const { return flows_.size(); }
  const std::vector<Flow>& flows() const { return flows_; }
  // Drop a whole column, as a capture that lacks it.
  bool no_state = false, no_start = false, no_dst = false, no_bytes = false;

  // The rows [begin, end) as FlowColumns (valid until the next call).
  FlowColumns Columns(size_t begin = 0, size_t end = SIZE_MAX) {
    end = std::min(end, flows_.size());
    keep_.assign(end - begin, 1);
    src_.clear(), dst_.clear(), proto_.clear(), state_.clear();
    start_.clear(), sport_.clear(), dport_.clear(), dur_.clear(), pkts_.clear(), tot_.clear(), srcb_.clear();
    for (size_t idx = begin; idx < end; ++idx) {
      const Flow& flow = flows_[idx];
      src_.push_back(flow.src), dst_.push_back(flow.dst), proto_.push_back(flow.proto), state_.push_back(flow.state);
      start_.push_back(flow.start), sport_.push_back(flow.sport), dport_.push_back(flow.dport), dur_.push_back(0);
      pkts_.push_back(flow.pkts), tot_.push_back(flow.totbytes), srcb_.push_back(flow.srcbytes);
    }
    FlowColumns columns;
    columns.n = end - begin;
    columns.keep = keep_;
    columns.src = src_;
    if (!no_dst) columns.dst = dst_;
    columns.proto = proto_;
    if (!no_state) columns.state = state_;
    if (!no_start) columns.start = start_;
    columns.sport = sport_, columns.dport = dport_, columns.dur = dur_, columns.pkts = pkts_;
    if (!no_bytes) columns.totbytes = tot_, columns.srcbytes = srcb_;
    return columns;
  }

 private:
  std::vector<Flow> flows_;
  std::vector<uint8_t> keep_;
  std::vector<std::string_view> src_, dst_, proto_, state_;
  std::vector<double> start_, sport_, dport_, dur_, pkts_, tot_, srcb_;
};

// "10.<a>.<b>.<c>" for idx, distinct for idx < 2^24.
inline std::string Address(const std::string& prefix, int idx) {
  return prefix + std::to_string(idx / 256) + "." + std::to_string(idx % 256);
}

}  // namespace botrecon::detect::testing
