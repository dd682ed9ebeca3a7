#include "report/output_target.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <fstream>
#include <iterator>

#include "core/error.h"

namespace botrecon::report {
namespace {

class OutputTargetTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/botrecon-out-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  static void Put(const std::string& path, const std::string& content) { std::ofstream(path) << content; }
  static std::string Get(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Files in the folder, to find stray temporaries.
  size_t Entries() const {
    size_t n = 0;
    DIR* d = opendir(dir_.c_str());
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.' || (e->d_name[1] != '\0' && e->d_name[1] != '.');
    closedir(d);
    return n;
  }
  std::string dir_;
};

constexpr const char* kFlows = "StartTime,Dur,Proto,SrcAddr\n2011/08/16 10:01:46,1.0,tcp,10.0.0.1\n";
constexpr const char* kResult = ",Host,Mean Score,Flow Count\n0,10.0.0.1,0.9,12\n";

TEST(LooksLikeResult, CsvAndJsonLines) {
  EXPECT_TRUE(LooksLikeResult(kResult));
  EXPECT_TRUE(LooksLikeResult(",Host,Mean Score,Flow Count,Evidence\n"));
  EXPECT_TRUE(LooksLikeResult("{\"host\":\"10.0.0.1\",\"mean_score\":0.9,\"flow_count\":3}\n"));
  EXPECT_TRUE(LooksLikeResult(""));
  EXPECT_FALSE(LooksLikeResult(kFlows));
  EXPECT_FALSE(LooksLikeResult("{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\"}\n"));
}

TEST_F(OutputTargetTest, NewFileIsCreatedWithUmaskMode) {
  const std::string out = Path("new.csv");
  OutputTarget target = OutputTarget::Open({out, false, false}, {Path("in.csv")});
  EXPECT_EQ(target.kind(), OutputTarget::Kind::kRegular);
  target.Write("x\n");
  EXPECT_EQ(Get(out), "x\n");
  struct stat st {};
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
}

TEST_F(OutputTargetTest, SecondCaptureIsNotOverwritten) {
  const std::string day2 = Path("day2.binetflow");
  Put(day2, kFlows);
  try {
    OutputTarget::Open({day2, false, false}, {Path("day1.csv")});
    FAIL() << "expected a refusal";
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), ("OUTPUT_FILE " + day2 + " exists and holds flows, not a botrecon result; to scan both " +
                            "files use -o OUT " + Path("day1.csv") + " " + day2 + "; to replace it use --force")
                               .c_str());
  }
  EXPECT_EQ(Get(day2), kFlows);
  // --force and -o name it as the output on purpose.
  EXPECT_NO_THROW(OutputTarget::Open({day2, false, true}, {Path("day1.csv")}));
  EXPECT_NO_THROW(OutputTarget::Open({day2, true, false}, {Path("day1.csv")}));
}

TEST_F(OutputTargetTest, PreviousResultIsReplaced) {
  const std::string out = Path("old.csv");
  Put(out, kResult);
  OutputTarget::Open({out, false, false}, {Path("in.csv")}).Write("new\n");
  EXPECT_EQ(Get(out), "new\n");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(OutputTargetTest, InputIsNeverTheOutput) {
  const std::string in = Path("in.csv");
  Put(in, kResult);  // even a file that looks like a result
  ASSERT_EQ(symlink(in.c_str(), Path("link.csv").c_str()), 0);
  ASSERT_EQ(link(in.c_str(), Path("hard.csv").c_str()), 0);
  for (const char* name : {"in.csv", "link.csv", "hard.csv"}) {
    for (bool force : {false, true}) {
      EXPECT_THROW(OutputTarget::Open({Path(name), true, force}, {in}), core::UsageError) << name;
    }
  }
  EXPECT_THROW(OutputTarget::Open({in, false, false}, {Path("link.csv")}), core::UsageError);
  EXPECT_EQ(Get(in), kResult);
}

TEST_F(OutputTargetTest, SymlinkStaysALinkAndModeIsKept) {
  const std::string real = Path("real.csv");
  Put(real, kResult);
  ASSERT_EQ(chmod(real.c_str(), 0600), 0);
  const std::string link_path = Path("link.csv");
  ASSERT_EQ(symlink("real.csv", link_path.c_str()), 0);
  OutputTarget::Open({link_path, false, false}, {}).Write("replaced\n");
  struct stat st {};
  ASSERT_EQ(lstat(link_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(Get(real), "replaced\n");
  ASSERT_EQ(stat(real.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Entries(), 2u);
}

TEST_F(OutputTargetTest, FifoIsWrittenDirectly) {
  const std::string fifo = Path("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  OutputTarget target = OutputTarget::Open({fifo, false, false}, {});
  EXPECT_EQ(target.kind(), OutputTarget::Kind::kSpecial);
  int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  target.Write("through the fifo\n");
  char buf[64] = {};
  EXPECT_EQ(read(reader, buf, sizeof buf), 17);
  close(reader);
  EXPECT_STREQ(buf, "through the fifo\n");
  struct stat st {};
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(OutputTargetTest, DashAndDevStdoutMeanStdout) {
  EXPECT_EQ(OutputTarget::Open({"-", false, false}, {}).kind(), OutputTarget::Kind::kStdout);
  EXPECT_EQ(OutputTarget::Open({"/dev/stdout", false, false}, {}).kind(), OutputTarget::Kind::kStdout);
  ASSERT_EQ(symlink("/proc/self/fd/1", Path("out").c_str()), 0);
  EXPECT_EQ(OutputTarget::Open({Path("out"), false, false}, {}).kind(), OutputTarget::Kind::kStdout);
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(OutputTargetTest, DevFullFailsAndStaysADevice) {
  OutputTarget target = OutputTarget::Open({"/dev/full", false, false}, {});
  EXPECT_EQ(target.kind(), OutputTarget::Kind::kSpecial);
  EXPECT_THROW(target.Write("x\n"), core::IoError);
  struct stat st {};
  ASSERT_EQ(stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(OutputTargetTest, MissingFolderIsReportedAtOpen) {
  EXPECT_THROW(OutputTarget::Open({Path("no/such/out.csv"), true, false}, {}), core::UsageError);
  EXPECT_THROW(OutputTarget::Open({dir_, true, true}, {}), core::UsageError);  // a folder
}

}  // namespace
}  // namespace botrecon::report
