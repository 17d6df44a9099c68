#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <vector>

#include "base/text.hpp"
#include "commands.hpp"
#include "cxjf/error.hpp"

namespace cxjf::cli {

std::string output_format(const std::string& path, std::initializer_list<const char*> allowed) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  std::string extension = dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : path.substr(dot + 1);
  extension = detail::ascii_lower(extension);
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
  std::error_code ec;
  if (!std::filesystem::exists(id_or_path, ec)) {
    std::string ids;
    for (const std::string& id : builtin_model_ids()) ids += (ids.empty() ? "" : ", ") + id;
    throw Error(ErrorCode::invalid_argument, "--model: '" + id_or_path + "' is neither a built-in model (" + ids +
                                                 ") nor a model file (--model：'" + id_or_path + "' 既不是内置模型（" +
                                                 ids + "）也不是模型文件)");
  }
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
  return principal;
}

Step::Step(const std::string& what) : start_(std::chrono::steady_clock::now()) { std::cerr << what << " ..." << std::flush; }

Step::~Step() {
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
  std::cerr << " " << (took.count() < 1 ? std::to_string(static_cast<int>(took.count() * 1000)) + " ms"
                                        : std::to_string(took.count()).substr(0, 4) + " s")
            << "\n";
}

// --- option values -----------------------------------------------------------

namespace {

// The text of a plain decimal integer, or nullopt ("1e3", "12abc", "-" are not).
std::optional<std::int64_t> parse_whole(const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data() + (!text.empty() && text[0] == '+'), end, value);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return value;
}

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

}  // namespace

CLI::Validator whole_number(std::int64_t min, std::int64_t max) {
  std::string range = max == INT64_MAX ? "of at least " + std::to_string(min)
                                       : "from " + std::to_string(min) + " to " + std::to_string(max);
  std::string range_zh = max == INT64_MAX ? "不小于 " + std::to_string(min) + " 的整数"
                                          : " " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数";
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        std::optional<std::int64_t> value = parse_whole(text);
        if (value && *value >= min && *value <= max) return "";
        return "must be a whole number " + range + ", got " + in_quotes(text) + " (须为" + range_zh + "，收到 " +
               in_quotes(text) + ")";
      },
      "INT", "whole_number");
}

CLI::Validator number_between(double min, double max) {
  auto text_of = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  const std::string lo = text_of(min), hi = text_of(max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double value = 0;
        const char* end = text.data() + text.size();
        auto [p, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc() && p == end && !text.empty() && value >= min && value <= max) return "";
        return "must be a number from " + lo + " to " + hi + ", got " + in_quotes(text) + " (须为 " + lo + " 到 " + hi +
               " 之间的数，收到 " + in_quotes(text) + ")";
      },
      "NUMBER", "number_between");
}

CLI::Validator existing_file() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (!std::filesystem::exists(status))
          return "no such file: " + in_quotes(path) + " (文件不存在：" + in_quotes(path) + ")";
        if (std::filesystem::is_directory(status))
          return in_quotes(path) + " is a folder, not a file (" + in_quotes(path) + " 是文件夹，不是文件)";
        return "";
      },
      "FILE", "existing_file");
}

void check_output_path(const std::string& path, const std::string& option) {
  if (path.empty() || path == "-") return;
  std::error_code ec;
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p, ec))
    throw Error(ErrorCode::invalid_argument, option + ": " + in_quotes(path) + " is a folder; give a file name (" +
                                                 option + "：" + in_quotes(path) + " 是文件夹，请给出文件名)");
  // Device files such as /dev/stdout are written as they are.
  if (std::filesystem::exists(p, ec) && !std::filesystem::is_regular_file(p, ec)) return;
  const std::filesystem::path folder = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(folder, ec))
    throw Error(ErrorCode::invalid_argument, option + ": the folder " + in_quotes(folder.string()) + " of " +
                                                 in_quotes(path) + " does not exist (" + option + "：输出文件夹 " +
                                                 in_quotes(folder.string()) + " 不存在)");
  if (::access(folder.c_str(), W_OK) != 0)
    throw Error(ErrorCode::invalid_argument, option + ": cannot write into the folder " + in_quotes(folder.string()) +
                                                 " (" + option + "：无权写入文件夹 " + in_quotes(folder.string()) + ")");
}

// --- mistakes on the command line ---------------------------------------------

namespace {

// The closest of `names` to `typed`, or "" when none is close: a third of
// the name's letters may differ, at least two.
std::string closest(const std::string& typed, const std::vector<std::string>& names) {
  const std::string* found = detail::closest(typed, names, std::max<std::size_t>(2, typed.size() / 3));
  return found ? *found : std::string();
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a; a = a->get_parent())
    path = (a->get_parent() ? a->get_name() : std::string("cxjf")) + (path.empty() ? "" : " " + path);
  return path;
}

}  // namespace

std::string find_unknown_argument(const CLI::App& root, int argc, const char* const* argv) {
  const CLI::App* app = &root;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) == 0) {
      const std::string name = arg.substr(0, arg.find('='));
      if (app->get_option_no_throw(name) || name == "--help") continue;
      std::vector<std::string> options;
      for (const CLI::Option* o : app->get_options())
        for (const std::string& long_name : o->get_lnames()) options.push_back("--" + long_name);
      const std::string guess = closest(name, options);
      const std::string where = command_path(*app);
      return where + " has no option " + name + (guess.empty() ? "" : "; did you mean " + guess + "?") + " (" +
             where + " 没有选项 " + name + (guess.empty() ? "" : "，您是否要用 " + guess + "？") + ")";
    }
    if (arg[0] == '-') continue;
    // A word: the next subcommand when this command has subcommands and
    // none is chosen yet; otherwise a value or positional, CLI11's to judge.
    const std::vector<std::string> subs = subcommand_names(*app);
    if (subs.empty()) continue;
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : app->get_subcommands([](const CLI::App*) { return true; }))
      if (s->get_name() == arg) sub = s;
    if (sub) {
      app = sub;
      continue;
    }
    // A value of the previous option ("--model torch-2022") is not a subcommand.
    if (i > 1 && std::string(argv[i - 1]).rfind("--", 0) == 0 && std::string(argv[i - 1]).find('=') == std::string::npos)
      continue;
    const std::string guess = closest(arg, subs);
    const std::string where = command_path(*app);
    return in_quotes(arg) + " is not a command of " + where +
           (guess.empty() ? "" : "; did you mean " + in_quotes(guess) + "?") + " Commands: " + joined(subs) + ". (" +
           in_quotes(arg) + " 不是 " + where + " 的子命令" +
           (guess.empty() ? "" : "，您是否要用 " + in_quotes(guess) + "？") + "可用子命令：" + joined(subs) + ")";
  }
  return "";
}

std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error) {
  const std::string name = error.get_name();
  const std::string what = error.what();
  const std::string where = command_path(app);
  auto ends_with = [&](const std::string& tail) {
    return what.size() >= tail.size() && what.compare(what.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (name == "RequiredError" && what == "A subcommand is required")
    return where + " needs a command: one of " + joined(subcommand_names(app)) + " (" + where + " 需要子命令：" +
           joined(subcommand_names(app)) + ")";
  if (name == "RequiredError" && ends_with(" is required")) {
    const std::string option = what.substr(0, what.size() - std::string(" is required").size());
    return where + ": " + option + " is required (缺少必需的选项 " + option + ")";
  }
  if (name == "ArgumentMismatch") {
    const std::string option = what.substr(0, what.find(':'));
    return where + ": " + option + " needs a value (选项 " + option + " 缺少取值)";
  }
  if (name == "ConversionError") {
    // "Could not convert: --threads = -1" (the validators catch most first).
    return where + ": cannot read the value of an option: " + what + " (无法识别选项的取值)";
  }
  if (name == "ExtrasError") {
    const std::string extras = what.substr(what.find(':') == std::string::npos ? 0 : what.find(':') + 2);
    return where + ": unexpected arguments: " + extras + " (无法识别的参数：" + extras + ")";
  }
  // ValidationError ("--n: must be ..." from the validators above) and the rest.
  return where + ": " + what;
}

}  // namespace cxjf::cli
