package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class ModelTest {
  @Test
  void theDefaultModelIsTheOneTheCliShows() {
    try (Model model = Model.defaultModel()) {
      String json = model.toJson();
      // `cxjf model show` prints the same document (with one newline after it).
      assertEquals(JsonParser.parseString(Fixture.cliOk("model", "show").out), JsonParser.parseString(json));
      // And it round-trips through fromJson exactly.
      try (Model again = Model.fromJson(json)) {
        assertEquals(json, again.toJson());
      }
    }
  }

  @Test
  void builtinModels() {
    try (Model trial = Model.builtin("torch-2025-trial")) {
      assertEquals("torch-2025-trial", JsonParser.parseString(trial.toJson()).getAsJsonObject().get("id").getAsString());
    }
    CxjfException e = assertThrows(CxjfException.class, () -> Model.builtin("torch-2099"));
    assertEquals(Status.NOT_FOUND, e.getStatus());
    assertTrue(e.getMessage().contains("torch-2022, torch-2025-trial"), e.getMessage());
  }

  @Test
  void theUploadTemplateIsTheCliTemplate() {
    try (Model model = Model.defaultModel()) {
      String template = model.uploadTemplate();
      // The CLI's file carries a byte-order mark for Excel; the Java string does not.
      assertTrue(template.startsWith("统一社会信用代码,企业名称,行政区划代码"), template.substring(0, 40));
      Fixture.cliOk("template", "--out", "template.csv");
      assertEquals(Fixture.readCsv(Fixture.WORK.resolve("template.csv")), template);
    }
  }

  @Test
  void invalidModelsAreRefusedWithTheirPaths() {
    CxjfException bad = assertThrows(CxjfException.class, () -> Model.fromJson("{\"id\": "));
    assertEquals(Status.INVALID_MODEL, bad.getStatus());
    final String json;
    try (Model model = Model.defaultModel()) {
      json = model.toJson().replaceFirst("\"decimals\": 2", "\"decimals\": -1");
    }
    CxjfException invalid = assertThrows(CxjfException.class, () -> Model.fromJson(json));
    assertEquals(Status.INVALID_MODEL, invalid.getStatus());
    assertTrue(invalid.getMessage().contains("/scale/decimals"), invalid.getMessage());
    CxjfException missing = assertThrows(CxjfException.class, () -> Model.fromFile("no-such-model.json"));
    assertEquals(Status.IO, missing.getStatus());
  }

  @Test
  void aClosedModelRefusesCallsAndClosesOnce() {
    Model model = Model.defaultModel();
    model.close();
    model.close();
    assertThrows(IllegalStateException.class, model::toJson);
  }
}
