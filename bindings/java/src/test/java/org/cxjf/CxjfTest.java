package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The library loads, and says the version of the headers it was built from. */
class CxjfTest {
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
