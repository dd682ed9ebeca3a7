// External programs as an input: a pipeline of commands (argus | ra, nfdump)
// started without a shell, whose last stdout is read as a ByteStream.
//
// Every program is given as an argv array (file names are arguments, never
// parsed by a shell). The commands' stdin/stdout are chained by pipes; the
// first command reads /dev/null, or bytes fed by a thread from a ByteStream
// (stdin, decompressed data). All stderr goes into one pipe, drained while the
// output is read and kept up to kMaxStderrBytes. At the end of the output the
// children are reaped and the exits can be checked; a pipeline destroyed
// before that (an error elsewhere, an exception) kills its children with
// SIGKILL and reaps them: no zombies, no hang.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/byte_stream.h"

namespace botrecon::io {

// The full path of program `name`: the folders of $PATH, then the sbin
// folders (argus lives in /usr/sbin, which a user's PATH often lacks). Empty
// if no executable file of that name is found.
std::string FindProgram(const std::string& name);

struct ProcessCommand {
  std::string path;               // full path of the program (FindProgram)
  std::vector<std::string> argv;  // argv[0] is the name used in messages
};

// How a child ended.
struct ProcessExit {
  std::string name;
  int exit_code = 0;  // when it exited
  int signal = 0;     // when a signal ended it (0 otherwise)
  bool ok() const { return signal == 0 && exit_code == 0; }
  // "exit status 1", "killed by signal 9 (Killed)".
  std::string Describe() const;
};

class ProcessPipeline : public ByteStream {
 public:
  static constexpr size_t kMaxStderrBytes = 16 << 10;

  // Starts `commands` (at least one). `input`, if not null, is fed to the
  // first command's stdin by a thread. Throws core::IoError if a pipe or a
  // process cannot be created.
  ProcessPipeline(std::string name, std::vector<ProcessCommand> commands, std::unique_ptr<ByteStream> input = nullptr);
  ~ProcessPipeline() override;
  ProcessPipeline(const ProcessPipeline&) = delete;
  ProcessPipeline& operator=(const ProcessPipeline&) = delete;

  // Reads the last command's stdout. At its end (0), the children are reaped
  // and `on_end` is called once (it may throw: the pipeline's verdict); an
  // error of the feeding thread is thrown first.
  size_t Read(char* out, size_t n) override;
  // Reads and discards the rest of the output, then ends as Read does.
  void Finish();

  // Called at the end of the output with the pipeline (exits(), stderr_text()).
  void set_on_end(std::function<void(const ProcessPipeline&)> on_end) { on_end_ = std::move(on_end); }

  bool finished() const { return finished_; }
  const std::vector<ProcessExit>& exits() const { return exits_; }
  // The children's stderr, at most kMaxStderrBytes.
  const std::string& stderr_text() const { return stderr_; }
  uint64_t output_bytes() const { return output_bytes_; }
  // How far the first command has read its input: bytes fed to it, or the
  // bytes it has read so far (/proc/PID/io); UINT64_MAX once finished; 0 if
  // unknown.
  uint64_t input_position() const;

 private:
  struct Feeder;
  void Start(const std::vector<ProcessCommand>& commands, int stdin_fd);
  void End();
  void DrainStderr();
  void KillAndReap();

  std::vector<pid_t> pids_;  // -1 once reaped
  std::vector<std::string> names_;
  std::vector<ProcessExit> exits_;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string stderr_;
  uint64_t output_bytes_ = 0;
  bool finished_ = false;
  std::function<void(const ProcessPipeline&)> on_end_;
  std::shared_ptr<Feeder> feeder_;
};

}  // namespace botrecon::io
