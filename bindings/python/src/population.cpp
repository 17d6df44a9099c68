// cxjf._core's population analyses (include/cxjf/population.hpp and
// uncertainty.hpp): compare, rescore, distribution, peer fallbacks, rank
// bands and sensitivity (cxjf.population turns them into DataFrames).
#include <cstring>

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

py::tuple counts_tuple(const DrawCounts& c) {
  py::array_t<std::int32_t> a({static_cast<py::ssize_t>(c.draws), static_cast<py::ssize_t>(c.values)});
  if (!c.counts.empty()) std::memcpy(a.mutable_data(), c.counts.data(), c.counts.size() * sizeof(std::int32_t));
  return py::make_tuple(c.first_draw, c.draws, c.values, a);
}

DrawCounts counts_of(const py::tuple& t) {
  if (t.size() != 4) throw py::value_error("draw counts are (first_draw, draws, values, counts)");
  DrawCounts c;
  c.first_draw = t[0].cast<std::int64_t>();
  c.draws = t[1].cast<std::int64_t>();
  c.values = t[2].cast<std::int64_t>();
  const auto a = t[3].cast<py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>>();
  c.counts.assign(a.data(), a.data() + a.size());
  return c;
}

py::dict bands_dict(const RankBands& b) {
  py::dict out;
  out["nominal"] = array_of(b.nominal);
  out["p05"] = array_of(b.p05);
  out["median"] = array_of(b.median);
  out["p95"] = array_of(b.p95);
  out["listed"] = array_of(b.listed);
  return out;
}

}  // namespace

void bind_population(py::module_& m) {
  m.def(
      "draw_counts",
      [](const Snapshot& snap, std::int64_t draws, std::int64_t first_draw, std::uint64_t seed, double spread,
         double concentration, unsigned threads, const std::string& ties, const std::string& missing) {
        const UncertaintyOptions o = uncertainty_options(draws, first_draw, seed, spread, concentration, threads, ties, missing);
        DrawCounts c;
        {
          py::gil_scoped_release release;
          c = draw_counts(snap, o);
        }
        return counts_tuple(c);
      },
      py::arg("snapshot"), py::arg("draws"), py::arg("first_draw"), py::arg("seed"), py::arg("spread"),
      py::arg("concentration"), py::arg("threads"), py::arg("ties") = "", py::arg("missing") = "");
  m.def(
      "merge_draw_counts",
      [](const std::vector<py::tuple>& parts) {
        std::vector<DrawCounts> p;
        for (const py::tuple& t : parts) p.push_back(counts_of(t));
        return counts_tuple(merge_draw_counts(std::move(p)));
      },
      py::arg("parts"));
  m.def(
      "rank_bands_of_rows",
      [](const Snapshot& snap, std::int64_t draws, std::int64_t first_draw, std::uint64_t seed, double spread,
         double concentration, unsigned threads, const std::string& ties, const std::string& missing,
         const py::tuple& counts, std::int64_t begin, std::int64_t end) {
        const UncertaintyOptions o = uncertainty_options(draws, first_draw, seed, spread, concentration, threads, ties, missing);
        const DrawCounts c = counts_of(counts);
        RankBands b;
        {
          py::gil_scoped_release release;
          b = rank_bands_of_rows(snap, o, c, begin, end);
        }
        return bands_dict(b);
      },
      py::arg("snapshot"), py::arg("draws"), py::arg("first_draw"), py::arg("seed"), py::arg("spread"),
      py::arg("concentration"), py::arg("threads"), py::arg("ties"), py::arg("missing"), py::arg("counts"),
      py::arg("begin"), py::arg("end"));
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
        return bands_dict(b);
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
