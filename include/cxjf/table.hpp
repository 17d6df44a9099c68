// cxjf: Table, enterprises stored column by column: identifiers and attributes
// in their own vectors (categories dictionary-encoded, multi-valued fields as
// bit sets) and the indicator values as one n x k column-major matrix, so each
// indicator is contiguous for the fit's sorts.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <memory>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cxjf/dictionary.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/model.hpp"

namespace cxjf {

/// A missing indicator value.
inline constexpr double missing_value = std::numeric_limits<double>::quiet_NaN();

/// The 20 sections of GB/T 4754-2017 (一级行业), 'A' to 'T'.
inline constexpr int industry_count = 20;
/// Chinese name of industry section `index` (0 = 'A'), e.g. "制造业" for 2.
std::string_view industry_name(int index);

/// The eight technology fields of the national high-tech lists, in their
/// published order (DOMAIN.md §6): charts keep this order, and the upload
/// template offers it as a drop-down list.
inline constexpr std::array<std::string_view, 8> standard_tech_fields = {
    "电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"};
/// The usual enterprise qualifications, in the same way.
inline constexpr std::array<std::string_view, 9> standard_qualifications = {
    "高新技术企业", "科技型中小企业", "创新型中小企业", "专精特新中小企业", "专精特新“小巨人”企业",
    "制造业单项冠军", "瞪羚企业", "独角兽企业", "上市企业"};
/// Section index of a letter ("C", "c") or a Chinese name ("制造业"), or -1.
int industry_index(std::string_view text);

/// Most values a multi-valued field (technology fields, qualifications,
/// negative flags) may have in one table: the bit set is 32 bits wide.
inline constexpr int max_multi_values = 32;

/// One enterprise as given to TableBuilder::add, in text form.
struct Row {
  std::string credit_code;  ///< 统一社会信用代码, 18 characters (normalized on add)
  std::string name;         ///< 企业名称
  std::int32_t region = 0;  ///< GB/T 2260 code of the county, city or province
  std::string zone;         ///< 国家高新区, empty when none
  std::string incubator;    ///< 孵化器, empty when none
  std::string industry;     ///< 一级行业: letter or Chinese name; empty when unknown
  std::vector<std::string> tech_fields;     ///< 技术领域
  std::vector<std::string> qualifications;  ///< 企业资质
  std::vector<std::string> negatives;       ///< 负面清单 flags
  std::int32_t founded = 0;                 ///< 成立日期 as YYYYMMDD, 0 when unknown
  bool registered = true;                   ///< 入统 (in the base database)
  std::string stage;                        ///< 发展阶段 when given, else empty
  std::vector<double> values;               ///< one per Table indicator, NaN = missing
};

/// Row with views in place of strings: what a reader that holds the text
/// gives TableBuilder, so that a national file's cells are not copied twice.
/// The viewed text must outlive the call to TableBuilder::add.
struct RowView {
  std::string_view credit_code;
  std::string_view name;
  std::int32_t region = 0;
  std::string_view zone;
  std::string_view incubator;
  std::string_view industry;
  std::vector<std::string_view> tech_fields;
  std::vector<std::string_view> qualifications;
  std::vector<std::string_view> negatives;
  std::int32_t founded = 0;
  bool registered = true;
  std::string_view stage;
  std::vector<double> values;
};

/// The enterprises. Build one with TableBuilder or read_table_csv; all
/// columns have n entries, `values` is n x indicator_ids.size().
struct Table {
  std::vector<std::string> credit_code;
  std::vector<std::string> name;
  std::vector<std::int32_t> region;     ///< six-digit GB/T 2260 code
  Dictionary zones;                     ///< zone names
  std::vector<std::int32_t> zone;       ///< code into `zones`, -1 none
  Dictionary incubators;
  std::vector<std::int32_t> incubator;  ///< code into `incubators`, -1 none
  std::vector<std::int8_t> industry;    ///< 0..19 for 'A'..'T', -1 unknown
  Dictionary tech_field_names;
  std::vector<std::uint32_t> tech_fields;  ///< bit i = tech_field_names[i]
  Dictionary qualification_names;
  std::vector<std::uint32_t> qualifications;
  Dictionary negative_names;
  std::vector<std::uint32_t> negatives;
  std::vector<std::int32_t> founded;       ///< YYYYMMDD, 0 unknown
  std::vector<std::uint8_t> registered;    ///< 1 = in the base database
  Dictionary stage_names;
  std::vector<std::int32_t> stage;         ///< code into `stage_names`, -1 not given
  std::vector<std::string> indicator_ids;  ///< the matrix's columns
  Eigen::MatrixXd values;                  ///< n x k, column-major, NaN missing
  /// The region dictionary `region` was checked against; null for the
  /// embedded one (Regions::builtin()). Ranks, scopes and names use it.
  std::shared_ptr<const Regions> regions;

  /// Number of enterprises.
  std::int64_t size() const { return static_cast<std::int64_t>(credit_code.size()); }
  /// Column of the indicator with this id, or -1.
  int indicator_column(std::string_view id) const;
  /// Row i back in text form.
  Row row(std::int64_t i) const;
  /// The region dictionary of the table: `regions`, or the embedded one.
  const Regions& region_table() const { return regions ? *regions : Regions::builtin(); }
};

/// The rows of `parts` one after another, as one TableBuilder given them in
/// that order would build them: dictionary codes and multi-valued bits are
/// renumbered by first appearance. Throws Error(invalid_argument) when the
/// parts' indicator columns differ, a part is inconsistent (columns of
/// different lengths, codes outside their dictionaries) or a multi-valued
/// column would hold more than max_multi_values values, or the parts' region
/// dictionaries differ. Empty `parts` gives an empty table.
Table concatenate(std::vector<Table> parts);

/// Builds a Table row by row, checking each row (credit code check digit,
/// region code in the region dictionary, industry, stage, multi-valued
/// fields) and throwing InputError naming the row and field.
class TableBuilder {
 public:
  /// A table whose indicator columns are `indicator_ids` in that order,
  /// region codes checked against `regions` (null: the embedded table).
  explicit TableBuilder(std::vector<std::string> indicator_ids, std::shared_ptr<const Regions> regions = nullptr);
  /// A table with the columns of every indicator of `model`.
  explicit TableBuilder(const Model& model, std::shared_ptr<const Regions> regions = nullptr);
  /// Reserves room for n rows.
  void reserve(std::int64_t n);
  /// Appends a row; `source_row` is the row number used in error messages
  /// (0: the row's own 1-based position).
  void add(const Row& row, std::int64_t source_row = 0);
  /// add() of a row given as views, with the same checks.
  void add(const RowView& row, std::int64_t source_row = 0);
  /// Number of rows added so far.
  std::int64_t size() const { return static_cast<std::int64_t>(table_.credit_code.size()); }
  /// The region dictionary rows are checked against.
  const Regions& regions() const { return table_.region_table(); }
  /// The finished table (the builder is left empty).
  Table build();

 private:
  template <class R>
  void add_row(const R& row, std::int64_t source_row);
  Table table_;
  std::vector<double> values_;  // row-major while building, transposed once in build()
};

}  // namespace cxjf
