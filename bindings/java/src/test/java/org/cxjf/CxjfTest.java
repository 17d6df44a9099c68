package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The library loads, and says the version of the headers it was built from. */
class CxjfTest {
  @Test
  void theLibraryIsTheOneTheJarCarries() {
    assertTrue(Cxjf.loadedLibrary().startsWith("the library this jar carries for "), Cxjf.loadedLibrary());
  }

  // A failed load used to poison the class (NoClassDefFoundError until the
  // JVM restarted); now it says what to do, and a later call can succeed.
  @Test
  void aFailedLoadSaysWhatToDoAndALaterCallSucceeds() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dcxjf.library=/no/such/libcxjf_c.so.1", "-Dfile.encoding=UTF-8", "org.cxjf.LoadFailureProbe")
        .redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0;) out.write(buf, 0, n);
    }
    String text = new String(out.toByteArray(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), text);
    assertTrue(text.contains("first call: IO: cannot load the file of -Dcxjf.library, /no/such/libcxjf_c.so.1"), text);
    assertTrue(text.contains("pass -Dcxjf.library=/path/to/libcxjf_c.so.1, then call again"), text);
    assertTrue(text.contains("second call: IO"), text);
    assertTrue(text.contains("after the fix: " + Cxjf.version() + " from the library this jar carries"), text);
    // Strings come without the byte-order mark the CSV files carry.
    assertTrue(text.contains("template starts with a BOM: false"), text);
  }

  private static String define(String header, String name) {
    Matcher m = Pattern.compile("#define " + name + " (\\d+)").matcher(header);
    assertTrue(m.find(), name + " in version.hpp");
    return m.group(1);
  }

  @Test
  void versionIsTheOneOfVersionHpp() {
    String header = Fixture.read(Fixture.SOURCE.resolve("include/cxjf/version.hpp"));
    String expected = define(header, "CXJF_VERSION_MAJOR") + "." + define(header, "CXJF_VERSION_MINOR") + "."
        + define(header, "CXJF_VERSION_PATCH");
    assertEquals(expected, Cxjf.version());
    assertEquals(Integer.parseInt(define(header, "CXJF_ABI_VERSION")), Cxjf.abiVersion());
    assertEquals(Cxjf.ABI_VERSION, Cxjf.abiVersion());
  }

  @Test
  void statusNumbersAreTheAbis() {
    assertEquals(0, Status.OK.code());
    assertEquals(5, Status.CORRUPT_SNAPSHOT.code());
    assertEquals(7, Status.FORBIDDEN.code());
    assertEquals(99, Status.INTERNAL.code());
    assertEquals(Status.NOT_FOUND, Status.of(6));
    assertEquals(Status.UNKNOWN, Status.of(1234));
  }
}
