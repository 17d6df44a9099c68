// cxjf: the files a scoring run writes for people and other programs:
// scores.csv (one row per registered enterprise, in list order) and every
// enterprise's ledger as JSON lines. Rows are formatted in blocks on several
// threads and written in order, so the bytes are the same on any thread
// count.
#pragma once

#include <iosfwd>

#include "cxjf/snapshot.hpp"

namespace cxjf {

/// Writes scores.csv: a UTF-8 byte-order mark (so that Excel opens the
/// Chinese text correctly), the header credit_code, name, region_code, stage,
/// peer_group, score, grade, base, bonus, deduction, veto, rank_national ...
/// rank_peer_group, then one row per registered enterprise in list order. The
/// score is the published text; base, bonus and deduction the shortest text
/// that reads back as the engine's double; an empty rank means not ranked at
/// that level. `threads` as BuildOptions::threads.
void write_scores_csv(std::ostream& out, const Snapshot& snapshot, unsigned threads = 0);

/// Writes every registered enterprise's ledger (Ledger::to_json, on one
/// line) in list order, one JSON document per line. `threads` as
/// BuildOptions::threads.
void write_ledgers_jsonl(std::ostream& out, const Snapshot& snapshot, unsigned threads = 0);

}  // namespace cxjf
