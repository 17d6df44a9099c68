// UTF-8 checks shared by the readers (a file's encoding), the query layer
// (a request must be UTF-8) and the errors (a message must be printable
// wherever it goes: a C string, a JSON answer, a terminal).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cxjf::detail {

// The offset of the first byte that is not well-formed UTF-8, or npos.
inline std::size_t invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Most of a template is ASCII digits: skip eight of them at a time.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

// `s` with every byte that is not well-formed UTF-8 replaced by U+FFFD and
// every NUL written as the six characters \u0000, so that the text is valid
// UTF-8 and survives C strings (a NUL would cut a message short).
inline std::string printable_utf8(std::string_view s) {
  if (s.find('\0') == std::string_view::npos && invalid_utf8(s) == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  while (!s.empty()) {
    const std::size_t bad = invalid_utf8(s);
    const std::string_view good = s.substr(0, bad);
    for (char c : good) {
      if (c == '\0') out += "\\u0000";
      else out += c;
    }
    if (bad == std::string_view::npos) break;
    out += "\xEF\xBF\xBD";  // U+FFFD, one per bad byte
    s.remove_prefix(bad + 1);
  }
  return out;
}

// printable_utf8 of at most the first `max` bytes of `s` (cut at a
// character boundary), saying how much was left out: an error must not
// echo a 200 MB cell or header.
inline std::string bounded_text(std::string_view s, std::size_t max) {
  if (s.size() <= max) return printable_utf8(s);
  std::size_t cut = max;
  for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80; ++back) --cut;
  return printable_utf8(s.substr(0, cut)) + "… (" + std::to_string(s.size() - cut) + " more bytes)";
}

}  // namespace cxjf::detail
