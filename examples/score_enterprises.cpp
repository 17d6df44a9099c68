// Scores enterprises with the default model and prints the top five and the
// ledger of the first one. With a CSV argument (the template's columns, see
// docs/input.md) it scores that file; without, a generated sample.
//
//   build/examples/score_enterprises [enterprises.csv]
#include <cxjf/cxjf.hpp>

#include <iostream>

int main(int argc, char** argv) try {
  const cxjf::Model& model = cxjf::default_model();
  cxjf::Table table;
  if (argc > 1) {
    table = cxjf::read_table_csv(argv[1], model);
  } else {
    cxjf::GenerateOptions options;
    options.n = 10000;
    table = cxjf::generate(model, options);
  }
  cxjf::Snapshot snap = cxjf::Snapshot::build(model, std::move(table));

  for (std::size_t k = 0; k < 5 && k < snap.scores.order.size(); ++k) {
    auto i = static_cast<std::size_t>(snap.scores.order[k]);
    std::cout << snap.scores.rank[0][i] << ". " << snap.scores.published_text(static_cast<std::int64_t>(i)) << "  "
              << snap.table.name[i] << "  " << snap.table.credit_code[i] << "\n";
  }
  cxjf::Ledger ledger = cxjf::explain(model, snap.reference, snap.table, snap.scores.order.front());
  std::cout << ledger.to_json(model, snap.reference, snap.table) << "\n";
  return 0;
} catch (const cxjf::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
