package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented overview queries (docs/examples) through Java: the stored
 * answers for their own principals, and the CLI's answers for several others.
 */
class QueryTest {
  private static Model model;
  /** The documentation snapshot, generated in-process. */
  private static Snapshot docs;
  /** The same sample as scored and saved by the CLI, loaded. */
  private static Snapshot cli;

  @BeforeAll
  static void open() {
    Fixture.Sample.ensure();
    model = Model.defaultModel();
    docs = Snapshot.generate(model, Fixture.Sample.N, Fixture.Sample.SEED, 0.08);
    cli = Snapshot.load(Fixture.Sample.SNAPSHOT.toString());
  }

  @AfterAll
  static void close() {
    cli.close();
    docs.close();
    model.close();
  }

  /** The documented requests, by name (landing, zone_export, ...). */
  static List<Path> requests() throws IOException {
    List<Path> out = new ArrayList<Path>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Fixture.SOURCE.resolve("docs/examples"), "*.request.json")) {
      for (Path p : dir) out.add(p);
    }
    java.util.Collections.sort(out);
    assertTrue(out.size() >= 5, "docs/examples holds the documented requests");
    return out;
  }

  /** The answer, or the error answer of a refused request. */
  static String answer(Snapshot s, String request) {
    try {
      return s.query(request);
    } catch (CxjfException e) {
      assertNotNull(e.getAnswer(), "a refused query gives its error answer");
      return e.getAnswer();
    }
  }

  @Test
  void theDocumentedRequestsGiveTheDocumentedAnswers() throws IOException {
    for (Path request : requests()) {
      String name = request.getFileName().toString().replace(".request.json", "");
      String expected = Fixture.read(request.resolveSibling(name + ".answer.json"));
      String text = Fixture.read(request);
      assertEquals(Fixture.chomp(expected), answer(docs, text), name);
      assertEquals(Fixture.chomp(expected), answer(cli, text), name);
      // The same answer as UTF-8 bytes, for an HTTP response.
      try {
        assertArrayEquals(Fixture.chomp(expected).getBytes(StandardCharsets.UTF_8), docs.queryUtf8(text), name);
      } catch (CxjfException e) {
        assertEquals(Fixture.chomp(expected), e.getAnswer(), name);
      }
    }
  }

  /** The request with another principal; can_export is kept. */
  static String withPrincipal(String request, String role, String code) {
    JsonObject doc = JsonParser.parseString(request).getAsJsonObject();
    JsonObject principal = new JsonObject();
    principal.addProperty("role", role);
    if (code != null) principal.addProperty("code", code);
    JsonObject old = doc.getAsJsonObject("principal");
    if (old.has("can_export")) principal.add("can_export", old.get("can_export"));
    doc.add("principal", principal);
    return new Gson().toJson(doc);
  }

  static final String[][] PRINCIPALS = {
      {"torch_center", null}, {"province", "440000"}, {"city", "440300"}, {"county", "440106"},
      {"zone", "中关村科技园区"}, {"enterprise", "91441900T64T4U8AHP"}, {"public", null}};

  @Test
  void everyDocumentedRequestForSeveralPrincipalsAnswersAsTheCli() throws IOException {
    int answered = 0, refused = 0;
    for (Path request : requests()) {
      for (String[] p : PRINCIPALS) {
        String text = withPrincipal(Fixture.read(request), p[0], p[1]);
        Path file = Fixture.WORK.resolve("request.json");
        Fixture.write(file, text);
        Fixture.Run run = Fixture.cli("query", "--snapshot", Fixture.Sample.SNAPSHOT.toString(), "--request", file.toString());
        String label = request.getFileName() + " as " + p[0];
        String java;
        try {
          java = cli.query(text);
          assertEquals(0, run.exit, label + ": the CLI refused what Java answered");
          ++answered;
        } catch (CxjfException e) {
          java = e.getAnswer();
          assertTrue(run.exit != 0, label + ": Java refused what the CLI answered");
          String code = JsonParser.parseString(java).getAsJsonObject().getAsJsonObject("error").get("code").getAsString();
          assertEquals(code, e.getStatus() == Status.FORBIDDEN ? "forbidden"
              : e.getStatus() == Status.NOT_FOUND ? "not_found" : "bad_request", label);
          ++refused;
        }
        assertEquals(Fixture.chomp(run.out), java, label);
      }
    }
    // Both kinds occur: the public's detail and lists are refused, for one.
    assertTrue(answered > 10 && refused > 10, answered + " answered, " + refused + " refused");
  }

  @Test
  void detailAndExportCalls() {
    String request = Fixture.read(Fixture.SOURCE.resolve("docs/examples/detail_government.request.json"));
    assertEquals(docs.query(request), docs.detail("province", "440000", "91441900T64T4U8AHP"));
    // Out of scope and absent: the same refusal.
    CxjfException outside = assertThrows(CxjfException.class, () -> docs.detail("county", "440106", "91441900T64T4U8AHP"));
    CxjfException absent = assertThrows(CxjfException.class, () -> docs.detail("county", "440106", "91110101000000999A"));
    assertEquals(Status.NOT_FOUND, outside.getStatus());
    assertEquals(outside.getAnswer(), absent.getAnswer());
    assertEquals(outside.getMessage(), absent.getMessage());

    // The export's bytes are the documented answer's content.
    String export = Fixture.read(Fixture.SOURCE.resolve("docs/examples/zone_export.request.json"));
    String documented = Fixture.read(Fixture.SOURCE.resolve("docs/examples/zone_export.answer.json"));
    String content = JsonParser.parseString(documented).getAsJsonObject().get("content").getAsString();
    byte[] bytes = docs.export(export);
    assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), bytes);
    assertTrue(content.startsWith("\uFEFF"));
    // Without permission: forbidden, no bytes.
    CxjfException forbidden = assertThrows(CxjfException.class,
        () -> docs.export(export.replace("\"can_export\": true", "\"can_export\": false")));
    assertEquals(Status.FORBIDDEN, forbidden.getStatus());
    assertNull(forbidden.getAnswer());
  }

  @Test
  void malformedRequestsAreRefusedWithThePath() {
    CxjfException e = assertThrows(CxjfException.class,
        () -> docs.query("{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\", \"filters\": {\"grades\": \"A\"}}"));
    assertEquals(Status.INVALID_ARGUMENT, e.getStatus());
    assertTrue(e.getMessage().startsWith("/filters/grades"), e.getMessage());
    assertTrue(e.getAnswer().contains("\"path\": \"/filters/grades\""), e.getAnswer());
    CxjfException json = assertThrows(CxjfException.class, () -> docs.query("{"));
    assertEquals(Status.INVALID_ARGUMENT, json.getStatus());
    CxjfException role = assertThrows(CxjfException.class, () -> docs.detail("king", null, "91441900T64T4U8AHP"));
    assertEquals(Status.INVALID_ARGUMENT, role.getStatus());
  }

  @Test
  void oneSnapshotAnswersManyThreadsAtOnce() throws Exception {
    final List<String> requests = new ArrayList<String>();
    for (Path p : requests()) requests.add(Fixture.read(p));
    final List<String> expected = new ArrayList<String>();
    for (String r : requests) expected.add(answer(docs, r));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<Future<Integer>>();
      for (int t = 0; t < 8; ++t) {
        final int start = t;
        results.add(pool.submit(() -> {
          int mismatches = 0;
          for (int q = 0; q < 200; ++q) {
            int i = (start + q) % requests.size();
            if (!answer(docs, requests.get(i)).equals(expected.get(i))) ++mismatches;
          }
          return mismatches;
        }));
      }
      for (Future<Integer> f : results) assertEquals(0, f.get().intValue());
    } finally {
      pool.shutdown();
    }
    assertFalse(expected.isEmpty());
  }
}
