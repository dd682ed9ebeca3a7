#include "cli/progress.h"

#include <cstdio>
#include <string>

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

ByteProgress::ByteProgress() : start_(std::chrono::steady_clock::now()) {}

void ByteProgress::Update(uint64_t bytes, uint64_t rows) {
  bytes_ = bytes;
  rows_ = rows;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (last_draw_ >= 0 && seconds - last_draw_ < 0.1) return;
  last_draw_ = seconds;
  Draw(seconds);
}

void ByteProgress::Finish() {
  if (finished_) return;
  Draw(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  std::fputc('\n', stderr);
  finished_ = true;
}

void ByteProgress::Draw(double seconds) {
  // The rate only once it means something (the first chunk arrives at once).
  const std::string rate =
      seconds >= 0.2 ? FormatBytes(static_cast<double>(bytes_) / seconds) + "/s" : std::string("-");
  std::fprintf(stderr, "\rReading  %s  %s  %llu rows  %.1fs   ", FormatBytes(static_cast<double>(bytes_)).c_str(),
               rate.c_str(), static_cast<unsigned long long>(rows_), seconds);
  std::fflush(stderr);
}

std::string FormatBytes(double bytes) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char buf[32];
  if (unit == 0) std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  else std::snprintf(buf, sizeof buf, bytes < 10 ? "%.2f %s" : bytes < 100 ? "%.1f %s" : "%.0f %s", bytes, kUnits[unit]);
  return buf;
}

}  // namespace botrecon::cli
