// The snapshot file's container (docs/snapshot.md): sections, each cut into
// frames compressed on their own with zstd, so that a file is written and
// read on every core; and a checksum of the whole. What the sections hold is
// snapshot.cpp's business.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cxjf::detail {

/// The file's format version.
inline constexpr std::uint32_t snapshot_format = 4;

/// The file of `sections` (bytes the caller keeps alive): magic, format, the
/// frame directory, the frames, the checksum. `compress` false stores every
/// frame as it is (the fuzzer's seed, whose changes must reach the sections'
/// content, not the decompressor).
std::string encode_snapshot(const std::vector<std::string_view>& sections, unsigned threads, bool compress = true);
/// The same file as its pieces in order (header and directory, each frame,
/// the checksum), given to `out` while they live, so that a writer need not
/// join them.
void encode_snapshot(const std::vector<std::string_view>& sections, unsigned threads, bool compress,
                     const std::function<void(const std::vector<std::string_view>&)>& out);

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
