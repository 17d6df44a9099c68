// The snapshot file's container (docs/snapshot.md): sections, each cut into
// frames compressed on their own with zstd, so that a file is written and
// read on every core; and a checksum of the whole. What the sections hold is
// snapshot.cpp's business.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cxjf::detail {

/// A section's bytes, and whether they are mostly 8-byte numbers: those are
/// byte-shuffled before compression (the high bytes of doubles of one scale
/// repeat, the low ones do not), which compresses them far better.
struct SnapshotSection {
  std::string bytes;
  bool numbers = false;
};

/// The file's format version.
inline constexpr std::uint32_t snapshot_format = 2;

/// The file: magic, format, the frame directory, the frames, the checksum.
/// `compress` false stores every frame as it is (the fuzzer's seed, whose
/// changes must reach the sections' content, not the decompressor).
std::string encode_snapshot(const std::vector<SnapshotSection>& sections, unsigned threads, bool compress = true);

/// A file's sections, decoded: `sections[s]` views `buffers[s]`.
struct DecodedSnapshot {
  std::vector<std::unique_ptr<char[]>> buffers;
  std::vector<std::string_view> sections;
};

/// The sections' bytes of a file, checked: magic, format (an older one is
/// refused with a message saying how to rebuild it), checksum, directory and
/// every frame. Throws Error(corrupt_snapshot) naming `name`.
DecodedSnapshot decode_snapshot(std::string_view file, const std::string& name, unsigned threads);

}  // namespace cxjf::detail
