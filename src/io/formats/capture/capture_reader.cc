// Network captures read through the tools that turn them into flows: a pcap
// or pcapng file through `argus -r FILE -w - | ra -r - ...`, an Argus file
// through `ra`, an nfdump file through `nfdump -B -o csv`. The tool's CSV goes
// to the csv reader, so its columns resolve exactly as those of a file
// converted by hand with the same commands (README: "From pcap / Argus /
// nfdump / Zeek to botrecon").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "core/error.h"
#include "core/text.h"
#include "io/formats.h"
#include "io/process/process_pipeline.h"

namespace botrecon::io {
namespace {

// The fields and options of tools/captures.sh and the README's manual command.
const std::vector<std::string> kRaOptions = {"-Z", "b", "-n", "-u", "-c", ",", "-s", "stime", "dur", "proto",
                                             "saddr", "sport", "dir", "daddr", "dport", "state", "stos", "dtos",
                                             "pkts", "bytes", "sbytes"};

struct Tool {
  const char* program;
  const char* package;
};

// What a capture type needs.
struct CaptureSpec {
  const char* what;  // "a pcap file"
  std::vector<Tool> tools;
};

CaptureSpec SpecOf(InputType type, std::string_view head) {
  switch (type) {
    case InputType::kPcap:
      return {head.substr(0, 4) == std::string_view("\x0a\x0d\x0d\x0a", 4) ? "a pcapng file" : "a pcap file",
              {{"argus", "argus-server"}, {"ra", "argus-client"}}};
    case InputType::kArgus:
      return {"an Argus file", {{"ra", "argus-client"}}};
    case InputType::kNfdump:
      return {"an nfdump file", {{"nfdump", "nfdump"}}};
    default:
      break;
  }
  throw core::InternalError("not a capture type");
}

std::string JoinNames(const std::vector<std::string>& names, const char* last_sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_sep : ", ";
    out += names[i];
  }
  return out;
}

// The full paths of the spec's programs; a missing one is an IoError naming
// the file and the Debian packages to install.
std::vector<std::string> FindTools(const std::string& name, const CaptureSpec& spec) {
  std::vector<std::string> paths, programs, packages, missing;
  for (const Tool& tool : spec.tools) {
    programs.emplace_back(tool.program);
    if (std::find(packages.begin(), packages.end(), tool.package) == packages.end()) packages.emplace_back(tool.package);
    paths.push_back(FindProgram(tool.program));
    if (paths.back().empty()) missing.emplace_back(tool.program);
  }
  if (!missing.empty()) {
    throw core::IoError(name + ": " + spec.what + "; reading it needs " + JoinNames(programs, " and ") + " (apt install " +
                        JoinNames(packages, " ") + "); not found: " + JoinNames(missing, ", "));
  }
  return paths;
}

// A line of a tool's stderr fit for a one-line message: blanks trimmed,
// Argus's "ArgusError: 06 Dec 26 06:05:07.744315 " and ra's "ra[123]:
// 06:05:42.800486 " prefixes dropped, control characters replaced, at most
// 300 characters.
std::string CleanLine(std::string_view line) {
  std::string text(core::TrimSpaceTab(core::ChompCr(line)));
  static const std::regex kArgusPrefix(
      R"(^Argus[A-Za-z]*: (\d{1,2} [A-Za-z]{3} \d{2,4} )?\d{1,2}:\d{2}:\d{2}(\.\d+)? )");
  static const std::regex kToolPrefix(R"(^[A-Za-z_.-]+\[\d+\]: (\d{1,2}:\d{2}:\d{2}(\.\d+)? )?)");
  text = std::regex_replace(text, kArgusPrefix, "", std::regex_constants::format_first_only);
  text = std::regex_replace(text, kToolPrefix, "", std::regex_constants::format_first_only);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

std::vector<std::string> StderrLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = CleanLine(std::string_view(text).substr(start, nl - start));
    if (!line.empty()) lines.push_back(std::move(line));
    start = nl + 1;
  }
  return lines;
}

// The pipeline's verdict once its output ended: a tool that failed (exit
// status, signal), reported an error on stderr (nfdump exits 0 on a damaged
// file) or printed nothing (argus exits 0 on a file it cannot read) makes the
// input an InputError with the tool's first stderr line.
void CheckExits(const std::string& name, const CaptureSpec& spec, const ProcessPipeline& pipeline) {
  const std::vector<std::string> lines = StderrLines(pipeline.stderr_text());
  const std::string first = lines.empty() ? std::string() : lines.front();
  const ProcessExit* failed = nullptr;
  for (const ProcessExit& exit : pipeline.exits()) {
    if (exit.ok()) continue;
    // A tool killed by SIGPIPE only saw the next one go: report that one.
    if (failed == nullptr || (failed->signal == SIGPIPE && exit.signal != SIGPIPE)) failed = &exit;
  }
  if (failed != nullptr) {
    throw core::InputError(name + ": " + failed->name + " failed (" + failed->Describe() + ")" +
                           (first.empty() ? std::string(" without a message") : ": " + first));
  }
  for (const std::string& line : lines) {
    const std::string lower = core::AsciiLower(line);
    if (lower.find("error") != std::string::npos || lower.find("corrupt") != std::string::npos) {
      std::vector<std::string> programs;
      for (const Tool& tool : spec.tools) programs.emplace_back(tool.program);
      // The first line says what went wrong ("Open file 'x': bad magic"),
      // later ones where ("GetNextFile() error in nfdump.c line 295").
      throw core::InputError(name + ": " + JoinNames(programs, "/") + " reported an error: " + first);
    }
  }
  if (pipeline.output_bytes() == 0) {
    std::vector<std::string> programs;
    for (const Tool& tool : spec.tools) programs.emplace_back(tool.program);
    throw core::InputError(name + ": " + JoinNames(programs, " and ") + " read no flows from it" +
                           (first.empty() ? std::string(" (is it ") + spec.what + "?)" : ": " + first));
  }
}

// A file of our own in $TMPDIR, removed when it goes.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  // Creates the file and writes all of `stream` into it.
  void Fill(ByteStream& stream, const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/botrecon-XXXXXX" + suffix;
    const int fd = mkstemps(pattern.data(), static_cast<int>(std::strlen(suffix)));
    if (fd < 0) throw core::IoError(stream.name() + ": cannot create a temporary file in " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
    std::vector<char> buffer(1 << 16);
    try {
      for (size_t got; (got = stream.Read(buffer.data(), buffer.size())) > 0;) {
        for (size_t done = 0; done < got;) {
          const ssize_t wrote = ::write(fd, buffer.data() + done, got - done);
          if (wrote < 0 && errno == EINTR) continue;
          if (wrote < 0) throw core::IoError(stream.name() + ": cannot write the temporary file " + path_ + ": " + std::strerror(errno));
          done += static_cast<size_t>(wrote);
        }
      }
    } catch (...) {
      close(fd);
      throw;
    }
    if (close(fd) != 0) throw core::IoError(stream.name() + ": cannot write the temporary file " + path_ + ": " + std::strerror(errno));
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The csv reader of the tool's output, with the capture's name and progress.
class CaptureReader : public Reader {
 public:
  CaptureReader(std::string name, uint64_t total, std::unique_ptr<TempFile> temp, std::unique_ptr<ProcessPipeline> pipeline,
                const ReaderOptions& options)
      : name_(std::move(name)), total_(total), temp_(std::move(temp)), pipeline_(pipeline.get()) {
    csv_ = OpenCsvReader(std::move(pipeline), options);
  }
  const Schema& schema() const override { return csv_->schema(); }
  void SetProjection(const std::vector<int>& column_indices) override { csv_->SetProjection(column_indices); }
  std::unique_ptr<Chunk> NextChunk() override {
    std::unique_ptr<Chunk> chunk = csv_->NextChunk();
    // The csv reader may stop before the tool's end (nfdump's summary): the
    // tool's exit is checked all the same.
    if (chunk == nullptr) pipeline_->Finish();
    return chunk;
  }
  uint64_t bytes_consumed() const override { return total_ == 0 ? 0 : std::min(total_, pipeline_->input_position()); }
  uint64_t bytes_total() const override { return total_; }
  const std::string& source_name() const override { return name_; }

 private:
  std::string name_;
  uint64_t total_;
  std::unique_ptr<TempFile> temp_;  // destroyed after the pipeline that reads it
  ProcessPipeline* pipeline_;       // owned by csv_
  std::unique_ptr<Reader> csv_;
};

// The commands that turn `file` ("-": stdin) into CSV.
std::vector<ProcessCommand> Commands(InputType type, const std::vector<std::string>& paths, const std::string& file) {
  auto ra = [&](const std::string& path, const std::string& input) {
    ProcessCommand command{path, {"ra", "-r", input}};
    command.argv.insert(command.argv.end(), kRaOptions.begin(), kRaOptions.end());
    return command;
  };
  switch (type) {
    case InputType::kPcap:
      return {ProcessCommand{paths[0], {"argus", "-r", file, "-w", "-"}}, ra(paths[1], "-")};
    case InputType::kArgus:
      return {ra(paths[0], file)};
    case InputType::kNfdump:
      return {ProcessCommand{paths[0], {"nfdump", "-B", "-o", "csv", "-r", file}}};
    default:
      break;
  }
  throw core::InternalError("not a capture type");
}

std::unique_ptr<Reader> Open(const std::string& name, InputType type, std::string_view head, uint64_t total,
                             std::unique_ptr<ByteStream> input, const std::string& file,
                             std::unique_ptr<TempFile> temp, const ReaderOptions& options) {
  const CaptureSpec spec = SpecOf(type, head);
  const std::vector<std::string> paths = FindTools(name, spec);
  // Line numbers in messages about rows are those of the tool's CSV: say so.
  const std::string output_name = name + " (" + spec.tools.back().program + " output)";
  auto pipeline = std::make_unique<ProcessPipeline>(output_name, Commands(type, paths, file), std::move(input));
  pipeline->set_on_end([name, spec](const ProcessPipeline& p) { CheckExits(name, spec, p); });
  return std::make_unique<CaptureReader>(output_name, total, std::move(temp), std::move(pipeline), options);
}

bool Be32(std::string_view h, size_t at, uint32_t value) {
  if (h.size() < at + 4) return false;
  uint32_t got = 0;
  for (size_t i = 0; i < 4; ++i) got = (got << 8) | static_cast<unsigned char>(h[at + i]);
  return got == value;
}

}  // namespace

bool IsCaptureType(InputType type) {
  return type == InputType::kPcap || type == InputType::kArgus || type == InputType::kNfdump;
}

std::optional<InputType> DetectCaptureType(std::string_view head) {
  // pcap: a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds), either byte order.
  for (uint32_t magic : {0xa1b2c3d4u, 0xd4c3b2a1u, 0xa1b23c4du, 0x4d3cb2a1u}) {
    if (Be32(head, 0, magic)) return InputType::kPcap;
  }
  // pcapng: a Section Header Block (0a0d0d0a) with its byte-order magic.
  if (Be32(head, 0, 0x0a0d0d0au) && (Be32(head, 8, 0x1a2b3c4du) || Be32(head, 8, 0x4d3c2b1au))) return InputType::kPcap;
  // Argus: a management record (type 0x8N) carrying the Argus cookie (v2, v3, v5).
  if (!head.empty() && (static_cast<unsigned char>(head[0]) & 0xf0) == 0x80) {
    for (size_t at : {size_t{4}, size_t{8}}) {
      for (uint32_t cookie : {0xe5617acbu, 0xe5712dcbu, 0xe57150cbu}) {
        if (Be32(head, at, cookie)) return InputType::kArgus;
      }
    }
  }
  // nfdump: the file header's magic 0xA50C and layout version 1 or 2 (16-bit words, little endian).
  if (head.size() >= 4 && static_cast<unsigned char>(head[0]) == 0x0c && static_cast<unsigned char>(head[1]) == 0xa5 &&
      (head[2] == 1 || head[2] == 2) && head[3] == 0) {
    return InputType::kNfdump;
  }
  return std::nullopt;
}

std::unique_ptr<Reader> OpenCaptureReader(const std::string& path, InputType type, const ReaderOptions& options) {
  // Opened here first: a missing or unreadable file is our error, not the tool's.
  std::unique_ptr<ByteStream> probe = ByteStream::OpenRaw(path);
  const uint64_t total = probe->size();
  probe.reset();
  return Open(path, type, PeekFile(path, 16), total, nullptr, path, nullptr, options);
}

std::unique_ptr<Reader> OpenCaptureReader(std::unique_ptr<PeekableStream> stream, InputType type,
                                          const ReaderOptions& options) {
  const std::string name = stream->name();
  const std::string head(stream->Peek(16));
  if (type == InputType::kNfdump) {
    // nfdump reads files only: the stream goes to a temporary file first.
    FindTools(name, SpecOf(type, head));
    auto temp = std::make_unique<TempFile>();
    temp->Fill(*stream, ".nfcapd");
    const std::string file = temp->path();
    return Open(name, type, head, 0, nullptr, file, std::move(temp), options);
  }
  return Open(name, type, head, 0, std::move(stream), "-", nullptr, options);
}

}  // namespace botrecon::io
