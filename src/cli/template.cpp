#include <fstream>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/upload.hpp"

namespace cxjf::cli {

void add_template(CLI::App& app) {
  auto* cmd = app.add_subcommand("template", "write a model's upload template (导入测算模板) as CSV: UTF-8 with a "
                                             "byte-order mark, so Excel opens it with the Chinese headers intact");
  auto model_id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--model", *model_id, "model id or file whose indicators the template asks for (default torch-2022)");
  cmd->add_option("--out", *out, "CSV file to write")->required();
  cmd->callback([=] {
    std::string csv = upload_template_csv(load_model(*model_id));
    write_file(*out, [&](std::ostream& file) { file.write(csv.data(), static_cast<std::streamsize>(csv.size())); });
  });
}

}  // namespace cxjf::cli
