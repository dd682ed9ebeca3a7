#include "features/flow_batch.h"

namespace botrecon::features {

void FlowBatch::Resize(size_t n, bool extras) {
  num_rows = n;
  srcaddr.resize(n);
  proto.resize(n);
  state.resize(n);
  dport.resize(n);
  sport.resize(n);
  dur.resize(n);
  totbytes.resize(n);
  srcbytes.resize(n);
  bps.resize(n);
  if (extras) {
    dstaddr.resize(n);
    start.resize(n);
    pkts.resize(n);
  }
  keep.assign(n, 1);
  management_records = 0;
  line.resize(n);
  row.resize(n);
  lower_arena.clear();
}

}  // namespace botrecon::features
