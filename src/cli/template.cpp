#include <fstream>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/upload.hpp"

namespace cxjf::cli {

void add_template(CLI::App& app) {
  auto* cmd = app.add_subcommand("template", "write a model's upload template (导入测算模板): an Excel workbook "
                                             "(.xlsx) or CSV in UTF-8 with a byte-order mark, by the file's extension");
  auto model_id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--model", *model_id, "model id or file whose indicators the template asks for (default torch-2022)");
  cmd->add_option("--out", *out, "file to write: .xlsx or .csv")->required();
  cmd->callback([=] {
    const std::string format = output_format(*out, {"xlsx", "csv"});
    check_output_path(*out, "--out");
    const Model model = load_model(*model_id);
    const std::string bytes = format == "xlsx" ? upload_template_xlsx(model) : upload_template_csv(model);
    write_file(*out, [&](std::ostream& file) { file.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
  });
}

}  // namespace cxjf::cli
