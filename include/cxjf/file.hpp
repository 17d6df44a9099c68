// cxjf: reading input files whole, and writing output files so that a
// failure loses nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <iosfwd>
#include <string>
#include <string_view>

namespace cxjf {

/// A file's bytes, read with one allocation. Throws Error(io) naming `path`
/// when it cannot be read; `too_large(size)` is called, and should throw,
/// when the file holds more than `max_bytes` (checked before reading).
std::string read_file(const std::string& path,
                      std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max(),
                      const std::function<void(std::uint64_t size)>& too_large = {});

/// A file mapped into memory read-only, for reading large inputs without
/// copying them (a national snapshot is tens of megabytes). Files written by
/// write_file are replaced by rename, never changed in place, so a mapping
/// stays valid while another process writes the same path. Throws Error(io)
/// naming `path` when it cannot be opened or mapped.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  /// The file's bytes (empty for an empty file).
  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Writes a file whole or not at all: `write` fills a temporary file beside
/// `path`, which is flushed, checked and renamed over `path`, so a full
/// disk, a missing permission or a crash leaves the old file (or none),
/// never half of one. A path that is not a regular file (/dev/stdout, a
/// pipe, /dev/full) is written in place and checked. Throws Error(io) with
/// the system's reason ("No space left on device", "Is a directory") and
/// removes the temporary file; an exception from `write` propagates after
/// the same clean-up.
void write_file(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace cxjf
