package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cxjf.Cxjf;
import org.cxjf.CxjfException;
import org.cxjf.Model;
import org.cxjf.Snapshot;
import org.cxjf.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * The libraries libcxjf_c needs beyond the C and C++ runtimes are the
   * jar's copies, mapped from the folder it extracted them to, not the
   * system's: the jar runs where they are not installed.
   */
  @Test
  void theLibrariesItNeedsAreTheJarsCopies() throws IOException {
    Cxjf.load();
    List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
    for (String soname : List.of("libcxjf_c.so", "libsodium.so.23", "libzstd.so.1", "libzip.so.4", "libexpat.so.1",
        "libxlsxwriter.so.4")) {
      List<String> paths = maps.stream().filter(line -> line.endsWith("/" + soname))
          .map(line -> line.substring(line.indexOf('/'))).distinct().toList();
      assertEquals(1, paths.size(), soname + " mapped from " + paths);
      assertTrue(paths.get(0).contains("/cxjf-native-"), soname + " is the jar's copy, not " + paths.get(0));
    }
  }
}
