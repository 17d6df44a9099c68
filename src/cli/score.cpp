#include <charconv>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "cxjf/csv.hpp"
#include "cxjf/error.hpp"
#include "cxjf/snapshot.hpp"

namespace cxjf::cli {
namespace {

// The shortest text that reads back as the same double (up to 17
// significant digits), so that base, bonus and deduction in scores.csv are
// the totals the engine computed, not six-digit approximations.
std::string round_trip(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// scores.csv: one row per registered enterprise in list order, UTF-8 with a
// byte-order mark so that Excel opens the Chinese text correctly. The score
// is the published text; base, bonus and deduction the doubles behind it.
void write_scores(std::ostream& out, const Snapshot& snap) {
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const Table& t = snap.table;
  out << "\xEF\xBB\xBF"
      << "credit_code,name,region_code,stage,peer_group,score,grade,base,bonus,deduction,veto";
  for (int level = 0; level < rank_level_count; ++level) out << ",rank_" << rank_level_name(static_cast<RankLevel>(level));
  out << "\n";
  for (std::int32_t r : s.order) {
    auto i = static_cast<std::size_t>(r);
    out << t.credit_code[i] << ',' << csv_field(t.name[i]) << ',' << t.region[i] << ','
        << m.stages[static_cast<std::size_t>(s.stage[i])].name_zh << ','
        << csv_field(snap.reference.group_label(m, s.peer_group[i])) << ',' << s.published_text(r) << ','
        << m.grades[static_cast<std::size_t>(s.grade[i])].id << ',' << round_trip(s.base[i]) << ','
        << round_trip(s.bonus[i]) << ',' << round_trip(s.deduction[i]) << ',' << static_cast<int>(s.veto[i]);
    for (int level = 0; level < rank_level_count; ++level) {
      std::int32_t rank = s.rank[static_cast<std::size_t>(level)][i];
      out << ',';
      if (rank > 0) out << rank;
    }
    out << '\n';
  }
}

}  // namespace

void add_score(CLI::App& app) {
  auto* cmd = app.add_subcommand("score", "fit a model on a CSV's registered enterprises, score and rank them");
  struct Args {
    std::string input, model, out, snapshot, explain, sign;
    unsigned threads = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--input", a->input, "enterprise CSV (UTF-8, template headers)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--model", a->model, "model id or file (default torch-2022)");
  cmd->add_option("--out", a->out, "scores CSV to write")->required();
  cmd->add_option("--snapshot", a->snapshot, "snapshot file to write");
  cmd->add_option("--sign", a->sign, "sign the snapshot with this secret key file (cxjf keys)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--explain", a->explain, "write every enterprise's ledger as JSON lines");
  cmd->add_option("--threads", a->threads, "threads for fit and score (0: one per core; same result on any count)")
      ->capture_default_str();
  cmd->callback([a] {
    Model model = load_model(a->model);
    Table table = [&] {
      Step step("reading " + a->input);
      return read_table_csv(a->input, model);
    }();
    std::int64_t read = table.size();
    Snapshot snap = [&] {
      Step step("fitting and scoring");
      return Snapshot::build(model, std::move(table), BuildOptions{a->threads});
    }();
    {
      Step step("writing " + a->out);
      write_file(a->out, [&](std::ostream& out) { write_scores(out, snap); });
    }
    if (!a->snapshot.empty()) {
      Step step("writing snapshot " + a->snapshot);
      snap.save(a->snapshot, read_key(a->sign));
    }
    if (!a->explain.empty()) {
      Step step("writing ledgers " + a->explain);
      const Explainer explain(snap.model, snap.reference, snap.table);
      write_file(a->explain, [&](std::ostream& out) {
        for (std::int32_t r : snap.scores.order) {
          std::string json = explain(r).to_json(snap.model, snap.reference, snap.table);
          // One document per line.
          for (char& c : json)
            if (c == '\n') c = ' ';
          out << json << '\n';
        }
      });
    }
    std::cerr << read << " enterprises read, " << snap.scores.size() << " registered enterprises scored, "
              << read - snap.scores.size() << " unregistered left out\n";
  });
}

}  // namespace cxjf::cli
