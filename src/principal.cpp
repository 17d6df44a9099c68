#include "cxjf/principal.hpp"

#include "cxjf/error.hpp"

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

}  // namespace cxjf
