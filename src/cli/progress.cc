#include "cli/progress.h"

#include <cstdio>

namespace botrecon::cli {

ProgressBar::ProgressBar(uint64_t total) : total_(total == 0 ? 1 : total), start_(std::chrono::steady_clock::now()) {
  Draw();
}

void ProgressBar::Update(uint64_t done) {
  if (done > total_) done = total_;
  if (done <= done_) return;
  done_ = done;
  Draw();
}

void ProgressBar::Finish() {
  if (finished_) return;
  done_ = total_;
  Draw();
  std::fputc('\n', stderr);
  finished_ = true;
}

void ProgressBar::Draw() {
  constexpr int kWidth = 36;
  int filled = static_cast<int>(kWidth * done_ / total_);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  std::fprintf(stderr, "\rScoring  [%s] %3d%%  %llu/%llu batches  %.1fs", bar.c_str(),
               static_cast<int>(100 * done_ / total_), static_cast<unsigned long long>(done_),
               static_cast<unsigned long long>(total_), seconds);
  std::fflush(stderr);
}

}  // namespace botrecon::cli
