package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Estimates through Java equal `cxjf estimate`'s, file for file. */
class EstimateTest {
  private static Snapshot snapshot;

  @BeforeAll
  static void open() {
    Fixture.Sample.ensure();
    snapshot = Snapshot.load(Fixture.Sample.SNAPSHOT.toString());
  }

  @AfterAll
  static void close() {
    snapshot.close();
  }

  /** A record without what differs between two runs: its id and time. */
  private static JsonObject timeless(String record) {
    JsonObject doc = JsonParser.parseString(record).getAsJsonObject();
    doc.remove("id");
    doc.remove("created");
    return doc;
  }

  /**
   * An upload as a user fills it: the model's template (its English ids row
   * and example row left in place), then the example's values under a
   * registered enterprise's code, under a code nobody has (a newcomer),
   * under a code with a wrong check character (rejected), and once more
   * with a bad first indicator cell (scored, the cell reported).
   */
  private static String upload() {
    try (Model model = snapshot.model()) {
      String template = model.uploadTemplate();
      String exampleCode = "91350100M000100Y43";
      int start = template.indexOf(exampleCode);
      int end = template.indexOf('\n', start);
      String rest = template.substring(start + exampleCode.length(), end + 1);
      String registered = snapshot.creditCodes()[17];
      // The first indicator's cell is the twelfth field (after eleven attribute columns).
      String[] cells = rest.split(",", -1);
      cells[11] = "abc";
      String badCell = String.join(",", cells);
      return template + registered + rest + "91110101000000013C" + rest + "91110101000000013D" + rest
          + "911101010000000028" + badCell;
    }
  }

  private void compareWithCli(Encoding encoding, String encodingName, Charset charset) throws IOException {
    String text = upload();
    if (charset == StandardCharsets.UTF_8) text = "\uFEFF" + text;  // as Excel saves "CSV UTF-8"
    Path input = Fixture.WORK.resolve("upload-" + encodingName + ".csv");
    Files.write(input, text.getBytes(charset));
    Fixture.cliOk("estimate", "--snapshot", Fixture.Sample.SNAPSHOT.toString(), "--input", input.toString(),
        "--out", "results.csv", "--errors", "errors.csv", "--record", "record.json", "--encoding", encodingName,
        "--principal", "torch_center");
    Estimation java = snapshot.estimateFile(input.toString(), encoding, "torch_center", null, false);
    assertEquals(Fixture.readCsv(Fixture.WORK.resolve("results.csv")), java.resultsCsv());
    assertEquals(Fixture.readCsv(Fixture.WORK.resolve("errors.csv")), java.errorsCsv());
    assertEquals(timeless(Fixture.read(Fixture.WORK.resolve("record.json"))), timeless(java.recordJson()));

    // Worked out from the upload: 5 data rows (the ids row is not data); the
    // template's example and the wrong code rejected; the registered code
    // scored with its actual score; the newcomer and the bad-cell row
    // estimated; two bad cells in the error report: the wrong check
    // character (its row is also listed as rejected) and 'abc'.
    JsonObject counts = timeless(java.recordJson()).getAsJsonObject("counts");
    assertEquals(5, counts.get("rows_read").getAsLong());
    assertEquals(3, counts.get("scored").getAsLong());
    assertEquals(2, counts.get("rejected").getAsLong());
    assertEquals(1, counts.get("registered").getAsLong());
    assertEquals(2, counts.get("estimated").getAsLong());
    assertEquals(2, counts.get("bad_cells").getAsLong());
    assertTrue(java.errorsCsv().contains("abc") && java.errorsCsv().contains("91110101000000013D"));
    // The registered row shows the snapshot's own score.
    String actual = Fixture.scoreText(snapshot.publishedUnits()[17], snapshot.decimals());
    assertTrue(java.resultsCsv().contains(snapshot.creditCodes()[17]) && java.resultsCsv().contains(actual), actual);

    // The bytes give what the file gave.
    Estimation fromBytes = snapshot.estimate(Files.readAllBytes(input), encoding, "torch_center", null, false);
    assertEquals(java.resultsCsv(), fromBytes.resultsCsv());
    assertEquals(java.errorsCsv(), fromBytes.errorsCsv());
  }

  @Test
  void aUtf8UploadEstimatesAsTheCli() throws IOException {
    compareWithCli(Encoding.AUTO, "auto", StandardCharsets.UTF_8);
  }

  @Test
  void aGb18030UploadEstimatesAsTheCli() throws IOException {
    compareWithCli(Encoding.GB18030, "gb18030", Charset.forName("GB18030"));
  }

  @Test
  void thePublicSeesOnlyNewcomers() {
    // The registered enterprise of the upload is, for the public, a newcomer
    // scored from its uploaded values (docs/estimation.md).
    byte[] bytes = upload().getBytes(StandardCharsets.UTF_8);
    JsonObject counts = timeless(snapshot.estimate(bytes, Encoding.AUTO, "public", null, false).recordJson())
        .getAsJsonObject("counts");
    assertEquals(0, counts.get("registered").getAsLong());
    assertEquals(3, counts.get("estimated").getAsLong());
  }

  @Test
  void fractionsOnlyOnRequest() {
    // The template's example writes 12.5 in its % columns: a percent. The
    // same row with 0.125 gives the same results only when the caller says
    // the column holds fractions.
    try (Model model = snapshot.model()) {
      String template = model.uploadTemplate();
      String exampleCode = "91350100M000100Y43";
      int start = template.indexOf(exampleCode);
      String rest = template.substring(start + exampleCode.length(), template.indexOf('\n', start) + 1);
      assertTrue(rest.contains(",12.5,"), rest);
      String percent = template + "91110101000000013C" + rest;
      // Every % cell of the example is 12.5: each becomes 0.125.
      String fraction = template + "91110101000000013C" + rest.replaceAll("(?<=,)12\\.5(?=,|\\r|\\n)", "0.125");
      String asPercent = snapshot.estimate(percent.getBytes(StandardCharsets.UTF_8), Encoding.AUTO, "torch_center",
          null, false).resultsCsv();
      String asFraction = snapshot.estimate(fraction.getBytes(StandardCharsets.UTF_8), Encoding.AUTO, "torch_center",
          null, false, PercentForm.FRACTION).resultsCsv();
      String bareFraction = snapshot.estimate(fraction.getBytes(StandardCharsets.UTF_8), Encoding.AUTO,
          "torch_center", null, false).resultsCsv();
      assertEquals(asPercent, asFraction);
      assertNotEquals(asPercent, bareFraction);
    }
  }

  @Test
  void ledgersOnRequest() {
    byte[] bytes = upload().getBytes(StandardCharsets.UTF_8);
    assertTrue(snapshot.estimate(bytes, Encoding.AUTO, "torch_center", null, true).recordJson().contains("\"ledger\""));
    assertFalse(snapshot.estimate(bytes, Encoding.AUTO, "torch_center", null, false).recordJson().contains("\"ledger\""));
  }

  @Test
  void refusedUploadsAndPrincipals() {
    CxjfException role = assertThrows(CxjfException.class,
        () -> snapshot.estimate("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), Encoding.AUTO, "king", null, false));
    assertEquals(Status.INVALID_ARGUMENT, role.getStatus());
    CxjfException columns = assertThrows(CxjfException.class,
        () -> snapshot.estimate("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), Encoding.AUTO, "torch_center", null, false));
    assertEquals(Status.INVALID_INPUT, columns.getStatus());
    assertTrue(columns.getMessage().contains("统一社会信用代码"), columns.getMessage());
    for (String[] who : new String[][] {{"province", "990000"}, {"city", "440000"}, {"public", "440000"}}) {
      CxjfException bad = assertThrows(CxjfException.class,
          () -> snapshot.estimate("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), Encoding.AUTO, who[0], who[1], false));
      assertEquals(Status.INVALID_ARGUMENT, bad.getStatus());
      assertTrue(bad.getMessage().contains("/principal/code"), bad.getMessage());
    }
    CxjfException missing = assertThrows(CxjfException.class,
        () -> snapshot.estimateFile("no-such-upload.csv", Encoding.AUTO, "torch_center", null, false));
    assertEquals(Status.IO, missing.getStatus());
  }

  @Test
  void uploadLimits() {
    // docs/upload.md, "Limits": the portal's defaults, then a lower row limit.
    UploadLimits limits = snapshot.uploadLimits();
    assertEquals(64L << 20, limits.maxBytes);
    assertEquals(200000L, limits.maxRows);
    assertEquals(4096L, limits.maxCellBytes);
    try (Snapshot other = Snapshot.load(Fixture.Sample.SNAPSHOT.toString())) {
      other.setUploadLimits(new UploadLimits(0, 4, 0, 0, 0));
      assertEquals(4L, other.uploadLimits().maxRows);
      assertEquals(64L << 20, other.uploadLimits().maxBytes);  // 0 kept it
      byte[] five = upload().getBytes(StandardCharsets.UTF_8);  // five data rows
      CxjfException refused = assertThrows(CxjfException.class,
          () -> other.estimate(five, Encoding.AUTO, "torch_center", null, false));
      assertEquals(Status.INVALID_INPUT, refused.getStatus());
      assertTrue(refused.getMessage().contains("more than 4 data rows"), refused.getMessage());
      other.setUploadLimits(limits.withMaxRows(5));
      assertTrue(other.estimate(five, Encoding.AUTO, "torch_center", null, false).recordJson().contains("\"rows_read\": 5"));
    }
  }

  /**
   * A filled template saved by LibreOffice (tests/data/workbooks) estimates
   * through Java exactly as through `cxjf estimate`: the same results and the
   * same error report, every bad cell with its sheet and cell.
   */
  @Test
  void aWorkbookSavedByLibreOfficeEstimatesAsTheCliDoes() throws IOException {
    Path input = Fixture.SOURCE.resolve("tests/data/workbooks/lo_filled_template.xlsx");
    Path results = Fixture.WORK.resolve("lo_results.csv");
    Path errors = Fixture.WORK.resolve("lo_errors.csv");
    Fixture.cliOk("estimate", "--snapshot", Fixture.Sample.SNAPSHOT.toString(), "--input", input.toString(),
        "--out", results.toString(), "--errors", errors.toString());
    Estimation java = snapshot.estimate(Files.readAllBytes(input), Encoding.AUTO, "torch_center", null, false);
    assertEquals(Fixture.readCsv(results), java.resultsCsv());
    assertEquals(Fixture.readCsv(errors), java.errorsCsv());
    JsonObject record = JsonParser.parseString(java.recordJson()).getAsJsonObject();
    assertEquals("上传模板", record.get("sheet").getAsString());
    assertEquals(4, record.getAsJsonObject("counts").get("scored").getAsInt());
    assertTrue(java.errorsCsv().contains(",上传模板,A9"), java.errorsCsv());
  }

  /** The template and the results as workbooks: zip archives the reader reads back. */
  @Test
  void templateAndResultsAsWorkbooks() throws IOException {
    byte[] template;
    try (Model model = snapshot.model()) {
      template = model.uploadTemplateXlsx();
    }
    assertEquals('P', template[0]);
    assertEquals('K', template[1]);
    // The untouched template: one data row, the example, rejected.
    Estimation empty = snapshot.estimateWorkbook(template, Encoding.AUTO, "torch_center", null, false);
    JsonObject counts = JsonParser.parseString(empty.recordJson()).getAsJsonObject().getAsJsonObject("counts");
    assertEquals(1, counts.get("rows_read").getAsInt());
    assertEquals(1, counts.get("rejected").getAsInt());
    assertNull(empty.resultsCsv());
    byte[] workbook = empty.resultsWorkbook();
    assertEquals('P', workbook[0]);
    assertTrue(workbook.length > 1000);
    Path out = Fixture.WORK.resolve("java_results.xlsx");
    Files.write(out, workbook);
    // The results workbook is itself a workbook the reader opens: its sheet
    // 结果 names the credit code, the name and the row, not the indicators.
    CxjfException e = assertThrows(CxjfException.class,
        () -> snapshot.estimate(workbook, Encoding.AUTO, "torch_center", null, false));
    assertTrue(e.getMessage().contains("sheet '结果'") && e.getMessage().contains("missing columns: 行政区划代码"),
        e.getMessage());
  }
}
