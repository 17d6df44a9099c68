#include "cxjf/export.hpp"

#include <array>
#include <charconv>
#include <ostream>
#include <string>
#include <vector>

#include "cxjf/csv.hpp"
#include "base/task_graph.hpp"

namespace cxjf {
namespace {

// Rows per formatted block, and blocks formatted per batch on each thread:
// a batch is written before the next is formatted, so memory stays a few
// megabytes whatever the table's size.
constexpr std::size_t block_rows = 8192;
constexpr std::size_t blocks_per_thread = 4;

// Formats rows [0, n) of something in blocks on `threads` threads
// (format_block(text, begin, end) appends rows [begin, end) to text) and
// writes the blocks in order.
template <class FormatBlock>
void write_blocks(std::ostream& out, std::size_t n, unsigned threads, const FormatBlock& format_block) {
  threads = detail::resolve_threads(threads);
  const std::size_t blocks = (n + block_rows - 1) / block_rows;
  const std::size_t batch = threads * blocks_per_thread;
  std::vector<std::string> text(batch);
  for (std::size_t first = 0; first < blocks; first += batch) {
    const std::size_t count = std::min(batch, blocks - first);
    detail::parallel_for(threads, count, [&](std::size_t b) {
      std::string& s = text[b];
      s.clear();
      const std::size_t begin = (first + b) * block_rows, end = std::min(n, begin + block_rows);
      format_block(s, begin, end);
    });
    for (std::size_t b = 0; b < count; ++b) out.write(text[b].data(), static_cast<std::streamsize>(text[b].size()));
  }
}

template <class T>
void append_number(std::string& s, T v) {
  char buffer[32];
  s.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
}

}  // namespace

void write_scores_csv(std::ostream& out, const Snapshot& snap, unsigned threads) {
  const Model& m = snap.model;
  const Scores& s = snap.scores;
  const Table& t = snap.table;
  std::string header = "\xEF\xBB\xBF" "credit_code,name,region_code,stage,peer_group,score,grade,base,bonus,deduction,veto";
  for (int level = 0; level < rank_level_count; ++level)
    header += std::string(",rank_") + rank_level_name(static_cast<RankLevel>(level));
  header += '\n';
  out << header;
  // The few distinct texts of a column, formatted once.
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < snap.reference.groups.size(); ++g)
    labels.push_back(csv_field(snap.reference.group_label(m, static_cast<std::int32_t>(g), snap.table.region_table())));
  const std::string no_group = csv_field(snap.reference.group_label(m, -1, snap.table.region_table()));
  // Rows go out in list order, so every cell is a random access into a
  // column. Formatting row by row waits on those misses one after another;
  // gathering each column of a block first (tight loops of independent
  // loads, which the processor overlaps) and then formatting from the
  // gathered arrays halves the time.
  const std::size_t n = s.order.size();
  struct Gathered {
    std::vector<std::string_view> code, name;
    std::vector<std::int32_t> region, stage, group, grade, veto;
    std::vector<std::int64_t> units;
    std::vector<double> base, bonus, deduction;
    std::array<std::vector<std::int32_t>, rank_level_count> rank;
  };
  write_blocks(out, n, threads, [&](std::string& text, std::size_t begin, std::size_t end) {
    Gathered g;
    const std::size_t rows = end - begin;
    const std::int32_t* idx = s.order.data() + begin;
    auto gather = [&](auto& into, const auto& column) {
      into.resize(rows);
      for (std::size_t j = 0; j < rows; ++j) into[j] = column[static_cast<std::size_t>(idx[j])];
    };
    gather(g.code, t.credit_code);
    gather(g.name, t.name);
    gather(g.region, t.region);
    gather(g.stage, s.stage);
    gather(g.group, s.peer_group);
    gather(g.grade, s.grade);
    gather(g.veto, s.veto);
    gather(g.units, s.published_units);
    gather(g.base, s.base);
    gather(g.bonus, s.bonus);
    gather(g.deduction, s.deduction);
    for (int level = 0; level < rank_level_count; ++level) gather(g.rank[level], s.rank[level]);
    for (std::size_t j = 0; j < rows; ++j) {
      text += g.code[j];
      text += ',';
      append_csv_field(text, g.name[j]);
      text += ',';
      append_number(text, g.region[j]);
      text += ',';
      text += m.stages[static_cast<std::size_t>(g.stage[j])].name_zh;
      text += ',';
      text += g.group[j] < 0 ? no_group : labels[static_cast<std::size_t>(g.group[j])];
      text += ',';
      text += units_text(g.units[j], s.decimals);  // short: no allocation
      text += ',';
      text += m.grades[static_cast<std::size_t>(g.grade[j])].id;
      text += ',';
      append_number(text, g.base[j]);
      text += ',';
      append_number(text, g.bonus[j]);
      text += ',';
      append_number(text, g.deduction[j]);
      text += ',';
      append_number(text, g.veto[j]);
      for (int level = 0; level < rank_level_count; ++level) {
        text += ',';
        if (const std::int32_t rank = g.rank[level][j]; rank > 0) append_number(text, rank);
      }
      text += '\n';
    }
  });
}

void write_ledgers_jsonl(std::ostream& out, const Snapshot& snap, unsigned threads) {
  const Explainer explain(snap.model, snap.reference, snap.table);
  write_blocks(out, snap.scores.order.size(), threads, [&](std::string& text, std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      std::string json = explain(snap.scores.order[k]).to_json(snap.model, snap.reference, snap.table);
      // One document per line.
      for (char& c : json)
        if (c == '\n') c = ' ';
      text += json;
      text += '\n';
    }
  });
}

}  // namespace cxjf
