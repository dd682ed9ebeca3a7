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

// A one-line progress line for input of unknown size (stdin, compressed
// input): bytes read, rate, rows and time, redrawn at most 10 times a second.
class ByteProgress {
 public:
  ByteProgress();
  void Update(uint64_t bytes, uint64_t rows);
  // Draws the final figures and ends the line.
  void Finish();

 private:
  void Draw(double seconds);
  uint64_t bytes_ = 0, rows_ = 0;
  bool finished_ = false;
  double last_draw_ = -1;
  std::chrono::steady_clock::time_point start_;
};

// "512 B", "1.5 KB", "12.3 MB", "1.02 GB" (powers of 1000).
std::string FormatBytes(double bytes);

}  // namespace botrecon::cli
