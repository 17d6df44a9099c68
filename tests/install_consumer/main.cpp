// A program outside the project that uses the installed package.
#include <cxjf/cxjf.hpp>

#include <iostream>

int main() {
  const cxjf::Model& model = cxjf::default_model();
  cxjf::GenerateOptions options;
  options.n = 2000;
  cxjf::Snapshot snapshot = cxjf::Snapshot::build(model, cxjf::generate(model, options));
  std::cout << cxjf::version << " " << model.id << " " << snapshot.scores.size() << "\n";
  return snapshot.scores.size() > 0 ? 0 : 1;
}
