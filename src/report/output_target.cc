#include "report/output_target.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace botrecon::report {
namespace {

// The temporary file being written, removed if a signal ends the process
// before it is renamed (so Ctrl-C leaves neither a half file nor a stray one).
char g_temp_path[PATH_MAX + 64];
std::atomic<bool> g_temp_active{false};

extern "C" void RemoveTempAndDie(int sig) {
  if (g_temp_active.load()) unlink(g_temp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

class TempGuard {
 public:
  explicit TempGuard(const std::string& path) {
    std::snprintf(g_temp_path, sizeof g_temp_path, "%s", path.c_str());
    g_temp_active = true;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) previous_[Index(sig)] = std::signal(sig, RemoveTempAndDie);
  }
  ~TempGuard() {
    g_temp_active = false;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, previous_[Index(sig)]);
  }
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;

 private:
  static int Index(int sig) { return sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2; }
  void (*previous_[3])(int) = {};
};

bool SameFile(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Names that mean this process's standard output.
bool IsStdoutName(const std::string& path) {
  return path == "/dev/stdout" || path == "/dev/fd/1" || path == "/proc/self/fd/1";
}

// Follows a chain of symbolic links without resolving the last target
// through /proc or /dev: returns the final path, or "" on a loop.
std::string FollowLinks(std::string path, bool& through_special) {
  through_special = false;
  for (int hop = 0; hop < 40; ++hop) {
    if (IsStdoutName(path)) return path;
    if (path.rfind("/proc/", 0) == 0 || path.rfind("/dev/fd/", 0) == 0) {
      through_special = true;  // a descriptor's link: written through, never replaced
      return path;
    }
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    char buf[PATH_MAX];
    ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
    if (n < 0) return path;
    std::string target(buf, static_cast<size_t>(n));
    path = target.front() == '/' ? target : FolderOf(path) + "/" + target;
  }
  return "";
}

std::string ReadHead(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return {};
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

void CheckNotAnInput(const OutputRequest& request, const struct stat& out, const std::vector<std::string>& inputs) {
  for (const auto& input : inputs) {
    struct stat in {};
    if (input == "-" || stat(input.c_str(), &in) != 0) continue;
    if (SameFile(in, out)) {
      throw core::UsageError("Invalid value for the " + request.what + ": '" + request.path +
                             "' is the input file '" + input + "'; botrecon never writes over its input");
    }
  }
}

void CheckFolder(const OutputRequest& request, const std::string& write_path) {
  const std::string folder = FolderOf(write_path);
  struct stat st {};
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw core::UsageError("cannot write the " + request.what + " '" + request.path + "': folder '" + folder +
                           "' does not exist");
  }
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    throw core::UsageError("cannot write the " + request.what + " '" + request.path + "': folder '" + folder +
                           "' is not writable: " + std::strerror(errno));
  }
}

void WriteAll(int fd, std::string_view content, const std::string& path, const std::string& what) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw core::IoError(path + ": cannot write the " + what + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
}

}  // namespace

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && SameFile(sa, sb);
}

bool LooksLikeResult(std::string_view head) {
  if (head.empty()) return true;  // an empty file holds nothing to lose
  if (head.rfind(",Host,Mean Score,Flow Count", 0) == 0) return true;
  if (head.front() == '{') {
    std::string_view line = head.substr(0, head.find('\n'));
    if (line.rfind("{\"summary\":{\"files\":", 0) == 0) return true;  // a JSON Lines result without hosts
    return line.find("\"host\":") != std::string_view::npos && line.find("\"mean_score\":") != std::string_view::npos;
  }
  return false;
}

OutputTarget OutputTarget::Open(const OutputRequest& request, const std::vector<std::string>& inputs) {
  OutputTarget target;
  target.path_ = request.path;
  target.what_ = request.what;
  if (request.path.empty() || request.path == "-" || IsStdoutName(request.path)) return target;
  bool through_special = false;
  std::string final_path = FollowLinks(request.path, through_special);
  if (final_path.empty()) {
    throw core::UsageError("cannot write the " + request.what + " '" + request.path + "': too many symbolic links");
  }
  if (IsStdoutName(final_path)) return target;
  struct stat st {};
  if (stat(request.path.c_str(), &st) == 0) {
    CheckNotAnInput(request, st, inputs);
    if (S_ISDIR(st.st_mode)) {
      throw core::UsageError("cannot write the " + request.what + " '" + request.path + "': it is a folder");
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || (through_special && !S_ISBLK(st.st_mode))) {
      target.kind_ = Kind::kSpecial;
      target.write_path_ = request.path;
      return target;
    }
    if (!S_ISREG(st.st_mode)) {
      throw core::UsageError("cannot write the " + request.what + " '" + request.path +
                             "': it is not a regular file, a FIFO or a character device");
    }
    if (!request.explicit_flag && !request.force && !LooksLikeResult(ReadHead(request.path))) {
      throw core::UsageError("OUTPUT_FILE " + request.path +
                             " exists and holds flows, not a botrecon result; to scan both files use -o OUT " +
                             (inputs.empty() ? std::string("INPUT") : inputs.front()) + " " + request.path +
                             "; to replace it use --force");
    }
  }
  target.kind_ = Kind::kRegular;
  target.write_path_ = final_path;
  CheckFolder(request, final_path);
  return target;
}

void WriteStdout(std::string_view content) {
  if (!content.empty() && std::fwrite(content.data(), 1, content.size(), stdout) != content.size()) {
    // Reported below by fflush/ferror.
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) std::_Exit(141);  // the reader went away: end quietly, as SIGPIPE would
    throw core::IoError("standard output: cannot write the results: " + std::string(std::strerror(errno)));
  }
}

void OutputTarget::Write(std::string_view content) const {
  if (kind_ == Kind::kStdout) {
    WriteStdout(content);
    return;
  }
  if (kind_ == Kind::kSpecial) {
    struct stat st {};
    const bool regular = stat(write_path_.c_str(), &st) == 0 && S_ISREG(st.st_mode);  // behind /proc/self/fd/N
    int fd = open(write_path_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | (regular ? O_TRUNC : 0));
    if (fd < 0) throw core::IoError(path_ + ": cannot open the " + what_ + ": " + std::strerror(errno));
    try {
      WriteAll(fd, content, path_, what_);
    } catch (...) {
      close(fd);
      throw;
    }
    if (close(fd) != 0) throw core::IoError(path_ + ": cannot write the " + what_ + ": " + std::strerror(errno));
    return;
  }
  struct stat old {};
  const bool existed = stat(write_path_.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  const std::string folder = FolderOf(write_path_);
  std::string base = write_path_.substr(write_path_.rfind('/') == std::string::npos ? 0 : write_path_.rfind('/') + 1);
  std::string tmpl = folder + "/." + base + ".botrecon-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  TempGuard guard(tmpl);
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) throw core::IoError(path_ + ": cannot write the " + what_ + ": " + std::strerror(errno));
  std::snprintf(g_temp_path, sizeof g_temp_path, "%s", name.data());
  auto fail = [&](const std::string& why) {
    close(fd);
    unlink(name.data());
    throw core::IoError(path_ + ": cannot write the " + what_ + ": " + why);
  };
  try {
    WriteAll(fd, content, path_, what_);
  } catch (const core::IoError& e) {
    close(fd);
    unlink(name.data());
    throw;
  }
  if (existed) {
    if (fchmod(fd, old.st_mode & 07777) != 0) fail(std::string("chmod: ") + std::strerror(errno));
    if ((old.st_uid != geteuid() || old.st_gid != getegid()) && fchown(fd, old.st_uid, old.st_gid) != 0 &&
        errno != EPERM) {
      fail(std::string("chown: ") + std::strerror(errno));
    }
  } else {
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) fail(std::string("chmod: ") + std::strerror(errno));
  }
  if (fsync(fd) != 0) fail(std::strerror(errno));
  if (close(fd) != 0) {
    int err = errno;
    unlink(name.data());
    throw core::IoError(path_ + ": cannot write the " + what_ + ": " + std::strerror(err));
  }
  if (std::rename(name.data(), write_path_.c_str()) != 0) {
    int err = errno;
    unlink(name.data());
    throw core::IoError(path_ + ": cannot write the " + what_ + ": " + std::strerror(err));
  }
}

}  // namespace botrecon::report
