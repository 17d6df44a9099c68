#include <iostream>

#include "commands.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/export.hpp"
#include "cxjf/regions.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::cli {

void add_score(CLI::App& app) {
  auto* cmd = app.add_subcommand("score", "fit a model on a CSV's registered enterprises, score and rank them");
  struct Args {
    std::string input, model, out, snapshot, explain, sign, encoding = "auto", regions, regions_edition = "custom";
    unsigned threads = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--input", a->input, "enterprise CSV (UTF-8 or GB18030, template headers)")->required()->check(existing_file());
  cmd->add_option("--model", a->model, "model id or file (default torch-2022)");
  cmd->add_option("--out", a->out, "scores CSV to write")->required();
  cmd->add_option("--snapshot", a->snapshot, "snapshot file to write");
  cmd->add_option("--sign", a->sign, "sign the snapshot with this secret key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_option("--explain", a->explain, "write every enterprise's ledger as JSON lines");
  cmd->add_option("--encoding", a->encoding, "auto, utf-8 or gb18030")->capture_default_str();
  cmd->add_option("--regions", a->regions, "region table CSV (code,name,level,parent_code) of a newer GB/T 2260 "
                                           "edition, instead of the embedded one; the snapshot keeps it")
      ->check(existing_file());
  cmd->add_option("--regions-edition", a->regions_edition, "the name of that edition, e.g. \"GB/T 2260-2024\"")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "threads for reading, fit, score and writing (0: one per core; same result on any count)")
      ->capture_default_str()->check(whole_number(0, 1024));
  cmd->callback([a] {
    const Encoding encoding = encoding_from_name(a->encoding);
    output_format(a->out, {"csv"});
    check_output_path(a->out, "--out");
    check_output_path(a->snapshot, "--snapshot");
    check_output_path(a->explain, "--explain");
    Model model = load_model(a->model);
    Table table = [&] {
      Step step("reading " + a->input);
      CsvReadOptions options;
      options.threads = a->threads;
      options.encoding = encoding;
      if (!a->regions.empty())
        options.regions = std::make_shared<const Regions>(Regions::from_csv(read_file(a->regions), a->regions_edition));
      return read_table_csv(a->input, model, options);
    }();
    std::int64_t read = table.size();
    Snapshot snap = [&] {
      Step step("fitting and scoring");
      return Snapshot::build(model, std::move(table), BuildOptions{a->threads});
    }();
    {
      Step step("writing " + a->out);
      write_file(a->out, [&](std::ostream& out) { write_scores_csv(out, snap, a->threads); });
    }
    if (!a->snapshot.empty()) {
      Step step("writing snapshot " + a->snapshot);
      snap.save(a->snapshot, read_key(a->sign));
    }
    if (!a->explain.empty()) {
      Step step("writing ledgers " + a->explain);
      write_file(a->explain, [&](std::ostream& out) { write_ledgers_jsonl(out, snap, a->threads); });
    }
    std::cerr << read << " enterprises read, " << snap.scores.size() << " registered enterprises scored, "
              << read - snap.scores.size() << " unregistered left out\n";
  });
}

}  // namespace cxjf::cli
