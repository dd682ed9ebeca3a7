#include "io/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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

std::unique_ptr<PeekableStream> OpenInputStreamFrom(std::unique_ptr<ByteStream> raw, Compression* detected) {
  auto peekable = std::make_unique<PeekableStream>(std::move(raw));
  Compression compression = DetectCompression(peekable->Peek(kCompressionMagicBytes));
  if (detected != nullptr) *detected = compression;
  if (compression == Compression::kNone) return peekable;
  return std::make_unique<PeekableStream>(MakeDecompressingStream(std::move(peekable), compression));
}

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

// A non-owning stream over bytes that outlive it (a mapped file).
class ViewStream : public ByteStream {
 public:
  ViewStream(std::string name, std::string_view data) : data_(data) { name_ = std::move(name); }
  size_t Read(char* out, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(out, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// A stream over bytes it owns (tests, small inputs).
struct OwnedString {
  std::string data;
};
class StringStream : private OwnedString, public ViewStream {
 public:
  StringStream(std::string name, std::string data)
      : OwnedString{std::move(data)}, ViewStream(std::move(name), OwnedString::data) {}
};

std::string SizeText(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30) && bytes % (uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (uint64_t{1} << 20) && bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Reads `stream` to its end; more than `limit` bytes is an InputError.
std::string ReadAll(ByteStream& stream, uint64_t limit = UINT64_MAX) {
  std::string data;
  char buf[1 << 16];
  for (size_t got; (got = stream.Read(buf, sizeof buf)) > 0;) {
    if (data.size() + got > limit) {
      throw core::InputError(stream.name() + ": decompressed data is larger than " + SizeText(limit) +
                             ", the limit for inputs read as a whole; decompress it to a file first");
    }
    data.append(buf, got);
  }
  return data;
}

// Decompresses all of `raw` if it is compressed, else reads it as it is.
std::shared_ptr<const FileBuffer> LoadStream(std::unique_ptr<ByteStream> raw) {
  std::string name = raw->name();
  Compression compression = Compression::kNone;
  auto stream = OpenInputStreamFrom(std::move(raw), &compression);
  uint64_t limit = compression == Compression::kNone ? UINT64_MAX : kMaxDecompressedBufferBytes;
  return std::make_shared<OwnedBuffer>(std::move(name), ReadAll(*stream, limit));
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
      auto mapped = std::make_shared<MappedBuffer>(path, addr, static_cast<size_t>(st.st_size));
      if (DetectCompression(mapped->bytes().substr(0, kCompressionMagicBytes)) == Compression::kNone) return mapped;
      return LoadStream(std::make_unique<ViewStream>(path, mapped->bytes()));
    }
    return LoadStream(std::make_unique<FdStream>(path, fd, true, 0));
  }
  return LoadStream(std::make_unique<FdStream>("<stdin>", 0, false, 0));
}

std::shared_ptr<const FileBuffer> FileBuffer::FromStream(ByteStream& stream, uint64_t limit) {
  return std::make_shared<OwnedBuffer>(stream.name(), ReadAll(stream, limit));
}

std::shared_ptr<const FileBuffer> FileBuffer::FromString(std::string name, std::string data) {
  return std::make_shared<OwnedBuffer>(std::move(name), std::move(data));
}

std::unique_ptr<ByteStream> ByteStream::Open(const std::string& path) { return OpenInputStream(path); }

std::unique_ptr<ByteStream> ByteStream::OpenRaw(const std::string& path) {
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

PeekableStream::PeekableStream(std::unique_ptr<ByteStream> inner) : inner_(std::move(inner)) { name_ = inner_->name(); }

std::string_view PeekableStream::Peek(size_t n) {
  if (head_pos_ > 0) {
    head_.erase(0, head_pos_);
    head_pos_ = 0;
  }
  while (head_.size() < n) {
    size_t old = head_.size();
    head_.resize(n);
    size_t got = inner_->Read(head_.data() + old, n - old);
    head_.resize(old + got);
    if (got == 0) break;
  }
  return std::string_view(head_).substr(0, n);
}

size_t PeekableStream::Read(char* out, size_t n) {
  if (head_pos_ < head_.size()) {
    size_t take = std::min(n, head_.size() - head_pos_);
    std::memcpy(out, head_.data() + head_pos_, take);
    head_pos_ += take;
    if (head_pos_ == head_.size()) {
      head_.clear();
      head_pos_ = 0;
    }
    return take;
  }
  return inner_->Read(out, n);
}

std::unique_ptr<PeekableStream> OpenInputStream(const std::string& path, Compression* compression) {
  return OpenInputStreamFrom(ByteStream::OpenRaw(path), compression);
}

size_t FillBuffer(ByteStream& stream, std::string& buffer, size_t target, bool& eof) {
  const size_t old = buffer.size();
  buffer.resize(std::max(target, old));
  size_t have = old;
  while (have < buffer.size()) {
    const size_t got = stream.Read(buffer.data() + have, buffer.size() - have);
    if (got == 0) {
      eof = true;
      break;
    }
    have += got;
  }
  buffer.resize(have);
  return have - old;
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
