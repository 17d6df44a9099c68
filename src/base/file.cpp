#include "cxjf/file.hpp"

#include <fcntl.h>
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

std::string read_file(const std::string& path, std::uint64_t max_bytes,
                      const std::function<void(std::uint64_t)>& too_large) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read " + path);
  auto refuse = [&](std::uint64_t size) {
    if (too_large) too_large(size);
    throw Error(ErrorCode::io, path + " is larger than " + std::to_string(max_bytes) + " bytes");
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes) refuse(size);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(in.gcount()) != size) throw Error(ErrorCode::io, "cannot read " + path);
    return bytes;
  }
  // A pipe or a terminal has no size: read it as it comes, bounded.
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_bytes) refuse(bytes.size());
  }
  if (in.bad()) throw Error(ErrorCode::io, "cannot read " + path);
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
