#include <iostream>

#include "commands.hpp"
#include "cxjf/error.hpp"

namespace cxjf::cli {

std::string output_format(const std::string& path, std::initializer_list<const char*> allowed) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  std::string extension = dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : path.substr(dot + 1);
  for (char& c : extension)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  // No extension at all (/dev/stdout, a pipe) is the first format.
  if (extension.empty() && allowed.size() > 0) return *allowed.begin();
  std::string names;
  for (const char* a : allowed) {
    if (extension == a) return extension;
    names += (names.empty() ? "." : ", .") + std::string(a);
  }
  throw Error(ErrorCode::invalid_argument, "cannot tell the format of '" + path + "' from its name: end it with " +
                                               names + " (请以" + names + "结尾的文件名指定输出格式)");
}

Model load_model(const std::string& id_or_path) {
  if (id_or_path.empty()) return default_model();
  std::string_view builtin = builtin_model_json(id_or_path);
  if (!builtin.empty()) return Model::from_json(builtin);
  return Model::from_file(id_or_path);
}

Principal parse_principal(const std::string& text) {
  Principal principal;
  std::string rest = text;
  const std::string export_suffix = "+export";
  if (rest.size() > export_suffix.size() && rest.compare(rest.size() - export_suffix.size(), export_suffix.size(), export_suffix) == 0) {
    principal.can_export = true;
    rest.erase(rest.size() - export_suffix.size());
  }
  auto colon = rest.find(':');
  principal.role = role_from_name(rest.substr(0, colon));
  if (colon != std::string::npos) principal.code = rest.substr(colon + 1);
  check_principal(principal);
  return principal;
}

Step::Step(const std::string& what) : start_(std::chrono::steady_clock::now()) { std::cerr << what << " ..." << std::flush; }

Step::~Step() {
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
  std::cerr << " " << (took.count() < 1 ? std::to_string(static_cast<int>(took.count() * 1000)) + " ms"
                                        : std::to_string(took.count()).substr(0, 4) + " s")
            << "\n";
}

}  // namespace cxjf::cli
