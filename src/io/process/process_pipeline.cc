#include "io/process/process_pipeline.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/error.h"

extern char** environ;

namespace botrecon::io {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// A pipe whose ends are closed on exec (the children get theirs by dup2).
void MakePipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw core::IoError("cannot create a pipe: " + ErrnoText(errno));
}

// Starts `command` with the given stdin, stdout and stderr, without a shell.
pid_t Spawn(const ProcessCommand& command, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // nothing else of ours leaks into the child
#endif
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const std::string& arg : command.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, command.path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw core::IoError("cannot run " + command.path + ": " + ErrnoText(rc));
  return pid;
}

ProcessExit ExitOf(const std::string& name, int status) {
  ProcessExit exit;
  exit.name = name;
  if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    exit.exit_code = WEXITSTATUS(status);
  }
  return exit;
}

}  // namespace

std::string FindProgram(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return IsExecutableFile(name) ? name : std::string();
  std::string path;
  if (const char* env = std::getenv("PATH")) {
    path = env;
  } else {
    path = "/usr/local/bin:/usr/bin:/bin";
  }
  path += ":/usr/local/sbin:/usr/sbin:/sbin";
  size_t start = 0;
  for (;;) {
    const size_t colon = path.find(':', start);
    const std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    // An empty entry would mean the current folder: never run a program from there.
    if (!dir.empty() && dir.front() == '/') {
      std::string candidate = dir + (dir.back() == '/' ? "" : "/") + name;
      if (IsExecutableFile(candidate)) return candidate;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}

std::string ProcessExit::Describe() const {
  if (signal != 0) {
    const char* text = strsignal(signal);
    return "killed by signal " + std::to_string(signal) + (text ? std::string(" (") + text + ")" : std::string());
  }
  return "exit status " + std::to_string(exit_code);
}

// The thread that copies `source` into the first command's stdin. Shared
// with the thread, so that a thread stuck reading a never-ending stdin can be
// left behind (detached) without a dangling pointer.
struct ProcessPipeline::Feeder {
  std::unique_ptr<ByteStream> source;
  int fd = -1;  // write end of the first command's stdin; closed by the thread
  std::atomic<uint64_t> fed{0};
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;
  std::thread thread;

  static void Run(const std::shared_ptr<Feeder>& self) {
    // A write to a pipe whose reader died raises SIGPIPE in this thread:
    // blocked here, write fails with EPIPE instead and the process lives.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    std::exception_ptr error;
    try {
      std::vector<char> buffer(1 << 16);
      bool reader_gone = false;
      while (!reader_gone) {
        const size_t got = self->source->Read(buffer.data(), buffer.size());
        if (got == 0) break;
        size_t done = 0;
        while (done < got) {
          const ssize_t wrote = ::write(self->fd, buffer.data() + done, got - done);
          if (wrote >= 0) {
            done += static_cast<size_t>(wrote);
            self->fed += static_cast<uint64_t>(wrote);
            continue;
          }
          if (errno == EINTR) continue;
          if (errno == EPIPE) {  // the program stopped reading: its own exit says why
            reader_gone = true;
            break;
          }
          throw core::IoError(self->source->name() + ": cannot feed the converter: " + ErrnoText(errno));
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
    CloseFd(self->fd);
    std::lock_guard<std::mutex> lock(self->mutex);
    self->error = error;
    self->done = true;
    self->cv.notify_all();
  }

  // Waits up to `timeout` for the thread to end; joins it if it did, else
  // leaves it running detached (it holds its own reference). True if it ended.
  bool Stop(std::chrono::milliseconds timeout) {
    bool ended;
    {
      std::unique_lock<std::mutex> lock(mutex);
      ended = cv.wait_for(lock, timeout, [this] { return done; });
    }
    if (!thread.joinable()) return ended;
    if (ended) {
      thread.join();
    } else {
      thread.detach();
    }
    return ended;
  }
};

ProcessPipeline::ProcessPipeline(std::string name, std::vector<ProcessCommand> commands,
                                 std::unique_ptr<ByteStream> input) {
  name_ = std::move(name);
  if (commands.empty()) throw core::InternalError("a process pipeline without commands");
  int stdin_fd = -1;
  try {
    if (input) {
      int fds[2];
      MakePipe(fds);
      stdin_fd = fds[0];
      feeder_ = std::make_shared<Feeder>();
      feeder_->source = std::move(input);
      feeder_->fd = fds[1];
    } else {
      stdin_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (stdin_fd < 0) throw core::IoError("cannot open /dev/null: " + ErrnoText(errno));
    }
    Start(commands, stdin_fd);
    CloseFd(stdin_fd);
  } catch (...) {
    CloseFd(stdin_fd);
    if (feeder_) CloseFd(feeder_->fd);
    feeder_.reset();
    KillAndReap();
    throw;
  }
  if (feeder_) {
    std::shared_ptr<Feeder> feeder = feeder_;
    try {
      feeder_->thread = std::thread([feeder] { Feeder::Run(feeder); });
    } catch (...) {
      CloseFd(feeder_->fd);
      feeder_.reset();
      KillAndReap();
      throw;
    }
  }
}

// Starts the commands, the first reading `stdin_fd` (left open for the caller to close).
void ProcessPipeline::Start(const std::vector<ProcessCommand>& commands, int stdin_fd) {
  int err[2];
  MakePipe(err);
  err_fd_ = err[0];
  int prev = stdin_fd;
  int err_write = err[1];
  try {
    for (const ProcessCommand& command : commands) {
      int out[2];
      MakePipe(out);
      pid_t pid;
      try {
        pid = Spawn(command, prev, out[1], err_write);
      } catch (...) {
        CloseFd(out[0]);
        CloseFd(out[1]);
        throw;
      }
      pids_.push_back(pid);
      names_.push_back(command.argv.empty() ? command.path : command.argv[0]);
      CloseFd(out[1]);
      if (prev != stdin_fd) CloseFd(prev);
      prev = out[0];
    }
  } catch (...) {
    if (prev != stdin_fd) CloseFd(prev);
    CloseFd(err_write);
    throw;
  }
  out_fd_ = prev;
  CloseFd(err_write);
  fcntl(err_fd_, F_SETFL, fcntl(err_fd_, F_GETFL) | O_NONBLOCK);
}

ProcessPipeline::~ProcessPipeline() {
  KillAndReap();
  if (feeder_) feeder_->Stop(std::chrono::milliseconds(200));
}

void ProcessPipeline::KillAndReap() {
  for (pid_t pid : pids_) {
    if (pid > 0) kill(pid, SIGKILL);
  }
  CloseFd(out_fd_);
  CloseFd(err_fd_);
  for (pid_t& pid : pids_) {
    if (pid <= 0) continue;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
  }
}

void ProcessPipeline::DrainStderr() {
  char buffer[4096];
  while (err_fd_ >= 0) {
    const ssize_t got = ::read(err_fd_, buffer, sizeof buffer);
    if (got > 0) {
      const size_t room = kMaxStderrBytes - std::min(kMaxStderrBytes, stderr_.size());
      stderr_.append(buffer, std::min(room, static_cast<size_t>(got)));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    CloseFd(err_fd_);  // end (every child closed its stderr) or an error
  }
}

size_t ProcessPipeline::Read(char* out, size_t n) {
  if (finished_ || n == 0) return 0;
  for (;;) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw core::IoError(name_ + ": cannot wait for the converter's output: " + ErrnoText(errno));
    }
    if (fds[1].revents != 0) DrainStderr();
    if (fds[0].revents == 0) continue;
    const ssize_t got = ::read(out_fd_, out, n);
    if (got > 0) {
      output_bytes_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw core::IoError(name_ + ": cannot read the converter's output: " + ErrnoText(errno));
    End();
    return 0;
  }
}

void ProcessPipeline::Finish() {
  char buffer[1 << 16];
  while (Read(buffer, sizeof buffer) > 0) {
  }
}

void ProcessPipeline::End() {
  CloseFd(out_fd_);
  // Reap every child, draining stderr meanwhile (a child blocked writing it
  // would never end).
  for (size_t i = 0; i < pids_.size(); ++i) {
    while (pids_[i] > 0) {
      int status = 0;
      const pid_t got = waitpid(pids_[i], &status, err_fd_ >= 0 ? WNOHANG : 0);
      if (got == pids_[i]) {
        exits_.push_back(ExitOf(names_[i], status));
        pids_[i] = -1;
        break;
      }
      if (got < 0 && errno != EINTR) {
        exits_.push_back(ProcessExit{names_[i], 0, 0});
        pids_[i] = -1;
        break;
      }
      if (got == 0) {
        pollfd fd{err_fd_, POLLIN, 0};
        if (poll(&fd, 1, 20) > 0) DrainStderr();
      }
    }
  }
  DrainStderr();  // what is left (a grandchild holding the pipe is not waited for)
  CloseFd(err_fd_);
  finished_ = true;
  if (feeder_) {
    // Every reader of the feeder's pipe is gone: its writes fail now. Only a
    // read of a never-ending stdin keeps it; it is then left behind.
    feeder_->Stop(std::chrono::milliseconds(1000));
    std::exception_ptr error;
    {
      std::lock_guard<std::mutex> lock(feeder_->mutex);
      error = feeder_->error;
    }
    if (error) std::rethrow_exception(error);
  }
  if (on_end_) on_end_(*this);
}

uint64_t ProcessPipeline::input_position() const {
  if (finished_) return UINT64_MAX;
  if (feeder_) return feeder_->fed.load();
  if (pids_.empty() || pids_[0] <= 0) return UINT64_MAX;
  std::ifstream io("/proc/" + std::to_string(pids_[0]) + "/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
}

}  // namespace botrecon::io
