// cxjf._core's population analyses (include/cxjf/population.hpp and
// uncertainty.hpp): compare, rescore, distribution, peer fallbacks, rank
// bands and sensitivity (cxjf.population turns them into DataFrames).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cxjf/population.hpp"
#include "cxjf/uncertainty.hpp"

namespace cxjf::python {

namespace {

template <class T>
py::array_t<T> array_of(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

UncertaintyOptions uncertainty_options(std::int64_t draws, std::int64_t first_draw, std::uint64_t seed, double spread,
                                       double concentration, unsigned threads, const std::string& ties = "",
                                       const std::string& missing = "") {
  UncertaintyOptions o;
  o.ties = parse_ties(ties);
  o.missing = parse_missing_policies(missing);
  o.draws = draws;
  o.first_draw = first_draw;
  o.seed = seed;
  o.spread = spread;
  o.concentration = concentration;
  o.threads = threads;
  return o;
}

}  // namespace

void bind_population(py::module_& m) {
  m.def(
      "rank_bands",
      [](const Snapshot& snap, std::int64_t draws, std::int64_t first_draw, std::uint64_t seed, double spread,
         double concentration, unsigned threads, const std::string& ties, const std::string& missing) {
        const UncertaintyOptions o = uncertainty_options(draws, first_draw, seed, spread, concentration, threads, ties, missing);
        RankBands b;
        {
          py::gil_scoped_release release;
          b = rank_bands(snap, o);
        }
        py::dict out;
        out["nominal"] = array_of(b.nominal);
        out["p05"] = array_of(b.p05);
        out["median"] = array_of(b.median);
        out["p95"] = array_of(b.p95);
        out["listed"] = array_of(b.listed);
        return out;
      },
      py::arg("snapshot"), py::arg("draws"), py::arg("first_draw"), py::arg("seed"), py::arg("spread"),
      py::arg("concentration"), py::arg("threads"), py::arg("ties") = "", py::arg("missing") = "");
  m.def(
      "draw_weights",
      [](const Model& model, std::int64_t draw, std::uint64_t seed, double spread, double concentration) {
        return draw_weights(model, uncertainty_options(1, 0, seed, spread, concentration, 1), draw);
      },
      py::arg("model"), py::arg("draw"), py::arg("seed"), py::arg("spread"), py::arg("concentration"));
  m.def(
      "rank_sensitivity",
      [](const Snapshot& snap, std::int64_t samples, std::uint64_t seed, double spread, unsigned threads,
         const std::string& ties, const std::string& missing) {
        const UncertaintyOptions o = uncertainty_options(1, 0, seed, spread, 0, threads, ties, missing);
        Sensitivity s;
        {
          py::gil_scoped_release release;
          s = rank_sensitivity(snap, samples, o);
        }
        py::dict out;
        out["inputs"] = s.inputs;
        out["rank_first"] = s.rank_first;
        out["rank_total"] = s.rank_total;
        out["listed_first"] = s.listed_first;
        out["listed_total"] = s.listed_total;
        out["samples"] = s.samples;
        out["evaluations"] = s.evaluations;
        return out;
      },
      py::arg("snapshot"), py::arg("samples"), py::arg("seed"), py::arg("spread"), py::arg("threads"),
      py::arg("ties") = "", py::arg("missing") = "");
  m.def(
      "rescore",
      [](const Snapshot& snap, const Model& model, unsigned threads) {
        py::gil_scoped_release release;
        return rescore(snap, model, BuildOptions{threads});
      },
      py::arg("snapshot"), py::arg("model"), py::arg("threads") = 0);
  m.def(
      "compare",
      [](const Snapshot& before, const Snapshot& after, std::int64_t movers, int bins, unsigned threads) {
        CompareOptions options;
        options.movers = movers;
        options.psi_bins = bins;
        options.threads = threads;
        Comparison c;
        std::string summary;
        {
          py::gil_scoped_release release;
          c = compare(before, after, options);
          summary = comparison_json(c, before, after);
        }
        py::dict out;
        out["before"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(c.before.size()), c.before.data());
        out["after"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(c.after.size()), c.after.data());
        out["summary"] = summary;
        return out;
      },
      py::arg("before"), py::arg("after"), py::arg("movers"), py::arg("bins"), py::arg("threads"));
  m.def(
      "distribution",
      [](const Snapshot& snap, const std::string& by) {
        const GroupBy g = parse_group_by(by);
        std::vector<ScoreDistribution> d;
        {
          py::gil_scoped_release release;
          d = distribution(snap, g);
        }
        py::list out;
        for (const ScoreDistribution& x : d) {
          py::dict r;
          r["key"] = x.key;
          r["label"] = x.label;
          r["enterprises"] = x.enterprises;
          r["mean"] = x.mean;
          r["q1"] = x.q1;
          r["median"] = x.median;
          r["q3"] = x.q3;
          r["listed_share"] = x.listed_share;
          r["mean_gap"] = x.mean_gap;
          r["listed_gap"] = x.listed_gap;
          out.append(r);
        }
        return out;
      },
      py::arg("snapshot"), py::arg("by"));
  m.def(
      "peer_fallbacks",
      [](const Snapshot& snap) {
        py::list out;
        for (const PeerFallback& f : peer_fallbacks(snap)) {
          py::dict r;
          r["stage"] = f.stage < 0 ? py::object(py::none()) : py::object(py::str(snap.model.stages[static_cast<std::size_t>(f.stage)].id));
          r["industry"] = f.industry < 0 ? py::object(py::none()) : py::object(py::str(std::string(1, static_cast<char>('A' + f.industry))));
          r["province"] = f.province ? py::object(py::int_(f.province)) : py::object(py::none());
          r["group"] = snap.reference.group_label(snap.model, f.group, snap.table.region_table());
          r["enterprises"] = f.enterprises;
          out.append(r);
        }
        return out;
      },
      py::arg("snapshot"));
}

}  // namespace cxjf::python
