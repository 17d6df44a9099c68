// cxjf._core's population analyses (include/cxjf/population.hpp): compare,
// rescore, distribution and peer fallbacks (cxjf.population turns them
// into DataFrames).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cxjf/population.hpp"

namespace cxjf::python {

void bind_population(py::module_& m) {
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
        GroupBy g = GroupBy::province;
        if (by == "zone") g = GroupBy::zone;
        else if (by == "stage") g = GroupBy::stage;
        else if (by == "industry") g = GroupBy::industry;
        else if (by != "province")
          throw Error(ErrorCode::invalid_argument, "by must be province, zone, stage or industry, not '" + by +
                                                       "' (分组须为 province、zone、stage 或 industry)");
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
