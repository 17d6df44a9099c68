// decode_text (src/base/encoding.hpp): the UTF-8 check of a large file runs
// on several threads and must name the row a sequential check names, even
// when the bad byte sits at or just past a cut between spans (every 8 MiB).
// The expected offset comes from glibc's own UTF-8 decoder (iconv), an
// independent validator.
#include <gtest/gtest.h>

#include <iconv.h>

#include <cerrno>
#include <string>

#include "base/encoding.hpp"
#include "testing.hpp"

namespace cxjf {
namespace {

// The offset of the first byte glibc's UTF-8 decoder refuses in the 4 KiB
// around `near` (from a line's start, so that the window begins on a
// character; one cut at the window's end is EINVAL, not EILSEQ), or npos.
std::size_t iconv_first_invalid(const std::string& bytes, std::size_t near) {
  std::size_t from = near > 2048 ? bytes.rfind('\n', near - 2048) + 1 : 0;
  const std::string window = bytes.substr(from, near + 2048 - from);
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  std::string out(window.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(window.data());
  std::size_t in_left = window.size(), out_left = out.size();
  char* to = out.data();
  const std::size_t r = iconv(cd, &in, &in_left, &to, &out_left);
  const int error = errno;
  iconv_close(cd);
  if (r != static_cast<std::size_t>(-1) || error != EILSEQ) return std::string::npos;
  return from + static_cast<std::size_t>(in - window.data());
}

std::int64_t row_of(const std::string& bytes, std::size_t offset) {
  std::int64_t row = 1;
  for (std::size_t i = 0; i < offset; ++i) row += bytes[i] == '\n';
  return row;
}

std::int64_t refused_row(const std::string& bytes, unsigned threads) {
  Encoding used = Encoding::automatic;
  std::string storage;
  try {
    detail::decode_text(bytes, Encoding::utf8, used, storage, threads);
  } catch (const InputError& e) {
    return e.row();
  }
  return 0;
}

TEST(Encoding, ThreadsNameTheRowOfTheFirstInvalidByteAtEverySpanCut) {
  // 17 MiB (three spans) of 33-byte lines of two- to four-byte characters:
  // the first cut (8 MiB = 8 mod 33) falls on a continuation byte of 中.
  std::string text;
  const std::string line = "911111,中文企业,é,𠀀,wxyz\n";
  while (text.size() < (std::size_t{17} << 20)) text += line;
  EXPECT_EQ(refused_row(text, 1), 0);
  EXPECT_EQ(refused_row(text, 2), 0);
  const std::size_t cut = std::size_t{8} << 20;
  const char bad_bytes[] = {'\xFF', '\x80', '\xE4'};  // invalid anywhere, a stray continuation, a lead cut short
  int refused = 0;
  for (std::size_t at = cut - 3; at <= cut + 3; ++at) {
    for (char bad : bad_bytes) {
      std::string& broken = text;
      const char was = broken[at];
      broken[at] = bad;
      const std::size_t first = iconv_first_invalid(broken, at);
      // A continuation byte in place of another may still be valid.
      const std::int64_t expected = first == std::string::npos ? 0 : row_of(broken, first);
      EXPECT_EQ(refused_row(broken, 1), expected) << at << " " << int(static_cast<unsigned char>(bad));
      EXPECT_EQ(refused_row(broken, 2), expected) << at << " " << int(static_cast<unsigned char>(bad));
      refused += expected != 0;
      broken[at] = was;
    }
  }
  EXPECT_GE(refused, 14);  // of 21: a continuation byte in place of another stays valid
  // Two bad bytes in different spans: the earlier one is named.
  std::string& twice = text;
  twice[cut + cut / 2] = '\xFF';
  twice[100] = '\xFF';
  EXPECT_EQ(refused_row(twice, 2), row_of(twice, iconv_first_invalid(twice, 100)));
}

}  // namespace
}  // namespace cxjf
