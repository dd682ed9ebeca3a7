// A one-line progress bar on a terminal (stderr).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace botrecon::cli {

class ProgressBar {
 public:
  // `total` steps (batches); draws on stderr.
  explicit ProgressBar(uint64_t total);
  // Moves the bar to `done` steps (never backwards).
  void Update(uint64_t done);
  // Completes the bar and ends the line.
  void Finish();

 private:
  void Draw();
  uint64_t total_;
  uint64_t done_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace botrecon::cli
