#include "cxjf/principal.hpp"

#include "cxjf/credit_code.hpp"
#include "cxjf/error.hpp"
#include "cxjf/overview.hpp"
#include "cxjf/regions.hpp"

namespace cxjf {

namespace {
constexpr const char* role_names[] = {"torch_center", "province", "city",       "county",
                                      "zone",         "incubator", "enterprise", "public"};
}  // namespace

const char* role_name(Role role) { return role_names[static_cast<int>(role)]; }

Role role_from_name(std::string_view name) {
  for (int r = 0; r < 8; ++r)
    if (name == role_names[r]) return static_cast<Role>(r);
  throw Error(ErrorCode::invalid_argument,
              "unknown role '" + std::string(name) +
                  "'; roles are torch_center, province, city, county, zone, incubator, enterprise, public");
}

std::string Principal::label() const {
  std::string label = role_name(role);
  return code.empty() ? label : label + ":" + code;
}

void check_principal(const Principal& principal, const Regions& regions) {
  auto bad = [&](const std::string& message) {
    throw QueryError(QueryErrorKind::bad_request, "/principal/code", "/principal/code: " + message);
  };
  const std::string role = role_name(principal.role);
  if (principal.code.size() > request_limits.max_string)
    bad("has " + std::to_string(principal.code.size()) + " bytes, more than the limit of " +
        std::to_string(request_limits.max_string) + " (代码过长)");
  switch (principal.role) {
    case Role::torch_center:
    case Role::public_user:
      // A code here would be echoed in records and labels as if it meant
      // something; refuse it rather than ignore it.
      if (!principal.code.empty())
        bad("the " + role + " role takes no code, got '" + principal.code + "' (" + role + " 角色不带代码)");
      return;
    case Role::province:
    case Role::city:
    case Role::county: {
      const RegionLevel want = principal.role == Role::province ? RegionLevel::province
                               : principal.role == Role::city   ? RegionLevel::city
                                                                : RegionLevel::county;
      std::int32_t code = principal.code.size() == 6 ? 0 : -1;
      for (char c : principal.code) {
        if (code < 0) break;
        code = c >= '0' && c <= '9' ? code * 10 + (c - '0') : -1;
      }
      const Region* region = code >= 0 ? regions.find(code) : nullptr;
      if (!region || region->level != want)
        bad("'" + principal.code + "' is not a " + role + " code of GB/T 2260 (six digits, e.g. " +
            (want == RegionLevel::province ? "440000" : want == RegionLevel::city ? "440300" : "440305") + ") (" +
            (want == RegionLevel::province ? "不是省级" : want == RegionLevel::city ? "不是设区市级" : "不是区县级") +
            "行政区划代码)");
      return;
    }
    case Role::zone:
    case Role::incubator:
      if (principal.code.empty())
        bad("a " + role + " principal needs its name as code (" +
            (principal.role == Role::zone ? "高新区" : "孵化器") + "角色须以名称为代码)");
      return;
    case Role::enterprise:
      if (auto problem = credit_code_problem(normalize_credit_code(principal.code))) bad(*problem);
      return;
  }
  throw QueryError(QueryErrorKind::bad_request, "/principal/role", "/principal/role: unknown role");
}

}  // namespace cxjf
