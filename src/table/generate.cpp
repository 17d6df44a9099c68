#include "cxjf/generate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/regions.hpp"
#include "base/dates.hpp"
#include "base/embedded.hpp"
#include "table/random.hpp"

// Bit-identical output on every platform needs every floating-point operation
// rounded once: a fused multiply-add (which GCC on ARM64 and Clang emit by
// default) rounds a*b+c once instead of twice and shifts values by an ulp,
// enough to flip a Bernoulli draw or a rounding to 2 decimals now and then.
// Only +, -, *, / and sqrt (correctly rounded by IEEE 754) and exact
// operations (floor, round, frexp, ldexp) are used; exp and log are computed
// below rather than taken from a libm that may differ in the last bit.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#elif defined(_MSC_VER)
#pragma fp_contract(off)
#endif

namespace cxjf {
namespace {

using namespace detail;
using namespace generate_detail;

// The sample describes enterprises as of the end of the 2024 scoring year.
const std::int64_t as_of_days = days_from_civil(2024, 12, 31);

// ---------------------------------------------------------------------------
// Geography.

// Rough relative numbers of technology enterprises per province (thousands of
// 高新技术企业 around 2023, rounded; not an official statistic).
struct ProvinceWeight {
  std::int32_t code;
  double weight;
};
constexpr ProvinceWeight province_weights[] = {
    {440000, 75}, {320000, 51}, {330000, 42}, {370000, 32}, {110000, 29}, {310000, 26}, {420000, 25},
    {340000, 19}, {510000, 18}, {430000, 16}, {350000, 13}, {130000, 13}, {410000, 12}, {610000, 12},
    {120000, 11}, {210000, 11}, {500000, 8},  {360000, 7},  {450000, 4},  {140000, 4},  {530000, 3},
    {230000, 3},  {220000, 3},  {520000, 2},  {620000, 2},  {150000, 1.5}, {650000, 1.5}, {460000, 1.5},
    {640000, 0.7}, {630000, 0.4}, {540000, 0.2},
};

// Within a province a city weighs 1, its capital 5, an autonomous prefecture,
// 地区 or 盟 0.4, a group of counties directly under the province 0.8, unless
// listed here (the big technology cities, by hand).
struct CityWeight {
  std::int32_t code;
  double weight;
};
constexpr CityWeight city_weights[] = {
    // 广东
    {440300, 40}, {440100, 22}, {441900, 12}, {440600, 11}, {441300, 3.5}, {440400, 3}, {442000, 3},
    {440700, 2.5}, {440500, 1.5}, {441200, 1.5},
    // 江苏
    {320500, 16}, {320100, 10}, {320200, 7}, {320400, 5}, {320600, 4}, {320300, 2.5}, {321000, 2},
    {321100, 2}, {321200, 2}, {320900, 1.5},
    // 浙江
    {330100, 14}, {330200, 8}, {330300, 5}, {330400, 4}, {330600, 4}, {330700, 3}, {331000, 3},
    {330500, 2.5}, {330900, 0.7},
    // 山东
    {370200, 7}, {370100, 6.5}, {370700, 3.5}, {370600, 3}, {370300, 2.5}, {370800, 1.8}, {371000, 1.5},
    {371300, 1.5}, {370900, 1.2}, {371400, 1.2}, {370500, 1.2},
    // 湖北, 安徽, 四川, 湖南, 河南, 福建, 陕西, 河北, 辽宁, 重庆
    {420100, 18}, {420600, 2.5}, {420500, 2.5}, {340100, 10}, {340200, 3}, {340500, 1.5}, {341100, 1.5},
    {340300, 1.2}, {510100, 20}, {510700, 2.5}, {510600, 2}, {511500, 1.5}, {430100, 12}, {430200, 2.5},
    {430300, 2}, {430400, 1.5}, {430700, 1.2}, {430600, 1.2}, {410100, 9}, {410300, 3}, {410700, 1.5},
    {411000, 1.5}, {411300, 1.2}, {350200, 5}, {350100, 5}, {350500, 4}, {350600, 1.5}, {610100, 25},
    {610300, 1.5}, {610400, 1.5}, {130100, 4}, {130200, 3}, {130600, 3}, {131000, 2.5}, {130900, 1.5},
    {210100, 7}, {210200, 7}, {210300, 1.2}, {500100, 12}, {500200, 1},
};

// Districts that hold more than their share of their city's technology firms.
constexpr CityWeight county_boosts[] = {
    {110108, 4},   {110105, 1.5}, {110114, 1.5}, {310115, 3},   {310112, 1.5}, {440305, 2.5},
    {440306, 1.5}, {440307, 1.5}, {330108, 2.5}, {330110, 2},   {320505, 1.5}, {320583, 1.5},
    {510107, 1.5}, {420111, 1.5}, {120116, 2},   {500107, 1.5},
};

// Ethnic names inside autonomous prefectures' names: the place's short name is
// what comes before the first of them (延边朝鲜族自治州 -> 延边).
constexpr std::string_view ethnic_names[] = {"朝鲜族", "土家族", "苗族", "藏族", "羌族", "彝族", "布依族",
                                             "侗族",   "哈尼族", "壮族", "傣族", "白族", "景颇族", "傈僳族",
                                             "回族",   "蒙古",   "柯尔克孜", "哈萨克"};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string short_place_name(std::string_view name) {
  if (ends_with(name, "自治州")) {
    std::size_t cut = name.size() - std::string_view("自治州").size();
    for (auto ethnic : ethnic_names) cut = std::min(cut, name.find(ethnic));
    return std::string(name.substr(0, cut));
  }
  for (std::string_view suffix : {"地区", "林区", "市", "盟", "县"}) {
    if (ends_with(name, suffix) && name.size() > suffix.size() + 3) return std::string(name.substr(0, name.size() - suffix.size()));
  }
  return std::string(name);
}

/// A city, county or province name as it appears in company and incubator names.
struct Place {
  std::string full;   // 深圳市, 北京市, 仙桃市
  std::string short_name;  // 深圳, 北京, 仙桃
  std::uint32_t incubator_count = 1;
};

struct Leaf {
  std::int32_t code;    // the region an enterprise carries
  std::int32_t place;   // index into Geography::places
};

struct City {
  std::int32_t code = 0;
  std::vector<Leaf> leaves;
  std::vector<double> leaf_cumulative;
  std::vector<std::int32_t> zones;  // indices into Geography::zone_names
};

struct Geography {
  std::vector<City> cities;
  std::vector<double> city_cumulative;
  std::vector<Place> places;
  std::vector<std::string> zone_names;
  std::vector<std::int32_t> zone_codes;
};

std::vector<std::pair<std::string, std::int32_t>> parse_zones(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::pair<std::string, std::int32_t>> zones;
  bool header = true;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    const std::size_t comma = line.rfind(',');
    if (comma == std::string_view::npos) throw Error(ErrorCode::internal, "data/zones.csv: malformed line");
    std::int32_t code = 0;
    for (char ch : line.substr(comma + 1)) {
      if (ch < '0' || ch > '9') throw Error(ErrorCode::internal, "data/zones.csv: malformed region code");
      code = code * 10 + (ch - '0');
    }
    zones.emplace_back(std::string(line.substr(0, comma)), code);
  }
  return zones;
}

Geography build_geography() {
  const Regions& regions = Regions::builtin();
  Geography geo;

  auto lookup = [](const auto& table, std::int32_t code, double fallback) {
    for (const auto& entry : table)
      if (entry.code == code) return entry.weight;
    return fallback;
  };

  std::vector<const Region*> provinces;
  for (const Region& r : regions.all())
    if (r.level == RegionLevel::province) provinces.push_back(&r);

  std::vector<double> city_weight;  // national weight of each city
  for (const Region* province : provinces) {
    std::vector<std::size_t> own;  // indices into geo.cities
    double own_total = 0;
    const std::string province_full = province->name;
    for (const Region& r : regions.all()) {
      if (r.level != RegionLevel::city || r.parent != province->code) continue;
      City city;
      city.code = r.code;
      const bool municipal = r.name == "市辖区" || r.name == "县";
      const bool direct = ends_with(r.name, "直辖县级行政区划");
      std::int32_t city_place = -1;
      if (!direct) {
        Place place;
        place.full = municipal ? province_full : r.name;
        place.short_name = short_place_name(place.full);
        geo.places.push_back(std::move(place));
        city_place = static_cast<std::int32_t>(geo.places.size() - 1);
      }
      double cumulative = 0;
      for (const Region& c : regions.all()) {
        if (c.level != RegionLevel::county || c.parent != r.code) continue;
        std::int32_t place = city_place;
        if (direct) {
          geo.places.push_back(Place{c.name, short_place_name(c.name), 1});
          place = static_cast<std::int32_t>(geo.places.size() - 1);
        }
        // Districts hold more firms than county-level cities, which hold more
        // than rural counties.
        double w = ends_with(c.name, "区") ? 3.0 : ends_with(c.name, "市") ? 2.0 : 1.0;
        w *= lookup(county_boosts, c.code, 1.0);
        cumulative += w;
        city.leaves.push_back(Leaf{c.code, place});
        city.leaf_cumulative.push_back(cumulative);
      }
      if (city.leaves.empty()) {  // 东莞, 中山, 儋州...: the city is the leaf
        city.leaves.push_back(Leaf{r.code, city_place});
        city.leaf_cumulative.push_back(1.0);
      }
      const bool remote = ends_with(r.name, "自治州") || ends_with(r.name, "地区") || ends_with(r.name, "盟");
      const double fallback = direct ? 0.8 : remote ? 0.4 : r.code % 10000 == 100 ? 5.0 : 1.0;
      const double w = lookup(city_weights, r.code, fallback);
      own.push_back(geo.cities.size());
      city_weight.push_back(w);
      own_total += w;
      geo.cities.push_back(std::move(city));
    }
    const double pw = lookup(province_weights, province->code, 0.2);
    for (std::size_t i : own) city_weight[i] *= pw / own_total;
  }

  double cumulative = 0;
  for (double w : city_weight) {
    cumulative += w;
    geo.city_cumulative.push_back(cumulative);
  }

  // A few incubators per city, more in bigger ones.
  for (std::size_t i = 0; i < geo.cities.size(); ++i) {
    const double share = city_weight[i] / cumulative;
    const auto count = static_cast<std::uint32_t>(std::clamp(std::round(share * 300.0), 1.0, 12.0));
    for (const Leaf& leaf : geo.cities[i].leaves) geo.places[static_cast<std::size_t>(leaf.place)].incubator_count = count;
  }

  for (const auto& [name, code] : parse_zones(embedded::zones_csv())) {
    if (!regions.find(code)) throw Error(ErrorCode::internal, "data/zones.csv: " + name + " has unknown region " + std::to_string(code));
    const std::int32_t city = regions.city_of(code);
    const auto it = std::find_if(geo.cities.begin(), geo.cities.end(), [&](const City& c) { return c.code == city; });
    if (it == geo.cities.end()) throw Error(ErrorCode::internal, "data/zones.csv: " + name + " is not in a city");
    it->zones.push_back(static_cast<std::int32_t>(geo.zone_names.size()));
    geo.zone_names.push_back(name);
    geo.zone_codes.push_back(code);
  }
  return geo;
}

// ---------------------------------------------------------------------------
// Attributes.

constexpr int industry_c = 2, industry_i = 8, industry_m = 12;

// Shares of the 20 sections A..T among technology enterprises, in percent.
constexpr std::array<double, industry_count> industry_weights = {
    1.5, 1.0, 45.0, 2.0, 3.0, 4.0, 1.0, 0.2, 20.0, 0.2,  // A-J
    0.3, 2.0, 15.0, 2.0, 0.5, 0.5, 0.8, 1.0, 0.0, 0.0,   // K-T
};

constexpr int field_count = 8;
constexpr std::string_view field_names[field_count] = {"电子信息", "生物与新医药", "航空航天", "新材料",
                                                       "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"};
enum Field { electronics, bio, aerospace, materials, hitech_services, energy, environment, manufacturing };

// Technology field weights given the industry section.
std::array<double, field_count> field_weights(int industry) {
  switch (industry) {
    case 0: return {3, 30, 0, 5, 10, 5, 45, 2};       // A 农林牧渔
    case 1: return {3, 0, 0, 25, 5, 20, 40, 7};       // B 采矿
    case 2: return {15, 10, 2, 22, 3, 12, 6, 30};     // C 制造
    case 3: return {5, 0, 0, 3, 5, 60, 20, 7};        // D 电力热力燃气水
    case 4: return {5, 0, 0, 15, 10, 20, 30, 20};     // E 建筑
    case 8: return {70, 2, 1, 1, 24, 1, 1, 0};        // I 信息技术
    case 12: return {12, 25, 3, 8, 35, 6, 8, 3};      // M 科研技术服务
    case 13: return {5, 2, 0, 5, 10, 15, 60, 3};      // N 水利环境
    case 16: return {10, 60, 0, 2, 25, 0, 3, 0};      // Q 卫生
    default: return {25, 8, 1, 10, 30, 8, 8, 10};
  }
}

// Words of company names by technology field.
constexpr std::array<std::array<std::string_view, 4>, field_count> field_words = {{
    {"电子", "信息", "智能", "软件"},
    {"生物", "医药", "基因", "医疗"},
    {"航空", "航天", "宇航", "飞行器"},
    {"新材料", "材料", "复合材料", "化工"},
    {"数据", "检测", "网络", "云计算"},
    {"能源", "新能源", "光伏", "储能"},
    {"环保", "环境", "生态", "水务"},
    {"智能装备", "机械", "自动化", "精密"},
}};

constexpr std::string_view brand_syllables[] = {
    "华", "中", "金", "德", "瑞", "恒", "盛", "泰", "鑫", "达", "信", "创", "新", "源", "宏",
    "博", "凯", "龙", "海", "天", "星", "明", "联", "通", "和", "安", "力", "嘉", "晟", "昊",
    "芯", "睿", "智", "航", "远", "东", "方", "光", "润", "弘", "思", "锐", "迅", "腾", "飞",
    "宇", "正", "诚", "云", "峰", "汇", "聚", "邦", "英", "卓", "越", "鼎", "立", "辰", "科"};
constexpr auto brand_count = static_cast<std::uint32_t>(sizeof(brand_syllables) / sizeof(brand_syllables[0]));

constexpr std::string_view qualification_names[] = {
    "高新技术企业",           "科技型中小企业", "创新型中小企业", "专精特新中小企业", "专精特新“小巨人”企业",
    "制造业单项冠军",         "瞪羚企业",       "独角兽企业",     "上市企业"};
enum Qualification { hnte, tsme, innovative_sme, specialized_sme, little_giant, champion, gazelle, unicorn, listed };

struct NegativeRate {
  std::string_view name;
  double p;
};
constexpr NegativeRate negative_rates[] = {
    {"严重失信主体名单", 0.002}, {"重大安全生产事故", 0.002}, {"重大环境污染事故", 0.001},
    {"科研失信行为", 0.0005},    {"经营异常名录", 0.01},
};

// ---------------------------------------------------------------------------
// Indicators.

// What the generator knows how to fill. Anything else is generic, chosen by unit.
enum class Kind {
  revenue, rd_expense, rd_intensity, rd_growth, st_staff_share, invention_apps, pct_apps, tech_contract,
  hitech_revenue, revenue_growth, postgrad_share, rd_tax_relief, roe, graduates_hired, platforms, awards,
  equity_financing, standards, generic_amount, generic_percent, generic_count,
};

struct KnownIndicator {
  std::string_view id;
  std::string_view name_zh;
  Kind kind;
};
constexpr KnownIndicator known_indicators[] = {
    {"revenue", "营业收入", Kind::revenue},
    {"rd_expense", "研发费用金额", Kind::rd_expense},
    {"rd_intensity", "研发费用占营业收入的比例", Kind::rd_intensity},
    {"rd_growth", "研发费用增速", Kind::rd_growth},
    {"st_staff_share", "科技人员占职工总数的比重", Kind::st_staff_share},
    {"invention_apps", "与主营业务相关的发明专利申请量", Kind::invention_apps},
    {"pct_apps", "与主营业务相关的PCT专利申请量", Kind::pct_apps},
    {"tech_contract", "企业技术合同成交额", Kind::tech_contract},
    {"hitech_revenue", "高新技术产品收入", Kind::hitech_revenue},
    {"revenue_growth", "营业收入增长率", Kind::revenue_growth},
    {"postgrad_share", "研究生以上人员占比", Kind::postgrad_share},
    {"rd_tax_relief", "研发费用加计扣除所得税减免额", Kind::rd_tax_relief},
    {"roe", "净资产利润率", Kind::roe},
    {"graduates_hired", "吸纳应届毕业生人数", Kind::graduates_hired},
    {"platforms", "近两年承担建设省级及以上研发或创新平台数量", Kind::platforms},
    {"awards", "近两年获得省级及以上科技奖励", Kind::awards},
    {"equity_financing", "获得股权融资金额", Kind::equity_financing},
    {"standards", "主导或参与制定标准数量", Kind::standards},
};

Kind kind_of(const Indicator& indicator) {
  for (const auto& known : known_indicators)
    if (indicator.id == known.id) return known.kind;
  for (const auto& known : known_indicators)
    if (!indicator.name_zh.empty() && indicator.name_zh == known.name_zh) return known.kind;
  const std::string& unit = indicator.unit;
  if (unit == "%") return Kind::generic_percent;
  for (std::string_view count_unit : {"件", "项", "个", "人", "次", "家", "名"})
    if (unit == count_unit) return Kind::generic_count;
  return Kind::generic_amount;
}

/// One enterprise's latent state and the values derived from it. Amounts in
/// 万元, percentages in percent, counts as whole numbers.
struct Firm {
  double size = 0;        // latent size, standard normal
  double capability = 0;  // latent innovation capability: normal, its mean set by place (see capability_shift)
  double age = 0;   // years
  int industry = 0;
  std::uint32_t fields = 0;  // bit per Field
  std::uint32_t quals = 0;   // bit per Qualification
  double values[18] = {};
};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The mean of a firm's capability by where it is (a guess for the demo's
/// picture, not a statistic): the strongest innovation regions above, the
/// west and the north-east below; firms in a national high-tech zone a
/// quarter of a standard deviation higher.
double capability_shift(std::int32_t province, bool in_zone) {
  double shift = -0.1;
  switch (province) {
    case 110000: shift = 0.45; break;  // 北京
    case 310000: shift = 0.40; break;  // 上海
    case 440000: shift = 0.30; break;  // 广东
    case 320000: shift = 0.30; break;  // 江苏
    case 330000: shift = 0.25; break;  // 浙江
    case 120000: case 340000: case 420000: case 610000: shift = 0.10; break;  // 天津 安徽 湖北 陕西
    case 370000: case 510000: case 350000: case 430000: case 500000: shift = 0.0; break;  // 山东 四川 福建 湖南 重庆
    case 540000: case 630000: case 640000: case 650000: case 620000: case 150000:  // 西藏 青海 宁夏 新疆 甘肃 内蒙古
    case 230000: case 220000: case 210000: shift = -0.30; break;               // 黑龙江 吉林 辽宁
    default: break;
  }
  return shift + (in_zone ? 0.25 : 0.0);
}

double with_missing(Rng& rng, double value, double p) { return rng.bernoulli(p) ? nan : value; }

/// Zero-inflated count: non-zero with probability p, then 1 + a lognormal's floor.
double count(Rng& rng, double p_nonzero, double log_median, double sigma) {
  const bool nonzero = rng.bernoulli(p_nonzero);
  const double tail = std::floor(det_exp(log_median + sigma * rng.normal()));
  return nonzero ? 1.0 + std::min(tail, 1e6) : 0.0;
}

/// Draws every known indicator of one firm (in a fixed order, whatever the
/// model asks for, so that one model's values equal another's for a seed).
void draw_indicators(Rng& rng, Firm& f) {
  const double z = f.size;
  // Capability moves the R&D, people and output indicators together, so that
  // an enterprise strong in one tends to be strong in the others: what
  // spreads the totals enough for about 14% to reach 70 (docs/generator.md,
  // "Calibration").
  const double c = f.capability;
  const bool tech_sector = f.industry == industry_i || f.industry == industry_m;
  const bool young = f.age < 3.0;

  // Revenue: lognormal, median about 3,000 万元 (3,300 before the youngest
  // firms' discount of e^-0.5); 1% are tiny (below 50 万元), e.g. shells and
  // start-ups before their first sales.
  const double rev_noise = rng.normal();
  const bool tiny = rng.bernoulli(0.01);
  const double tiny_value = rng.uniform(0.5, 50.0);
  double revenue = 3300.0 * det_exp(1.6 * (0.9 * z + 0.43589 * rev_noise) - (young ? 0.5 : 0.0));
  revenue = round2(std::max(tiny ? tiny_value : revenue, 0.5));

  // R&D ratio: lognormal, median 4.5% (6.75% in I and M), higher for very
  // small firms whose R&D precedes their sales; 5% do none.
  const bool no_rd = rng.bernoulli(0.05);
  double ratio = 0.045 * det_exp(0.5 * rng.normal() + 0.35 * c) * (tech_sector ? 1.5 : 1.0);
  const double small_boost = rng.uniform(1.0, 3.0);
  if (revenue < 200.0) ratio *= small_boost;
  ratio = no_rd ? 0.0 : std::min(ratio, 1.5);
  const double rd = round2(revenue * ratio);

  double rd_growth = fat_normal(rng, (young ? 35.0 : 15.0) + 8.0 * c, 25.0, 0.1, 60.0);
  rd_growth = std::max(rd_growth, -95.0);
  if (rd == 0.0) rd_growth = rng.bernoulli(0.7) ? -100.0 : nan;  // 0 this year: -100% or 0/0

  double revenue_growth = fat_normal(rng, (young ? 35.0 : 10.0) + 6.0 * c, 20.0, 0.1, 50.0);
  revenue_growth = std::max(revenue_growth, -95.0);

  const double st_share = 5.0 + 75.0 * logistic((tech_sector ? 0.0 : -1.0) + 0.6 * c + 0.7 * rng.normal());

  const bool no_postgrad = rng.bernoulli(0.2);
  double postgrad = 60.0 * logistic(-3.2 + (tech_sector ? 0.8 : 0.0) + 0.2 * z + 0.6 * c + 0.7 * rng.normal());
  postgrad = no_postgrad ? 0.0 : postgrad;

  const double invention =
      count(rng, logistic(1.3 + 0.9 * z + 1.0 * c), 0.5 + 0.9 * z + 0.4 * c + (tech_sector ? 0.4 : 0.0), 0.8);
  const bool pct_field = (f.fields & ((1u << electronics) | (1u << bio))) != 0;
  const double pct = count(rng, logistic(-2.8 + 1.1 * z + 0.9 * c + (pct_field ? 0.5 : 0.0)), 0.4 * z, 0.9);

  const bool has_contract = rng.bernoulli(logistic(0.0 + 0.5 * z + 0.8 * c + (f.industry == industry_m ? 0.7 : 0.0)));
  const double contract_amount = 120.0 * det_exp(0.9 * z + 1.2 * rng.normal());
  const double contract = has_contract ? round2(contract_amount) : 0.0;

  double roe = fat_normal(rng, 8.0 + 2.0 * z, 12.0, 0.15, 40.0);
  roe = std::clamp(roe, -150.0, 150.0);

  // Qualifications, rising with size (see docs/generator.md).
  std::uint32_t q = 0;
  const double p_hnte = ratio == 0.0 ? 0.02 : logistic(-0.2 + 0.8 * z + 0.6 * c + (ratio >= 0.03 ? 0.4 : 0.0));
  if (rng.bernoulli(p_hnte)) q |= 1u << hnte;
  const bool tsme_draw = rng.bernoulli(0.5);
  if (revenue < 20000.0 && tsme_draw) q |= 1u << tsme;
  const bool sme = revenue < 40000.0;
  const bool innovative_draw = rng.bernoulli(logistic(-1.3 + 0.7 * z + 0.5 * c));
  if (sme && innovative_draw) q |= 1u << innovative_sme;
  const bool specialized_draw = rng.bernoulli(logistic(-0.6 + 0.8 * z));
  if ((q >> innovative_sme & 1u) && specialized_draw) q |= 1u << specialized_sme;
  const bool giant_draw = rng.bernoulli(0.35);
  if ((q >> specialized_sme & 1u) && revenue >= 3000.0 && giant_draw) q |= 1u << little_giant;
  const bool champion_draw = rng.bernoulli(0.05);
  if (f.industry == industry_c && revenue >= 40000.0 && champion_draw) q |= 1u << champion;
  const bool gazelle_draw = rng.bernoulli(0.25);
  if (revenue_growth >= 20.0 && f.age >= 3.0 && f.age <= 15.0 && revenue >= 500.0 && gazelle_draw) q |= 1u << gazelle;

  const bool has_equity = rng.bernoulli(logistic(-2.6 + 0.4 * z + 0.5 * c + (f.age < 8.0 ? 0.8 : 0.0) + (pct_field ? 0.5 : 0.0)));
  const double equity_amount = 1500.0 * det_exp(0.6 * z + 1.3 * rng.normal());
  const double equity = has_equity ? round2(equity_amount) : 0.0;
  const bool unicorn_draw = rng.bernoulli(0.05);
  if (f.age <= 10.0 && equity > 0.0 && revenue >= 20000.0 && unicorn_draw) q |= 1u << unicorn;
  if (rng.bernoulli(logistic(-5.8 + 1.5 * z))) q |= 1u << listed;
  f.quals = q;
  const bool is_hnte = (q >> hnte & 1u) != 0;

  // High-tech product revenue: at least 60% of revenue for a 高新技术企业 (the
  // qualification's own rule), often none for others.
  const double hnte_share = 0.6 + 0.4 * logistic(0.5 + rng.normal());
  const bool other_none = rng.bernoulli(0.2);
  const double other_share = 0.7 * logistic(-0.5 + 0.6 * c + rng.normal());
  const double hitech_share = is_hnte ? hnte_share : other_none ? 0.0 : other_share;
  const double hitech = round2(revenue * hitech_share);

  // R&D super-deduction: 100% of R&D deducted at the income-tax rate (15% for
  // 高新技术企业, 25% otherwise), partly claimed; none when loss-making or not
  // claimed at all.
  const bool claims = rng.bernoulli(0.9);
  const double claimed = rng.uniform(0.6, 1.0);
  const double relief = (roe > 0.0 && claims) ? round2(rd * (is_hnte ? 0.15 : 0.25) * claimed) : 0.0;

  const double graduates = count(rng, logistic(0.6 + 1.0 * z + 0.5 * c), 0.3 + 0.9 * z + 0.3 * c, 0.8);
  const std::array<double, 3> few = {0.70, 0.20, 0.10};
  const bool has_platform = rng.bernoulli(logistic(-0.5 + 1.0 * z + 1.0 * c));
  const double platforms = has_platform ? 1.0 + static_cast<double>(pick(rng, few)) : 0.0;
  const bool has_award = rng.bernoulli(logistic(-1.2 + 0.9 * z + 1.0 * c));
  const double awards = has_award ? 1.0 + static_cast<double>(pick(rng, std::array<double, 3>{0.75, 0.18, 0.07})) : 0.0;
  const double standards =
      count(rng, logistic(-1.5 + 0.9 * z + 0.9 * c + (f.industry == industry_c ? 0.4 : 0.0)), 0.3 * z, 0.7);

  // Missing cells: growth rates and ROE 2-3%, shares 1%, amounts and counts rarely.
  const bool revenue_missing = rng.bernoulli(0.003);
  const bool rd_missing = rng.bernoulli(0.003);
  double* v = f.values;
  v[0] = revenue_missing ? nan : revenue;
  v[1] = rd_missing ? nan : rd;
  v[2] = (revenue_missing || rd_missing) ? nan : round2(rd / revenue * 100.0);
  v[3] = with_missing(rng, round2(rd_growth), 0.015);
  v[4] = with_missing(rng, round2(st_share), 0.01);
  v[5] = with_missing(rng, invention, 0.002);
  v[6] = with_missing(rng, pct, 0.002);
  v[7] = with_missing(rng, contract, 0.003);
  v[8] = with_missing(rng, hitech, 0.005);
  v[9] = with_missing(rng, round2(revenue_growth), 0.02);
  v[10] = with_missing(rng, round2(postgrad), 0.01);
  v[11] = with_missing(rng, relief, 0.005);
  v[12] = with_missing(rng, round2(roe), 0.03);
  v[13] = with_missing(rng, graduates, 0.002);
  v[14] = with_missing(rng, platforms, 0.002);
  v[15] = with_missing(rng, awards, 0.002);
  v[16] = with_missing(rng, equity, 0.003);
  v[17] = with_missing(rng, standards, 0.002);
}

/// A value for an indicator the generator does not know, from its own stream
/// so that adding such a column changes no other value.
double generic_value(Kind kind, std::uint64_t key, double z) {
  Rng rng(key);
  const double noise = rng.normal();
  const bool zero = rng.bernoulli(0.3);
  switch (kind) {
    case Kind::generic_percent:
      return round2(100.0 * logistic(-1.0 + 0.3 * z + noise));
    case Kind::generic_count:
      return zero ? 0.0 : 1.0 + std::floor(det_exp(0.5 * z + 0.8 * noise));
    default:
      return zero ? 0.0 : round2(100.0 * det_exp(z + noise));
  }
}

// ---------------------------------------------------------------------------
// Credit codes.

constexpr char code_symbols[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::uint64_t org_space = 26439622160671ULL;  // 31^9 organization codes
constexpr std::uint64_t org_multiplier = 9876543210987ULL;  // not a multiple of 31: i -> a i + b is a bijection

/// (a * b) mod m without overflow for a, b < m < 2^45, in 15-bit chunks.
std::uint64_t mulmod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  std::uint64_t r = 0;
  for (int shift = 45; shift >= 0; shift -= 15) {
    r = (r << 15) % m;
    r = (r + a * ((b >> shift) & 0x7fff) % m) % m;
  }
  return r;
}

void write_credit_code(std::string& out, std::int32_t region, std::uint64_t org) {
  char code[18];
  code[0] = '9';  // registered by the market regulator
  code[1] = '1';  // an enterprise
  for (int k = 7; k >= 2; --k) {
    code[k] = static_cast<char>('0' + region % 10);
    region /= 10;
  }
  for (int k = 16; k >= 8; --k) {
    code[k] = code_symbols[org % 31];
    org /= 31;
  }
  code[17] = credit_code_check_char(std::string_view(code, 17));
  out.assign(code, 18);
}

}  // namespace

Table generate(const Model& model, const GenerateOptions& options) {
  if (options.n < 0) throw Error(ErrorCode::invalid_argument, "generate: n must not be negative, got " + std::to_string(options.n));
  if (static_cast<std::uint64_t>(options.n) > org_space)
    throw Error(ErrorCode::invalid_argument, "generate: n exceeds the 31^9 distinct organization codes");
  if (!(options.unregistered_share >= 0.0 && options.unregistered_share <= 1.0))
    throw Error(ErrorCode::invalid_argument, "generate: unregistered_share must lie in [0, 1]");

  static const Geography geo = build_geography();

  const std::size_t k = model.indicators.size();
  std::vector<Kind> kinds(k);
  std::vector<std::uint64_t> column_salt(k);
  for (std::size_t j = 0; j < k; ++j) {
    kinds[j] = kind_of(model.indicators[j]);
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the id: a column's stream follows its id, not its position
    for (unsigned char ch : model.indicators[j].id) h = (h ^ ch) * 0x100000001b3ULL;
    column_salt[j] = h;
  }

  const std::uint64_t seed_key = mix64(options.seed ^ 0x6378'6a66'6765'6e31ULL);  // "cxjfgen1"
  const std::uint64_t org_offset = mix64(seed_key + 1) % org_space;

  TableBuilder builder(model);
  builder.reserve(options.n);
  Row row;
  row.values.resize(k);
  Firm firm;

  for (std::int64_t i = 0; i < options.n; ++i) {
    // Each row has its own stream, keyed by (seed, row index): row i is the
    // same whatever n is and whatever order rows are made in.
    const std::uint64_t row_key = mix64(seed_key + static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL);
    Rng rng(row_key);

    // Where: a city by national weight, a zone for some, then a county.
    const City& city = geo.cities[pick(rng, geo.city_cumulative)];
    const bool zone_draw = rng.bernoulli(0.35);
    const std::uint32_t zone_pick = rng.below(city.zones.empty() ? 1u : static_cast<std::uint32_t>(city.zones.size()));
    const Leaf* leaf = &city.leaves[pick(rng, city.leaf_cumulative)];
    std::int32_t zone = -1;
    if (zone_draw && !city.zones.empty()) {
      zone = city.zones[zone_pick];
      const std::int32_t zone_code = geo.zone_codes[static_cast<std::size_t>(zone)];
      if (zone_code != city.code)  // a district's zone: the firm sits in that district
        for (const Leaf& l : city.leaves)
          if (l.code == zone_code) leaf = &l;
    }
    const Place& place = geo.places[static_cast<std::size_t>(leaf->place)];
    row.region = leaf->code;
    if (zone >= 0)
      row.zone = geo.zone_names[static_cast<std::size_t>(zone)];
    else
      row.zone.clear();

    // Who: size, age, industry, technology fields.
    firm.size = rng.normal();
    firm.capability = capability_shift(row.region / 10000 * 10000, zone >= 0) + 0.45 * firm.size + 0.893 * rng.normal();
    const double age_noise = rng.normal();
    double age = 6.5 * det_exp(0.8 * (0.4 * firm.size + 0.9165 * age_noise));
    const double old_age = rng.uniform(20.0, 40.0);
    if (age >= 40.0) age = old_age;
    firm.age = age;
    const auto age_days = static_cast<std::int64_t>(std::floor(age * 365.25));
    row.founded = yyyymmdd_from_days(as_of_days - age_days);

    firm.industry = static_cast<int>(pick(rng, industry_weights));
    row.industry.assign(1, static_cast<char>('A' + firm.industry));
    auto weights = field_weights(firm.industry);
    const std::size_t first_field = pick(rng, weights);
    weights[first_field] = 0.0;
    const bool two_fields = rng.bernoulli(0.3);
    const std::size_t second_field = pick(rng, weights);
    firm.fields = 1u << first_field;
    row.tech_fields.resize(two_fields && second_field != first_field ? 2 : 1);
    row.tech_fields[0] = field_names[first_field];
    if (row.tech_fields.size() == 2) {
      firm.fields |= 1u << second_field;
      row.tech_fields[1] = field_names[second_field];
    }

    // Young firms sit in incubators far more often than old ones.
    const bool incubated = rng.bernoulli(age < 5.0 ? 0.19 : 0.05);
    const std::uint32_t incubator_number = 1 + rng.below(place.incubator_count);
    if (incubated) {
      row.incubator = place.full;
      row.incubator += "科技企业孵化器";
      row.incubator += std::to_string(incubator_number);
    } else {
      row.incubator.clear();
    }

    draw_indicators(rng, firm);

    row.qualifications.clear();
    for (int b = 0; b < 9; ++b)
      if (firm.quals >> b & 1u) row.qualifications.emplace_back(qualification_names[b]);
    row.negatives.clear();
    for (const auto& negative : negative_rates)
      if (rng.bernoulli(negative.p)) row.negatives.emplace_back(negative.name);

    row.registered = !rng.bernoulli(options.unregistered_share);
    row.stage.clear();

    // Name: <city><brand><field word><form>, e.g. 深圳华芯电子科技有限公司.
    const std::uint32_t b1 = rng.below(brand_count);
    std::uint32_t b2 = rng.below(brand_count - 1);
    if (b2 >= b1) ++b2;
    const std::string_view word = field_words[first_field][rng.below(4)];
    const double form = rng.uniform();
    row.name = place.short_name;
    row.name += brand_syllables[b1];
    row.name += brand_syllables[b2];
    row.name += word;
    if (firm.quals >> listed & 1u)
      row.name += "股份有限公司";
    else
      row.name += form < 0.75 ? "科技有限公司" : form < 0.9 ? "技术有限公司" : "有限公司";

    const std::uint64_t org = (mulmod(org_multiplier, static_cast<std::uint64_t>(i), org_space) + org_offset) % org_space;
    write_credit_code(row.credit_code, row.region, org);

    for (std::size_t j = 0; j < k; ++j) {
      const Kind kind = kinds[j];
      row.values[j] = kind < Kind::generic_amount ? firm.values[static_cast<int>(kind)]
                                                  : generic_value(kind, mix64(row_key ^ column_salt[j]), firm.size);
    }
    builder.add(row, i + 1);
  }
  return builder.build();
}

}  // namespace cxjf
