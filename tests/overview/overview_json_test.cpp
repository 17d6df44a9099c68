// The overview's JSON layer (src/overview/overview_json.cpp): request documents with
// their errors and JSON paths, answer documents, and the documented examples
// of docs/overview.md run against the generated snapshot they were written
// from. Set CXJF_UPDATE_EXAMPLES=1 to rewrite the stored answers after a
// deliberate change, then review the difference.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "testing.hpp"

namespace cxjf {
namespace {

using Json = nlohmann::json;

// The snapshot of docs/overview.md: 20,000 generated enterprises, seed 42.
struct Documented {
  Snapshot snap = Snapshot::build(default_model(), generate(default_model(), {20000, 42}));
  OverviewIndex index{snap};
};
const Documented& documented() {
  static const Documented d;
  return d;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(QueryJson, DocumentedExamplesAnswerAsStored) {
  const std::filesystem::path dir = std::filesystem::path(CXJF_SOURCE_DIR) / "docs" / "examples";
  const bool update = std::getenv("CXJF_UPDATE_EXAMPLES") != nullptr;
  int examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".request.json";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::filesystem::path answer_path = dir / (name.substr(0, name.size() - suffix.size()) + ".answer.json");
    const std::string answer = query_json(documented().index, read_all(entry.path()));
    if (update) {
      std::ofstream(answer_path, std::ios::binary) << answer << "\n";
    } else {
      ASSERT_TRUE(std::filesystem::exists(answer_path)) << answer_path;
      EXPECT_EQ(Json::parse(answer), Json::parse(read_all(answer_path))) << name;
    }
    ++examples;
  }
  EXPECT_GE(examples, 6);
}

std::int64_t facet_total(const OverviewAnswer& a, Facet f) {
  for (const FacetCounts& fc : a.facets)
    if (fc.facet == f) return fc.total;
  return -1;
}
std::size_t facet_buckets(const OverviewAnswer& a, Facet f) {
  for (const FacetCounts& fc : a.facets)
    if (fc.facet == f) return fc.buckets.size();
  return 0;
}

std::string ask(const std::string& request, const OverviewIndex& index = documented().index) {
  return query_json(index, request);
}

// The error of an answer as "code path".
std::string error_of(const std::string& answer) {
  Json j = Json::parse(answer);
  if (!j.contains("error")) return "answered";
  EXPECT_EQ(j.size(), 1u) << answer;  // an error answer holds the error only
  const Json& e = j["error"];
  EXPECT_FALSE(e["message"].get<std::string>().empty());
  return e["code"].get<std::string>() + " " + (e.contains("path") ? e["path"].get<std::string>() : "");
}

TEST(QueryJson, MalformedRequestsNameTheirPath) {
  const std::string tc = R"("principal": {"role": "torch_center"}, )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "bad_request "},
      {"[]", "bad_request "},
      {"{}", "bad_request /principal"},
      {R"({"principal": {"role": "king"}, "kind": "overview"})", "bad_request /principal/role"},
      {R"({"principal": {"role": "province", "code": "abc"}, "kind": "overview"})", "bad_request /principal/code"},
      {R"({"principal": {"role": "torch_center", "export": true}, "kind": "overview"})", "bad_request /principal/export"},
      {R"({"principal": {"role": "torch_center"}})", "bad_request /kind"},
      {"{" + tc + R"("kind": "summary"})", "bad_request /kind"},
      {"{" + tc + R"("kind": "overview", "filter": {}})", "bad_request /filter"},
      {"{" + tc + R"("kind": "overview", "filters": {"industries": ["C", "Z"]}})", "bad_request /filters/industries/1"},
      {"{" + tc + R"("kind": "overview", "filters": {"regions": ["44030"]}})", "bad_request /filters/regions/0"},
      {"{" + tc + R"("kind": "overview", "filters": {"regions": [440300, "990000"]}})", "bad_request /filters/regions/1"},
      {"{" + tc + R"("kind": "overview", "filters": {"stages": ["晚期"]}})", "bad_request /filters/stages/0"},
      {"{" + tc + R"("kind": "overview", "filters": {"grades": ["Z"]}})", "bad_request /filters/grades/0"},
      {"{" + tc + R"("kind": "overview", "filters": {"zones": "中关村科技园区"}})", "bad_request /filters/zones"},
      {"{" + tc + R"("kind": "overview", "filters": {"score": {"min": "60"}}})", "bad_request /filters/score/min"},
      {"{" + tc + R"("kind": "overview", "filters": {"score": {"min": 80, "max": 60}}})", "bad_request /filters/score"},
      {"{" + tc + R"("kind": "overview", "facets": ["color"]})", "bad_request /facets/0"},
      {"{" + tc + R"("kind": "overview", "facets": ["zone", "zone"]})", "bad_request /facets/1"},
      {"{" + tc + R"("kind": "overview", "histogram": {"width": 0}})", "bad_request /histogram/width"},
      {"{" + tc + R"("kind": "overview", "histogram": {"edges": [0, 50, 40]}})", "bad_request /histogram/edges/2"},
      {"{" + tc + R"("kind": "list", "list": {"page_size": 5000}})", "bad_request /list/page_size"},
      {"{" + tc + R"("kind": "list", "list": {"page": 0}})", "bad_request /list/page"},
      {"{" + tc + R"("kind": "list", "list": {"sort": "age"}})", "bad_request /list/sort"},
      {"{" + tc + R"("kind": "ranking", "ranking": {"top": 500}})", "bad_request /ranking/top"},
      {"{" + tc + R"("kind": "ranking", "ranking": {"by": "city"}})", "bad_request /ranking/by"},
      {"{" + tc + R"("kind": "ranking", "ranking": {"parent": "广东"}})", "bad_request /ranking/parent"},
      {"{" + tc + R"("kind": "ranking", "filters": {}, "list": {}})", "bad_request /list"},
      {"{" + tc + R"("kind": "detail"})", "bad_request /credit_code"},
      {"{" + tc + R"("kind": "detail", "credit_code": "91350100M000100Y4"})", "bad_request /credit_code"},
      {"{" + tc + R"("kind": "detail", "credit_code": "91350100M000100Y43", "filters": {}})", "bad_request /filters"},
      {"{" + tc + R"("kind": "export", "list": {"page": 2}})", "bad_request /list/page"},
      {"{" + tc + R"("kind": "export", "format": "xls"})", "bad_request /format"},
  };
  for (const auto& [request, expected] : cases) EXPECT_EQ(error_of(ask(request)), expected) << request;
  // Messages say what to fix.
  Json j = Json::parse(ask("{" + tc + R"("kind": "overview", "filters": {"industries": ["Z"]}})"));
  EXPECT_NE(j["error"]["message"].get<std::string>().find("A-T"), std::string::npos);
}

std::string repeat(const std::string& part, std::size_t times) {
  std::string out;
  for (std::size_t k = 0; k < times; ++k) out += part;
  return out;
}

// Hostile documents: every one is a bad_request answer naming where, and
// the answer is itself valid UTF-8 JSON whose message is whole.
TEST(QueryJson, HostileRequestsAreBadRequestsWithTheirPath) {
  const std::string tc = R"("principal": {"role": "torch_center"}, )";
  const std::string nul("\0", 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      // Invalid UTF-8 anywhere: in a value, in a key, in a string the answer would echo.
      {"{" + tc + "\"kind\": \"overview\", \"filters\": {\"zones\": [\"\xff\xfe\"]}}", "bad_request "},
      {"{" + tc + "\"kind\": \"overview\", \"filters\": {\"zo\xc3nes\": []}}", "bad_request "},
      {"{\"principal\": {\"role\": \"province\", \"code\": \"44\xe4\xb8\"}, \"kind\": \"overview\"}", "bad_request "},
      // Numbers beyond a double, or an int64.
      {"{" + tc + R"("kind": "overview", "filters": {"score": {"min": 1e400}}})", "bad_request /filters/score/min"},
      {"{" + tc + R"("kind": "overview", "histogram": {"edges": [0, -1e400]}})", "bad_request /histogram/edges/1"},
      {"{" + tc + R"("kind": "list", "list": {"page": 18446744073709551615}})", "bad_request /list/page"},
      // Repeated members anywhere, the principal's first.
      {R"({"principal": {"role": "public"}, "kind": "overview", "principal": {"role": "torch_center"}})",
       "bad_request /principal"},
      {R"({"principal": {"role": "public", "role": "torch_center"}, "kind": "overview"})", "bad_request /principal/role"},
      {"{" + tc + R"("kind": "overview", "filters": {"zones": [], "zones": ["x"]}})", "bad_request /filters/zones"},
      // torch_center and public take no code.
      {R"({"principal": {"role": "public", "code": "440000"}, "kind": "overview"})", "bad_request /principal/code"},
      {R"({"principal": {"role": "torch_center", "code": "x"}, "kind": "overview"})", "bad_request /principal/code"},
      // Too deep.
      {"{" + tc + "\"kind\": \"overview\", \"filters\": " + std::string(40, '[') + std::string(40, ']') + "}",
       "bad_request /filters" + repeat("/0", request_limits.max_depth - 1)},

  };
  for (const auto& [request, expected] : cases) {
    const std::string answer = ask(request);
    EXPECT_EQ(testing::invalid_utf8_at(answer), std::string::npos) << request;
    EXPECT_EQ(error_of(answer), expected) << request << "\n" << answer;
  }
  // U+0000 in a string, a raw NUL byte, integers beyond 64 bits where a
  // double is read, and underflow are refused; every refusal carries a
  // path, "" for the whole request.
  const std::vector<std::pair<std::string, std::string>> more = {
      {R"({"principal": {"role": "province", "code": "44\u0000xyz"}, "kind": "overview"})",
       "bad_request /principal/code"},
      {R"({"principal": {"role": "torch_center"}, "kind": "overview", "filters": {"zones": ["a\u0000"]}})",
       "bad_request /filters/zones/0"},
      {"{" + tc + "\"kind\": \"overview\"}" + nul + "{\"x\": 1}", "bad_request "},
      {"{" + tc + R"("kind": "overview", "histogram": {"width": 123456789012345678901234567890}})",
       "bad_request /histogram/width"},
      {"{" + tc + R"("kind": "overview", "histogram": {"edges": [0, 18446744073709551616]}})",
       "bad_request /histogram/edges/1"},
      {"{" + tc + R"("kind": "overview", "filters": {"score": {"min": 1e-400}}})", "bad_request /filters/score/min"},
  };
  for (const auto& [request, expected] : more) {
    const std::string answer = ask(request);
    EXPECT_EQ(error_of(answer), expected) << answer;
    EXPECT_TRUE(Json::parse(answer)["error"].contains("path")) << answer;
  }
  // Numbers that are merely small or written with a zero exponent stay valid.
  EXPECT_EQ(error_of(ask("{" + tc + R"("kind": "overview", "list": null, "filters": {"score": {"min": 0.0e5, "max": 1e-300}}})")),
            "answered");
}

// Limits (docs/overview.md): long lists and strings are refused by member,
// and up to the limit a selection costs one pass: 10,000 unknown zones
// answer with each shown once.
TEST(QueryJson, FilterListsAndStringsAreBounded) {
  const std::string tc = R"({"principal": {"role": "torch_center"}, "kind": "overview", "filters": )";
  std::string zones;
  for (std::size_t k = 0; k <= request_limits.max_list; ++k) zones += (k ? ",\"z" : "\"z") + std::to_string(k % 5000) + "\"";
  EXPECT_EQ(error_of(ask(tc + "{\"zones\": [" + zones + "]}}")), "bad_request /filters/zones");
  EXPECT_EQ(error_of(ask(tc + "{\"name_contains\": \"" + std::string(300, 'a') + "\"}}")),
            "bad_request /filters/name_contains");
  EXPECT_EQ(error_of(ask(tc + "{\"incubators\": [\"a\", \"" + std::string(300, 'b') + "\"]}}")),
            "bad_request /filters/incubators/1");
  EXPECT_EQ(error_of(ask(std::string(request_limits.max_bytes + 1, ' '))), "bad_request ");
  zones.erase(zones.rfind(','));  // exactly max_list entries, 5,000 distinct names
  const Json a = Json::parse(ask(tc + "{\"zones\": [" + zones + "]}, \"facets\": [\"zone\"]}"));
  ASSERT_FALSE(a.contains("error")) << a.dump().substr(0, 300);
  std::set<std::string> shown;
  std::size_t unknown = 0;
  for (const auto& b : a["facets"]["zone"]["buckets"]) {
    EXPECT_TRUE(shown.insert(b["value"].get<std::string>()).second);
    if (b["value"].get<std::string>()[0] == 'z') {
      ++unknown;
      EXPECT_TRUE(b["selected"].get<bool>());
      EXPECT_EQ(b["count"].get<int>(), 0);
    }
  }
  EXPECT_EQ(unknown, 5000u);
}

TEST(QueryJson, RefusalsAreAnswersToo) {
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "public"}, "kind": "list"})")), "forbidden ");
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "public"}, "kind": "overview", "list": {}})")), "forbidden ");
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "public"}, "kind": "ranking", "ranking": {"top": 3}})")), "forbidden ");
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "province", "code": "440000"}, "kind": "export"})")), "forbidden ");
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "enterprise", "code": "91350100M000100Y43"}, "kind": "overview"})")),
            "forbidden ");
  EXPECT_EQ(error_of(ask(R"({"principal": {"role": "city", "code": "440300"}, "kind": "ranking", "ranking": {"parent": "110000"}})")),
            "not_found /ranking/parent");
  bool refused = false;
  query_json(documented().index, R"({"principal": {"role": "public"}, "kind": "list"})", refused);
  EXPECT_TRUE(refused);
  query_json(documented().index, R"({"principal": {"role": "public"}, "kind": "overview"})", refused);
  EXPECT_FALSE(refused);
}

TEST(QueryJson, AnswersCarryTheTypedNumbers) {
  const OverviewIndex& index = documented().index;
  Json j = Json::parse(ask(R"({"principal": {"role": "province", "code": "440000"}, "kind": "overview",
                              "filters": {"tech_fields": ["电子信息"]}, "ranking": {"top": 2}, "list": {"page_size": 3}})"));
  OverviewRequest r;
  r.filters.tech_fields = {"电子信息"};
  r.ranking = RankingRequest{};
  r.ranking->top = 2;
  r.list = ListRequest{};
  r.list->page_size = 3;
  OverviewAnswer a = index.query(Principal{Role::province, "440000", false}, r);
  EXPECT_EQ(j["kind"], "overview");
  EXPECT_EQ(j["principal"], "province:440000");
  EXPECT_EQ(j["model_id"], "torch-2022");
  EXPECT_EQ(j["total"], a.total);
  EXPECT_EQ(j["facets"]["tech_field"]["total"], facet_total(a, Facet::tech_field));
  EXPECT_EQ(j["facets"]["score"]["total"], a.histogram->total);
  EXPECT_EQ(j["list"]["total"], a.list->total);
  EXPECT_EQ(j["list"]["threshold"], 70.0);
  ASSERT_EQ(j["list"]["items"].size(), a.list->items.size());
  for (std::size_t k = 0; k < a.list->items.size(); ++k) {
    EXPECT_EQ(j["list"]["items"][k]["credit_code"], a.list->items[k].credit_code);
    EXPECT_EQ(j["list"]["items"][k]["score"], a.list->items[k].score);
  }
  EXPECT_EQ(j["ranking"]["parent"]["count"], a.ranking->parent.count);
  EXPECT_EQ(j["ranking"]["nodes"].size(), a.ranking->nodes.size());
  EXPECT_EQ(j["qualification_coverage"].size(), facet_buckets(a, Facet::qualification));
}

TEST(QueryJson, DetailExportAndEscaping) {
  // Names with the characters JSON and CSV must escape.
  Model model = default_model();
  TableBuilder builder(model);
  const std::vector<std::string> names = {"甲\"引号\"科技,有限公司", "乙\\反斜杠\n换行有限公司"};
  for (int k = 0; k < 2; ++k) {
    Row row;
    row.credit_code = testing::credit_code(k + 1);
    row.name = names[static_cast<std::size_t>(k)];
    row.region = 110101;
    row.industry = "C";
    row.values.assign(model.indicators.size(), 10.0 * (k + 1));
    builder.add(row);
  }
  Snapshot snap = Snapshot::build(model, builder.build());
  OverviewIndex index(snap);
  Json list = Json::parse(ask(R"({"principal": {"role": "torch_center"}, "kind": "list"})", index));
  std::set<std::string> seen;
  for (const Json& item : list["list"]["items"]) seen.insert(item["name"].get<std::string>());
  EXPECT_EQ(seen, std::set<std::string>(names.begin(), names.end()));
  Json csv = Json::parse(ask(R"({"principal": {"role": "county", "code": "110101", "can_export": true}, "kind": "export"})", index));
  EXPECT_EQ(csv["format"], "csv");
  // A county's export is its list: the threshold applies.
  Json county = Json::parse(ask(R"({"principal": {"role": "county", "code": "110101"}, "kind": "list"})", index));
  EXPECT_EQ(csv["rows"], county["list"]["total"]);
  Json all = Json::parse(ask(R"({"principal": {"role": "torch_center", "can_export": true}, "kind": "export"})", index));
  EXPECT_EQ(all["rows"], 2);
  std::vector<CsvRecord> records = parse_csv(all["content"].get<std::string>());
  ASSERT_EQ(records.size(), 3u);
  std::set<std::string> exported = {records[1].fields[2], records[2].fields[2]};
  EXPECT_EQ(exported, std::set<std::string>(names.begin(), names.end()));
  Json json_file = Json::parse(ask(R"({"principal": {"role": "torch_center", "can_export": true}, "kind": "export", "format": "json"})", index));
  Json items = Json::parse(json_file["content"].get<std::string>());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], Json::parse(to_json(index.query(Principal{Role::torch_center, "", false}, [] {
                                        OverviewRequest r;
                                        r.list = ListRequest{};
                                        return r;
                                      }()).list->items[0])));
  // export_document: the same file as the export answer's content, its bytes
  // rather than a JSON answer around them; any other kind refused at /kind.
  const std::string tc_export = R"({"principal": {"role": "torch_center", "can_export": true}, "kind": "export")";
  EXPECT_EQ(export_document(index, tc_export + "}").rest(), all["content"].get<std::string>());
  ExportStream json_direct = export_document(index, tc_export + R"(, "format": "json"})");
  EXPECT_EQ(json_direct.rows(), 2);
  EXPECT_EQ(json_direct.rest(), json_file["content"].get<std::string>());
  // In pieces of one line each (1 byte asked: a line is never cut), then
  // nothing more: the same file.
  ExportStream pieces = export_document(index, tc_export + "}");
  std::string piece;
  int count = 0;
  while (pieces.next(piece, 1)) ++count;
  EXPECT_EQ(piece, all["content"].get<std::string>());
  EXPECT_EQ(count, 3);  // the header, then a line at a time
  EXPECT_FALSE(pieces.next(piece));
  EXPECT_TRUE(pieces.rest().empty());
  try {
    export_document(index, R"({"principal": {"role": "torch_center"}, "kind": "list"})");
    ADD_FAILURE() << "a list request is not an export";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.kind(), QueryErrorKind::bad_request);
    EXPECT_EQ(e.path(), "/kind");
  }
  EXPECT_THROW(export_document(index, tc_export + R"(, "credit_code": "x"})"), QueryError);
  EXPECT_THROW(export_document(index, R"({"principal": {"role": "torch_center"}, "kind": "export"})"), QueryError);
  // Detail: the enterprise itself gets basics and ranks; the government the ledger too.
  const std::string code = testing::credit_code(2);
  Json own = Json::parse(ask(R"({"principal": {"role": "enterprise", "code": ")" + code +
                             R"("}, "kind": "detail", "credit_code": ")" + code + "\"}", index));
  EXPECT_EQ(own["enterprise"]["name"], names[1]);
  EXPECT_EQ(own["enterprise"]["region_name"], "北京市东城区");
  EXPECT_FALSE(own.contains("ledger"));
  EXPECT_EQ(own["ranks"][0]["level"], "national");
  EXPECT_EQ(own["ranks"][0]["of"], 2);
  Json gov = Json::parse(ask(R"({"principal": {"role": "city", "code": "110100"}, "kind": "detail", "credit_code": ")" + code + "\"}", index));
  EXPECT_EQ(gov["ledger"]["credit_code"], code);
  EXPECT_EQ(gov["ledger"]["indicators"].size(), model.indicators.size());
}

}  // namespace
}  // namespace cxjf
