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

/// A file's bytes, read with one allocation when its size is known (a pipe
/// is read as it comes, up to `max_bytes`). Throws Error(io) naming `path`
/// when it cannot be read; `too_large(size)` is called, and should throw,
/// when the file holds more than `max_bytes` (checked before reading a
/// regular file).
std::string read_file(const std::string& path,
                      std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max(),
                      const std::function<void(std::uint64_t size)>& too_large = {});

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
