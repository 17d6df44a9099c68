// The overview index (src/overview/overview.cpp): facet counts with cross-filtering,
// every role's scope, the list threshold, export permission, rankings with
// drill-down, and detail, on a hand-built table of twelve enterprises whose
// numbers are worked out in the comments; then properties on generated
// samples checked against a brute-force count.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "testing.hpp"

namespace cxjf {
namespace {

// One scored indicator mapped linearly onto 100 points, so an enterprise's
// published score is its value x; stages come from the data.
const char* hand_model = R"({"id": "hand", "name": "overview test", "description": "score = x",
  "scale": {"base_max": 100, "bonus_max": 0, "total_max": 100, "decimals": 2},
  "list_threshold": 70,
  "categories": [{"id": "c", "name_zh": "类", "name_en": "C"}],
  "stages": [{"id": "startup", "name_zh": "初创期", "name_en": "Start-up"},
             {"id": "growth", "name_zh": "成长期", "name_en": "Growth"},
             {"id": "stable", "name_zh": "稳定期", "name_en": "Stable"}],
  "stage_rule": {"basis": "data"},
  "peer_groups": {"chain": [[]], "min_size": 1},
  "grades": [{"id": "A", "min": 85}, {"id": "B", "min": 70}, {"id": "C", "min": 60}, {"id": "D", "min": 0}],
  "indicators": [{"id": "x", "name_zh": "分", "name_en": "X", "unit": "", "category": "c",
                  "method": "piecewise", "breakpoints": [[0, 0], [100, 1]],
                  "weights": {"startup": 100, "growth": 100, "stable": 100}}]})";

const std::string SZ = "深圳市高新技术产业园区";
const std::string ZGC = "中关村科技园区";
const std::string NS = "南山孵化器";
const std::string EI = "电子信息", BIO = "生物与新医药", MAT = "新材料";
const std::string HNTE = "高新技术企业", TSME = "科技型中小企业";

struct Firm {
  std::string name;
  std::int32_t region;
  std::string zone, incubator, industry;
  std::vector<std::string> tech, quals;
  std::string stage;
  double score;
};

// Enterprise k (1-based) is firms[k - 1] with credit code testing::credit_code(k).
//
//  k  name      region              zone  industry tech      quals        stage  score grade
//  1  深圳甲    440305 南山区       SZ    I        EI        HNTE TSME    稳定期  90    A   (incubator 南山孵化器)
//  2  深圳乙    440305 南山区       SZ    C        EI MAT    HNTE         稳定期  75    B
//  3  深圳丙    440304 福田区             C        MAT                    成长期  65    C
//  4  深圳丁    440304 福田区             I        EI        TSME         初创期  40    D
//  5  广州甲    440106 天河区             C        BIO       HNTE         稳定期  80    B
//  6  广州乙    440103 荔湾区             M        BIO EI                 成长期  55    D
//  7  东莞甲    441900 东莞市 (a city)    C        MAT       HNTE         稳定期  70    B
//  8  广东本级  440000 广东省             M                               初创期  30    D
//  9  北京甲    110108 海淀区       ZGC   I        EI        HNTE TSME    稳定期  85    A
// 10  北京乙    110108 海淀区       ZGC   M        BIO       TSME         成长期  60    C
// 11  北京丙    110101 东城区             C        MAT                    稳定期  75    B
// 12  北京丁    110101 东城区             (unknown) EI                    初创期  20    D
//
// Sum of scores 745 over 12 (mean 62.0833...). List order: 1 (90), 9 (85),
// 5 (80), 2 and 11 (75; equal exact totals, so by credit code: 2 first),
// 7 (70), 3 (65), 10 (60), 6 (55), 4 (40), 8 (30), 12 (20).
const std::vector<Firm> firms = {
    {"深圳甲科技有限公司", 440305, SZ, NS, "I", {EI}, {HNTE, TSME}, "稳定期", 90},
    {"深圳乙科技有限公司", 440305, SZ, "", "C", {EI, MAT}, {HNTE}, "稳定期", 75},
    {"深圳丙科技有限公司", 440304, "", "", "C", {MAT}, {}, "成长期", 65},
    {"深圳丁科技有限公司", 440304, "", "", "I", {EI}, {TSME}, "初创期", 40},
    {"广州甲科技有限公司", 440106, "", "", "C", {BIO}, {HNTE}, "稳定期", 80},
    {"广州乙科技有限公司", 440103, "", "", "M", {BIO, EI}, {}, "成长期", 55},
    {"东莞甲科技有限公司", 441900, "", "", "C", {MAT}, {HNTE}, "稳定期", 70},
    {"广东本级科技有限公司", 440000, "", "", "M", {}, {}, "初创期", 30},
    {"北京甲科技有限公司", 110108, ZGC, "", "I", {EI}, {HNTE, TSME}, "稳定期", 85},
    {"北京乙科技有限公司", 110108, ZGC, "", "M", {BIO}, {TSME}, "成长期", 60},
    {"北京丙科技有限公司", 110101, "", "", "C", {MAT}, {}, "稳定期", 75},
    {"北京丁科技有限公司", 110101, "", "", "", {EI}, {}, "初创期", 20},
};

std::string code(int k) { return testing::credit_code(k); }

Snapshot hand_snapshot() {
  Model model = Model::from_json(hand_model);
  TableBuilder builder(model);
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const Firm& f = firms[i];
    Row row;
    row.credit_code = code(static_cast<int>(i) + 1);
    row.name = f.name;
    row.region = f.region;
    row.zone = f.zone;
    row.incubator = f.incubator;
    row.industry = f.industry;
    row.tech_fields = f.tech;
    row.qualifications = f.quals;
    row.stage = f.stage;
    row.values = {f.score};
    builder.add(row);
  }
  return Snapshot::build(model, builder.build());
}

struct Hand {
  Snapshot snap = hand_snapshot();
  OverviewIndex index{snap};
};
const Hand& hand() {
  static const Hand h;
  return h;
}
const OverviewIndex& idx() { return hand().index; }

Principal who(Role role, std::string unit = "", bool can_export = false) { return Principal{role, std::move(unit), can_export}; }

const FacetCounts& facet(const OverviewAnswer& a, Facet f) {
  for (const FacetCounts& fc : a.facets)
    if (fc.facet == f) return fc;
  throw std::runtime_error(std::string("no facet ") + facet_name(f));
}
const FacetBucket& bucket(const OverviewAnswer& a, Facet f, const std::string& value) {
  for (const FacetBucket& b : facet(a, f).buckets)
    if (b.value == value) return b;
  throw std::runtime_error("no bucket " + value);
}
std::int64_t count(const OverviewAnswer& a, Facet f, const std::string& value) {
  for (const FacetBucket& b : facet(a, f).buckets)
    if (b.value == value) return b.count;
  return -1;  // not listed
}

// Rows (1-based enterprise numbers) of a list of items.
std::vector<int> ks(const std::vector<ListedEnterprise>& items) {
  std::vector<int> out;
  for (const auto& e : items) out.push_back(static_cast<int>(std::find_if(firms.begin(), firms.end(), [&](const Firm& f) {
                                                 return f.name == e.name;
                                               }) - firms.begin()) + 1);
  return out;
}

OverviewRequest with_list(ListRequest list = {}) {
  OverviewRequest r;
  r.list = list;
  return r;
}

TEST(OverviewFacets, CountEveryValueNationally) {
  OverviewAnswer a = idx().query(who(Role::torch_center), OverviewRequest{});
  EXPECT_EQ(a.total, 12);
  // Technology fields are multi-valued: 2 and 6 count twice, 8 nowhere.
  // 电子信息: 1 2 4 6 9 12 = 6, scores 90+75+40+55+85+20 = 365.
  EXPECT_EQ(facet(a, Facet::tech_field).total, 12);
  EXPECT_EQ(bucket(a, Facet::tech_field, EI).count, 6);
  EXPECT_NEAR(bucket(a, Facet::tech_field, EI).mean, 365.0 / 6, 1e-9);
  EXPECT_EQ(bucket(a, Facet::tech_field, MAT).count, 4);  // 2 3 7 11: 285
  EXPECT_DOUBLE_EQ(bucket(a, Facet::tech_field, MAT).mean, 71.25);
  EXPECT_EQ(bucket(a, Facet::tech_field, BIO).count, 3);  // 5 6 10: 195
  EXPECT_DOUBLE_EQ(bucket(a, Facet::tech_field, BIO).mean, 65);
  // The national list's order, whatever order the data listed them in.
  ASSERT_EQ(facet(a, Facet::tech_field).buckets.size(), 3u);
  EXPECT_EQ(facet(a, Facet::tech_field).buckets[0].value, EI);
  EXPECT_EQ(facet(a, Facet::tech_field).buckets[1].value, BIO);
  EXPECT_EQ(facet(a, Facet::tech_field).buckets[2].value, MAT);
  // Qualifications: 高新 1 2 5 7 9 (400), 科技型 1 4 9 10 (275).
  EXPECT_EQ(bucket(a, Facet::qualification, HNTE).count, 5);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::qualification, HNTE).mean, 80);
  EXPECT_EQ(bucket(a, Facet::qualification, TSME).count, 4);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::qualification, TSME).mean, 68.75);
  // Industries: all 20 sections listed, plus the unknown one (12).
  EXPECT_EQ(facet(a, Facet::industry).buckets.size(), 21u);
  EXPECT_EQ(bucket(a, Facet::industry, "C").count, 5);  // 2 3 5 7 11: 365
  EXPECT_DOUBLE_EQ(bucket(a, Facet::industry, "C").mean, 73);
  EXPECT_EQ(bucket(a, Facet::industry, "C").label, "制造业");
  EXPECT_EQ(bucket(a, Facet::industry, "I").count, 3);  // 1 4 9
  EXPECT_EQ(bucket(a, Facet::industry, "M").count, 3);  // 6 8 10
  EXPECT_EQ(bucket(a, Facet::industry, "A").count, 0);
  EXPECT_EQ(bucket(a, Facet::industry, "unknown").count, 1);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::industry, "unknown").mean, 20);
  // Grades: A 90 85; B 75 80 70 75; C 65 60; D 40 55 30 20.
  EXPECT_EQ(bucket(a, Facet::grade, "A").count, 2);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::grade, "A").mean, 87.5);
  EXPECT_EQ(bucket(a, Facet::grade, "B").count, 4);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::grade, "B").mean, 75);
  EXPECT_EQ(bucket(a, Facet::grade, "C").count, 2);
  EXPECT_EQ(bucket(a, Facet::grade, "D").count, 4);
  EXPECT_DOUBLE_EQ(bucket(a, Facet::grade, "D").mean, 36.25);
  // Stages in model order with their Chinese labels.
  const auto& stages = facet(a, Facet::stage).buckets;
  ASSERT_EQ(stages.size(), 3u);
  EXPECT_EQ(stages[0].value, "startup");
  EXPECT_EQ(stages[0].label, "初创期");
  EXPECT_EQ(stages[0].count, 3);  // 4 8 12: 90
  EXPECT_DOUBLE_EQ(stages[0].mean, 30);
  EXPECT_EQ(stages[1].count, 3);  // 3 6 10: 180
  EXPECT_DOUBLE_EQ(stages[1].mean, 60);
  EXPECT_EQ(stages[2].count, 6);  // 1 2 5 7 9 11: 475
  // Provinces with enterprises, by code.
  const auto& provinces = facet(a, Facet::province).buckets;
  ASSERT_EQ(provinces.size(), 2u);
  EXPECT_EQ(provinces[0].value, "110000");
  EXPECT_EQ(provinces[0].label, "北京市");
  EXPECT_EQ(provinces[0].count, 4);  // 85 60 75 20
  EXPECT_DOUBLE_EQ(provinces[0].mean, 60);
  EXPECT_EQ(provinces[1].value, "440000");
  EXPECT_EQ(provinces[1].count, 8);  // 505
  EXPECT_DOUBLE_EQ(provinces[1].mean, 63.125);
  // Zones with enterprises, by count then name: 中关村 (9 10) before 深圳 (1 2).
  const auto& zones = facet(a, Facet::zone).buckets;
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[0].value, ZGC);
  EXPECT_DOUBLE_EQ(zones[0].mean, 72.5);
  EXPECT_EQ(zones[1].value, SZ);
  EXPECT_DOUBLE_EQ(zones[1].mean, 82.5);
  EXPECT_EQ(facet(a, Facet::zone).total, 12);
  // Histogram of 10-point bins, the last closed: 20 | 30 | 40 | 55 | 65 60 |
  // 75 70 75 | 80 85 | 90.
  ASSERT_TRUE(a.histogram);
  std::vector<std::int64_t> bins;
  for (const auto& b : a.histogram->bins) bins.push_back(b.count);
  EXPECT_EQ(bins, (std::vector<std::int64_t>{0, 0, 1, 1, 1, 1, 2, 3, 2, 1}));
  EXPECT_DOUBLE_EQ(a.histogram->bins[7].mean, 220.0 / 3);
  EXPECT_DOUBLE_EQ(a.histogram->bins[9].max, 100);
}

TEST(OverviewFacets, EachFacetIgnoresItsOwnSelection) {
  // A province user clicks 电子信息, then 稳定期. In 广东 (1-8):
  // 电子信息 holders 1 2 4 6; of them 稳定期: 1 2.
  OverviewRequest r;
  r.filters.tech_fields = {EI};
  r.filters.stages = {"稳定期"};
  OverviewAnswer a = idx().query(who(Role::province, "440000"), r);
  EXPECT_EQ(a.total, 2);
  // The technology facet ignores its own selection: 稳定期 rows 1 2 5 7.
  EXPECT_EQ(facet(a, Facet::tech_field).total, 4);
  EXPECT_EQ(bucket(a, Facet::tech_field, EI).count, 2);   // 1 2
  EXPECT_TRUE(bucket(a, Facet::tech_field, EI).selected);
  EXPECT_EQ(bucket(a, Facet::tech_field, MAT).count, 2);  // 2 7
  EXPECT_DOUBLE_EQ(bucket(a, Facet::tech_field, MAT).mean, 72.5);
  EXPECT_EQ(bucket(a, Facet::tech_field, BIO).count, 1);  // 5
  EXPECT_FALSE(bucket(a, Facet::tech_field, BIO).selected);
  // The stage facet ignores the stage: 电子信息 rows 1 2 4 6.
  EXPECT_EQ(facet(a, Facet::stage).total, 4);
  EXPECT_EQ(bucket(a, Facet::stage, "stable").count, 2);
  EXPECT_TRUE(bucket(a, Facet::stage, "stable").selected);
  EXPECT_EQ(bucket(a, Facet::stage, "growth").count, 1);   // 6
  EXPECT_EQ(bucket(a, Facet::stage, "startup").count, 1);  // 4
  // Other facets obey both: 1 (I, A, 高新 科技型) and 2 (C, B, 高新).
  EXPECT_EQ(facet(a, Facet::industry).total, 2);
  EXPECT_EQ(bucket(a, Facet::industry, "I").count, 1);
  EXPECT_EQ(bucket(a, Facet::industry, "C").count, 1);
  EXPECT_EQ(bucket(a, Facet::grade, "A").count, 1);
  EXPECT_EQ(bucket(a, Facet::grade, "B").count, 1);
  EXPECT_EQ(bucket(a, Facet::qualification, HNTE).count, 2);
  EXPECT_EQ(bucket(a, Facet::qualification, TSME).count, 1);
  EXPECT_EQ(count(a, Facet::province, "440000"), 2);
  EXPECT_EQ(count(a, Facet::province, "110000"), -1);  // out of scope: not listed
  EXPECT_EQ(a.histogram->total, 2);
}

TEST(OverviewFacets, ValuesOrWithinAFacetAndAcrossFacets) {
  // 电子信息 or 生物与新医药: 1 2 4 6 9 12 and 5 6 10 = 1 2 4 5 6 9 10 12.
  // And 高新技术企业: 1 2 5 9.
  OverviewRequest r;
  r.filters.tech_fields = {EI, BIO};
  r.filters.qualifications = {HNTE};
  OverviewAnswer a = idx().query(who(Role::torch_center), r);
  EXPECT_EQ(a.total, 4);
  // The qualification facet ignores its own selection: the 8 rows above;
  // 高新 1 2 5 9, 科技型 1 4 9 10: coverage 4 / 8 each.
  EXPECT_EQ(facet(a, Facet::qualification).total, 8);
  EXPECT_EQ(bucket(a, Facet::qualification, HNTE).count, 4);
  EXPECT_EQ(bucket(a, Facet::qualification, TSME).count, 4);
  // The technology facet ignores the fields but keeps 高新: 1 2 5 7 9.
  EXPECT_EQ(facet(a, Facet::tech_field).total, 5);
  EXPECT_EQ(bucket(a, Facet::tech_field, EI).count, 3);   // 1 2 9
  EXPECT_EQ(bucket(a, Facet::tech_field, MAT).count, 2);  // 2 7
  EXPECT_EQ(bucket(a, Facet::tech_field, BIO).count, 1);  // 5
}

TEST(OverviewFacets, RegionZoneScoreAndNameFilters) {
  OverviewRequest r;
  r.filters.regions = {440300, 110101};  // 深圳 1-4 and 东城 11 12
  r.filters.min_score = 60;
  r.filters.max_score = 80;  // inclusive: 75 65 75 (2 3 11)
  OverviewAnswer a = idx().query(who(Role::torch_center), r);
  EXPECT_EQ(a.total, 3);
  // The province facet ignores the regions: every province's rows in [60, 80]:
  // 广东 75 65 80 70 (2 3 5 7), 北京 60 75 (10 11).
  EXPECT_EQ(count(a, Facet::province, "440000"), 4);
  EXPECT_EQ(count(a, Facet::province, "110000"), 2);
  // The histogram ignores the score range: 1-4, 11, 12 = 90 75 65 40 75 20.
  EXPECT_EQ(a.histogram->total, 6);
  EXPECT_EQ(a.histogram->bins[9].count, 1);
  // Names: "乙" is in 2, 6, 10; with the regions, 2 only.
  r.filters.name_contains = "乙";
  EXPECT_EQ(idx().query(who(Role::torch_center), r).total, 1);
  // Zones: 中关村 with 60-80: 10.
  OverviewRequest z;
  z.filters.zones = {ZGC};
  z.filters.min_score = 60;
  z.filters.max_score = 80;
  OverviewAnswer za = idx().query(who(Role::torch_center), z);
  EXPECT_EQ(za.total, 1);
  EXPECT_EQ(count(za, Facet::zone, SZ), 1);   // the zone facet ignores the zone: 2 (75)
  EXPECT_EQ(count(za, Facet::zone, ZGC), 1);  // 10 (60)
  EXPECT_TRUE(bucket(za, Facet::zone, ZGC).selected);
  // An unknown zone is a valid selection that matches nobody.
  z.filters.zones = {"不存在高新区"};
  OverviewAnswer none = idx().query(who(Role::torch_center), z);
  EXPECT_EQ(none.total, 0);
  EXPECT_EQ(count(none, Facet::zone, "不存在高新区"), 0);
  EXPECT_TRUE(bucket(none, Facet::zone, "不存在高新区").selected);
}

TEST(OverviewFacets, HistogramEdgesAreConfigurable) {
  OverviewRequest r;
  r.facets = {Facet::score};
  r.histogram.edges = {0, 60, 70, 85, 100};
  OverviewAnswer a = idx().query(who(Role::torch_center), r);
  EXPECT_TRUE(a.facets.empty());
  std::vector<std::int64_t> bins;
  for (const auto& b : a.histogram->bins) bins.push_back(b.count);
  // [0,60): 40 55 30 20; [60,70): 65 60; [70,85): 75 80 70 75; [85,100]: 90 85.
  EXPECT_EQ(bins, (std::vector<std::int64_t>{4, 2, 4, 2}));
  r.histogram.edges = {0, 50, 50};
  try {
    idx().query(who(Role::torch_center), r);
    FAIL() << "equal edges accepted";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.kind(), QueryErrorKind::bad_request);
    EXPECT_EQ(e.path(), "/histogram/edges/2");
  }
}

// ---------------------------------------------------------------------------
// Scope

TEST(OverviewScope, EveryRoleSeesItsOwn) {
  auto total = [](const Principal& p) { return idx().query(p, OverviewRequest{}).total; };
  auto list_total = [](const Principal& p) { return idx().query(p, with_list()).list->total; };
  EXPECT_EQ(total(who(Role::torch_center)), 12);
  EXPECT_EQ(list_total(who(Role::torch_center)), 12);
  EXPECT_EQ(total(who(Role::public_user)), 12);
  // Region roles: charts cover the region, the list only scores >= 70.
  EXPECT_EQ(total(who(Role::province, "440000")), 8);
  EXPECT_EQ(list_total(who(Role::province, "440000")), 4);  // 90 75 80 70 (70 counts)
  EXPECT_EQ(total(who(Role::city, "440300")), 4);
  EXPECT_EQ(list_total(who(Role::city, "440300")), 2);
  EXPECT_EQ(total(who(Role::county, "440305")), 2);
  EXPECT_EQ(total(who(Role::county, "440304")), 2);
  EXPECT_EQ(list_total(who(Role::county, "440304")), 0);  // 65 and 40
  EXPECT_EQ(total(who(Role::city, "441900")), 1);         // 东莞, registered at the city code
  EXPECT_EQ(total(who(Role::county, "440106")), 1);
  EXPECT_EQ(total(who(Role::province, "310000")), 0);     // 上海: nobody
  // Zones and incubators see their own, without a threshold.
  EXPECT_EQ(total(who(Role::zone, ZGC)), 2);
  EXPECT_EQ(list_total(who(Role::zone, ZGC)), 2);  // 85 and 60
  EXPECT_EQ(total(who(Role::zone, SZ)), 2);
  EXPECT_EQ(total(who(Role::incubator, NS)), 1);
  EXPECT_EQ(total(who(Role::zone, "没有企业的高新区")), 0);
}

TEST(OverviewScope, ListThresholdKeepsRegionListsAtSeventyAndAbove) {
  ListPage page = *idx().query(who(Role::province, "440000"), with_list()).list;
  ASSERT_TRUE(page.threshold);
  EXPECT_EQ(*page.threshold, 70);
  EXPECT_EQ(page.rank_level, RankLevel::province);
  EXPECT_EQ(ks(page.items), (std::vector<int>{1, 5, 2, 7}));
  std::vector<std::int32_t> ranks;
  for (const auto& e : page.items) ranks.push_back(e.rank);
  EXPECT_EQ(ranks, (std::vector<std::int32_t>{1, 2, 3, 4}));  // province ranks
  EXPECT_EQ(page.items[0].score, "90.00");
  EXPECT_EQ(page.items[0].region_name, "广东省深圳市南山区");
  EXPECT_EQ(page.items[0].zone, SZ);
  EXPECT_EQ(page.items[3].region_name, "广东省东莞市");
  // The charts still count all eight; a filtered list keeps the threshold.
  OverviewRequest r = with_list();
  r.filters.industries = {"C"};  // 2 3 5 7: the list drops 3 (65)
  OverviewAnswer a = idx().query(who(Role::province, "440000"), r);
  EXPECT_EQ(a.total, 4);
  EXPECT_EQ(ks(a.list->items), (std::vector<int>{5, 2, 7}));
  // The Torch Center and zones have no threshold.
  EXPECT_FALSE(idx().query(who(Role::torch_center), with_list()).list->threshold);
}

TEST(OverviewScope, TheEnterpriseAndThePublicAreLimited) {
  auto refused = [](auto&& call) {
    try {
      call();
    } catch (const QueryError& e) {
      return e.kind();
    }
    return QueryErrorKind::bad_request;  // not refused: caught by the EXPECTs below
  };
  const Principal firm = who(Role::enterprise, code(1));
  EXPECT_EQ(refused([&] { idx().query(firm, OverviewRequest{}); }), QueryErrorKind::forbidden);
  EXPECT_EQ(refused([&] { idx().export_list(who(Role::enterprise, code(1), true), {}, {}, ExportFormat::csv); }),
            QueryErrorKind::forbidden);
  const Principal pub = who(Role::public_user);
  EXPECT_EQ(refused([&] { idx().query(pub, with_list()); }), QueryErrorKind::forbidden);
  OverviewRequest ranked;
  ranked.ranking = RankingRequest{};  // top 10 by default: names
  EXPECT_EQ(refused([&] { idx().query(pub, ranked); }), QueryErrorKind::forbidden);
  OverviewRequest by_name;
  by_name.filters.name_contains = "深圳";
  EXPECT_EQ(refused([&] { idx().query(pub, by_name); }), QueryErrorKind::forbidden);
  EXPECT_EQ(refused([&] { idx().detail(pub, code(1)); }), QueryErrorKind::forbidden);
  EXPECT_EQ(refused([&] { idx().export_list(who(Role::public_user, "", true), {}, {}, ExportFormat::csv); }),
            QueryErrorKind::forbidden);
  // Rankings without enterprises are aggregates: allowed.
  ranked.ranking->top = 0;
  OverviewAnswer a = idx().query(pub, ranked);
  EXPECT_EQ(a.ranking->parent.count, 12);
  EXPECT_TRUE(a.ranking->parent.top.empty());
}

TEST(OverviewScope, PublicAnswersNameNoEnterprise) {
  const Principal pub = who(Role::public_user);
  std::string answer = query_json(idx(), R"({"principal": {"role": "public"}, "kind": "overview"})");
  answer += query_json(idx(), R"({"principal": {"role": "public"}, "kind": "ranking", "ranking": {"by": "zone"}})");
  answer += query_json(idx(), R"({"principal": {"role": "public"}, "kind": "ranking", "ranking": {"top": 0}})");
  EXPECT_EQ(answer.find("\"error\""), std::string::npos) << answer;
  for (std::size_t k = 1; k <= firms.size(); ++k) {
    EXPECT_EQ(answer.find(firms[k - 1].name), std::string::npos) << firms[k - 1].name;
    EXPECT_EQ(answer.find(code(static_cast<int>(k))), std::string::npos);
  }
}

TEST(OverviewScope, BadPrincipalsAreRefusedWithThePath) {
  for (const Principal& p : {who(Role::province, "440300"), who(Role::city, "44030"), who(Role::county, "440000"),
                             who(Role::zone, ""), who(Role::enterprise, "12345")}) {
    try {
      idx().query(p, OverviewRequest{});
      ADD_FAILURE() << p.label();
    } catch (const QueryError& e) {
      EXPECT_EQ(e.kind(), QueryErrorKind::bad_request) << p.label();
      EXPECT_EQ(e.path(), "/principal/code") << p.label();
    }
  }
}

// ---------------------------------------------------------------------------
// The list and export

TEST(OverviewList, SortsAndPages) {
  const Principal tc = who(Role::torch_center);
  ListRequest l;
  l.page_size = 5;
  EXPECT_EQ(ks(idx().query(tc, with_list(l)).list->items), (std::vector<int>{1, 9, 5, 2, 11}));
  l.page = 2;
  EXPECT_EQ(ks(idx().query(tc, with_list(l)).list->items), (std::vector<int>{7, 3, 10, 6, 4}));
  l.page = 3;
  EXPECT_EQ(ks(idx().query(tc, with_list(l)).list->items), (std::vector<int>{8, 12}));
  l.page = 4;
  EXPECT_TRUE(idx().query(tc, with_list(l)).list->items.empty());
  l = {};
  l.page_size = 3;
  l.descending = false;
  EXPECT_EQ(ks(idx().query(tc, with_list(l)).list->items), (std::vector<int>{12, 8, 4}));
  // By name in code-point order. 广东's list is 1 5 2 7 (scores >= 70):
  // 东莞甲 (东 U+4E1C) < 广州甲 (广 U+5E7F) < 深圳乙 < 深圳甲 (深 U+6DF1; then
  // 乙 U+4E59 < 甲 U+7532).
  const Principal gd = who(Role::province, "440000");
  l = {};
  l.sort = SortKey::name;
  EXPECT_EQ(ks(idx().query(gd, with_list(l)).list->items), (std::vector<int>{7, 5, 2, 1}));
  l.descending = true;
  EXPECT_EQ(ks(idx().query(gd, with_list(l)).list->items), (std::vector<int>{1, 2, 5, 7}));
  // By region code: 440106 (5), 440305 (1 then 2 in list order), 441900 (7).
  l = {};
  l.sort = SortKey::region;
  EXPECT_EQ(ks(idx().query(gd, with_list(l)).list->items), (std::vector<int>{5, 1, 2, 7}));
  l.page_size = 0;
  EXPECT_THROW(idx().query(gd, with_list(l)), QueryError);
}

TEST(OverviewList, ExportNeedsThePermission) {
  try {
    idx().export_list(who(Role::province, "440000"), {}, {}, ExportFormat::csv);
    FAIL() << "exported without permission";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.kind(), QueryErrorKind::forbidden);
  }
  ExportFile csv = idx().export_list(who(Role::province, "440000", true), {}, {}, ExportFormat::csv);
  EXPECT_EQ(csv.rows, 4);
  const std::string bom = "\xEF\xBB\xBF";
  ASSERT_EQ(csv.content.compare(0, 3, bom), 0);
  std::vector<CsvRecord> records = parse_csv(csv.content);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"rank_province", "credit_code", "name", "region_code",
                                                         "region_name", "zone", "industry", "stage", "score", "grade"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", code(1), "深圳甲科技有限公司", "440305", "广东省深圳市南山区",
                                                         SZ, "I", "稳定期", "90.00", "A"}));
  EXPECT_EQ(records[4].fields[1], code(7));
  // The whole list, not a page, in the requested order.
  ListRequest by_region;
  by_region.sort = SortKey::region;
  by_region.page_size = 1;
  ExportFile json = idx().export_list(who(Role::zone, ZGC, true), {}, by_region, ExportFormat::json);
  EXPECT_EQ(json.rows, 2);
  EXPECT_NE(json.content.find(code(9)), std::string::npos);
  EXPECT_NE(json.content.find(code(10)), std::string::npos);
  EXPECT_EQ(json.content.front(), '[');
}

// ---------------------------------------------------------------------------
// Rankings

RankingRequest ranking(std::string parent = "", RankingDimension by = RankingDimension::region, int top = 10) {
  RankingRequest r;
  r.parent = std::move(parent);
  r.by = by;
  r.top = top;
  return r;
}
Ranking ranked(const Principal& p, RankingRequest r, Filters filters = {}) {
  OverviewRequest q;
  q.facets.clear();
  q.filters = std::move(filters);
  q.ranking = std::move(r);
  return *idx().query(p, q).ranking;
}

TEST(OverviewRanking, NationalProvincesWithTies) {
  Ranking r = ranked(who(Role::torch_center), ranking("", RankingDimension::region, 5));
  // All 12: sorted 20 30 40 55 60 65 | 70 75 75 80 85 90, median (65 + 70) / 2.
  EXPECT_EQ(r.parent.label, "全国");
  EXPECT_EQ(r.parent.count, 12);
  EXPECT_NEAR(r.parent.mean, 745.0 / 12, 1e-9);
  EXPECT_DOUBLE_EQ(r.parent.median, 67.5);
  EXPECT_DOUBLE_EQ(r.parent.max, 90);
  // Top five share rank 4 at 75 (competition ranks).
  EXPECT_EQ(ks(r.parent.top), (std::vector<int>{1, 9, 5, 2, 11}));
  std::vector<std::int32_t> ranks;
  for (const auto& e : r.parent.top) ranks.push_back(e.rank);
  EXPECT_EQ(ranks, (std::vector<std::int32_t>{1, 2, 3, 4, 4}));
  ASSERT_EQ(r.nodes.size(), 2u);
  EXPECT_EQ(r.nodes[0].key, "440000");  // 8 before 4
  EXPECT_EQ(r.nodes[0].count, 8);
  EXPECT_DOUBLE_EQ(r.nodes[0].mean, 63.125);
  EXPECT_DOUBLE_EQ(r.nodes[0].median, 67.5);  // 30 40 55 65 | 70 75 80 90
  EXPECT_EQ(r.nodes[1].key, "110000");
  EXPECT_DOUBLE_EQ(r.nodes[1].median, 67.5);  // 20 60 | 75 85
  EXPECT_DOUBLE_EQ(r.nodes[1].max, 85);
  EXPECT_EQ(ks(r.nodes[1].top), (std::vector<int>{9, 11, 10, 12}));
  EXPECT_EQ(r.nodes[1].top[1].rank, 2);  // province rank of 11
  EXPECT_EQ(r.nodes[0].count + r.nodes[1].count, r.parent.count);
}

TEST(OverviewRanking, DrillDownAddsUp) {
  // 广东: 深圳 1-4, 广州 5 6, 东莞 7 (at a city code), 8 at the province's own code.
  Ranking gd = ranked(who(Role::torch_center), ranking("440000"));
  EXPECT_EQ(gd.parent.key, "440000");
  EXPECT_EQ(gd.parent.count, 8);
  std::vector<std::string> keys;
  std::int64_t sum = 0;
  for (const auto& n : gd.nodes) {
    keys.push_back(n.key);
    sum += n.count;
  }
  // By count: 深圳 4, 广州 2, then 1 each by key: 440000 (本级) before 441900.
  EXPECT_EQ(keys, (std::vector<std::string>{"440300", "440100", "440000", "441900"}));
  EXPECT_EQ(sum, 8);
  EXPECT_TRUE(gd.nodes[2].direct);
  EXPECT_EQ(gd.nodes[2].label, "广东省（本级）");
  EXPECT_EQ(gd.nodes[0].label, "深圳市");
  EXPECT_DOUBLE_EQ(gd.nodes[0].mean, 67.5);    // 90 75 65 40
  EXPECT_DOUBLE_EQ(gd.nodes[0].median, 70);    // (75 + 65) / 2
  EXPECT_EQ(gd.nodes[0].level, RankLevel::city);
  // 深圳: its counties add up to it; equal counts order by code.
  Ranking sz = ranked(who(Role::torch_center), ranking("440300"));
  ASSERT_EQ(sz.nodes.size(), 2u);
  EXPECT_EQ(sz.nodes[0].key, "440304");
  EXPECT_EQ(sz.nodes[1].key, "440305");
  EXPECT_EQ(sz.nodes[0].count + sz.nodes[1].count, sz.parent.count);
  RankingRequest by_mean = ranking("440300");
  by_mean.order_by = NodeOrder::mean;
  EXPECT_EQ(ranked(who(Role::torch_center), by_mean).nodes[0].key, "440305");  // 82.5 > 52.5
  // A county: no children; its enterprises are the drill-down.
  Ranking ns = ranked(who(Role::torch_center), ranking("440305"));
  EXPECT_TRUE(ns.nodes.empty());
  EXPECT_EQ(ns.parent.level, RankLevel::county);
  EXPECT_EQ(ks(ns.parent.top), (std::vector<int>{1, 2}));
  EXPECT_EQ(ns.parent.top[1].rank, 2);
}

TEST(OverviewRanking, RegionRolesSeeTopEnterprisesFromSeventy) {
  // The province user's default: its cities; tops only from 70 up.
  Ranking gd = ranked(who(Role::province, "440000"), ranking());
  EXPECT_EQ(gd.parent.count, 8);
  EXPECT_EQ(ks(gd.nodes[0].top), (std::vector<int>{1, 2}));  // 深圳: 65 and 40 left out
  EXPECT_TRUE(gd.nodes[2].top.empty());                      // 本级: 30
  EXPECT_EQ(ks(gd.nodes[3].top), (std::vector<int>{7}));     // 东莞: 70
  // Drilling outside the region is refused like a region that is not there.
  for (const char* parent : {"110000", "990000", "440100"}) {
    try {
      ranked(who(Role::city, "440300"), ranking(parent));
      ADD_FAILURE() << parent;
    } catch (const QueryError& e) {
      EXPECT_EQ(e.kind(), QueryErrorKind::not_found) << parent;
    }
  }
}

TEST(OverviewRanking, FilteredRankingsFollowTheFilters) {
  // 电子信息 and 稳定期 in 广东: 1 and 2, both in 深圳.
  Filters f;
  f.tech_fields = {EI};
  f.stages = {"stable"};
  Ranking gd = ranked(who(Role::province, "440000"), ranking(), f);
  EXPECT_EQ(gd.parent.count, 2);
  ASSERT_EQ(gd.nodes.size(), 1u);
  EXPECT_EQ(gd.nodes[0].key, "440300");
  EXPECT_DOUBLE_EQ(gd.nodes[0].median, 82.5);
  EXPECT_EQ(ks(gd.nodes[0].top), (std::vector<int>{1, 2}));
  // A region ranking ignores the region filter, like the province facet.
  Filters regions;
  regions.regions = {440100};
  Ranking wide = ranked(who(Role::torch_center), ranking("440000"), regions);
  EXPECT_EQ(wide.parent.count, 8);
}

TEST(OverviewRanking, ZonesAndAZonesEnterprises) {
  Ranking z = ranked(who(Role::torch_center), ranking("", RankingDimension::zone));
  // 中关村 9 10 (85 60), 深圳 1 2 (90 75): equal counts, by name.
  EXPECT_EQ(z.parent.count, 4);
  EXPECT_DOUBLE_EQ(z.parent.mean, 77.5);
  EXPECT_DOUBLE_EQ(z.parent.median, 80);  // 60 75 | 85 90
  ASSERT_EQ(z.nodes.size(), 2u);
  EXPECT_EQ(z.nodes[0].key, ZGC);
  EXPECT_DOUBLE_EQ(z.nodes[0].median, 72.5);
  EXPECT_EQ(z.nodes[1].key, SZ);
  EXPECT_DOUBLE_EQ(z.nodes[1].max, 90);
  EXPECT_EQ(ks(z.parent.top), (std::vector<int>{1, 9, 2, 10}));
  Ranking sz = ranked(who(Role::torch_center), ranking(SZ, RankingDimension::zone));
  EXPECT_TRUE(sz.nodes.empty());
  EXPECT_EQ(sz.parent.key, SZ);
  EXPECT_EQ(ks(sz.parent.top), (std::vector<int>{1, 2}));
  EXPECT_EQ(sz.parent.top[1].rank, 2);  // zone rank
  // A zone user sees its own zone only; others are not found.
  Ranking own = ranked(who(Role::zone, ZGC), ranking("", RankingDimension::zone));
  ASSERT_EQ(own.nodes.size(), 1u);
  EXPECT_EQ(own.nodes[0].key, ZGC);
  EXPECT_THROW(ranked(who(Role::zone, ZGC), ranking(SZ, RankingDimension::zone)), QueryError);
  // A zone user's region ranking counts its enterprises where they are.
  Ranking where = ranked(who(Role::zone, ZGC), ranking());
  ASSERT_EQ(where.nodes.size(), 1u);
  EXPECT_EQ(where.nodes[0].key, "110000");
  EXPECT_EQ(where.nodes[0].count, 2);
}

// ---------------------------------------------------------------------------
// Detail

TEST(OverviewDetail, GovernmentGetsTheLedgerTheEnterpriseItsBasics) {
  EnterpriseDetail d = idx().detail(who(Role::province, "440000"), code(1));
  EXPECT_EQ(d.basics.name, "深圳甲科技有限公司");
  EXPECT_EQ(d.basics.score, "90.00");
  EXPECT_EQ(d.basics.grade, "A");
  EXPECT_EQ(d.incubator, NS);
  EXPECT_EQ(d.industry_name, "信息传输、软件和信息技术服务业");
  EXPECT_EQ(d.tech_fields, std::vector<std::string>{EI});
  ASSERT_TRUE(d.ledger);
  EXPECT_EQ(d.ledger->published_units, 9000);
  // Ranks at every level it has a unit at, with the unit's size.
  std::map<RankLevel, std::pair<std::int32_t, std::int64_t>> ranks;
  for (const auto& r : d.ranks) ranks[r.level] = {r.rank, r.of};
  EXPECT_EQ(ranks[RankLevel::national], std::make_pair(1, std::int64_t{12}));
  EXPECT_EQ(ranks[RankLevel::province], std::make_pair(1, std::int64_t{8}));
  EXPECT_EQ(ranks[RankLevel::city], std::make_pair(1, std::int64_t{4}));
  EXPECT_EQ(ranks[RankLevel::county], std::make_pair(1, std::int64_t{2}));
  EXPECT_EQ(ranks[RankLevel::zone], std::make_pair(1, std::int64_t{2}));
  EXPECT_EQ(ranks[RankLevel::incubator], std::make_pair(1, std::int64_t{1}));
  EXPECT_EQ(ranks[RankLevel::peer_group], std::make_pair(1, std::int64_t{12}));
  // 2 ties with 11 at 75: national rank 4; 东莞 (7) has no county rank.
  EXPECT_EQ(idx().detail(who(Role::torch_center), code(11)).ranks[0].rank, 4);
  for (const auto& r : idx().detail(who(Role::torch_center), code(7)).ranks) EXPECT_NE(r.level, RankLevel::county);
  // The enterprise itself: basics, score and ranks, no ledger. Codes are
  // normalized as users type them.
  std::string typed = code(1);
  std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return std::tolower(c); });
  EnterpriseDetail own = idx().detail(who(Role::enterprise, code(1)), " " + typed);
  EXPECT_FALSE(own.ledger);
  EXPECT_EQ(own.basics.score, "90.00");
  EXPECT_EQ(own.ranks.size(), d.ranks.size());
  // Below the list threshold but in the region: government detail still works.
  EXPECT_TRUE(idx().detail(who(Role::province, "440000"), code(8)).ledger);
}

std::string refusal(const Principal& p, const std::string& credit_code) {
  try {
    idx().detail(p, credit_code);
  } catch (const QueryError& e) {
    return std::string(query_error_kind_name(e.kind())) + " " + e.path() + " " + e.what();
  }
  return "answered";
}

TEST(OverviewDetail, OutOfScopeAndAbsentGiveTheSameAnswer) {
  const std::string absent = code(999);  // a valid code nobody has
  for (const Principal& p : {who(Role::county, "440304"), who(Role::city, "440100"), who(Role::province, "110000"),
                             who(Role::zone, ZGC), who(Role::incubator, NS), who(Role::enterprise, code(2))}) {
    const std::string outside = p.role == Role::incubator ? code(2) : code(1);
    EXPECT_EQ(refusal(p, outside), refusal(p, absent)) << p.label();
    EXPECT_EQ(refusal(p, absent).rfind("not_found /credit_code", 0), 0u) << refusal(p, absent);
    EXPECT_EQ(refusal(p, absent).find(absent), std::string::npos);
  }
  // And through the JSON layer, byte for byte.
  auto ask = [](const std::string& c) {
    return query_json(idx(), R"({"principal": {"role": "county", "code": "440304"}, "kind": "detail", "credit_code": ")" + c + "\"}");
  };
  EXPECT_EQ(ask(code(1)), ask(absent));
  EXPECT_NE(ask(code(3)).find("\"ledger\""), std::string::npos);
  // A malformed code is a bad request, not a probe.
  EXPECT_EQ(refusal(who(Role::torch_center), "12345").rfind("bad_request /credit_code", 0), 0u);
}

// ---------------------------------------------------------------------------
// Properties on generated samples, against a brute-force count

struct Generated {
  Snapshot snap;
  OverviewIndex index;
  explicit Generated(std::int64_t n, std::uint64_t seed)
      : snap(Snapshot::build(default_model(), generate(default_model(), {n, seed, 0.05}))), index(snap) {}
};
const Generated& generated() {
  static const Generated g(6000, 11);
  return g;
}

bool in_scope(const Snapshot& s, std::size_t i, const Principal& p) {
  const Table& t = s.table;
  switch (p.role) {
    case Role::torch_center:
    case Role::public_user: return true;
    case Role::province: return t.region[i] / 10000 == std::stoi(p.code) / 10000;
    case Role::city: return t.region[i] / 100 == std::stoi(p.code) / 100;
    case Role::county: return t.region[i] == std::stoi(p.code);
    case Role::zone: return t.zone[i] >= 0 && t.zones[t.zone[i]] == p.code;
    case Role::incubator: return t.incubator[i] >= 0 && t.incubators[t.incubator[i]] == p.code;
    case Role::enterprise: return false;
  }
  return false;
}

bool in_region(std::int32_t region, std::int32_t code) {
  if (code % 10000 == 0) return region / 10000 == code / 10000;
  if (code % 100 == 0) return region / 100 == code / 100;
  return region == code;
}

// Which filters row i fails, as bits of Facet; -1 when it fails a filter
// without a facet (incubator, name).
int fails(const Snapshot& s, std::size_t i, const Filters& f) {
  const Table& t = s.table;
  auto has = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  if (!f.incubators.empty() && !(t.incubator[i] >= 0 && has(f.incubators, t.incubators[t.incubator[i]]))) return -1;
  if (!f.name_contains.empty() && t.name[i].find(f.name_contains) == std::string::npos) return -1;
  int bits = 0;
  auto fail = [&](Facet x) { bits |= 1 << static_cast<int>(x); };
  if (!f.regions.empty() && std::none_of(f.regions.begin(), f.regions.end(), [&](std::int32_t c) { return in_region(t.region[i], c); }))
    fail(Facet::province);
  if (!f.zones.empty() && !(t.zone[i] >= 0 && has(f.zones, t.zones[t.zone[i]]))) fail(Facet::zone);
  auto any_bit = [&](std::uint32_t mask, const Dictionary& d, const std::vector<std::string>& want) {
    for (int b = 0; b < d.size(); ++b)
      if (mask >> b & 1 && has(want, d[b])) return true;
    return false;
  };
  if (!f.tech_fields.empty() && !any_bit(t.tech_fields[i], t.tech_field_names, f.tech_fields)) fail(Facet::tech_field);
  if (!f.qualifications.empty() && !any_bit(t.qualifications[i], t.qualification_names, f.qualifications))
    fail(Facet::qualification);
  if (!f.industries.empty() &&
      !(t.industry[i] >= 0 && has(f.industries, std::string(1, static_cast<char>('A' + t.industry[i])))))
    fail(Facet::industry);
  const Model& m = s.model;
  if (!f.grades.empty() && !has(f.grades, m.grades[static_cast<std::size_t>(s.scores.grade[i])].id)) fail(Facet::grade);
  if (!f.stages.empty() && !has(f.stages, m.stages[static_cast<std::size_t>(s.scores.stage[i])].id)) fail(Facet::stage);
  const double score = s.scores.published(static_cast<std::int64_t>(i));
  if ((f.min_score && score < *f.min_score) || (f.max_score && score > *f.max_score)) fail(Facet::score);
  return bits;
}

Filters random_filters(const Snapshot& s, std::mt19937& rng) {
  const Table& t = s.table;
  Filters f;
  auto pick = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  auto row = [&] { return static_cast<std::size_t>(rng() % static_cast<std::uint32_t>(t.size())); };
  if (pick(30)) {
    std::int32_t r = t.region[row()];
    f.regions.push_back(pick(50) ? r / 10000 * 10000 : pick(50) ? r / 100 * 100 : r);
    if (pick(30)) f.regions.push_back(t.region[row()] / 10000 * 10000);
  }
  if (pick(20)) f.zones.push_back(t.zones[static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(t.zones.size()))]);
  if (pick(10)) {
    std::size_t i = row();
    if (t.incubator[i] >= 0) f.incubators.push_back(t.incubators[t.incubator[i]]);
  }
  if (pick(40)) f.tech_fields.push_back(t.tech_field_names[static_cast<std::int32_t>(rng() % 8)]);
  if (pick(15)) f.tech_fields.push_back(t.tech_field_names[static_cast<std::int32_t>(rng() % 8)]);
  if (pick(30)) f.qualifications.push_back(t.qualification_names[static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(t.qualification_names.size()))]);
  if (pick(30)) f.industries.push_back(std::string(1, static_cast<char>('A' + rng() % 20)));
  if (pick(20)) f.industries.push_back("C");
  if (pick(25)) f.stages.push_back(s.model.stages[rng() % 3].id);
  if (pick(25)) f.grades.push_back(s.model.grades[rng() % 4].id);
  if (pick(25)) {
    f.min_score = static_cast<double>(rng() % 60);
    if (pick(50)) f.max_score = *f.min_score + static_cast<double>(rng() % 40) + 0.5;
  }
  if (pick(10)) f.name_contains = t.name[row()].substr(0, 6);  // two characters
  return f;
}

TEST(OverviewProperty, FacetsListsAndRankingsMatchABruteForceCount) {
  const Generated& g = generated();
  const Snapshot& s = g.snap;
  const Table& t = s.table;
  const auto n = static_cast<std::size_t>(t.size());
  std::mt19937 rng(7);
  // The public is not here: its answers withhold small cells
  // (tests/overview/disclosure_test.cpp).
  std::vector<Principal> principals = {who(Role::torch_center)};
  for (int k = 0; k < 3; ++k) {
    std::int32_t r = t.region[static_cast<std::size_t>(rng() % n)];
    principals.push_back(who(Role::province, std::to_string(r / 10000 * 10000)));
    if (r % 10000 != 0) principals.push_back(who(Role::city, std::to_string(r / 100 * 100)));
    if (r % 100 != 0) principals.push_back(who(Role::county, std::to_string(r)));
  }
  principals.push_back(who(Role::zone, t.zones[0]));
  principals.push_back(who(Role::incubator, t.incubators[0]));
  std::vector<std::ptrdiff_t> list_pos(n);
  for (std::size_t k = 0; k < n; ++k) list_pos[static_cast<std::size_t>(s.scores.order[k])] = static_cast<std::ptrdiff_t>(k);
  int checked = 0;
  for (int round = 0; round < 40; ++round)
    for (const Principal& p : principals) {
      Filters f = round == 0 ? Filters{} : random_filters(s, rng);
      OverviewRequest q;
      q.filters = f;
      q.ranking = ranking("", round % 2 ? RankingDimension::zone : RankingDimension::region, 3);
      {
        ListRequest l;
        l.page_size = 7;
        l.sort = static_cast<SortKey>(round % 3);
        l.page = 1 + round % 2;
        q.list = l;
      }
      OverviewAnswer a = g.index.query(p, q);
      // Brute force.
      std::map<std::string, std::int64_t> expect;  // "facet/value" -> count
      std::int64_t total = 0;
      std::vector<std::size_t> listed;
      std::map<std::string, std::int64_t> nodes;  // ranking child key -> count
      const bool threshold = p.role == Role::province || p.role == Role::city || p.role == Role::county;
      for (std::size_t i = 0; i < n; ++i) {
        if (!in_scope(s, i, p)) continue;
        int bits = fails(s, i, f);
        if (bits < 0) continue;
        auto add = [&](Facet x, const std::string& value) {
          if ((bits & ~(1 << static_cast<int>(x))) == 0) ++expect[std::string(facet_name(x)) + "/" + value];
        };
        for (int b = 0; b < t.tech_field_names.size(); ++b)
          if (t.tech_fields[i] >> b & 1) add(Facet::tech_field, t.tech_field_names[b]);
        for (int b = 0; b < t.qualification_names.size(); ++b)
          if (t.qualifications[i] >> b & 1) add(Facet::qualification, t.qualification_names[b]);
        add(Facet::industry, t.industry[i] >= 0 ? std::string(1, static_cast<char>('A' + t.industry[i])) : "unknown");
        add(Facet::grade, s.model.grades[static_cast<std::size_t>(s.scores.grade[i])].id);
        add(Facet::stage, s.model.stages[static_cast<std::size_t>(s.scores.stage[i])].id);
        add(Facet::province, std::to_string(t.region[i] / 10000 * 10000));
        if (t.zone[i] >= 0) add(Facet::zone, t.zones[t.zone[i]]);
        if (bits == 0) {
          ++total;
          if (!threshold || s.scores.published(static_cast<std::int64_t>(i)) >= 70) listed.push_back(i);
        }
        if (round % 2 == 0 && (bits & ~(1 << static_cast<int>(Facet::province))) == 0) {
          std::int32_t r = t.region[i];
          std::string key = p.role == Role::province ? (r % 10000 == 0 ? std::to_string(r) : std::to_string(r / 100 * 100))
                            : p.role == Role::city   ? std::to_string(r)
                            : p.role == Role::county ? ""
                                                     : std::to_string(r / 10000 * 10000);
          ++nodes[key];
        }
        if (round % 2 == 1 && (bits & ~(1 << static_cast<int>(Facet::zone))) == 0 && t.zone[i] >= 0) ++nodes[t.zones[t.zone[i]]];
      }
      ASSERT_EQ(a.total, total) << p.label() << " round " << round;
      std::map<std::string, std::int64_t> got;
      for (const FacetCounts& fc : a.facets)
        for (const FacetBucket& b : fc.buckets)
          if (b.count) got[std::string(facet_name(fc.facet)) + "/" + b.value] = b.count;
      ASSERT_EQ(got, expect) << p.label() << " round " << round;
      // Rankings: children counts as brute-forced, adding up to the parent.
      std::map<std::string, std::int64_t> got_nodes;
      std::int64_t sum = 0;
      for (const RankingNode& node : a.ranking->nodes) {
        got_nodes[node.key] = node.count;
        sum += node.count;
      }
      if (p.role == Role::county && round % 2 == 0) {
        EXPECT_TRUE(a.ranking->nodes.empty());
        EXPECT_EQ(a.ranking->parent.count, nodes[""]);
      } else {
        ASSERT_EQ(got_nodes, nodes) << p.label() << " round " << round;
        EXPECT_EQ(sum, a.ranking->parent.count);
      }
      // The list: total and the page, against a sort of the brute-forced rows.
      if (q.list) {
        const ListRequest& l = *q.list;
        std::vector<std::size_t> rows = listed;
        const auto& pos = list_pos;
        std::sort(rows.begin(), rows.end(), [&](std::size_t x, std::size_t y) {
          if (l.sort == SortKey::name && t.name[x] != t.name[y]) return t.name[x] < t.name[y];
          if (l.sort == SortKey::region && t.region[x] != t.region[y]) return t.region[x] < t.region[y];
          return pos[x] < pos[y];
        });
        ASSERT_EQ(a.list->total, static_cast<std::int64_t>(rows.size())) << p.label();
        std::vector<std::string> want, have;
        for (std::size_t k = static_cast<std::size_t>((l.page - 1) * l.page_size);
             k < rows.size() && k < static_cast<std::size_t>(l.page * l.page_size); ++k)
          want.push_back(t.credit_code[rows[k]]);
        for (const auto& e : a.list->items) have.push_back(e.credit_code);
        ASSERT_EQ(have, want) << p.label() << " round " << round;
      }
      ++checked;
    }
  EXPECT_GT(checked, 300);
}

TEST(OverviewProperty, UnfilteredAndVacuouslyFilteredAnswersAgree) {
  // The precomputed path (no filters) and the pass (a score range that
  // keeps everyone) must give the same numbers, means and medians included.
  const Generated& g = generated();
  const Table& t = g.snap.table;
  for (const Principal& p : {who(Role::torch_center), who(Role::province, std::to_string(t.region[0] / 10000 * 10000)),
                             who(Role::city, std::to_string(t.region[1] / 100 * 100))}) {
    for (RankingDimension by : {RankingDimension::region, RankingDimension::zone}) {
      OverviewRequest plain;
      plain.ranking = ranking("", by, 5);
      plain.list = ListRequest{};
      OverviewRequest vacuous = plain;
      vacuous.filters.min_score = -1;
      OverviewAnswer a = g.index.query(p, plain), b = g.index.query(p, vacuous);
      ASSERT_EQ(a.total, b.total);
      ASSERT_EQ(a.facets.size(), b.facets.size());
      for (std::size_t f = 0; f < a.facets.size(); ++f) {
        EXPECT_EQ(a.facets[f].total, b.facets[f].total);
        ASSERT_EQ(a.facets[f].buckets.size(), b.facets[f].buckets.size()) << facet_name(a.facets[f].facet);
        for (std::size_t k = 0; k < a.facets[f].buckets.size(); ++k) {
          EXPECT_EQ(a.facets[f].buckets[k].value, b.facets[f].buckets[k].value);
          EXPECT_EQ(a.facets[f].buckets[k].count, b.facets[f].buckets[k].count);
          EXPECT_EQ(a.facets[f].buckets[k].mean, b.facets[f].buckets[k].mean);
        }
      }
      for (std::size_t k = 0; k < a.histogram->bins.size(); ++k) {
        EXPECT_EQ(a.histogram->bins[k].count, b.histogram->bins[k].count);
        EXPECT_EQ(a.histogram->bins[k].mean, b.histogram->bins[k].mean);
      }
      auto same = [](const RankingNode& x, const RankingNode& y) {
        EXPECT_EQ(x.key, y.key);
        EXPECT_EQ(x.count, y.count);
        EXPECT_EQ(x.mean, y.mean);
        EXPECT_EQ(x.median, y.median);
        EXPECT_EQ(x.max, y.max);
        ASSERT_EQ(x.top.size(), y.top.size());
        for (std::size_t k = 0; k < x.top.size(); ++k) EXPECT_EQ(x.top[k].row, y.top[k].row);
      };
      same(a.ranking->parent, b.ranking->parent);
      ASSERT_EQ(a.ranking->nodes.size(), b.ranking->nodes.size());
      for (std::size_t k = 0; k < a.ranking->nodes.size(); ++k) same(a.ranking->nodes[k], b.ranking->nodes[k]);
      EXPECT_EQ(a.list->total, b.list->total);
      for (std::size_t k = 0; k < a.list->items.size(); ++k) EXPECT_EQ(a.list->items[k].row, b.list->items[k].row);
    }
  }
}


nlohmann::json filters_json(const Filters& f) {
  nlohmann::json j = nlohmann::json::object();
  if (!f.regions.empty()) {
    j["regions"] = nlohmann::json::array();
    for (std::int32_t r : f.regions) j["regions"].push_back(std::to_string(r));
  }
  auto put = [&](const char* key, const std::vector<std::string>& v) {
    if (!v.empty()) j[key] = v;
  };
  put("zones", f.zones);
  put("incubators", f.incubators);
  put("tech_fields", f.tech_fields);
  put("industries", f.industries);
  put("stages", f.stages);
  put("grades", f.grades);
  put("qualifications", f.qualifications);
  if (f.min_score) j["score"]["min"] = *f.min_score;
  if (f.max_score) j["score"]["max"] = *f.max_score;
  if (!f.name_contains.empty()) j["name_contains"] = f.name_contains;
  return j;
}

// Every credit code anywhere in an answer, exported files included.
void collect_codes(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "credit_code" && it.value().is_string()) out.push_back(it.value());
      else if (it.key() == "content" && it.value().is_string()) {
        const std::string content = it.value();
        if (!content.empty() && content[0] == '[') {
          collect_codes(nlohmann::json::parse(content), out);
        } else {
          std::vector<CsvRecord> records = parse_csv(content);
          for (std::size_t r = 1; r < records.size(); ++r) out.push_back(records[r].fields.at(1));
        }
      } else {
        collect_codes(it.value(), out);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) collect_codes(e, out);
  }
}

TEST(OverviewScope, ACountyCannotReachAnyEnterpriseOutsideItsCounty) {
  const Generated& g = generated();
  const Table& t = g.snap.table;
  const auto n = static_cast<std::size_t>(t.size());
  std::map<std::int32_t, int> per_county;
  for (std::int32_t r : t.region)
    if (r % 100 != 0) ++per_county[r];
  const std::int32_t county =
      std::max_element(per_county.begin(), per_county.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  std::set<std::string> inside;
  std::vector<std::size_t> outside_rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (t.region[i] == county) inside.insert(t.credit_code[i]);
    else outside_rows.push_back(i);
  }
  ASSERT_GE(inside.size(), 20u);
  const std::string cc = std::to_string(county);
  const nlohmann::json principal = {{"role", "county"}, {"code", cc}, {"can_export", true}};
  const std::string absent = testing::credit_code(999999);
  const std::string absent_answer = query_json(g.index, nlohmann::json{{"principal", principal}, {"kind", "detail"}, {"credit_code", absent}}.dump());
  std::mt19937 rng(2024);
  auto outside = [&] { return outside_rows[rng() % outside_rows.size()]; };
  std::size_t reached = 0;
  for (int round = 0; round < 400; ++round) {
    Filters f = random_filters(g.snap, rng);
    // Filters aimed at enterprises outside: their regions, zones,
    // incubators and names.
    const std::size_t o = outside();
    switch (rng() % 5) {
      case 0: f.regions.push_back(t.region[o]); break;
      case 1: if (t.zone[o] >= 0) f.zones.push_back(t.zones[t.zone[o]]); break;
      case 2: if (t.incubator[o] >= 0) f.incubators.push_back(t.incubators[t.incubator[o]]); break;
      case 3: f.name_contains = t.name[o]; break;
      default: break;
    }
    if (rng() % 3 == 0) f = Filters{};
    nlohmann::json request = {{"principal", principal}, {"filters", filters_json(f)}};
    const nlohmann::json list = {{"sort", std::array<const char*, 3>{"score", "name", "region"}[rng() % 3]},
                                 {"descending", rng() % 2 == 0},
                                 {"page", 1 + rng() % 3},
                                 {"page_size", 1 + rng() % 50}};
    const std::vector<std::string> parents = {"", cc, std::to_string(county / 100 * 100), std::to_string(county / 10000 * 10000),
                                              std::to_string(t.region[o]), "000000"};
    switch (rng() % 5) {
      case 0:
        request["kind"] = "overview";
        request["list"] = list;
        request["ranking"] = {{"by", rng() % 2 ? "region" : "zone"}, {"top", 100}};
        break;
      case 1:
        request["kind"] = "list";
        request["list"] = list;
        break;
      case 2:
        request["kind"] = "ranking";
        request["ranking"] = {{"by", "region"}, {"parent", parents[rng() % parents.size()]}, {"top", 100}};
        if (rng() % 3 == 0 && t.zone[o] >= 0) request["ranking"] = {{"by", "zone"}, {"parent", t.zones[t.zone[o]]}, {"top", 100}};
        break;
      case 3:
        request["kind"] = "export";
        request["format"] = rng() % 2 ? "csv" : "json";
        request["list"] = {{"sort", list["sort"]}};
        break;
      default: {
        request.erase("filters");
        request["kind"] = "detail";
        const bool in = rng() % 2 == 0;
        const std::string code = in ? *std::next(inside.begin(), static_cast<std::ptrdiff_t>(rng() % inside.size())) : t.credit_code[o];
        request["credit_code"] = code;
        const std::string answer = query_json(g.index, request.dump());
        if (!in) EXPECT_EQ(answer, absent_answer) << "detail of an enterprise outside the county";
        else EXPECT_EQ(nlohmann::json::parse(answer)["enterprise"]["credit_code"], code);
        break;
      }
    }
    const std::string answer = query_json(g.index, request.dump());
    std::vector<std::string> codes;
    collect_codes(nlohmann::json::parse(answer), codes);
    for (const std::string& c : codes) ASSERT_TRUE(inside.count(c)) << c << " reached by " << request.dump();
    reached += codes.size();
  }
  EXPECT_GT(reached, 200u);  // the requests did reach the county's own enterprises
}

}  // namespace
}  // namespace cxjf
