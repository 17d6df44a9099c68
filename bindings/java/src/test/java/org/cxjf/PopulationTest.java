package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The population analyses through Java, checked against what the snapshot's
 * own arrays give by a second route (scores summed here, ranks read back).
 */
class PopulationTest {
  private static final String TORCH = "{\"principal\": {\"role\": \"torch_center\"}";
  private static Model model;
  private static Snapshot snapshot;

  @BeforeAll
  static void open() {
    model = Model.defaultModel();
    snapshot = Snapshot.generate(model, 2000, 11, 0.0);
  }

  @AfterAll
  static void close() {
    snapshot.close();
    model.close();
  }

  @Test
  void distributionOfTheNationMatchesTheScores() {
    JsonObject answer = JsonParser.parseString(Population.distribution(snapshot, TORCH + ", \"by\": \"stage\"}"))
        .getAsJsonObject();
    JsonObject nation = answer.getAsJsonArray("groups").get(0).getAsJsonObject();
    double[] scores = snapshot.publishedScores();
    double sum = 0;
    int listed = 0;
    for (double x : scores) {
      sum += x;
      if (x >= 70) listed++;
    }
    assertEquals("全国", nation.get("label").getAsString());
    assertEquals(scores.length, nation.get("enterprises").getAsInt());
    assertEquals(sum / scores.length, nation.get("mean").getAsDouble(), 1e-9);
    assertEquals((double) listed / scores.length, nation.get("listed_share").getAsDouble(), 1e-12);
    int inGroups = 0;
    JsonArray groups = answer.getAsJsonArray("groups");
    for (int g = 1; g < groups.size(); g++) inGroups += groups.get(g).getAsJsonObject().get("enterprises").getAsInt();
    assertEquals(scores.length, inGroups);
  }

  @Test
  void bandsWithoutSpreadAreTheNominalRanks() {
    JsonObject answer = JsonParser.parseString(Population.rankBands(snapshot, TORCH + ", \"draws\": 4, \"spread\": 0}"))
        .getAsJsonObject();
    String[] codes = snapshot.creditCodes();
    int[] ranks = snapshot.ranks(RankLevel.NATIONAL);
    Map<String, Integer> rankOf = new HashMap<String, Integer>();
    for (int i = 0; i < codes.length; i++) rankOf.put(codes[i], ranks[i]);
    JsonArray rows = answer.getAsJsonArray("rows");
    assertEquals(codes.length, rows.size());
    int previous = 0;
    for (JsonElement e : rows) {
      JsonObject r = e.getAsJsonObject();
      int rank = rankOf.get(r.get("credit_code").getAsString());
      assertEquals(rank, r.get("rank").getAsInt());
      assertEquals(rank, r.get("rank_p05").getAsInt());
      assertEquals(rank, r.get("rank_p95").getAsInt());
      assertTrue(rank >= previous, "rows in nominal rank order");
      previous = rank;
    }
  }

  @Test
  void aSnapshotAgainstItselfMovesNobody() {
    JsonObject c = JsonParser.parseString(Population.compare(snapshot, snapshot, TORCH + ", \"movers\": 5}"))
        .getAsJsonObject();
    assertEquals(snapshot.size(), c.get("matched").getAsInt());
    assertEquals(0, c.get("entrants").getAsInt());
    assertEquals(0, c.get("leavers").getAsInt());
    try (Model own = snapshot.model()) {
      JsonObject m = JsonParser.parseString(Population.compareModel(snapshot, own, TORCH + "}")).getAsJsonObject();
      assertEquals(snapshot.size(), m.get("matched").getAsInt());
    }
    JsonObject s = JsonParser.parseString(Population.rankSensitivity(snapshot, TORCH + ", \"samples\": 4}"))
        .getAsJsonObject();
    assertEquals(4, s.get("samples").getAsInt());
  }

  @Test
  void onlyTheTorchCenterAsksAndRequestsAreChecked() {
    CxjfException forbidden = assertThrows(CxjfException.class,
        () -> Population.distribution(snapshot, "{\"principal\": {\"role\": \"province\", \"code\": \"440000\"}}"));
    assertEquals(Status.FORBIDDEN, forbidden.getStatus());
    CxjfException bad = assertThrows(CxjfException.class, () -> Population.rankBands(snapshot, TORCH + ", \"draws\": -1}"));
    assertEquals(Status.INVALID_ARGUMENT, bad.getStatus());
    assertTrue(bad.getMessage().contains("/draws"), bad.getMessage());
  }
}
