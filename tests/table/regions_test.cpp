#include "cxjf/regions.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cxjf/error.hpp"

namespace cxjf {
namespace {

TEST(Regions, BuiltinCounts) {
  const auto& all = Regions::builtin().all();
  ASSERT_EQ(all.size(), 3348u);
  auto count = [&](RegionLevel level) {
    return std::count_if(all.begin(), all.end(), [&](const Region& r) { return r.level == level; });
  };
  EXPECT_EQ(count(RegionLevel::province), 31);
  EXPECT_EQ(count(RegionLevel::city), 342);
  EXPECT_EQ(count(RegionLevel::county), 2975);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const Region& a, const Region& b) { return a.code < b.code; }));
  EXPECT_EQ(all.front().code, 110000);  // 北京市
}

TEST(Regions, BuiltinIsParsedOnce) { EXPECT_EQ(&Regions::builtin(), &Regions::builtin()); }

TEST(Regions, FindNanshan) {
  const Region* r = Regions::builtin().find(440305);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "南山区");
  EXPECT_EQ(r->level, RegionLevel::county);
  EXPECT_EQ(r->parent, 440300);
  EXPECT_EQ(Regions::builtin().find(440300)->name, "深圳市");
  EXPECT_EQ(Regions::builtin().find(440000)->parent, 0);
}

TEST(Regions, FindAbsent) {
  const auto& regions = Regions::builtin();
  EXPECT_EQ(regions.find(440399), nullptr);
  EXPECT_EQ(regions.find(0), nullptr);
  EXPECT_EQ(regions.find(-1), nullptr);
  EXPECT_EQ(regions.find(1000000), nullptr);
  EXPECT_EQ(regions.find(99999999), nullptr);
}

TEST(Regions, Ancestors) {
  const auto& regions = Regions::builtin();
  EXPECT_EQ(regions.province_of(440305), 440000);
  EXPECT_EQ(regions.city_of(440305), 440300);
  EXPECT_EQ(regions.county_of(440305), 440305);

  EXPECT_EQ(regions.province_of(440300), 440000);
  EXPECT_EQ(regions.city_of(440300), 440300);
  EXPECT_EQ(regions.county_of(440300), 0);

  EXPECT_EQ(regions.province_of(440000), 440000);
  EXPECT_EQ(regions.city_of(440000), 0);
  EXPECT_EQ(regions.county_of(440000), 0);

  // Beijing's districts sit under the city-level 市辖区 110100.
  EXPECT_EQ(regions.city_of(110101), 110100);
  EXPECT_EQ(regions.province_of(110101), 110000);
}

TEST(Regions, UnknownCodeIsAnError) {
  try {
    Regions::builtin().province_of(440399);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(e.what(), "unknown region code 440399");
  }
}

TEST(Regions, CitiesWithoutDistricts) {
  const auto& regions = Regions::builtin();
  for (std::int32_t code : {441900, 442000, 460400}) {  // 东莞, 中山, 儋州
    const Region* r = regions.find(code);
    ASSERT_NE(r, nullptr) << code;
    EXPECT_EQ(r->level, RegionLevel::city);
    EXPECT_EQ(regions.city_of(code), code);
    EXPECT_EQ(regions.county_of(code), 0);
    const auto& all = regions.all();
    EXPECT_EQ(std::count_if(all.begin(), all.end(), [&](const Region& c) { return c.parent == code; }), 0);
  }
  EXPECT_EQ(regions.province_of(460400), 460000);
}

TEST(Regions, ShenzhenHasNineDistricts) {
  // 罗湖 福田 南山 宝安 龙岗 盐田 龙华 坪山 光明.
  const auto& all = Regions::builtin().all();
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const Region& r) { return r.parent == 440300; }), 9);
}

TEST(Regions, Contains) {
  const auto& regions = Regions::builtin();
  EXPECT_TRUE(regions.contains(440000, 440305));
  EXPECT_TRUE(regions.contains(440300, 440305));
  EXPECT_TRUE(regions.contains(440305, 440305));
  EXPECT_TRUE(regions.contains(440000, 441900));
  EXPECT_FALSE(regions.contains(440305, 440300));  // a county does not contain its city
  EXPECT_FALSE(regions.contains(110000, 440305));
  EXPECT_FALSE(regions.contains(440300, 441900));  // 东莞 is not in 深圳
  EXPECT_FALSE(regions.contains(440000, 440399));  // unknown code
  EXPECT_FALSE(regions.contains(440399, 440305));
}

constexpr const char* small_table =
    "code,name,level,parent_code\n"
    "110101,东城区,county,110100\n"  // a child before its parent is fine
    "110000,北京市,province,\n"
    "110100,市辖区,city,110000\n";

TEST(Regions, FromCsv) {
  Regions regions = Regions::from_csv(small_table);
  ASSERT_EQ(regions.all().size(), 3u);
  EXPECT_EQ(regions.all()[0].code, 110000);
  EXPECT_EQ(regions.all()[2].code, 110101);
  EXPECT_EQ(regions.province_of(110101), 110000);
  EXPECT_EQ(regions.find(440305), nullptr);
}

void expect_input_error(const std::string& text, std::int64_t row, const std::string& column,
                        const std::string& what) {
  try {
    Regions::from_csv(text);
    FAIL() << "expected an InputError for\n" << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.row(), row);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(e.what(), what);
  }
}

TEST(Regions, FromCsvErrorsNameTheRow) {
  const std::string head = "code,name,level,parent_code\n110000,北京市,province,\n";
  expect_input_error("id,name\n", 1, "", "row 1: expected the header code,name,level,parent_code");
  expect_input_error(head + "11010,东城区,city,110000\n", 3, "code",
                     "row 3, column code: '11010' is not a six-digit region code");
  expect_input_error(head + "110100,市辖区,town,110000\n", 3, "level",
                     "row 3, column level: 'town' is not a level: use province, city or county");
  expect_input_error(head + "110100,市辖区,county,110000\n", 3, "level",
                     "row 3, column level: code 110100 is a city code (PP0000 province, PPCC00 city, PPCCDD county), "
                     "not a county");
  expect_input_error(head + "110100,市辖区,city,120000\n", 3, "parent_code",
                     "row 3, column parent_code: the parent of 110100 must be 110000, the region one level up, not "
                     "120000");
  expect_input_error(head + "120100,市辖区,city,120000\n", 3, "parent_code",
                     "row 3, column parent_code: parent 120000 is not in the table");
  expect_input_error(head + "110000,北京,province,\n", 3, "code",
                     "row 3, column code: code 110000 appears twice (also row 2)");
  expect_input_error(head + "110100,市辖区,city\n", 3, "", "row 3: expected 4 fields, found 3");
}

}  // namespace
}  // namespace cxjf
