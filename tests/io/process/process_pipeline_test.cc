#include "io/process/process_pipeline.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

ProcessCommand Command(const std::string& name, std::vector<std::string> args) {
  ProcessCommand command{FindProgram(name), {name}};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  EXPECT_FALSE(command.path.empty()) << name;
  return command;
}

std::string ReadAll(ByteStream& stream) {
  std::string out;
  char buffer[1000];  // small reads: the output arrives in many pieces
  for (size_t got; (got = stream.Read(buffer, sizeof buffer)) > 0;) out.append(buffer, got);
  return out;
}

TEST(FindProgram, SearchesPathThenSbin) {
  EXPECT_FALSE(FindProgram("sh").empty());
  EXPECT_EQ(FindProgram("botrecon-no-such-program"), "");
  EXPECT_EQ(FindProgram(""), "");
  EXPECT_EQ(FindProgram("/bin/sh"), "/bin/sh");
  EXPECT_EQ(FindProgram("/nonexistent/sh"), "");
}

TEST(ProcessPipeline, ChainsCommandsAndFeedsInput) {
  std::string input;
  for (int i = 0; i < 100000; ++i) input += "line " + std::to_string(i) + "\n";  // more than a pipe holds
  ProcessPipeline pipeline("test", {Command("cat", {}), Command("tr", {"a-z", "A-Z"})},
                           ByteStream::FromString("in", input));
  std::string upper = input;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(ReadAll(pipeline), upper);
  ASSERT_TRUE(pipeline.finished());
  ASSERT_EQ(pipeline.exits().size(), 2u);
  EXPECT_TRUE(pipeline.exits()[0].ok());
  EXPECT_TRUE(pipeline.exits()[1].ok());
  EXPECT_EQ(pipeline.input_position(), UINT64_MAX);
  EXPECT_EQ(pipeline.Read(nullptr, 0), 0u);
}

TEST(ProcessPipeline, ArgumentsAreNeverParsedByAShell) {
  ProcessPipeline pipeline("test", {Command("printf", {"%s|", "a b", "$(echo no)", "; rm -rf x", "*"})});
  EXPECT_EQ(ReadAll(pipeline), "a b|$(echo no)|; rm -rf x|*|");
}

TEST(ProcessPipeline, ExitStatusSignalAndStderrAreReported) {
  ProcessPipeline failing("test", {Command("sh", {"-c", "echo first problem >&2; echo second >&2; exit 3"})});
  bool called = false;
  failing.set_on_end([&](const ProcessPipeline& p) {
    called = true;
    ASSERT_EQ(p.exits().size(), 1u);
    EXPECT_EQ(p.exits()[0].exit_code, 3);
    EXPECT_EQ(p.exits()[0].Describe(), "exit status 3");
    EXPECT_EQ(p.stderr_text(), "first problem\nsecond\n");
    throw core::InputError("verdict");
  });
  EXPECT_THROW(ReadAll(failing), core::InputError);
  EXPECT_TRUE(called);

  ProcessPipeline killed("test", {Command("sh", {"-c", "kill -9 $$"})});
  ReadAll(killed);
  ASSERT_EQ(killed.exits().size(), 1u);
  EXPECT_EQ(killed.exits()[0].signal, SIGKILL);
  EXPECT_FALSE(killed.exits()[0].ok());
}

TEST(ProcessPipeline, StderrIsDrainedAndBounded) {
  // 1 MB on stderr (far beyond a pipe's buffer) before any output: no deadlock.
  ProcessPipeline noisy("test", {Command("sh", {"-c", "head -c 1000000 /dev/zero | tr '\\0' x >&2; echo done"})});
  EXPECT_EQ(ReadAll(noisy), "done\n");
  EXPECT_EQ(noisy.stderr_text().size(), ProcessPipeline::kMaxStderrBytes);
  EXPECT_TRUE(noisy.exits()[0].ok());
}

TEST(ProcessPipeline, DestroyedEarlyKillsAndReapsItsChildren) {
  std::vector<pid_t> pids;
  const auto start = std::chrono::steady_clock::now();
  {
    // `yes` writes forever; `sleep` never ends; the reader stops after a few bytes.
    ProcessPipeline pipeline("test", {Command("yes", {}), Command("sh", {"-c", "echo $$; head -c 10; exec sleep 1000"})});
    char buffer[64];
    std::string got;
    while (got.find('\n') == std::string::npos) {
      const size_t n = pipeline.Read(buffer, sizeof buffer);
      ASSERT_GT(n, 0u);
      got.append(buffer, n);
    }
    pids.push_back(static_cast<pid_t>(std::stol(got)));
    EXPECT_FALSE(pipeline.finished());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  for (pid_t pid : pids) {
    EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: not our child any more
    EXPECT_EQ(errno, ECHILD);
  }
}

TEST(ProcessPipeline, DestroyedWhileItsInputNeverEndsDoesNotHang) {
  // The feeding thread blocks reading an input that never ends (a stdin left
  // open): the pipeline still goes at once, leaving the thread behind.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  class Blocking : public ByteStream {
   public:
    explicit Blocking(int fd) : fd_(fd) {}
    ~Blocking() override { close(fd_); }
    size_t Read(char* out, size_t n) override {
      const ssize_t got = ::read(fd_, out, n);
      return got > 0 ? static_cast<size_t>(got) : 0;
    }

   private:
    int fd_;
  };
  ASSERT_EQ(write(fds[1], "abc\n", 4), 4);
  const auto start = std::chrono::steady_clock::now();
  {
    ProcessPipeline pipeline("test", {Command("cat", {})}, std::make_unique<Blocking>(fds[0]));
    char buffer[4];
    ASSERT_EQ(pipeline.Read(buffer, sizeof buffer), 4u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  close(fds[1]);  // the thread left behind ends now
}

TEST(ProcessPipeline, FinishDiscardsTheRestAndChecks) {
  ProcessPipeline pipeline("test", {Command("seq", {"1", "200000"})});
  char buffer[16];
  ASSERT_GT(pipeline.Read(buffer, sizeof buffer), 0u);
  bool called = false;
  pipeline.set_on_end([&](const ProcessPipeline& p) { called = p.exits().size() == 1 && p.exits()[0].ok(); });
  pipeline.Finish();
  EXPECT_TRUE(called);
  EXPECT_GT(pipeline.output_bytes(), 1000000u);
}

TEST(ProcessPipeline, FeederErrorIsThrownAtTheEnd) {
  // A stream that fails after some bytes (as a damaged compressed file does).
  class Failing : public ByteStream {
   public:
    size_t Read(char* out, size_t n) override {
      if (sent_) throw core::InputError("in: damaged");
      sent_ = true;
      out[0] = 'x';
      return 1;
    }

   private:
    bool sent_ = false;
  };
  ProcessPipeline pipeline("test", {Command("cat", {})}, std::make_unique<Failing>());
  try {
    ReadAll(pipeline);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(), "in: damaged");
  }
}

TEST(CaptureDetection, MagicBytes) {
  using namespace std::string_literals;
  EXPECT_EQ(DetectCaptureType("\xd4\xc3\xb2\xa1\x02\x00\x04\x00"s), InputType::kPcap);
  EXPECT_EQ(DetectCaptureType("\xa1\xb2\xc3\xd4\x00\x02\x00\x04"s), InputType::kPcap);
  EXPECT_EQ(DetectCaptureType("\x4d\x3c\xb2\xa1\x02\x00\x04\x00"s), InputType::kPcap);  // nanoseconds
  EXPECT_EQ(DetectCaptureType("\xa1\xb2\x3c\x4d\x00\x02\x00\x04"s), InputType::kPcap);
  EXPECT_EQ(DetectCaptureType("\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a"s), InputType::kPcap);  // pcapng
  EXPECT_EQ(DetectCaptureType("\x0a\x0d\x0d\x0a\x1c\x00\x00\x00xxxx"s), std::nullopt);
  EXPECT_EQ(DetectCaptureType("\x83\x10\x00\x20\x00\x00\x00\x00\xe5\x71\x2d\xcb"s), InputType::kArgus);
  EXPECT_EQ(DetectCaptureType("\x0c\xa5\x01\x00\x00\x00"s), InputType::kNfdump);
  EXPECT_EQ(DetectCaptureType("\x0c\xa5\x02\x00\x00\x01"s), InputType::kNfdump);
  EXPECT_EQ(DetectCaptureType("\x0c\xa5\x07\x00"s), std::nullopt);
  EXPECT_EQ(DetectCaptureType("StartTime,Dur"), std::nullopt);
  EXPECT_EQ(DetectCaptureType(""), std::nullopt);
  EXPECT_EQ(DetectCaptureType("\xd4\xc3"s), std::nullopt);
}

TEST(CaptureDetection, TypeNames) {
  EXPECT_EQ(ParseInputType("PCAP"), InputType::kPcap);
  EXPECT_EQ(ParseInputType("argus"), InputType::kArgus);
  EXPECT_EQ(ParseInputType("nfdump"), InputType::kNfdump);
  EXPECT_STREQ(InputTypeName(InputType::kNfdump), "nfdump");
}

}  // namespace
}  // namespace botrecon::io
