#include "cxjf/snapshot.hpp"


#include <memory>

#include "base/binary_io.hpp"
#include "snapshot/snapshot_format.hpp"
#include "base/task_graph.hpp"
#include "snapshot/snapshot_check.hpp"
#include "cxjf/file.hpp"
#include "cxjf/signing.hpp"

namespace cxjf {
namespace {

// The sections of a snapshot file (docs/snapshot.md), in file order. Grades,
// ranks and the list order are not stored: they follow from the scores and
// are recomputed on load, as the structure checks did anyway.
enum Section : std::size_t { model_section, reference_section, text_section, columns_section, values_section,
                             scores_section, regions_section, section_count };

// The region dictionary the table was checked against: its edition, its
// content hash, and its CSV unless it is the embedded one (whose hash says
// so), so that a snapshot of a newer GB/T 2260 edition loads, ranks and
// scopes with that edition.
std::string regions_bytes(const Table& table) {
  const Regions& regions = table.region_table();
  detail::BinaryWriter w;
  w.put_string(regions.edition());
  w.put<std::uint64_t>(regions.content_hash());
  w.put_string(regions.is_builtin() ? std::string() : regions.to_csv());
  return std::move(w.bytes());
}

std::shared_ptr<const Regions> get_regions(std::string_view bytes, const std::string& path) {
  detail::BinaryReader r(bytes);
  std::string edition = r.get_string();
  const auto hash = r.get<std::uint64_t>();
  const std::string text = r.get_string();
  if (text.empty()) {
    if (hash != Regions::builtin().content_hash())
      throw Error(ErrorCode::corrupt_snapshot, path + " was scored with the region table '" + edition +
                                                   "', which it does not hold and this cxjf does not embed");
    return nullptr;
  }
  auto regions = std::make_shared<const Regions>(Regions::from_csv(text, std::move(edition)));
  if (regions->content_hash() != hash)
    throw Error(ErrorCode::corrupt_snapshot, path + " is damaged: its region table does not match its hash");
  return regions->is_builtin() ? nullptr : regions;
}

void put_strings(detail::BinaryWriter& w, const std::vector<std::string>& v) {
  w.put<std::uint64_t>(v.size());
  for (const auto& s : v) w.put_string(s);
}

std::vector<std::string> get_strings(detail::BinaryReader& r) {
  auto n = r.get_count(8);
  std::vector<std::string> v;
  v.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v.push_back(r.get_string());
  return v;
}

// A long column of short strings: their lengths, then their bytes end to
// end, which compresses better and reads faster than length-prefixed ones.
void put_text_column(detail::BinaryWriter& w, const std::vector<std::string>& v) {
  std::vector<std::uint32_t> lengths;
  lengths.reserve(v.size());
  std::size_t total = 0;
  for (const auto& s : v) {
    if (s.size() > UINT32_MAX) throw Error(ErrorCode::invalid_argument, "a text cell is longer than 4 GiB");
    lengths.push_back(static_cast<std::uint32_t>(s.size()));
    total += s.size();
  }
  w.reserve(16 + 4 * v.size() + total);
  w.put_vector(lengths);
  w.put<std::uint64_t>(total);
  for (const auto& s : v) w.put_raw(s.data(), s.size());
}

std::vector<std::string> get_text_column(detail::BinaryReader& r) {
  const auto lengths = r.get_vector<std::uint32_t>();
  const std::string_view bytes = r.get_view(r.get<std::uint64_t>());  // bounds-checked before anything is made
  std::uint64_t sum = 0;
  for (std::uint32_t l : lengths) {
    sum += l;  // at most 2^32 lengths of 2^32 bytes: no overflow in 64 bits
    if (sum > bytes.size()) break;
  }
  if (sum != bytes.size()) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: a text column's lengths disagree");
  std::vector<std::string> v;
  v.reserve(lengths.size());
  std::size_t at = 0;
  for (std::uint32_t l : lengths) {
    v.emplace_back(bytes.substr(at, l));
    at += l;
  }
  return v;
}

void put_dictionary(detail::BinaryWriter& w, const Dictionary& d) { put_strings(w, d.values()); }

Dictionary get_dictionary(detail::BinaryReader& r) {
  Dictionary d;
  const std::vector<std::string> values = get_strings(r);
  for (const auto& s : values) d.intern(s);
  // A repeated entry would shift every code after it.
  if (static_cast<std::size_t>(d.size()) != values.size())
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: a dictionary repeats an entry");
  return d;
}

// The table in three sections: its text columns, its other columns (with the
// matrix's shape), its indicator matrix (values_bytes).
void put_table(detail::BinaryWriter& text, detail::BinaryWriter& w, const Table& t) {
  put_text_column(text, t.credit_code);
  put_text_column(text, t.name);
  w.put_vector(t.region);
  put_dictionary(w, t.zones);
  w.put_vector(t.zone);
  put_dictionary(w, t.incubators);
  w.put_vector(t.incubator);
  w.put_vector(t.industry);
  put_dictionary(w, t.tech_field_names);
  w.put_vector(t.tech_fields);
  put_dictionary(w, t.qualification_names);
  w.put_vector(t.qualifications);
  put_dictionary(w, t.negative_names);
  w.put_vector(t.negatives);
  w.put_vector(t.founded);
  w.put_vector(t.registered);
  put_dictionary(w, t.stage_names);
  w.put_vector(t.stage);
  put_strings(w, t.indicator_ids);
  w.put<std::uint64_t>(static_cast<std::uint64_t>(t.values.rows()));
  w.put<std::uint64_t>(static_cast<std::uint64_t>(t.values.cols()));
}

// The indicator matrix as the values section holds it: its doubles, in place.
std::string_view values_bytes(const Table& t) {
  return {reinterpret_cast<const char*>(t.values.data()), static_cast<std::size_t>(t.values.size()) * sizeof(double)};
}

Table get_table(detail::BinaryReader& text, detail::BinaryReader& r, detail::BinaryReader& values) {
  Table t;
  t.credit_code = get_text_column(text);
  t.name = get_text_column(text);
  if (!text.done()) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: trailing bytes after the text");
  t.region = r.get_vector<std::int32_t>();
  t.zones = get_dictionary(r);
  t.zone = r.get_vector<std::int32_t>();
  t.incubators = get_dictionary(r);
  t.incubator = r.get_vector<std::int32_t>();
  t.industry = r.get_vector<std::int8_t>();
  t.tech_field_names = get_dictionary(r);
  t.tech_fields = r.get_vector<std::uint32_t>();
  t.qualification_names = get_dictionary(r);
  t.qualifications = r.get_vector<std::uint32_t>();
  t.negative_names = get_dictionary(r);
  t.negatives = r.get_vector<std::uint32_t>();
  t.founded = r.get_vector<std::int32_t>();
  t.registered = r.get_vector<std::uint8_t>();
  t.stage_names = get_dictionary(r);
  t.stage = r.get_vector<std::int32_t>();
  t.indicator_ids = get_strings(r);
  auto rows = r.get<std::uint64_t>();
  auto cols = r.get<std::uint64_t>();
  const std::size_t n = t.credit_code.size();
  if (rows != n || cols != t.indicator_ids.size() || t.name.size() != n || t.region.size() != n || t.zone.size() != n ||
      t.incubator.size() != n || t.industry.size() != n || t.tech_fields.size() != n || t.qualifications.size() != n ||
      t.negatives.size() != n || t.founded.size() != n || t.registered.size() != n || t.stage.size() != n)
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: table columns have different lengths");
  if (cols != 0 && rows > SIZE_MAX / cols / sizeof(double))
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: table size is impossible");
  if (!r.done()) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: trailing bytes after the columns");
  if (values.rest().size() != rows * cols * sizeof(double))
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: the values section is not the table's size");
  t.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  values.get_raw(t.values.data(), static_cast<std::size_t>(rows * cols) * sizeof(double));
  return t;
}

void put_scores(detail::BinaryWriter& w, const Scores& s) {
  w.put<std::int32_t>(s.decimals);
  w.put_vector(s.stage);
  w.put_vector(s.peer_group);
  w.put<std::uint64_t>(static_cast<std::uint64_t>(s.category_points.cols()));
  w.put_raw(s.category_points.data(), static_cast<std::size_t>(s.category_points.size()) * sizeof(double));
  w.put_vector(s.base);
  w.put_vector(s.bonus);
  w.put_vector(s.deduction);
  w.put_vector(s.veto);
  w.put_vector(s.imputed);
  w.put_vector(s.total);
  w.put_vector(s.published_units);
}

Scores get_scores(detail::BinaryReader& r, std::size_t n) {
  Scores s;
  s.decimals = r.get<std::int32_t>();
  s.stage = r.get_vector<std::int32_t>();
  s.peer_group = r.get_vector<std::int32_t>();
  auto cols = r.get<std::uint64_t>();
  if (cols > 1024) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: impossible category count");
  // Checked before the allocation: n comes from another section.
  if (n > r.rest().size() / sizeof(double) || (cols > 0 && n * cols > r.rest().size() / sizeof(double)))
    throw Error(ErrorCode::corrupt_snapshot, "snapshot is truncated or damaged: a section ends early");
  s.category_points.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols));
  r.get_raw(s.category_points.data(), n * cols * sizeof(double));
  s.base = r.get_vector<double>();
  s.bonus = r.get_vector<double>();
  s.deduction = r.get_vector<double>();
  s.veto = r.get_vector<std::uint8_t>();
  s.imputed = r.get_vector<std::uint8_t>();
  s.total = r.get_vector<double>();
  s.published_units = r.get_vector<std::int64_t>();
  if (!r.done()) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: trailing bytes after the scores");
  const bool ok = s.stage.size() == n && s.peer_group.size() == n && s.base.size() == n && s.bonus.size() == n &&
                  s.deduction.size() == n && s.veto.size() == n && s.imputed.size() == n && s.total.size() == n &&
                  s.published_units.size() == n;
  if (!ok) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: score columns have different lengths");
  return s;
}

// The sections of a snapshot, built on every core: `bytes` holds what is
// made for the file, `views` every section in file order (the values section
// views the table's matrix, so the snapshot must outlive them).
struct Sections {
  std::vector<std::string> bytes = std::vector<std::string>(section_count);
  std::vector<std::string_view> views;
};

Sections sections_of(const Snapshot& snap) {
  Sections s;
  detail::parallel_for(detail::resolve_threads(0), 4, [&](std::size_t part) {
    if (part == 0) {
      s.bytes[reference_section] = snap.reference.to_bytes();
    } else if (part == 1) {
      detail::BinaryWriter text, columns;
      put_table(text, columns, snap.table);
      s.bytes[text_section] = std::move(text.bytes());
      s.bytes[columns_section] = std::move(columns.bytes());
    } else if (part == 2) {
      detail::BinaryWriter w;
      put_scores(w, snap.scores);
      s.bytes[scores_section] = std::move(w.bytes());
    } else {
      s.bytes[model_section] = snap.model.to_json();
      s.bytes[regions_section] = regions_bytes(snap.table);
    }
  });
  s.views.assign(s.bytes.begin(), s.bytes.end());
  s.views[values_section] = values_bytes(snap.table);
  return s;
}

}  // namespace

std::string Snapshot::to_bytes() const { return detail::encode_snapshot(sections_of(*this).views, 0); }

void Snapshot::save(const std::string& path, std::string_view secret_key) const {
  if (!secret_key.empty()) {
    // A signature covers the whole file, so the file is made whole first.
    const std::string bytes = sign_snapshot_bytes(to_bytes(), secret_key);
    write_file(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
    return;
  }
  const Sections sections = sections_of(*this);
  detail::encode_snapshot(sections.views, 0, true, [&](const std::vector<std::string_view>& pieces) {
    write_file(path, [&](std::ostream& out) {
      for (std::string_view piece : pieces) out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    });
  });
}

Snapshot Snapshot::load(const std::string& path, std::string_view required_public_key) {
  // Read, not mapped: the bytes whose signature is checked must be the bytes
  // decoded, and a file truncated by another process must give an error,
  // not a SIGBUS.
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error&) {
    throw Error(ErrorCode::io, "cannot read snapshot " + path);
  }
  return from_bytes(bytes, path, required_public_key);
}

Snapshot Snapshot::from_bytes(std::string_view file, const std::string& path, std::string_view required_public_key) {
  const std::string_view bytes = verified_snapshot_bytes(file, required_public_key, path);
  const detail::DecodedSnapshot decoded = detail::decode_snapshot(bytes, path, 0);
  const std::vector<std::string_view>& sections = decoded.sections;
  if (sections.size() != section_count)
    throw Error(ErrorCode::corrupt_snapshot, path + " is damaged: it has " + std::to_string(sections.size()) +
                                                 " sections, a snapshot " + std::to_string(section_count));
  Snapshot snap;
  // Every failure of a part is the file's: a corrupt_snapshot Error.
  try {
    try {
      snap.model = Model::from_json(sections[model_section]);
    } catch (const Error& e) {
      throw Error(ErrorCode::corrupt_snapshot, path + " holds an invalid model: " + e.what());
    }
    // The reference, the table and the scores are independent parts.
    detail::parallel_for(detail::resolve_threads(0), 3, [&](std::size_t part) {
      if (part == 0) {
        snap.reference = Reference::load_bytes(sections[reference_section], snap.model);
      } else if (part == 1) {
        detail::BinaryReader text(sections[text_section]), columns(sections[columns_section]),
            values(sections[values_section]);
        snap.table = get_table(text, columns, values);
        snap.table.regions = get_regions(sections[regions_section], path);
      } else {
        detail::BinaryReader r(sections[scores_section]);
        snap.scores = get_scores(r, detail::BinaryReader(sections[text_section]).get<std::uint64_t>());
      }
    });
    detail::check_snapshot(snap, path);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::corrupt_snapshot) throw;
    throw Error(ErrorCode::corrupt_snapshot, path + " is damaged: " + e.what());
  }
  return snap;
}

}  // namespace cxjf
