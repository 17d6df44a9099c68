#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "cxjf/error.hpp"
#include "cxjf/estimate.hpp"

namespace cxjf::cli {

void add_estimate(CLI::App& app) {
  auto* cmd = app.add_subcommand("estimate", "score an upload against a snapshot (导入测算): actual scores for "
                                             "registered enterprises, estimates for the others");
  struct Args {
    std::string snapshot, input, out, errors, record, encoding = "auto", principal = "torch_center", public_key;
    std::string percent_form = "percent", sheet;
    std::int64_t header_row = 0;
    bool ledgers = false;
    unsigned threads = 0;
    UploadLimits limits;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--snapshot", a->snapshot, "snapshot written by cxjf score")->required()->check(existing_file());
  cmd->add_option("--public-key", a->public_key, "load only a snapshot signed by this public key file (cxjf keys)")
      ->check(existing_file());
  cmd->add_option("--input", a->input, "the filled upload template: an Excel workbook (.xlsx) or CSV (UTF-8 or "
                                      "GB18030), told apart by content")
      ->required()
      ->check(existing_file());
  cmd->add_option("--out", a->out, "results to write: .xlsx (sheets 结果, 错误, 记录) or .csv (UTF-8 with BOM)")
      ->required();
  cmd->add_option("--errors", a->errors, "error report CSV to write (UTF-8 with BOM)");
  cmd->add_option("--sheet", a->sheet, "the worksheet of a workbook to read (default: the one with the template's "
                                       "header)");
  cmd->add_option("--header-row", a->header_row, "the spreadsheet row of the header (default: found below any "
                                                 "title rows)")
      ->check(whole_number(1));
  cmd->add_option("--record", a->record, "estimation record JSON to write");
  cmd->add_flag("--ledgers", a->ledgers, "include every row's ledger in the record");
  cmd->add_option("--encoding", a->encoding, "auto, utf-8 or gb18030")->capture_default_str();
  cmd->add_option("--percent-form", a->percent_form,
                  "how bare numbers of % columns are read: percent (12.5 is 12.5 %) or fraction (0.125 is 12.5 %); "
                  "a cell with '%' is always a percent")
      ->capture_default_str();
  cmd->add_option("--principal", a->principal, "who runs it, as role[:code], e.g. province:440000")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "threads scoring the rows (0: one per core; same record on any count)")
      ->capture_default_str()->check(whole_number(0, 1024));
  // Limits (docs/upload.md, "Limits"): past a file limit the upload is
  // refused, past a row limit the row is rejected.
  cmd->add_option("--max-bytes", a->limits.max_bytes, "largest upload file, in bytes")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-rows", a->limits.max_rows, "most data rows of an upload")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-columns", a->limits.max_columns, "most cells of the header or of a row")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-cell-bytes", a->limits.max_cell_bytes, "largest cell, in bytes")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-row-bytes", a->limits.max_row_bytes, "largest row as written, in bytes")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-unpacked-bytes", a->limits.max_unpacked_bytes,
                  "largest XML of a workbook, decompressed, in bytes")
      ->capture_default_str()->check(whole_number(1));
  cmd->add_option("--max-cells", a->limits.max_cells, "most non-empty cells of a workbook")
      ->capture_default_str()->check(whole_number(1));
  cmd->callback([a] {
    Principal principal = parse_principal(a->principal);
    const std::string out_format = output_format(a->out, {"xlsx", "csv"});
    if (!a->errors.empty()) output_format(a->errors, {"csv"});
    check_output_path(a->out, "--out");
    check_output_path(a->errors, "--errors");
    check_output_path(a->record, "--record");
    UploadOptions read_options;
    read_options.encoding = encoding_from_name(a->encoding);
    read_options.percent_form = percent_form_from_name(a->percent_form);
    read_options.limits = a->limits;
    read_options.sheet = a->sheet;
    read_options.header_row = a->header_row;
    Snapshot snap = [&] {
      Step step("loading " + a->snapshot);
      return Snapshot::load(a->snapshot, read_key(a->public_key));
    }();
    // Checked with the snapshot's region table, before the upload is read.
    check_principal(principal, snap.table.region_table());
    read_options.regions = snap.table.regions;
    Upload upload = [&] {
      Step step("reading " + a->input);
      return read_upload_file(a->input, snap.model, read_options);
    }();
    EstimationRecord record = [&] {
      Step step("estimating");
      return Estimator(snap).estimate(std::move(upload), principal, a->threads);
    }();
    if (out_format == "xlsx") {
      const std::string bytes = record.results_xlsx(snap);
      write_file(a->out, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
    } else {
      write_file(a->out, [&](std::ostream& out) { record.write_results_csv(out, snap); });
    }
    if (!a->errors.empty()) write_file(a->errors, [&](std::ostream& out) { record.write_errors_csv(out); });
    if (!a->record.empty())
      write_file(a->record, [&](std::ostream& out) { out << record.to_json(snap, a->ledgers) << "\n"; });
    const EstimateCounts& c = record.counts;
    std::cerr << "record " << record.id << ": " << c.rows_read << " rows read, " << c.scored << " scored ("
              << c.registered << " registered, " << c.estimated << " estimated), " << c.rejected << " rejected, "
              << c.duplicates << " duplicate codes, " << c.bad_cells << " bad cells\n";
  });
}

}  // namespace cxjf::cli
