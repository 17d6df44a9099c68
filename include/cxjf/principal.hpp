// cxjf: Principal, who a request runs for. Every query and every estimation
// record names one; what it may see follows from its role and code
// (DESIGN.md §3).
#pragma once

#include <string>
#include <string_view>

#include "cxjf/regions.hpp"

namespace cxjf {

/// The roles of the portal.
enum class Role : unsigned char {
  torch_center,  ///< 火炬中心: every enterprise
  province,      ///< 省级: enterprises whose region lies in the province
  city,          ///< 设区市级
  county,        ///< 区县级
  zone,          ///< 国家高新区: its own enterprises
  incubator,     ///< 孵化器: its own enterprises
  enterprise,    ///< 企业: its own detail only
  public_user,   ///< not logged in: aggregates only ("public" in JSON)
};

/// "torch_center", "province", ..., "public".
const char* role_name(Role role);
/// The role named `name` (as role_name writes it); throws Error(invalid_argument).
Role role_from_name(std::string_view name);

/// A user of the portal, as the caller has authenticated it.
struct Principal {
  Role role = Role::public_user;
  /// The role's unit: a six-digit region code for region roles, the zone or
  /// incubator name, the enterprise's credit code; empty for torch_center
  /// and public.
  std::string code;
  /// May export the enterprise list (导出).
  bool can_export = false;

  /// "province:440000" and the like, for records and logs.
  std::string label() const;
};

/// Checks that a principal names a unit its role can have, as every query
/// and every estimate does before anything else: a province, city or county
/// a GB/T 2260 code of that level in `regions` (the snapshot's
/// table.region_table(); the embedded table by default), a zone or
/// incubator its name, an enterprise a valid credit code; torch_center and
/// public take no code. Throws QueryError (bad_request, path
/// `/principal/code`) naming what is wrong. A unit with no registered
/// enterprise this year is valid: its scope is empty.
void check_principal(const Principal& principal, const Regions& regions = Regions::builtin());

}  // namespace cxjf
