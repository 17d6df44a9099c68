package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scores through Java equal the command line's, for every enterprise and rank level. */
class SnapshotTest {
  @BeforeAll
  static void sample() {
    Fixture.Sample.ensure();
  }

  /** Grade ids of a model, by index. */
  private static String[] gradeIds(Model model) {
    JsonArray grades = JsonParser.parseString(model.toJson()).getAsJsonObject().getAsJsonArray("grades");
    String[] ids = new String[grades.size()];
    for (int g = 0; g < ids.length; ++g) ids[g] = grades.get(g).getAsJsonObject().get("id").getAsString();
    return ids;
  }

  @Test
  void scoringTheCsvGivesTheCliScoresAndRanks() {
    try (Model model = Model.defaultModel();
         Snapshot s = Snapshot.scoreCsvFile(model, Fixture.Sample.CSV.toString())) {
      List<List<String>> csv = Fixture.parseCsv(Fixture.read(Fixture.Sample.SCORES));
      List<String> header = csv.get(0);
      assertEquals("credit_code", header.get(0));
      assertEquals("score", header.get(5));
      assertEquals("grade", header.get(6));
      assertEquals("rank_national", header.get(11));
      assertEquals(csv.size() - 1, s.size());

      String[] codes = s.creditCodes();
      long[] units = s.publishedUnits();
      int[] grades = s.grades();
      long[] order = s.order();
      String[] gradeIds = gradeIds(model);
      int[][] ranks = new int[RankLevel.values().length][];
      for (RankLevel level : RankLevel.values()) ranks[level.ordinal()] = s.ranks(level);
      // scores.csv lists the enterprises in list order: the same order, the
      // same published text, grade and rank at all seven levels.
      for (int line = 1; line < csv.size(); ++line) {
        List<String> cells = csv.get(line);
        int row = (int) order[line - 1];
        assertEquals(cells.get(0), codes[row]);
        assertEquals(cells.get(5), Fixture.scoreText(units[row], s.decimals()), cells.get(0));
        assertEquals(cells.get(6), gradeIds[grades[row]], cells.get(0));
        for (int level = 0; level < ranks.length; ++level) {
          int rank = ranks[level][row];
          assertEquals(cells.get(11 + level), rank == 0 ? "" : Integer.toString(rank), cells.get(0) + " " + header.get(11 + level));
        }
      }
    }
  }

  @Test
  void everyPathToTheSnapshotGivesTheSameScores() throws IOException {
    try (Model model = Model.defaultModel();
         Snapshot fromFile = Snapshot.scoreCsvFile(model, Fixture.Sample.CSV.toString());
         Snapshot fromBytes = Snapshot.scoreCsv(model, Files.readAllBytes(Fixture.Sample.CSV));
         Snapshot cliSnapshot = Snapshot.load(Fixture.Sample.SNAPSHOT.toString());
         Snapshot generated = Snapshot.generate(model, Fixture.Sample.N, Fixture.Sample.SEED, 0.08)) {
      long[] expected = fromFile.publishedUnits();
      assertArrayEquals(expected, fromBytes.publishedUnits());
      assertArrayEquals(expected, cliSnapshot.publishedUnits());
      assertArrayEquals(expected, generated.publishedUnits());
      assertArrayEquals(fromFile.creditCodes(), generated.creditCodes());
      assertArrayEquals(fromFile.ranks(RankLevel.COUNTY), cliSnapshot.ranks(RankLevel.COUNTY));
      // Saved by Java, loaded again: the same.
      Path saved = Fixture.WORK.resolve("java.snap");
      fromFile.save(saved.toString());
      try (Snapshot again = Snapshot.load(saved.toString())) {
        assertArrayEquals(expected, again.publishedUnits());
        assertArrayEquals(fromFile.order(), again.order());
      }
      // Doubles are the units over 100.
      double[] scores = fromFile.publishedScores();
      for (int i = 0; i < scores.length; i += 101) assertEquals(expected[i] / 100.0, scores[i], 0.0);
    }
  }

  @Test
  void ledgersAreTheCliLedgers() {
    // A small sample, so that --explain writes every ledger.
    Fixture.cliOk("generate", "--n", "300", "--seed", "5", "--out", "small.csv");
    Fixture.cliOk("score", "--input", "small.csv", "--out", "small-scores.csv", "--explain", "small-ledgers.jsonl");
    String[] lines = Fixture.read(Fixture.WORK.resolve("small-ledgers.jsonl")).split("\n");
    try (Model model = Model.defaultModel();
         Snapshot s = Snapshot.scoreCsvFile(model, Fixture.WORK.resolve("small.csv").toString())) {
      long[] order = s.order();
      assertEquals(order.length, lines.length);
      for (int i = 0; i < order.length; ++i) assertEquals(lines[i], s.ledger(order[i]).replace('\n', ' '));
      CxjfException e = assertThrows(CxjfException.class, () -> s.ledger(order.length));
      assertEquals(Status.INVALID_ARGUMENT, e.getStatus());
    }
  }

  // One indicator x mapped onto 100 points: the published score is x.
  static final String HAND_MODEL = "{\"id\": \"hand\", \"name\": \"Java test\", \"description\": \"score = x\","
      + " \"scale\": {\"base_max\": 100, \"bonus_max\": 0, \"total_max\": 100, \"decimals\": 2},"
      + " \"list_threshold\": 70,"
      + " \"categories\": [{\"id\": \"c\", \"name_zh\": \"类\", \"name_en\": \"C\"}],"
      + " \"stages\": [{\"id\": \"all\", \"name_zh\": \"全部\", \"name_en\": \"All\"}],"
      + " \"stage_rule\": {\"basis\": \"data\"},"
      + " \"peer_groups\": {\"chain\": [[]], \"min_size\": 1},"
      + " \"grades\": [{\"id\": \"A\", \"min\": 85}, {\"id\": \"B\", \"min\": 70}, {\"id\": \"C\", \"min\": 0}],"
      + " \"indicators\": [{\"id\": \"x\", \"name_zh\": \"分\", \"name_en\": \"X\", \"unit\": \"\", \"category\": \"c\","
      + " \"method\": \"piecewise\", \"breakpoints\": [[0, 0], [100, 1]], \"weights\": {\"all\": 100}}]}";

  @Test
  void columnsScoreByHand() {
    // Four enterprises with x = 62.5, 90, 71.25, 90: scores 62.50, 90.00,
    // 71.25, 90.00; grades C, A, B, A; national ranks 4, 1, 3, 1 (a tie);
    // in Beijing (110000) the last two only: 71.25 is 2nd, 90 is 1st.
    String[] codes = {"911101010000000015", "911101010000000028", "91110101000000003B", "91110101000000004E"};
    try (Model model = Model.fromJson(HAND_MODEL);
         Columns columns = new Columns(4)) {
      columns.setText("credit_code", codes)
          .setText("name", new String[] {"甲", "乙", "丙", "丁"})
          .setInt32("region_code", new int[] {440305, 440305, 110108, 110101})
          .setText("stage", new String[] {"全部", "全部", "全部", "全部"})
          .setText("qualifications", new String[] {"高新技术企业;科技型中小企业", null, "", "高新技术企业"})
          // y is not in the model: kept and ignored. Row-major: x, y per enterprise.
          .setIndicators(new String[] {"x", "y"}, new double[] {62.5, 1, 90, 2, 71.25, 3, 90, 4}, Columns.Layout.ROW_MAJOR);
      try (Snapshot s = Snapshot.score(model, columns)) {
        assertArrayEquals(new long[] {6250, 9000, 7125, 9000}, s.publishedUnits());
        assertArrayEquals(new int[] {2, 0, 1, 0}, s.grades());
        assertArrayEquals(new int[] {4, 1, 3, 1}, s.ranks(RankLevel.NATIONAL));
        assertArrayEquals(new int[] {2, 1, 2, 1}, s.ranks(RankLevel.PROVINCE));
        assertArrayEquals(codes, s.creditCodes());
      }
      // The same matrix column-major.
      columns.setIndicators(new String[] {"x", "y"}, new double[] {62.5, 90, 71.25, 90, 1, 2, 3, 4}, Columns.Layout.COLUMN_MAJOR);
      try (Snapshot s = Snapshot.score(model, columns)) {
        assertArrayEquals(new long[] {6250, 9000, 7125, 9000}, s.publishedUnits());
      }
      // A check character wrong on the third enterprise: named as row 4, as
      // in a CSV of the same enterprises (header = row 1), with the code.
      columns.setText("credit_code", new String[] {codes[0], codes[1], "91110101000000003C", codes[3]});
      CxjfException e = assertThrows(CxjfException.class, () -> Snapshot.score(model, columns));
      assertEquals(Status.INVALID_INPUT, e.getStatus());
      assertTrue(e.getMessage().contains("row 4") && e.getMessage().contains("91110101000000003C"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> columns.setText("name", new String[] {"甲"}));
    }
  }

  @Test
  void corruptAndMissingSnapshotFilesAreRefused() throws IOException {
    byte[] good = Files.readAllBytes(Fixture.Sample.SNAPSHOT);
    Path truncated = Fixture.WORK.resolve("truncated.snap");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 100));
    CxjfException e = assertThrows(CxjfException.class, () -> Snapshot.load(truncated.toString()));
    assertEquals(Status.CORRUPT_SNAPSHOT, e.getStatus());
    assertTrue(e.getMessage().contains("truncated.snap"), e.getMessage());
    Path text = Fixture.WORK.resolve("text.snap");
    Fixture.write(text, "credit_code,name\n");
    assertEquals(Status.CORRUPT_SNAPSHOT, assertThrows(CxjfException.class, () -> Snapshot.load(text.toString())).getStatus());
    assertEquals(Status.IO, assertThrows(CxjfException.class, () -> Snapshot.load("no-such.snap")).getStatus());
  }

  @Test
  void signedSnapshotsLoadOnlyWithTheScorersKey() throws IOException {
    // docs/snapshot.md, "Signatures": keys from `cxjf keys`.
    Path secret = Fixture.WORK.resolve("java-mine.sec"), mine = Fixture.WORK.resolve("java-mine.pub");
    Path theirsSecret = Fixture.WORK.resolve("java-theirs.sec"), theirs = Fixture.WORK.resolve("java-theirs.pub");
    Fixture.cliOk("keys", "--secret", secret.toString(), "--public", mine.toString());
    Fixture.cliOk("keys", "--secret", theirsSecret.toString(), "--public", theirs.toString());
    Path signed = Fixture.WORK.resolve("java-signed.snap"), plain = Fixture.WORK.resolve("java-plain.snap");
    try (Snapshot s = Snapshot.load(Fixture.Sample.SNAPSHOT.toString())) {
      s.saveSigned(signed.toString(), Fixture.read(secret));
      s.save(plain.toString());
      try (Snapshot loaded = Snapshot.loadSigned(signed.toString(), Fixture.read(mine))) {
        assertEquals(s.size(), loaded.size());
      }
    }
    CxjfException other = assertThrows(CxjfException.class,
        () -> Snapshot.loadSigned(signed.toString(), Fixture.read(theirs)));
    assertEquals(Status.CORRUPT_SNAPSHOT, other.getStatus());
    assertTrue(other.getMessage().contains("not by the key this deployment requires"), other.getMessage());
    CxjfException unsigned = assertThrows(CxjfException.class,
        () -> Snapshot.loadSigned(plain.toString(), Fixture.read(mine)));
    assertTrue(unsigned.getMessage().contains("is not signed"), unsigned.getMessage());
  }
}
