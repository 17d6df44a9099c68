#include "cxjf/snapshot.hpp"

#include <fstream>
#include <sstream>

#include "binary_io.hpp"
#include "snapshot_check.hpp"
#include "cxjf/file.hpp"
#include "cxjf/signing.hpp"

namespace cxjf {
namespace {

// File layout (docs/snapshot.md): magic, format version, then the model JSON,
// the reference, the table and the scores, each length-prefixed, and a
// XXH3-64 checksum of everything before it.
constexpr char magic[8] = {'C', 'X', 'J', 'F', 'S', 'N', 'A', 'P'};
constexpr std::uint32_t format_version = 1;

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

void put_table(detail::BinaryWriter& w, const Table& t) {
  put_strings(w, t.credit_code);
  put_strings(w, t.name);
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
  w.put_raw(t.values.data(), static_cast<std::size_t>(t.values.size()) * sizeof(double));
}

Table get_table(detail::BinaryReader& r) {
  Table t;
  t.credit_code = get_strings(r);
  t.name = get_strings(r);
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
  t.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  r.get_raw(t.values.data(), static_cast<std::size_t>(rows * cols) * sizeof(double));
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
  w.put_vector(s.grade);
  for (const auto& rank : s.rank) w.put_vector(rank);
  w.put_vector(s.order);
}

Scores get_scores(detail::BinaryReader& r, std::size_t n) {
  Scores s;
  s.decimals = r.get<std::int32_t>();
  s.stage = r.get_vector<std::int32_t>();
  s.peer_group = r.get_vector<std::int32_t>();
  auto cols = r.get<std::uint64_t>();
  if (cols > 1024) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: impossible category count");
  s.category_points.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols));
  r.get_raw(s.category_points.data(), n * cols * sizeof(double));
  s.base = r.get_vector<double>();
  s.bonus = r.get_vector<double>();
  s.deduction = r.get_vector<double>();
  s.veto = r.get_vector<std::uint8_t>();
  s.imputed = r.get_vector<std::uint8_t>();
  s.total = r.get_vector<double>();
  s.published_units = r.get_vector<std::int64_t>();
  s.grade = r.get_vector<std::int8_t>();
  for (auto& rank : s.rank) rank = r.get_vector<std::int32_t>();
  s.order = r.get_vector<std::int32_t>();
  bool ok = s.stage.size() == n && s.peer_group.size() == n && s.base.size() == n && s.bonus.size() == n &&
            s.deduction.size() == n && s.veto.size() == n && s.imputed.size() == n && s.total.size() == n &&
            s.published_units.size() == n && s.grade.size() == n && s.order.size() == n;
  for (const auto& rank : s.rank) ok &= rank.size() == n;
  if (!ok) throw Error(ErrorCode::corrupt_snapshot, "snapshot is damaged: score columns have different lengths");
  return s;
}

}  // namespace

std::string Snapshot::to_bytes() const {
  detail::BinaryWriter w;
  w.put_raw(magic, sizeof magic);
  w.put<std::uint32_t>(format_version);
  w.put_string(model.to_json());
  std::ostringstream ref_bytes;
  reference.save(ref_bytes);
  w.put_string(ref_bytes.str());
  put_table(w, table);
  put_scores(w, scores);
  w.put<std::uint64_t>(detail::hash_bytes(w.bytes()));
  return std::move(w.bytes());
}

void Snapshot::save(const std::string& path, std::string_view secret_key) const {
  const std::string bytes = secret_key.empty() ? to_bytes() : sign_snapshot_bytes(to_bytes(), secret_key);
  write_file(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

Snapshot Snapshot::load(const std::string& path, std::string_view required_public_key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::io, "cannot read snapshot " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::io, "cannot read snapshot " + path);
  return from_bytes(bytes, path, required_public_key);
}

Snapshot Snapshot::from_bytes(std::string_view file, const std::string& path, std::string_view required_public_key) {
  const std::string_view bytes = verified_snapshot_bytes(file, required_public_key, path);
  if (bytes.size() < sizeof magic + 4 + 8 || bytes.compare(0, sizeof magic, std::string_view(magic, sizeof magic)) != 0)
    throw Error(ErrorCode::corrupt_snapshot, path + " is not a cxjf snapshot (no CXJFSNAP header)");
  detail::BinaryReader header(bytes.substr(sizeof magic, 4));
  auto version = header.get<std::uint32_t>();
  if (version != format_version)
    throw Error(ErrorCode::corrupt_snapshot, path + " has snapshot format " + std::to_string(version) +
                                                 "; this cxjf reads format " + std::to_string(format_version));
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  detail::BinaryReader trailer(bytes.substr(bytes.size() - 8));
  if (detail::hash_bytes(body) != trailer.get<std::uint64_t>())
    throw Error(ErrorCode::corrupt_snapshot, path + " is truncated or damaged (checksum mismatch)");
  detail::BinaryReader r(body.substr(sizeof magic + 4));
  Snapshot snap;
  // Every failure of a part is the file's: a corrupt_snapshot Error.
  try {
    try {
      snap.model = Model::from_json(r.get_string());
    } catch (const Error& e) {
      throw Error(ErrorCode::corrupt_snapshot, path + " holds an invalid model: " + e.what());
    }
    snap.reference = Reference::load_bytes(r.get_string(), snap.model);
    snap.table = get_table(r);
    snap.scores = get_scores(r, snap.table.credit_code.size());
    if (!r.done()) throw Error(ErrorCode::corrupt_snapshot, path + " is damaged: trailing bytes");
    detail::check_snapshot(snap, path);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::corrupt_snapshot) throw;
    throw Error(ErrorCode::corrupt_snapshot, path + " is damaged: " + e.what());
  }
  return snap;
}

}  // namespace cxjf
