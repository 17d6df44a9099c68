package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cxjf.Cxjf;
import org.cxjf.CxjfException;
import org.cxjf.Model;
import org.cxjf.Snapshot;
import org.cxjf.Status;
import org.junit.jupiter.api.Test;

/** What a portal does first with the jar alone: load, score a sample, answer queries in scope. */
class PortalTest {
  @Test
  void theJarAloneScoresAndAnswers() {
    assertTrue(Cxjf.loadedLibrary().startsWith("the library this jar carries for linux-x86-64"),
        Cxjf.loadedLibrary());
    assertEquals(Cxjf.ABI_VERSION, Cxjf.abiVersion());
    try (Model model = Model.defaultModel(); Snapshot snap = Snapshot.generate(model, 3000, 11, 0.08)) {
      assertTrue(snap.size() > 2500 && snap.size() <= 3000, "registered of 3000: " + snap.size());
      String[] codes = snap.creditCodes();
      String detail = snap.detail("torch_center", null, codes[0]);
      assertTrue(detail.contains(codes[0]), detail);
      // Scope: an enterprise sees itself only; another's code is not found.
      CxjfException e = null;
      try {
        snap.detail("enterprise", codes[1], codes[0]);
      } catch (CxjfException caught) {
        e = caught;
      }
      assertTrue(e != null && e.getStatus() == Status.NOT_FOUND, "out of scope: not found");
    }
  }
}
