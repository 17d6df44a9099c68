// Reading CSV bytes as UTF-8 text (src/base/encoding.hpp): detection, GB18030
// through glibc's iconv, and files that are not text at all.
#include "base/encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "cxjf/error.hpp"
#include "base/task_graph.hpp"
#include "base/text.hpp"
#include "base/utf8.hpp"

namespace cxjf {
namespace detail {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// The spreadsheet row of byte `offset`, counting line breaks as CsvReader
// does (CRLF, LF or a lone CR), so an encoding error names the row Excel shows.
std::int64_t row_at(std::string_view bytes, std::size_t offset) {
  std::int64_t row = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++row;
    else if (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n')) ++row;
  }
  return row;
}

// Files that are not CSV at all get a message saying what they are, instead
// of "missing columns" or an encoding error on row 1.
void refuse_non_text(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
    throw InputError(0, "",
                     "the file is UTF-16 (Excel's \"Unicode Text\"), not CSV: save it as \"CSV UTF-8 (Comma "
                     "delimited)\" (文件为UTF-16编码：请另存为“CSV UTF-8（逗号分隔）”)");
  if (auto nul = bytes.find('\0'); nul != std::string_view::npos)
    throw InputError(row_at(bytes, nul), "",
                     "the file contains a NUL byte: it is not a text CSV (UTF-16 or a binary file): save it as "
                     "\"CSV UTF-8 (Comma delimited)\" (文件含有NUL字节，不是文本CSV：请另存为“CSV UTF-8（逗号分隔）”)");
}

// invalid_utf8 on `threads` workers: a national file is 130 MB, and one
// serial pass over it costs a tenth of the whole read. The bytes are cut into
// spans that begin on a byte which is not a continuation byte (at most three
// steps past the even cut, or the invalid byte itself, so every sequence is
// judged whole by one span), and the first invalid byte of the earliest span
// with one is the sequential answer.
std::size_t invalid_utf8_parallel(std::string_view bytes, unsigned threads) {
  constexpr std::size_t span_bytes = std::size_t{8} << 20;
  if (threads <= 1 || bytes.size() < 2 * span_bytes) return invalid_utf8(bytes);
  const std::size_t spans = (bytes.size() + span_bytes - 1) / span_bytes;
  std::vector<std::size_t> begin(spans + 1, bytes.size());
  begin[0] = 0;
  for (std::size_t s = 1; s < spans; ++s) {
    std::size_t at = s * span_bytes;
    for (int k = 0; k < 3 && at < bytes.size() && (static_cast<unsigned char>(bytes[at]) & 0xC0) == 0x80; ++k) ++at;
    begin[s] = at;
  }
  std::vector<std::size_t> bad(spans, std::string_view::npos);
  parallel_for(threads, spans, [&](std::size_t s) {
    const std::size_t at = invalid_utf8(bytes.substr(begin[s], begin[s + 1] - begin[s]));
    if (at != std::string_view::npos) bad[s] = begin[s] + at;
  });
  for (std::size_t at : bad)
    if (at != std::string_view::npos) return at;
  return std::string_view::npos;
}

// GB18030 to UTF-8 with glibc's iconv, which ships with libc: GB18030 is a
// superset of GBK and GB2312, so this reads what Excel on Chinese Windows
// saves as "CSV".
std::string decode_gb18030(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorCode::io,
                "this system's iconv cannot convert GB18030 (are glibc's gconv modules installed?): save the file as "
                "\"CSV UTF-8\" instead");
  std::unique_ptr<void, int (*)(iconv_t)> close(cd, iconv_close);
  // Two GB18030 bytes become at most three UTF-8 bytes, four at most four.
  std::string out(bytes.size() + bytes.size() / 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  std::size_t written = 0;
  for (;;) {
    char* to = out.data() + written;
    std::size_t out_left = out.size() - written;
    std::size_t r = iconv(cd, &in, &in_left, &to, &out_left);
    written = static_cast<std::size_t>(to - out.data());
    if (r != static_cast<std::size_t>(-1)) break;  // all of it: GB18030 has no shift state to flush
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    auto offset = static_cast<std::size_t>(in - bytes.data());
    throw InputError(row_at(bytes, offset), "",
                     "the text is neither UTF-8 nor GB18030 (GBK): the file may be damaged or in another encoding; "
                     "save it from Excel as \"CSV UTF-8 (Comma delimited)\" (无法识别文件编码：请另存为“CSV UTF-8（逗号分隔）”)");
  }
  out.resize(written);
  return out;
}

}  // namespace

std::string_view decode_text(std::string_view bytes, Encoding requested, Encoding& used, std::string& storage,
                             unsigned threads) {
  refuse_non_text(bytes);
  const bool bom = bytes.substr(0, 3) == utf8_bom;
  const std::size_t bad =
      requested == Encoding::gb18030 ? std::string_view::npos : invalid_utf8_parallel(bytes, threads);
  Encoding encoding = requested;
  if (encoding == Encoding::automatic)
    encoding = bom || bad == std::string_view::npos ? Encoding::utf8 : Encoding::gb18030;
  used = encoding;
  if (encoding == Encoding::utf8) {
    if (bad != std::string_view::npos)
      throw InputError(row_at(bytes, bad), "",
                       requested == Encoding::utf8
                           ? "the file is not valid UTF-8 here; Excel's plain \"CSV\" on Chinese Windows is GBK: read "
                             "it as GB18030 (--encoding gb18030) or save it as \"CSV UTF-8\" (文件不是UTF-8编码)"
                           : "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 here: it is "
                             "damaged; save it again as \"CSV UTF-8\" (文件编码损坏：请重新另存为“CSV UTF-8”)");
    return bytes;
  }
  if (bom)
    throw InputError(1, "",
                     "GB18030 was requested but the file starts with a UTF-8 byte-order mark: it is UTF-8; read it "
                     "with automatic detection (文件为UTF-8编码，请勿指定GB18030)");
  if (requested == Encoding::automatic) {
    // Neither encoding reads it: the place where UTF-8 breaks is the one a
    // person can find (GB18030 may fail on the first Chinese header cell).
    try {
      storage = decode_gb18030(bytes);
    } catch (const InputError&) {
      throw InputError(row_at(bytes, bad), "",
                       "the file is not valid UTF-8 here, nor is it GB18030 (GBK): it may be damaged or in another "
                       "encoding; save it from Excel as \"CSV UTF-8 (Comma delimited)\" (此处不是有效的UTF-8编码，文件"
                       "也不是GB18030编码：请另存为“CSV UTF-8（逗号分隔）”)");
    }
    return storage;
  }
  storage = decode_gb18030(bytes);
  return storage;
}

}  // namespace detail

const char* encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::automatic: return "auto";
    case Encoding::utf8: return "utf-8";
    case Encoding::gb18030: return "gb18030";
  }
  return "auto";
}

Encoding encoding_from_name(std::string_view name) {
  const std::string lower = detail::ascii_lower(name);
  if (lower == "auto") return Encoding::automatic;
  if (lower == "utf-8" || lower == "utf8") return Encoding::utf8;
  if (lower == "gb18030" || lower == "gbk" || lower == "gb2312") return Encoding::gb18030;
  throw Error(ErrorCode::invalid_argument,
              "unknown encoding '" + std::string(name) +
                  "': use auto, utf-8 or gb18030 (gbk and gb2312 are read as gb18030) (未知编码 '" + std::string(name) +
                  "'：请用 auto、utf-8 或 gb18030)");
}

}  // namespace cxjf
