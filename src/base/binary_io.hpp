// Little-endian binary writing and bounds-checked reading for the snapshot
// file. Every read checks the remaining length, so a truncated or damaged file
// is refused with Error(corrupt_snapshot), never read past its end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cxjf/error.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace cxjf::detail {

static_assert(sizeof(double) == 8, "IEEE doubles expected");

/// XXH3-64 of some bytes: the snapshot's checksum and the reference's
/// content hash (xxHash: fast enough to hash a national reference in a few
/// milliseconds, which a table-driven CRC is not).
inline std::uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

/// Writes bytes into a buffer, or, when made with `hash_only`, only hashes
/// them (so a content hash needs no copy of what it hashes).
class BinaryWriter {
 public:
  explicit BinaryWriter(bool hash_only = false) {
    if (hash_only) {
      state_ = XXH3_createState();
      XXH3_64bits_reset(state_);
    }
  }
  ~BinaryWriter() {
    if (state_) XXH3_freeState(state_);
  }
  BinaryWriter(const BinaryWriter&) = delete;
  BinaryWriter& operator=(const BinaryWriter&) = delete;

  template <class T>
  void put(T v) {
    static_assert(std::is_arithmetic_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    put_raw(b, sizeof(T));
  }
  void put_string(std::string_view s) {
    put<std::uint64_t>(s.size());
    put_raw(s.data(), s.size());
  }
  template <class T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_arithmetic_v<T>);
    put<std::uint64_t>(v.size());
    put_raw(v.data(), v.size() * sizeof(T));
  }
  void put_raw(const void* data, std::size_t size) {
    if (state_)
      XXH3_64bits_update(state_, data, size);
    else
      bytes_.append(static_cast<const char*>(data), size);
  }
  /// Room for `size` more bytes, so that a large write grows the buffer once.
  void reserve(std::size_t size) {
    if (!state_) bytes_.reserve(bytes_.size() + size);
  }
  /// The bytes written (empty when hashing only).
  std::string& bytes() { return bytes_; }
  /// The hash of everything written (hash_only writers).
  std::uint64_t digest() const { return XXH3_64bits_digest(state_); }

 private:
  std::string bytes_;
  XXH3_state_t* state_ = nullptr;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    static_assert(std::is_arithmetic_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string get_string() {
    auto n = get<std::uint64_t>();
    need(n);
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <class T>
  std::vector<T> get_vector() {
    auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - pos_) / sizeof(T)) fail();
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), bytes_.data() + pos_, n * sizeof(T));  // v.data() may be null when empty
    pos_ += n * sizeof(T);
    return v;
  }
  void get_raw(void* out, std::size_t size) {
    need(size);
    if (size > 0) std::memcpy(out, bytes_.data() + pos_, size);  // `out` may be an empty matrix's null data
    pos_ += size;
  }
  /// A count that must be plausible for the bytes left (guards allocations).
  std::uint64_t get_count(std::size_t min_bytes_each) {
    auto n = get<std::uint64_t>();
    if (min_bytes_each && n > (bytes_.size() - pos_) / min_bytes_each) fail();
    return n;
  }
  bool done() const { return pos_ == bytes_.size(); }
  /// The bytes not read yet.
  std::string_view rest() const { return bytes_.substr(pos_); }
  /// The next `size` bytes, in place.
  std::string_view get_view(std::uint64_t size) {
    need(size);
    std::string_view v = bytes_.substr(pos_, static_cast<std::size_t>(size));
    pos_ += static_cast<std::size_t>(size);
    return v;
  }

 private:
  void need(std::size_t n) const {
    if (n > bytes_.size() - pos_) fail();
  }
  [[noreturn]] static void fail() {
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is truncated or damaged: a section ends early");
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace cxjf::detail
