#include "io/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace botrecon::io {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

class OwnedBuffer : public FileBuffer {
 public:
  OwnedBuffer(std::string name, std::string data) : data_(std::move(data)) { name_ = std::move(name); }
  std::string_view bytes() const override { return data_; }

 private:
  std::string data_;
};

class MappedBuffer : public FileBuffer {
 public:
  MappedBuffer(std::string name, void* addr, size_t size) : addr_(addr), size_(size) { name_ = std::move(name); }
  ~MappedBuffer() override {
    if (addr_ != nullptr) munmap(addr_, size_);
  }
  std::string_view bytes() const override { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_;
  size_t size_;
};

class FdStream : public ByteStream {
 public:
  FdStream(std::string name, int fd, bool owned, uint64_t size) : fd_(fd), owned_(owned), size_(size) {
    name_ = std::move(name);
  }
  ~FdStream() override {
    if (owned_) close(fd_);
  }
  size_t Read(char* out, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, out, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      throw core::IoError(name_ + ": cannot read: " + ErrnoText());
    }
  }
  uint64_t size() const override { return size_; }

 private:
  int fd_;
  bool owned_;
  uint64_t size_;
};

class StringStream : public ByteStream {
 public:
  StringStream(std::string name, std::string data) : data_(std::move(data)) { name_ = std::move(name); }
  size_t Read(char* out, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(out, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string data_;
  size_t pos_ = 0;
};

int OpenOrThrow(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw core::IoError(path + ": cannot open: " + ErrnoText());
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    throw core::IoError(path + ": is a directory, expected a file");
  }
  return fd;
}

std::string ReadAll(ByteStream& stream) {
  std::string data;
  char buf[1 << 16];
  for (size_t got; (got = stream.Read(buf, sizeof buf)) > 0;) data.append(buf, got);
  return data;
}

}  // namespace

std::shared_ptr<const FileBuffer> FileBuffer::Load(const std::string& path) {
  if (path != "-") {
    int fd = OpenOrThrow(path);
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* addr = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      close(fd);
      if (addr == MAP_FAILED) throw core::IoError(path + ": cannot map: " + ErrnoText());
      return std::make_shared<MappedBuffer>(path, addr, static_cast<size_t>(st.st_size));
    }
    FdStream stream(path, fd, true, 0);
    return std::make_shared<OwnedBuffer>(path, ReadAll(stream));
  }
  FdStream stream("<stdin>", 0, false, 0);
  return std::make_shared<OwnedBuffer>("<stdin>", ReadAll(stream));
}

std::shared_ptr<const FileBuffer> FileBuffer::FromString(std::string name, std::string data) {
  return std::make_shared<OwnedBuffer>(std::move(name), std::move(data));
}

std::unique_ptr<ByteStream> ByteStream::Open(const std::string& path) {
  if (path == "-") return std::make_unique<FdStream>("<stdin>", 0, false, 0);
  int fd = OpenOrThrow(path);
  struct stat st {};
  uint64_t size = (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) ? static_cast<uint64_t>(st.st_size) : 0;
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::make_unique<FdStream>(path, fd, true, size);
}

std::unique_ptr<ByteStream> ByteStream::FromString(std::string name, std::string data) {
  return std::make_unique<StringStream>(std::move(name), std::move(data));
}

std::string PeekFile(const std::string& path, size_t n) {
  if (path == "-") return {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out(n, '\0');
  ssize_t got = ::pread(fd, out.data(), n, 0);
  close(fd);
  out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return out;
}

}  // namespace botrecon::io
