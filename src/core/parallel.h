// The one worker pool of botrecon: run a function on N threads (the caller's
// thread is one of them) and carry the first exception back to the caller.
// The scan/evaluate/train runner (pipeline/run.h) and the forest trainer use it.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace botrecon::core {

// Set once a worker failed; long-running workers poll it to stop early.
class StopFlag {
 public:
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }
  void Stop() { stop_.store(true, std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
};

// Calls body(worker, stop) for worker = 0 .. threads-1, each on its own thread
// (worker 0 on the calling thread), and waits for all. The first exception
// any of them throws stops the others (through `stop`) and is rethrown here.
template <class Body>
void RunWorkers(int threads, Body&& body) {
  threads = std::max(1, threads);
  StopFlag stop;
  std::mutex error_mutex;
  std::exception_ptr error;
  auto run = [&](int worker) {
    try {
      body(worker, stop);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      stop.Stop();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int worker = 1; worker < threads; ++worker) pool.emplace_back(run, worker);
  run(0);
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

// Calls body(item, worker) for every item in [0, count), items handed out one
// at a time to `threads` workers in increasing order. Exceptions as RunWorkers.
template <class Body>
void ParallelFor(size_t count, int threads, Body&& body) {
  std::atomic<size_t> next{0};
  const int workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(1, threads)), std::max<size_t>(count, 1)));
  RunWorkers(workers, [&](int worker, const StopFlag& stop) {
    for (size_t item = next.fetch_add(1); item < count && !stop.stopped(); item = next.fetch_add(1)) {
      body(item, worker);
    }
  });
}

}  // namespace botrecon::core
