#include "cxjf/generate.hpp"
#include "cxjf/snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"

namespace cxjf {
namespace {

// One national-size-ish sample shared by the statistical tests: large enough
// that the shares below are within a fraction of a percent of their targets.
const Table& sample() {
  static const Table table = [] {
    GenerateOptions options;
    options.n = 100000;
    options.seed = 7;
    return generate(default_model(), options);
  }();
  return table;
}

double share(std::int64_t count, std::int64_t n) { return static_cast<double>(count) / static_cast<double>(n); }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Row-level equality including NaN cells, which == would call unequal.
::testing::AssertionResult rows_equal(const Row& a, const Row& b) {
  if (a.credit_code != b.credit_code || a.name != b.name || a.region != b.region || a.zone != b.zone ||
      a.incubator != b.incubator || a.industry != b.industry || a.tech_fields != b.tech_fields ||
      a.qualifications != b.qualifications || a.negatives != b.negatives || a.founded != b.founded ||
      a.registered != b.registered || a.stage != b.stage || a.values.size() != b.values.size())
    return ::testing::AssertionFailure() << a.credit_code << " " << a.name << " vs " << b.credit_code << " " << b.name;
  for (std::size_t j = 0; j < a.values.size(); ++j)
    if (!same_bits(a.values[j], b.values[j]))
      return ::testing::AssertionFailure() << a.credit_code << " column " << j << ": " << a.values[j] << " vs "
                                           << b.values[j];
  return ::testing::AssertionSuccess();
}

TEST(Generate, SameSeedGivesTheSameTableCellForCell) {
  GenerateOptions options;
  options.n = 3000;
  options.seed = 2024;
  const Table a = generate(default_model(), options);
  const Table b = generate(default_model(), options);
  ASSERT_EQ(a.size(), 3000);
  ASSERT_EQ(b.size(), 3000);
  EXPECT_EQ(a.credit_code, b.credit_code);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.zone, b.zone);
  EXPECT_EQ(a.zones.values(), b.zones.values());
  EXPECT_EQ(a.incubator, b.incubator);
  EXPECT_EQ(a.incubators.values(), b.incubators.values());
  EXPECT_EQ(a.industry, b.industry);
  EXPECT_EQ(a.tech_fields, b.tech_fields);
  EXPECT_EQ(a.tech_field_names.values(), b.tech_field_names.values());
  EXPECT_EQ(a.qualifications, b.qualifications);
  EXPECT_EQ(a.qualification_names.values(), b.qualification_names.values());
  EXPECT_EQ(a.negatives, b.negatives);
  EXPECT_EQ(a.negative_names.values(), b.negative_names.values());
  EXPECT_EQ(a.founded, b.founded);
  EXPECT_EQ(a.registered, b.registered);
  EXPECT_EQ(a.stage, b.stage);
  ASSERT_EQ(a.values.rows(), b.values.rows());
  ASSERT_EQ(a.values.cols(), b.values.cols());
  for (Eigen::Index j = 0; j < a.values.cols(); ++j)
    for (Eigen::Index i = 0; i < a.values.rows(); ++i)
      ASSERT_TRUE(same_bits(a.values(i, j), b.values(i, j))) << "row " << i << " column " << a.indicator_ids[j];
}

// The 18 indicator ids of torch-2022, fixed here so that the fingerprint below
// does not move when the model file changes.
Model torch_ids_model() {
  Model model;
  for (const char* id : {"rd_expense", "rd_growth", "rd_intensity", "st_staff_share", "invention_apps", "pct_apps",
                         "tech_contract", "hitech_revenue", "revenue", "revenue_growth", "postgrad_share",
                         "rd_tax_relief", "roe", "graduates_hired", "platforms", "awards", "equity_financing",
                         "standards"}) {
    Indicator indicator;
    indicator.id = id;
    model.indicators.push_back(indicator);
  }
  return model;
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
  return h;
}

// Every cell of a table in text form, hashed.
std::uint64_t fingerprint(const Table& t) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto text = [&h](const std::string& s) { h = fnv1a(h, s.data(), s.size() + 1); };  // with the NUL, as a separator
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const Row r = t.row(i);
    for (const std::string* s : {&r.credit_code, &r.name, &r.zone, &r.incubator, &r.industry, &r.stage}) text(*s);
    for (const auto* list : {&r.tech_fields, &r.qualifications, &r.negatives}) {
      for (const std::string& s : *list) text(s);
      text("|");
    }
    const std::int64_t ints[] = {r.region, r.founded, r.registered ? 1 : 0};
    for (std::int64_t x : ints) text(std::to_string(x));
    for (double x : r.values) {
      std::uint64_t bits;
      std::memcpy(&bits, &x, sizeof bits);
      text(std::to_string(std::isnan(x) ? 0x7ff8000000000000ULL : bits));  // any NaN is the missing value
    }
  }
  return h;
}

// Seed 42 gives this table on every platform and compiler: the generator uses
// only its own random numbers and correctly rounded arithmetic. The numbers
// were recorded from a run; a deliberate change to the generator's
// distributions must update them (and say so in docs/generator.md).
TEST(Generate, Seed42IsTheSameEverywhere) {
  GenerateOptions options;
  options.n = 1000;
  const Table t = generate(torch_ids_model(), options);
  EXPECT_EQ(t.credit_code[0], "914401068GCAA9P73C");
  EXPECT_EQ(t.name[0], "广州海嘉生态科技有限公司");
  EXPECT_EQ(t.region[0], 440106);
  EXPECT_EQ(t.founded[0], 20220616);
  EXPECT_EQ(fingerprint(t), 0x9b0cf4ee2fe3127aULL) << std::hex << fingerprint(t);
}

TEST(Generate, DifferentSeedsGiveDifferentTables) {
  GenerateOptions options;
  options.n = 1000;
  options.seed = 1;
  const Table a = generate(default_model(), options);
  options.seed = 2;
  const Table b = generate(default_model(), options);
  int same_codes = 0, same_revenue = 0;
  const int revenue = a.indicator_column("revenue");
  ASSERT_GE(revenue, 0);
  for (std::int64_t i = 0; i < 1000; ++i) {
    same_codes += a.credit_code[i] == b.credit_code[i];
    same_revenue += same_bits(a.values(i, revenue), b.values(i, revenue));
  }
  EXPECT_EQ(same_codes, 0);
  EXPECT_LT(same_revenue, 10);  // only coincidences such as two NaNs
}

TEST(Generate, RowIDoesNotDependOnN) {
  GenerateOptions options;
  options.seed = 99;
  options.n = 1000;
  const Table small = generate(default_model(), options);
  options.n = 2000;
  const Table large = generate(default_model(), options);
  for (std::int64_t i = 0; i < 1000; ++i) ASSERT_TRUE(rows_equal(small.row(i), large.row(i))) << "row " << i;
}

TEST(Generate, ColumnsAreTheModelsIndicatorsInOrder) {
  const Model& model = default_model();
  const Table& t = sample();
  ASSERT_EQ(t.indicator_ids.size(), model.indicators.size());
  for (std::size_t j = 0; j < model.indicators.size(); ++j) EXPECT_EQ(t.indicator_ids[j], model.indicators[j].id);
  EXPECT_EQ(t.values.rows(), t.size());
  EXPECT_EQ(t.values.cols(), static_cast<Eigen::Index>(model.indicators.size()));
}

TEST(Generate, KnownValuesDoNotDependOnOtherColumns) {
  // A model with an indicator the generator does not know and the columns in
  // another order: the known columns keep their values, the unknown one is
  // filled by unit (a count here: whole numbers, many zeros).
  Model model;
  for (const char* id : {"roe", "mystery_count", "revenue"}) {
    Indicator indicator;
    indicator.id = id;
    indicator.unit = std::strcmp(id, "mystery_count") == 0 ? "件" : "";
    model.indicators.push_back(indicator);
  }
  GenerateOptions options;
  options.n = 2000;
  const Table custom = generate(model, options);
  const Table standard = generate(default_model(), options);
  const int roe = standard.indicator_column("roe"), revenue = standard.indicator_column("revenue");
  int zeros = 0;
  for (std::int64_t i = 0; i < options.n; ++i) {
    ASSERT_TRUE(same_bits(custom.values(i, 0), standard.values(i, roe)));
    ASSERT_TRUE(same_bits(custom.values(i, 2), standard.values(i, revenue)));
    const double x = custom.values(i, 1);
    ASSERT_FALSE(std::isnan(x));
    ASSERT_EQ(x, std::floor(x));
    ASSERT_GE(x, 0.0);
    zeros += x == 0.0;
  }
  EXPECT_NEAR(share(zeros, options.n), 0.30, 0.04);
}

TEST(Generate, CreditCodesAreValidUniqueAndCarryTheRegion) {
  const Table& t = sample();
  std::set<std::string> seen;
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const std::string& code = t.credit_code[i];
    ASSERT_TRUE(is_valid_credit_code(code)) << code;
    ASSERT_EQ(code.substr(0, 2), "91") << code;
    ASSERT_EQ(code.substr(2, 6), std::to_string(t.region[i])) << code;
    ASSERT_TRUE(seen.insert(code).second) << "duplicate " << code;
  }
}

TEST(Generate, RegionsAreLeavesOfTheBuiltinTable) {
  const Regions& regions = Regions::builtin();
  std::set<std::int32_t> has_counties;
  for (const Region& r : regions.all())
    if (r.level == RegionLevel::county) has_counties.insert(r.parent);
  const Table& t = sample();
  for (std::int32_t code : t.region) {
    const Region* r = regions.find(code);
    ASSERT_NE(r, nullptr) << code;
    // A county, or a city that has none (东莞 441900, 中山 442000, 儋州 460400...).
    ASSERT_TRUE(r->level == RegionLevel::county || (r->level == RegionLevel::city && !has_counties.count(code)))
        << code << " " << r->name;
  }
}

TEST(Generate, ProvincesAreWeightedLikeTheRealPopulation) {
  const Regions& regions = Regions::builtin();
  const Table& t = sample();
  std::map<std::int32_t, std::int64_t> by_province;
  for (std::int32_t code : t.region) ++by_province[regions.province_of(code)];
  EXPECT_EQ(by_province.size(), 31u);
  std::vector<std::int64_t> counts;
  for (const auto& entry : by_province) counts.push_back(entry.second);
  std::sort(counts.rbegin(), counts.rend());
  EXPECT_EQ(by_province[440000], counts[0]) << "广东 has the most";
  EXPECT_GT(by_province[440000], 20 * std::max<std::int64_t>(by_province[540000], 1)) << "广东 vs 西藏";
  EXPECT_GT(share(counts[0] + counts[1] + counts[2] + counts[3] + counts[4], t.size()), 0.40);
  EXPECT_GT(by_province[320000], by_province[410000]) << "江苏 vs 河南";
  EXPECT_GT(by_province[110000], by_province[630000]) << "北京 vs 青海";
  // Within 广东, 深圳 and 广州 lead.
  std::map<std::int32_t, std::int64_t> guangdong;
  for (std::int32_t code : t.region)
    if (regions.province_of(code) == 440000) ++guangdong[regions.city_of(code)];
  for (const auto& [city, count] : guangdong) {
    if (city != 440300 && city != 440100) {
      EXPECT_LT(count, guangdong[440100]) << city;
    }
  }
}

TEST(Generate, IndustriesAreMostlyManufacturingSoftwareAndResearch) {
  const Table& t = sample();
  std::int64_t count[industry_count] = {};
  for (std::int8_t industry : t.industry) {
    ASSERT_GE(industry, 0);
    ASSERT_LT(industry, industry_count);
    ++count[industry];
  }
  EXPECT_NEAR(share(count[2], t.size()), 0.45, 0.01);   // C 制造业
  EXPECT_NEAR(share(count[8], t.size()), 0.20, 0.01);   // I 信息技术
  EXPECT_NEAR(share(count[12], t.size()), 0.15, 0.01);  // M 科学研究和技术服务
}

TEST(Generate, AttributesUseTheDomainsVocabulary) {
  const Table& t = sample();
  const std::set<std::string> fields = {"电子信息", "生物与新医药", "航空航天", "新材料",
                                        "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"};
  const std::set<std::string> qualifications = {"高新技术企业",     "科技型中小企业",       "创新型中小企业",
                                                "专精特新中小企业", "专精特新“小巨人”企业", "制造业单项冠军",
                                                "瞪羚企业",         "独角兽企业",           "上市企业"};
  const std::set<std::string> negatives = {"严重失信主体名单", "重大安全生产事故", "重大环境污染事故", "科研失信行为",
                                           "经营异常名录"};
  for (const auto& name : t.tech_field_names.values()) EXPECT_TRUE(fields.count(name)) << name;
  for (const auto& name : t.qualification_names.values()) EXPECT_TRUE(qualifications.count(name)) << name;
  for (const auto& name : t.negative_names.values()) EXPECT_TRUE(negatives.count(name)) << name;
  EXPECT_EQ(t.tech_field_names.size(), 8);
  EXPECT_EQ(t.qualification_names.size(), 9);
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const auto n_fields = std::bitset<32>(t.tech_fields[i]).count();
    ASSERT_TRUE(n_fields == 1 || n_fields == 2) << i;
    ASSERT_EQ(t.stage[i], -1) << "the model derives the stage";
    ASSERT_GE(t.founded[i], 19841231);
    ASSERT_LE(t.founded[i], 20241231);
  }
  auto holders = [&](const char* name) {
    const std::int32_t bit = t.qualification_names.find(name);
    std::int64_t n = 0;
    for (std::uint32_t q : t.qualifications) n += bit >= 0 && (q >> bit & 1u);
    return share(n, t.size());
  };
  EXPECT_NEAR(holders("高新技术企业"), 0.53, 0.03);
  EXPECT_LT(holders("独角兽企业"), 0.002);
  EXPECT_LT(holders("上市企业"), 0.02);
  EXPECT_LT(holders("专精特新“小巨人”企业"), holders("专精特新中小企业"));
}

TEST(Generate, ZonesAndIncubators) {
  const Regions& regions = Regions::builtin();
  const Table& t = sample();
  std::int64_t zoned = 0, incubated = 0;
  for (std::int64_t i = 0; i < t.size(); ++i) {
    zoned += t.zone[i] >= 0;
    if (t.incubator[i] >= 0) {
      ++incubated;
      const std::string& name = t.incubators[t.incubator[i]];
      ASSERT_NE(name.find("科技企业孵化器"), std::string::npos) << name;
    }
  }
  EXPECT_GE(t.zones.size(), 60);
  EXPECT_NEAR(share(zoned, t.size()), 0.30, 0.05);
  EXPECT_NEAR(share(incubated, t.size()), 0.10, 0.02);
  // An enterprise of a zone lies in the zone's city.
  std::map<std::string, std::int32_t> zone_code;
#ifdef CXJF_SOURCE_DIR
  std::ifstream file(std::string(CXJF_SOURCE_DIR) + "/data/zones.csv");
  ASSERT_TRUE(file) << "data/zones.csv";
  std::string line;
  std::getline(file, line);
  ASSERT_EQ(line, "name,region_code");
  while (std::getline(file, line)) {
    const auto comma = line.rfind(',');
    const std::int32_t code = std::stoi(line.substr(comma + 1));
    ASSERT_NE(regions.find(code), nullptr) << line;
    ASSERT_TRUE(zone_code.emplace(line.substr(0, comma), code).second) << "duplicate " << line;
  }
  EXPECT_GE(zone_code.size(), 60u);
  EXPECT_EQ(zone_code.count("中关村科技园区"), 1u);
  for (std::int64_t i = 0; i < t.size(); ++i) {
    if (t.zone[i] < 0) continue;
    const auto it = zone_code.find(t.zones[t.zone[i]]);
    ASSERT_NE(it, zone_code.end()) << t.zones[t.zone[i]];
    // A district's zone holds firms of that district, a city's zone firms of the city.
    const std::int32_t where = regions.find(it->second)->level == RegionLevel::county ? it->second : regions.city_of(it->second);
    ASSERT_TRUE(regions.contains(where, t.region[i])) << t.zones[t.zone[i]] << " " << t.region[i];
  }
#endif
}

TEST(Generate, RdIntensityIsRdExpenseOverRevenue) {
  const Table& t = sample();
  const int rd = t.indicator_column("rd_expense"), revenue = t.indicator_column("revenue"),
            intensity = t.indicator_column("rd_intensity");
  ASSERT_GE(rd, 0);
  ASSERT_GE(revenue, 0);
  ASSERT_GE(intensity, 0);
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const double r = t.values(i, rd), s = t.values(i, revenue), x = t.values(i, intensity);
    if (std::isnan(r) || std::isnan(s)) {
      ASSERT_TRUE(std::isnan(x)) << i;
      continue;
    }
    ASSERT_GT(s, 0.0) << i;
    // Both published to 2 decimals, so within half a cent of the exact ratio.
    ASSERT_NEAR(x, r / s * 100.0, 0.005 + 1e-9) << i;
  }
}

TEST(Generate, IndicatorShapes) {
  const Table& t = sample();
  auto column = [&](const char* id) {
    const int j = t.indicator_column(id);
    EXPECT_GE(j, 0) << id;
    std::vector<double> v;
    for (std::int64_t i = 0; i < t.size(); ++i) v.push_back(t.values(i, j));
    return v;
  };
  auto zero_share = [](const std::vector<double>& v) {
    return share(std::count(v.begin(), v.end(), 0.0), static_cast<std::int64_t>(v.size()));
  };
  auto missing_share = [](const std::vector<double>& v) {
    return share(std::count_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }),
                 static_cast<std::int64_t>(v.size()));
  };
  auto median = [](std::vector<double> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };

  const auto revenue = column("revenue"), hitech = column("hitech_revenue"), pct = column("pct_apps");
  EXPECT_NEAR(zero_share(pct), 0.83, 0.03);
  EXPECT_NEAR(zero_share(column("tech_contract")), 0.44, 0.05);
  EXPECT_NEAR(zero_share(column("equity_financing")), 0.83, 0.04);
  EXPECT_NEAR(median(revenue), 3000.0, 600.0);
  EXPECT_GT(*std::max_element(revenue.begin(), revenue.end()), 1e6);  // NaN compares false: ignored
  EXPECT_LT(missing_share(revenue), 0.01);
  EXPECT_NEAR(missing_share(column("roe")), 0.03, 0.01);
  EXPECT_NEAR(missing_share(column("revenue_growth")), 0.02, 0.01);
  for (std::size_t i = 0; i < revenue.size(); ++i) {
    if (!std::isnan(hitech[i]) && !std::isnan(revenue[i])) {
      ASSERT_LE(hitech[i], revenue[i]) << i;
    }
  }

  // Counts are whole and amounts and percentages carry at most 2 decimals.
  for (const char* id : {"invention_apps", "pct_apps", "graduates_hired", "platforms", "awards", "standards"})
    for (double x : column(id)) {
      if (!std::isnan(x)) {
        ASSERT_EQ(x, std::floor(x)) << id;
      }
    }
  for (const char* id : {"revenue", "rd_expense", "rd_growth", "roe", "st_staff_share"})
    for (double x : column(id)) {
      if (!std::isnan(x)) {
        ASSERT_NEAR(x * 100.0, std::round(x * 100.0), 1e-6 * std::max(1.0, std::fabs(x))) << id;
      }
    }
  for (double x : column("st_staff_share")) {
    if (!std::isnan(x)) {
      ASSERT_TRUE(x >= 5.0 && x <= 80.0) << x;
    }
  }
  for (double x : column("postgrad_share")) {
    if (!std::isnan(x)) {
      ASSERT_TRUE(x >= 0.0 && x <= 60.0) << x;
    }
  }
}

TEST(Generate, UnregisteredShareFollowsTheOption) {
  const Table& t = sample();
  const auto registered = std::count(t.registered.begin(), t.registered.end(), 1);
  EXPECT_NEAR(1.0 - share(registered, t.size()), 0.08, 0.005);

  GenerateOptions options;
  options.n = 4000;
  options.unregistered_share = 0.5;
  const Table half = generate(default_model(), options);
  EXPECT_NEAR(share(std::count(half.registered.begin(), half.registered.end(), 1), half.size()), 0.5, 0.03);
  options.unregistered_share = 0.0;
  const Table all = generate(default_model(), options);
  EXPECT_EQ(std::count(all.registered.begin(), all.registered.end(), 1), all.size());
}

TEST(Generate, RefusesBadOptions) {
  GenerateOptions options;
  options.n = -1;
  EXPECT_THROW(generate(default_model(), options), Error);
  options.n = 10;
  options.unregistered_share = 1.5;
  try {
    generate(default_model(), options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
  }
  options.unregistered_share = 0.08;
  options.n = 0;
  EXPECT_EQ(generate(default_model(), options).size(), 0);
}

}  // namespace
}  // namespace cxjf

namespace cxjf {
namespace {

// The calibration's aim (docs/generator.md, "Calibration"): the national
// picture of the demo looks like the published one, about 14% at or above
// the 70-point list line, grades over A-D, regions that differ. Counted
// here from the scores of a 100,000 sample, within bands wide enough for
// any seed.
TEST(Calibration, TheNationalPictureIsPlausible) {
  GenerateOptions options;
  options.n = 100000;
  options.seed = 7;
  const Snapshot snap = Snapshot::build(default_model(), generate(default_model(), options));
  const auto n = static_cast<std::size_t>(snap.scores.size());
  std::size_t listed = 0;
  double sum = 0;
  std::vector<std::size_t> grades(default_model().grades.size(), 0);
  std::map<std::int32_t, std::pair<double, std::size_t>> provinces;
  for (std::size_t i = 0; i < n; ++i) {
    const double score = snap.scores.published(static_cast<std::int64_t>(i));
    listed += score >= 70;
    sum += score;
    ++grades[static_cast<std::size_t>(snap.scores.grade[i])];
    auto& p = provinces[snap.table.region[i] / 10000];
    p.first += score;
    ++p.second;
  }
  const double share = static_cast<double>(listed) / static_cast<double>(n);
  EXPECT_GT(share, 0.11);
  EXPECT_LT(share, 0.16);
  EXPECT_GT(sum / static_cast<double>(n), 46.0);
  EXPECT_LT(sum / static_cast<double>(n), 55.0);
  for (std::size_t g = 0; g < grades.size(); ++g) EXPECT_GT(grades[g], n / 200) << default_model().grades[g].id;
  EXPECT_LT(grades.back(), n * 8 / 10);  // grade D below 80%
  const double beijing = provinces[11].first / static_cast<double>(provinces[11].second);
  const double heilongjiang = provinces[23].first / static_cast<double>(provinces[23].second);
  EXPECT_GT(beijing - heilongjiang, 3.0);
}

}  // namespace
}  // namespace cxjf
