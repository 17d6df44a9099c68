package org.cxjf;

import static org.cxjf.Cxjf.lib;
import static org.cxjf.Cxjf.check;
import static org.cxjf.Cxjf.take;
import static org.cxjf.Cxjf.takeBytes;
import static org.cxjf.Cxjf.takeUtf8;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import org.cxjf.CxjfLibrary.SizeT;
import org.cxjf.CxjfLibrary.SizeTByReference;

/**
 * One scoring year's base database, frozen: the model, the reference fitted
 * on the registered enterprises, those enterprises and their scores and
 * ranks. A portal loads one at start-up and answers overview queries and
 * estimates from it, from any number of threads at once.
 *
 * <p>Queries take a request document that names its principal (who asks);
 * the library applies that principal's scope (docs/overview.md). The bulk
 * arrays ({@link #publishedUnits()} and the like) see every enterprise
 * without a principal: they are for the service itself, not for users.
 *
 * <p>Close it when no thread uses it any more; {@link #close()} waits for
 * calls in flight.
 */
public final class Snapshot extends NativeHandle {
  private Snapshot(Pointer handle) {
    super(handle, "Snapshot");
  }

  // ---------------------------------------------------------------------------
  // Scoring, loading, saving

  /**
   * Scores enterprises given as arrays.
   *
   * @param model the model to score with (the snapshot keeps its own copy)
   * @param columns the enterprises (unchanged, reusable)
   * @return the new snapshot (close it when done)
   * @throws CxjfException {@link Status#INVALID_INPUT} for a required column not set or an invalid value (the
   *     message names the row and column), {@link Status#INVALID_ARGUMENT} for a model indicator not set
   */
  public static Snapshot score(Model model, Columns columns) {
    return model.use(m -> columns.use(c -> {
      PointerByReference out = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_score_columns(m, c, out, error), error);
      return new Snapshot(out.getValue());
    }));
  }

  /**
   * Scores an enterprise CSV given as bytes (UTF-8 or GB18030, detected; docs/input.md).
   *
   * @param model the model to score with (the snapshot keeps its own copy)
   * @param csv the CSV file's bytes
   * @return the new snapshot (close it when done)
   * @throws CxjfException {@link Status#INVALID_INPUT} naming the row and column of what is malformed
   */
  public static Snapshot scoreCsv(Model model, byte[] csv) {
    return model.use(m -> {
      PointerByReference out = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_score_csv(m, csv, new SizeT(csv.length), out, error), error);
      return new Snapshot(out.getValue());
    });
  }

  /**
   * Scores an enterprise CSV file: what `cxjf score --input FILE` does.
   *
   * @param model the model to score with (the snapshot keeps its own copy)
   * @param path the CSV file's path
   * @return the new snapshot (close it when done)
   * @throws CxjfException {@link Status#IO} when the file is unreadable, {@link Status#INVALID_INPUT} naming the
   *     row and column of what is malformed
   */
  public static Snapshot scoreCsvFile(Model model, String path) {
    return model.use(m -> {
      PointerByReference out = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_score_csv_file(m, path, out, error), error);
      return new Snapshot(out.getValue());
    });
  }

  /**
   * Generates a synthetic sample of {@code n} enterprises and scores it: what
   * `cxjf generate --n N --seed SEED --unregistered SHARE` then `cxjf score` give.
   *
   * @param model the model to score with (the snapshot keeps its own copy)
   * @param n the number of enterprises to generate, 1 or more (the national scale is 520,000)
   * @param seed the random seed: the same n, seed and share give the same snapshot on every platform
   * @param unregisteredShare the share of enterprises generated as not registered (left out), 0 to 1; the
   *     CLI's default is 0.08
   * @return the new snapshot (close it when done)
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for {@code n} below 1 or a share outside [0, 1]
   */
  public static Snapshot generate(Model model, long n, long seed, double unregisteredShare) {
    return model.use(m -> {
      PointerByReference out = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_generate(m, n, seed, unregisteredShare, out, error), error);
      return new Snapshot(out.getValue());
    });
  }

  /**
   * Reads a snapshot file ({@link Status#IO}, {@link Status#CORRUPT_SNAPSHOT}).
   *
   * @param path the snapshot file's path
   * @return the snapshot read (close it when done)
   */
  public static Snapshot load(String path) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_snapshot_load(path, out, error), error);
    return new Snapshot(out.getValue());
  }

  /**
   * Reads a snapshot file signed by {@code publicKey} (the text `cxjf keys`
   * writes); an unsigned file, one signed by another key or changed after
   * signing is {@link Status#CORRUPT_SNAPSHOT} (docs/snapshot.md, "Signatures").
   *
   * @param path the snapshot file's path
   * @param publicKey the scorer's public key text ("cxjf-ed25519-public:" and 64 hexadecimal digits)
   * @return the snapshot read (close it when done)
   * @throws CxjfException {@link Status#IO}, {@link Status#CORRUPT_SNAPSHOT}, or {@link Status#INVALID_ARGUMENT}
   *     for a malformed key
   */
  public static Snapshot loadSigned(String path, String publicKey) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_snapshot_load_signed(path, publicKey, out, error), error);
    return new Snapshot(out.getValue());
  }

  /**
   * Writes the snapshot file.
   *
   * @param path the snapshot file's path (an existing file is replaced)
   * @throws CxjfException {@link Status#IO} when the file cannot be written
   */
  public void save(String path) {
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_save(h, path, error), error);
      return null;
    });
  }

  /**
   * Writes the snapshot file signed with {@code secretKey} (the text `cxjf keys` writes).
   *
   * @param path the snapshot file's path (an existing file is replaced)
   * @param secretKey the scorer's secret key text ("cxjf-ed25519-secret:" and 64 hexadecimal digits)
   * @throws CxjfException {@link Status#IO} when the file cannot be written, {@link Status#INVALID_ARGUMENT} for
   *     a malformed key
   */
  public void saveSigned(String path, String secretKey) {
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_save_signed(h, path, secretKey, error), error);
      return null;
    });
  }

  /**
   * A copy of the snapshot's model (close it when done).
   *
   * @return a new model, equal to the one the snapshot was scored with
   */
  public Model model() {
    return use(h -> {
      PointerByReference out = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_model(h, out, error), error);
      return new Model(out.getValue());
    });
  }

  // ---------------------------------------------------------------------------
  // Bulk numbers, row i = the i-th registered enterprise of the input

  /**
   * The number of enterprises.
   *
   * @return the number of enterprises (registered rows), n
   */
  public int size() {
    return use(h -> {
      LongByReference n = new LongByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_size(h, n, error), error);
      return Math.toIntExact(n.getValue());
    });
  }

  /**
   * The decimals of published scores: a score is units / 10^decimals.
   *
   * @return the number of decimals (2 for torch-2022)
   */
  public int decimals() {
    return use(h -> {
      IntByReference d = new IntByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_decimals(h, d, error), error);
      return d.getValue();
    });
  }

  /**
   * Published scores as exact integers, score x 10^decimals (8520 for 85.20).
   *
   * @return one published score in units per row
   */
  public long[] publishedUnits() {
    return use(h -> {
      long[] out = new long[size()];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_published_units(h, out, new SizeT(out.length), count, error), error);
      return out;
    });
  }

  /**
   * Published scores as doubles, for charts.
   *
   * @return one published score per row (the double nearest to units / 10^decimals)
   */
  public double[] publishedScores() {
    return use(h -> {
      double[] out = new double[size()];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_published_scores(h, out, new SizeT(out.length), count, error), error);
      return out;
    });
  }

  /**
   * Grades as indices into the model's "grades" (0 = the highest).
   *
   * @return one grade index per row
   */
  public int[] grades() {
    return use(h -> {
      int[] out = new int[size()];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_grades(h, out, new SizeT(out.length), count, error), error);
      return out;
    });
  }

  /**
   * Ranks at one level (1 the best, ties shared; 0 where the enterprise has no unit at that level).
   *
   * @param level the level to rank at
   * @return one rank per row
   */
  public int[] ranks(RankLevel level) {
    return use(h -> {
      int[] out = new int[size()];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_ranks(h, level.ordinal(), out, new SizeT(out.length), count, error), error);
      return out;
    });
  }

  /**
   * The rows in list order (published score descending, exact total, credit code).
   *
   * @return every row number once, the national first at index 0
   */
  public long[] order() {
    return use(h -> {
      long[] out = new long[size()];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_order(h, out, new SizeT(out.length), count, error), error);
      return out;
    });
  }

  /**
   * The credit codes, row by row.
   *
   * @return one 18-character credit code (upper case) per row
   */
  public String[] creditCodes() {
    return use(h -> {
      final int width = 18;
      byte[] bytes = new byte[size() * width];
      SizeTByReference count = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_credit_codes(h, bytes, new SizeT(bytes.length), count, error), error);
      String[] codes = new String[bytes.length / width];
      for (int i = 0; i < codes.length; ++i) {
        codes[i] = new String(bytes, i * width, width, StandardCharsets.US_ASCII);
      }
      return codes;
    });
  }

  /**
   * The ledger of one row (every number behind its score) as JSON.
   *
   * @param row the row, 0 to {@link #size()} - 1
   * @return the ledger document as JSON text (docs/scoring.md)
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for a row out of range
   */
  public String ledger(long row) {
    return use(h -> {
      PointerByReference json = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_ledger(h, row, json, error), error);
      return take(json);
    });
  }

  // ---------------------------------------------------------------------------
  // Overview queries

  /** Builds the query index now rather than on the first query. */
  public void buildIndex() {
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_build_index(h, error), error);
      return null;
    });
  }

  /**
   * Answers a request document of any kind (overview, list, ranking, export,
   * detail; docs/overview.md). A refused request throws {@link CxjfException}
   * ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   * {@link Status#NOT_FOUND}) whose {@link CxjfException#getAnswer()} is the
   * error answer to pass on.
   *
   * @param requestJson the request document as JSON text, naming its principal and its kind (docs/overview.md)
   * @return the answer document as JSON text
   * @throws CxjfException for a refused request ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   *     {@link Status#NOT_FOUND}), with the error answer in {@link CxjfException#getAnswer()}
   */
  public String query(String requestJson) {
    return use(h -> {
      PointerByReference answer = new PointerByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_query(h, requestJson, answer, error);
      String text = take(answer);
      check(status, error, text);
      return text;
    });
  }

  /**
   * {@link #query}, with the answer as the UTF-8 bytes of the JSON document:
   * what an HTTP response carries, without decoding it into a String and
   * encoding it again. Refusals throw as {@link #query} does.
   *
   * @param requestJson the request document as JSON text, naming its principal and its kind (docs/overview.md)
   * @return the answer document as UTF-8 JSON bytes
   * @throws CxjfException for a refused request ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   *     {@link Status#NOT_FOUND}), with the error answer in {@link CxjfException#getAnswer()}
   */
  public byte[] queryUtf8(String requestJson) {
    return use(h -> {
      PointerByReference answer = new PointerByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_query(h, requestJson, answer, error);
      if (status == Status.OK.code()) {
        byte[] bytes = takeUtf8(answer);
        check(status, error);
        return bytes;
      }
      check(status, error, take(answer));
      return null;
    });
  }

  /**
   * One enterprise's detail for a principal ({@code role}, and {@code code}
   * for roles with a unit; null for torch_center and public). Absent and out
   * of scope both throw {@link Status#NOT_FOUND} with the same answer.
   *
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param creditCode the credit code of the enterprise asked for
   * @return the detail answer document as JSON text
   * @throws CxjfException for a refused request ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   *     {@link Status#NOT_FOUND}), with the error answer in {@link CxjfException#getAnswer()}
   */
  public String detail(String role, String code, String creditCode) {
    return use(h -> {
      PointerByReference answer = new PointerByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_detail(h, role, code, creditCode, answer, error);
      String text = take(answer);
      check(status, error, text);
      return text;
    });
  }

  /**
   * The file of an export request (kind "export", with "can_export": true):
   * CSV (UTF-8 with BOM) or JSON bytes, ready to offer for download.
   *
   * @param requestJson the export request document as JSON text, of kind "export" (docs/overview.md)
   * @return the file's bytes
   * @throws CxjfException {@link Status#FORBIDDEN} without export permission, {@link Status#INVALID_ARGUMENT}
   *     when the request's kind is not "export", and the other refusals of {@link #query}
   */
  public byte[] export(String requestJson) {
    return use(h -> {
      PointerByReference content = new PointerByReference();
      SizeTByReference size = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_export(h, requestJson, content, size, error);
      byte[] bytes = takeBytes(content, size.getValue());
      check(status, error);
      return bytes;
    });
  }

  // ---------------------------------------------------------------------------
  // Estimation

  /**
   * The limits every estimate on this snapshot applies (cxjf_upload_limits).
   *
   * @return the limits in force
   */
  public UploadLimits uploadLimits() {
    return use(h -> {
      long[] out = new long[5];
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_upload_limits(h, out, error), error);
      return new UploadLimits(out[0], out[1], out[2], out[3], out[4]);
    });
  }

  /**
   * Sets the limits of every later estimate on this snapshot; a field of 0
   * keeps its value. Set them before sharing the snapshot between threads.
   *
   * @param limits the new limits; a field of 0 keeps its value
   */
  public void setUploadLimits(UploadLimits limits) {
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_snapshot_set_upload_limits(h, limits.toArray(), error), error);
      return null;
    });
  }

  /**
   * Estimates an upload (the filled template's bytes) for a principal:
   * registered enterprises in its scope show their actual scores, others are
   * estimated as if added (a registered enterprise outside the scope too, so
   * that an upload cannot tell who is registered). Bad rows and cells are in
   * the record and the error report. Bare numbers of % columns are percents.
   *
   * @param upload the upload's bytes: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @return the estimation: the record, the results CSV and the error report CSV
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for a bad role or code, {@link Status#INVALID_INPUT}
   *     for a problem with the upload as a whole
   */
  public Estimation estimate(byte[] upload, Encoding encoding, String role, String code, boolean ledgers) {
    return estimate(upload, encoding, role, code, ledgers, PercentForm.PERCENT);
  }

  /**
   * {@link #estimate(byte[], Encoding, String, String, boolean)} with the form of bare numbers in % columns.
   *
   * @param upload the upload's bytes: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @param percentForm the form of bare numbers in % columns (a cell with '%' is always a percent)
   * @return the estimation: the record, the results CSV and the error report CSV
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for a bad role or code, {@link Status#INVALID_INPUT}
   *     for a problem with the upload as a whole
   */
  public Estimation estimate(byte[] upload, Encoding encoding, String role, String code, boolean ledgers,
      PercentForm percentForm) {
    return use(h -> {
      PointerByReference record = new PointerByReference();
      PointerByReference results = new PointerByReference();
      PointerByReference errors = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_estimate(h, upload, new SizeT(upload.length), encoding.ordinal(), role, code,
          options(ledgers, percentForm), record, results, errors, error), error);
      return new Estimation(take(record), take(results), take(errors), null);
    });
  }

  /**
   * {@link #estimate} with the results as one Excel workbook (.xlsx: the
   * sheets 结果, 错误 and 记录), what `cxjf estimate --out results.xlsx`
   * writes: {@link Estimation#resultsWorkbook()} holds it, and the CSV
   * results of the returned Estimation are null.
   *
   * @param upload the upload's bytes: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @return the estimation: the record and the results workbook (its CSV results are null)
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for a bad role or code, {@link Status#INVALID_INPUT}
   *     for a problem with the upload as a whole
   */
  public Estimation estimateWorkbook(byte[] upload, Encoding encoding, String role, String code, boolean ledgers) {
    return estimateWorkbook(upload, encoding, role, code, ledgers, PercentForm.PERCENT);
  }

  /**
   * {@link #estimateWorkbook(byte[], Encoding, String, String, boolean)} with the form of bare numbers in %
   * columns.
   *
   * @param upload the upload's bytes: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @param percentForm the form of bare numbers in % columns (a cell with '%' is always a percent)
   * @return the estimation: the record and the results workbook (its CSV results are null)
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for a bad role or code, {@link Status#INVALID_INPUT}
   *     for a problem with the upload as a whole
   */
  public Estimation estimateWorkbook(byte[] upload, Encoding encoding, String role, String code, boolean ledgers,
      PercentForm percentForm) {
    return use(h -> {
      PointerByReference record = new PointerByReference();
      PointerByReference workbook = new PointerByReference();
      SizeTByReference size = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_estimate_workbook(h, upload, new SizeT(upload.length), encoding.ordinal(), role, code,
          options(ledgers, percentForm), record, workbook, size, error);
      byte[] bytes = takeBytes(workbook, size.getValue());
      String json = take(record);
      check(status, error);
      return new Estimation(json, null, null, bytes);
    });
  }

  /**
   * {@link #estimate} on an upload file: what `cxjf estimate` does.
   *
   * @param path the upload file's path: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @return the estimation: the record, the results CSV and the error report CSV
   * @throws CxjfException {@link Status#IO} when the file is unreadable; {@link Status#INVALID_ARGUMENT} for a bad
   *     role or code, {@link Status#INVALID_INPUT} for a problem with the upload as a whole
   */
  public Estimation estimateFile(String path, Encoding encoding, String role, String code, boolean ledgers) {
    return estimateFile(path, encoding, role, code, ledgers, PercentForm.PERCENT);
  }

  /**
   * {@link #estimateFile(String, Encoding, String, String, boolean)} with the form of bare numbers in % columns.
   *
   * @param path the upload file's path: an Excel workbook (.xlsx) or CSV, told apart by content
   * @param encoding the upload's character encoding ({@link Encoding#AUTO} unless you know it)
   * @param role the principal's role: torch_center, province, city, county, zone, incubator, enterprise or public
   * @param code the principal's unit code (region code, zone or incubator name, credit code), or null for roles
   *     without one (torch_center, public)
   * @param ledgers true to include every row's ledger in the record
   * @param percentForm the form of bare numbers in % columns (a cell with '%' is always a percent)
   * @return the estimation: the record, the results CSV and the error report CSV
   * @throws CxjfException {@link Status#IO} when the file is unreadable; {@link Status#INVALID_ARGUMENT} for a bad
   *     role or code, {@link Status#INVALID_INPUT} for a problem with the upload as a whole
   */
  public Estimation estimateFile(String path, Encoding encoding, String role, String code, boolean ledgers,
      PercentForm percentForm) {
    return use(h -> {
      PointerByReference record = new PointerByReference();
      PointerByReference results = new PointerByReference();
      PointerByReference errors = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_estimate_file(h, path, encoding.ordinal(), role, code, options(ledgers, percentForm), record,
          results, errors, error), error);
      return new Estimation(take(record), take(results), take(errors), null);
    });
  }

  private static int options(boolean ledgers, PercentForm percentForm) {
    return (ledgers ? 1 : 0) | percentForm.optionBits();  // CXJF_ESTIMATE_LEDGERS | CXJF_ESTIMATE_FRACTIONS
  }

  @Override
  int destroy(PointerByReference handle) {
    return lib().cxjf_snapshot_destroy(handle);
  }
}
