package org.cxjf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * The cxjf library: its versions, and the loading of libcxjf_c.so.
 *
 * <p>The library is found the way JNA finds libraries: in the directories of
 * the system property {@code jna.library.path}, then the system's library
 * path. The property {@code cxjf.library} names the file exactly instead
 * (e.g. {@code /opt/cxjf/lib/libcxjf_c.so.1}). It is loaded once, on first
 * use, and refused with {@link UnsatisfiedLinkError} when its ABI version is
 * not the one this jar was written for.
 *
 * <p>Threads: every class of this package may be used from any thread. A
 * {@link Model} or {@link Snapshot} can be shared by many threads at once
 * (queries, estimates and bulk reads run in parallel); closing one waits for
 * the calls in flight and makes later calls throw {@link IllegalStateException}.
 * A {@link Columns} is for one thread at a time.
 *
 * <p>Errors: every failure of the library throws {@link CxjfException}, with
 * its {@link Status} and a message that says what to fix.
 */
public final class Cxjf {
  /** The C ABI version this jar was written for (CXJF_C_ABI_VERSION of cxjf.h). */
  public static final int ABI_VERSION = 1;

  static final CxjfLibrary LIB = load();

  private Cxjf() {}

  private static CxjfLibrary load() {
    String name = System.getProperty("cxjf.library", "cxjf_c");
    // Every string crossing the ABI is UTF-8, whatever the JVM's default charset.
    CxjfLibrary lib = Native.load(name, CxjfLibrary.class,
        Collections.singletonMap(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));
    int abi = lib.cxjf_abi_version();
    if (abi != ABI_VERSION) {
      throw new UnsatisfiedLinkError("the loaded libcxjf_c (version " + lib.cxjf_version() + ") has ABI " + abi
          + " but this cxjf jar needs ABI " + ABI_VERSION + ": install the matching library");
    }
    return lib;
  }

  /** The loaded library's version, e.g. "0.1.0". */
  public static String version() {
    return LIB.cxjf_version();
  }

  /** The loaded library's ABI version (equal to {@link #ABI_VERSION}). */
  public static int abiVersion() {
    return LIB.cxjf_abi_version();
  }

  // ---------------------------------------------------------------------------
  // Helpers of the package: statuses into exceptions, library memory into Java.

  /** Throws when {@code status} is not CXJF_OK; frees the message either way. */
  static void check(int status, PointerByReference error) {
    check(status, error, null);
  }

  /** As {@link #check(int, PointerByReference)}, with the error answer of a refused query. */
  static void check(int status, PointerByReference error, String answer) {
    String message = take(error);
    if (status != Status.OK.code()) {
      throw new CxjfException(status, message != null ? message : LIB.cxjf_status_name(status), answer);
    }
  }

  /** The UTF-8 string a {@code char**} output received, freed; null for NULL. */
  static String take(PointerByReference ref) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      LIB.cxjf_free(p);
    }
  }

  /** The bytes of the NUL-terminated string a {@code char**} output received, freed; null for NULL. */
  static byte[] takeUtf8(PointerByReference ref) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getByteArray(0, Math.toIntExact(p.indexOf(0, (byte) 0)));
    } finally {
      LIB.cxjf_free(p);
    }
  }

  /** The {@code size} bytes a {@code char**} output received, freed; null for NULL. */
  static byte[] takeBytes(PointerByReference ref, long size) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getByteArray(0, Math.toIntExact(size));
    } finally {
      LIB.cxjf_free(p);
    }
  }
}
