#include "cxjf/export.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "cxjf/csv.hpp"
#include "task_graph.hpp"

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

// Published units as text with `decimals` places: 7058 -> "70.58".
void append_units(std::string& s, std::int64_t units, std::int32_t decimals) {
  char buffer[32];
  const std::uint64_t magnitude = units < 0 ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
  char* end = std::to_chars(buffer, buffer + sizeof buffer, magnitude).ptr;
  std::size_t length = static_cast<std::size_t>(end - buffer);
  const auto places = static_cast<std::size_t>(decimals > 0 ? decimals : 0);
  if (units < 0) s.push_back('-');
  if (places == 0) {
    s.append(buffer, length);
    return;
  }
  if (length <= places) {
    s.push_back('0');
    s.push_back('.');
    s.append(places - length, '0');
    s.append(buffer, length);
    return;
  }
  s.append(buffer, length - places);
  s.push_back('.');
  s.append(buffer + length - places, places);
}

void append_field(std::string& s, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) s.append(field);
  else s.append(csv_field(field));
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
    labels.push_back(csv_field(snap.reference.group_label(m, static_cast<std::int32_t>(g))));
  const std::string no_group = csv_field(snap.reference.group_label(m, -1));
  std::vector<std::string_view> stage_names, grade_ids;
  for (const auto& stage : m.stages) stage_names.push_back(stage.name_zh);
  for (const auto& grade : m.grades) grade_ids.push_back(grade.id);
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
    thread_local Gathered g;
    const std::size_t m = end - begin;
    const std::int32_t* idx = s.order.data() + begin;
    auto gather = [&](auto& into, const auto& column) {
      into.resize(m);
      for (std::size_t j = 0; j < m; ++j) into[j] = column[static_cast<std::size_t>(idx[j])];
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
    for (std::size_t j = 0; j < m; ++j) {
      text += g.code[j];
      text += ',';
      append_field(text, g.name[j]);
      text += ',';
      append_number(text, g.region[j]);
      text += ',';
      text += stage_names[static_cast<std::size_t>(g.stage[j])];
      text += ',';
      text += g.group[j] < 0 ? no_group : labels[static_cast<std::size_t>(g.group[j])];
      text += ',';
      append_units(text, g.units[j], s.decimals);
      text += ',';
      text += grade_ids[static_cast<std::size_t>(g.grade[j])];
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
