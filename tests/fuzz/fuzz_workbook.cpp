// The workbook reader's XML: the fuzzed bytes become one part of an
// otherwise valid .xlsx (the first byte picks which: the sheet, the shared
// strings, the styles or the workbook), packed uncompressed so that every
// mutation reaches expat and the handlers instead of failing in the archive.
// The upload reader and the estimate then run on what was read. Archives
// themselves (truncated, bombs, bad entries) are fuzz_upload's.
#include <zlib.h>

#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace {

void put16(std::string& out, unsigned v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, unsigned long v) {
  put16(out, static_cast<unsigned>(v & 0xFFFF));
  put16(out, static_cast<unsigned>((v >> 16) & 0xFFFF));
}

// A zip archive of `files`, stored (no compression): local headers, the
// central directory and its end record (APPNOTE 4.3).
std::string stored_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, directory;
  for (const auto& [name, body] : files) {
    const unsigned long crc = crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    const unsigned long offset = out.size();
    for (std::string* h : {&out, &directory}) {
      if (h == &out) put32(*h, 0x04034b50);
      else {
        put32(*h, 0x02014b50);
        put16(*h, 20);  // made by
      }
      put16(*h, 20);  // version needed
      put16(*h, 0);   // flags
      put16(*h, 0);   // stored
      put16(*h, 0);   // time
      put16(*h, 0);   // date
      put32(*h, crc);
      put32(*h, body.size());
      put32(*h, body.size());
      put16(*h, static_cast<unsigned>(name.size()));
      put16(*h, 0);  // extra
      if (h == &directory) {
        put16(*h, 0);  // comment
        put16(*h, 0);  // disk
        put16(*h, 0);  // internal attributes
        put32(*h, 0);  // external attributes
        put32(*h, offset);
      }
      *h += name;
    }
    out += body;
  }
  const unsigned long start = out.size();
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<unsigned>(files.size()));
  put16(out, static_cast<unsigned>(files.size()));
  put32(out, directory.size());
  put32(out, start);
  put16(out, 0);
  return out;
}

const char* const ns = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")";
const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string fuzzed(cxjf::fuzz::text(data + 1, size - 1));
  std::vector<std::pair<std::string, std::string>> parts = {
      {"_rels/.rels", R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
                      R"(<Relationship Id="r" Type=")" + rel + R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml", std::string("<workbook ") + ns + " xmlns:r=\"" + rel +
                              R"("><sheets><sheet name="数据" sheetId="1" r:id="s1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="s1" Type=")" + rel + R"(/worksheet" Target="worksheets/sheet1.xml"/>)"
       R"(<Relationship Id="ss" Type=")" + rel + R"(/sharedStrings" Target="sharedStrings.xml"/>)"
       R"(<Relationship Id="st" Type=")" + rel + R"(/styles" Target="styles.xml"/></Relationships>)"},
      {"xl/sharedStrings.xml", std::string("<sst ") + ns + "><si><t>统一社会信用代码</t></si><si><t>企业名称</t></si></sst>"},
      {"xl/styles.xml", std::string("<styleSheet ") + ns +
                            R"(><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="10"/></cellXfs></styleSheet>)"},
      {"xl/worksheets/sheet1.xml",
       std::string("<worksheet ") + ns +
           R"(><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>)"
           R"(<c r="C1" t="inlineStr"><is><t>行政区划代码</t></is></c></row></sheetData></worksheet>)"},
  };
  // Which part the fuzzer writes: the sheet most often.
  static const int targets[] = {5, 5, 5, 3, 4, 1, 2, 0};
  parts[static_cast<std::size_t>(targets[data[0] % 8])].second = fuzzed;
  cxjf::UploadOptions options;
  options.limits.max_cell_bytes = 256;
  options.limits.max_columns = 64;
  options.limits.max_rows = 200;
  options.limits.max_cells = 20000;
  options.limits.max_unpacked_bytes = 4 << 20;
  static const cxjf::Estimator estimator(cxjf::fuzz::small_snapshot());
  try {
    cxjf::Upload upload = cxjf::read_upload(stored_zip(parts), cxjf::default_model(), options);
    (void)estimator.estimate(std::move(upload), cxjf::Principal{cxjf::Role::torch_center, "", false}, 1);
  } catch (const cxjf::Error&) {
  }
  return 0;
}
