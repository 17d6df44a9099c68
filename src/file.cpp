#include "cxjf/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "cxjf/error.hpp"

namespace cxjf {
namespace {

[[noreturn]] void fail(const std::string& path, int error) {
  throw Error(ErrorCode::io, "cannot write " + path + ": " + (error ? std::strerror(error) : "write failed"));
}

// Writes and checks a stream; the errno of the first failure, or 0.
int write_stream(std::ofstream& out, const std::function<void(std::ostream&)>& write) {
  errno = 0;
  write(out);
  out.flush();
  if (!out) return errno ? errno : EIO;
  out.close();
  if (!out) return errno ? errno : EIO;
  return 0;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::io, "cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::io, "cannot read " + path + ": not a regular file");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      throw Error(ErrorCode::io, "cannot read " + path + ": " + std::strerror(error));
    }
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

std::string read_file(const std::string& path, std::uint64_t max_bytes,
                      const std::function<void(std::uint64_t)>& too_large) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(ErrorCode::io, "cannot read " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(ErrorCode::io, "cannot read " + path);
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    if (too_large) too_large(static_cast<std::uint64_t>(size));
    throw Error(ErrorCode::io, path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  in.seekg(0);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), size);
  if (in.gcount() != size) throw Error(ErrorCode::io, "cannot read " + path);
  return bytes;
}

void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) fail(path, EISDIR);
    // A device or a pipe: there is nothing to replace, only to check.
    std::ofstream out(path, std::ios::binary);
    if (!out) fail(path, errno);
    if (int error = write_stream(out, write)) fail(path, error);
    return;
  }
  // A name no other writer uses: this process and a counter.
  static std::atomic<unsigned> counter{0};
  const std::string temporary =
      path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  // 0666 less the umask, as an ordinary new file gets.
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, errno);
  ::close(fd);
  int error = 0;
  try {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    error = out ? write_stream(out, write) : (errno ? errno : EIO);
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    std::remove(temporary.c_str());
    fail(path, error);
  }
}

}  // namespace cxjf
