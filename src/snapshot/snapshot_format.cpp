#include "snapshot/snapshot_format.hpp"

#include <zstd.h>

#include <cstring>
#include <memory>

#include "base/binary_io.hpp"
#include "cxjf/error.hpp"
#include "base/task_graph.hpp"

namespace cxjf::detail {
namespace {

constexpr char magic[8] = {'C', 'X', 'J', 'F', 'S', 'N', 'A', 'P'};
// Frames of a few megabytes: enough of them to keep every core busy, each
// large enough to compress well.
constexpr std::size_t frame_bytes = std::size_t{4} << 20;
// zstd's fastest levels: level 1 compresses a national snapshot at several
// hundred megabytes a second and decompresses faster still; higher levels
// gain a few percent for several times the time.
constexpr int zstd_level = 1;
// A compressed frame may not claim to expand more than this, so a file never
// claims more than max_ratio times its size and a crafted one cannot make
// the reader allocate what its bytes could never fill; frames that would
// compress further are stored as they are.
constexpr std::uint64_t max_ratio = 1024;

enum Codec : std::uint8_t { stored = 0, zstd = 1 };

struct Frame {
  std::uint64_t raw = 0, size = 0;  // bytes before and after compression
  std::uint8_t codec = stored;
};

[[noreturn]] void damaged(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::corrupt_snapshot, name + " is damaged: " + what);
}

}  // namespace

void encode_snapshot(const std::vector<std::string_view>& sections, unsigned threads, bool compress,
                     const std::function<void(const std::vector<std::string_view>&)>& out) {
  // Every frame of every section, in file order.
  struct Job {
    std::string_view raw;
    Frame frame;
    std::string out;
  };
  std::vector<std::vector<std::size_t>> section_jobs(sections.size());
  std::vector<Job> jobs;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const std::string_view bytes = sections[s];
    for (std::size_t at = 0; at < bytes.size() || (at == 0 && bytes.empty()); at += frame_bytes) {
      section_jobs[s].push_back(jobs.size());
      jobs.push_back(Job{bytes.substr(at, frame_bytes), {}, {}});
      if (bytes.empty()) break;
    }
  }
  // Scratch space per worker, reused frame after frame: a fresh buffer for
  // every frame would cost more in page faults than the compression itself.
  const std::size_t bound = ZSTD_compressBound(frame_bytes);
  threads = resolve_threads(threads);
  std::vector<std::unique_ptr<char[]>> scratch(threads);
  parallel_for(threads, jobs.size(), [&](std::size_t j, unsigned worker) {
    Job& job = jobs[j];
    job.frame.raw = job.raw.size();
    std::size_t size = job.raw.size();
    if (compress) {
      if (!scratch[worker]) scratch[worker].reset(new char[bound]);
      size = ZSTD_compress(scratch[worker].get(), bound, job.raw.data(), job.raw.size(), zstd_level);
      if (ZSTD_isError(size)) throw Error(ErrorCode::internal, std::string("zstd: ") + ZSTD_getErrorName(size));
    }
    if (size < job.raw.size() && job.frame.raw <= max_ratio * size) {
      job.out.assign(scratch[worker].get(), size);
      job.frame.codec = zstd;
    } else {
      job.out.assign(job.raw);
      job.frame.codec = stored;
    }
    job.frame.size = job.out.size();
  });

  BinaryWriter w;
  w.put_raw(magic, sizeof magic);
  w.put<std::uint32_t>(snapshot_format);
  w.put<std::uint64_t>(sections.size());
  for (const auto& frames : section_jobs) {
    w.put<std::uint64_t>(frames.size());
    for (std::size_t j : frames) {
      const Frame& f = jobs[j].frame;
      w.put<std::uint64_t>(f.raw);
      w.put<std::uint64_t>(f.size);
      w.put<std::uint8_t>(f.codec);
    }
  }
  std::vector<std::string_view> pieces{w.bytes()};
  for (const Job& job : jobs) pieces.push_back(job.out);
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (std::string_view piece : pieces) XXH3_64bits_update(state, piece.data(), piece.size());
  const std::uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  char trailer[8];
  std::memcpy(trailer, &sum, 8);
  pieces.emplace_back(trailer, 8);
  out(pieces);
}

std::string encode_snapshot(const std::vector<std::string_view>& sections, unsigned threads, bool compress) {
  std::string file;
  encode_snapshot(sections, threads, compress, [&](const std::vector<std::string_view>& pieces) {
    std::size_t size = 0;
    for (std::string_view piece : pieces) size += piece.size();
    file.reserve(size);
    for (std::string_view piece : pieces) file.append(piece);
  });
  return file;
}

DecodedSnapshot decode_snapshot(std::string_view file, const std::string& name, unsigned threads) {
  if (file.size() < sizeof magic + 4 || file.compare(0, sizeof magic, std::string_view(magic, sizeof magic)) != 0)
    throw Error(ErrorCode::corrupt_snapshot, name + " is not a cxjf snapshot (no CXJFSNAP header)");
  const auto version = BinaryReader(file.substr(sizeof magic, 4)).get<std::uint32_t>();
  if (version != snapshot_format)
    throw Error(ErrorCode::corrupt_snapshot,
                name + " has snapshot format " + std::to_string(version) + "; this cxjf reads format " +
                    std::to_string(snapshot_format) +
                    (version < snapshot_format ? ": score the year again with this cxjf (cxjf score --snapshot)" : ""));
  if (file.size() < sizeof magic + 4 + 8)
    throw Error(ErrorCode::corrupt_snapshot, name + " is truncated or damaged (checksum mismatch)");
  const std::string_view body = file.substr(0, file.size() - 8);
  if (hash_bytes(body) != BinaryReader(file.substr(file.size() - 8)).get<std::uint64_t>())
    throw Error(ErrorCode::corrupt_snapshot, name + " is truncated or damaged (checksum mismatch)");

  BinaryReader r(body.substr(sizeof magic + 4));
  const auto section_count = r.get_count(8);
  std::vector<std::vector<Frame>> directory(section_count);
  std::uint64_t stored_total = 0;
  for (auto& frames : directory) {
    frames.resize(r.get_count(17));
    for (Frame& f : frames) {
      f.raw = r.get<std::uint64_t>();
      f.size = r.get<std::uint64_t>();
      f.codec = r.get<std::uint8_t>();
      if (f.codec > zstd) damaged(name, "a frame has an unknown encoding");
      // A writer makes frames of at most frame_bytes, compressed ones at
      // most max_ratio times their size.
      if (f.raw > frame_bytes || (f.codec == stored ? f.raw != f.size : f.raw > max_ratio * f.size))
        damaged(name, "a frame's size is impossible");
      stored_total += f.size;
      if (stored_total > body.size()) damaged(name, "the frames do not fill the file");
    }
  }
  std::string_view data = r.rest();
  if (stored_total != data.size()) damaged(name, "the frames do not fill the file");

  // Sections sized first, then every frame decoded into its place.
  struct Job {
    std::string_view in;
    Frame frame;
    std::size_t section, at;
  };
  DecodedSnapshot decoded;
  std::vector<Job> jobs;
  std::size_t offset = 0;
  for (std::size_t s = 0; s < section_count; ++s) {
    std::uint64_t raw = 0;
    for (const Frame& f : directory[s]) {
      jobs.push_back(Job{data.substr(offset, f.size), f, s, raw});
      offset += f.size;
      raw += f.raw;
    }
    // Left uninitialized: the frames fill every byte, on several threads,
    // so the first touch of each page is spread over the workers too.
    decoded.buffers.emplace_back(new char[raw]);
    decoded.sections.emplace_back(decoded.buffers.back().get(), raw);
  }
  parallel_for(resolve_threads(threads), jobs.size(), [&](std::size_t j) {
    const Job& job = jobs[j];
    char* out = decoded.buffers[job.section].get() + job.at;
    if (job.frame.codec == stored) {
      if (job.frame.raw) std::memcpy(out, job.in.data(), job.frame.raw);
    } else {
      const std::size_t got = ZSTD_decompress(out, job.frame.raw, job.in.data(), job.in.size());
      if (ZSTD_isError(got) || got != job.frame.raw) damaged(name, "a compressed frame does not decode");
    }
  });
  return decoded;
}

}  // namespace cxjf::detail
