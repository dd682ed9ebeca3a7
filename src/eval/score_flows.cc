#include "eval/score_flows.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <span>
#include <thread>

namespace botrecon::eval {
namespace {

// Copies rows [begin, end) of `flows` into `out` (string views still point
// into `flows`' strings).
void Slice(const features::FlowBatch& flows, size_t begin, size_t end, features::FlowBatch& out) {
  auto copy = [&](const auto& from, auto& to) { to.assign(from.begin() + begin, from.begin() + end); };
  copy(flows.srcaddr, out.srcaddr);
  copy(flows.proto, out.proto);
  copy(flows.state, out.state);
  copy(flows.dport, out.dport);
  copy(flows.sport, out.sport);
  copy(flows.dur, out.dur);
  copy(flows.totbytes, out.totbytes);
  copy(flows.srcbytes, out.srcbytes);
  copy(flows.bps, out.bps);
  copy(flows.keep, out.keep);
  copy(flows.line, out.line);
  copy(flows.row, out.row);
  out.num_rows = end - begin;
}

}  // namespace

std::vector<double> ScoreFlows(const models::Model& model, const features::FlowBatch& flows, int threads,
                               size_t block_rows) {
  const size_t n = flows.num_rows;
  std::vector<double> scores(n);
  if (n == 0) return scores;
  block_rows = std::max<size_t>(1, block_rows);
  const size_t num_blocks = (n + block_rows - 1) / block_rows;
  std::atomic<size_t> next_block{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    features::FlowBatch block;
    for (;;) {
      const size_t b = next_block.fetch_add(1);
      if (b >= num_blocks || failed.load()) return;
      const size_t begin = b * block_rows;
      const size_t end = std::min(n, begin + block_rows);
      try {
        Slice(flows, begin, end, block);
        model.Score(block, std::span<double>(scores.data() + begin, end - begin));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
    }
  };
  const size_t num_threads = std::min<size_t>(std::max(1, threads), num_blocks);
  std::vector<std::thread> workers;
  for (size_t t = 1; t < num_threads; ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  if (error) std::rethrow_exception(error);
  return scores;
}

}  // namespace botrecon::eval
