// cxjf: writing output files so that a failure loses nothing.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace cxjf {

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
