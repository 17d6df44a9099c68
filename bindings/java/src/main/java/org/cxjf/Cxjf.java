package org.cxjf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * The cxjf library: its versions, and the loading of the native library
 * (libcxjf_c, the C ABI of bindings/c/cxjf.h).
 *
 * <p>The jar carries the native library for the platforms it was built on,
 * in {@code org/cxjf/native/<platform>/} (JNA's platform names, e.g.
 * {@code linux-x86-64}); at first use it is extracted to a temporary file
 * and loaded, as JNA, sqlite-jdbc and xgboost4j do. The system property
 * {@code cxjf.library} names a library file to load instead (e.g.
 * {@code /opt/cxjf/lib/libcxjf_c.so.1}); on a platform the jar carries
 * nothing for, the library is searched the way JNA searches
 * ({@code jna.library.path}, then the system's library path).
 *
 * <p>A library that cannot be loaded, or is of another ABI version, makes
 * the call throw {@link CxjfException} (status {@link Status#IO}) saying what
 * to do; a later call tries again, so a service can recover once the cause
 * is fixed, without restarting its JVM.
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

  /** Where the jar keeps its native libraries: a folder per JNA platform prefix. */
  static final String NATIVE_FOLDER = "/org/cxjf/native/";

  private static volatile CxjfLibrary lib;
  private static volatile String loadedFrom;

  private Cxjf() {}

  /** The library, loaded at the first call; throws CxjfException while it cannot be. */
  static CxjfLibrary lib() {
    CxjfLibrary loaded = lib;
    if (loaded != null) return loaded;
    synchronized (Cxjf.class) {
      if (lib == null) lib = open();
      return lib;
    }
  }

  private static CxjfLibrary open() {
    String explicit = System.getProperty("cxjf.library");
    String resource = NATIVE_FOLDER + Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName("cxjf_c");
    String what;
    String name;
    if (explicit != null && !explicit.isEmpty()) {
      what = "the file of -Dcxjf.library, " + explicit;
      name = explicit;
    } else if (Cxjf.class.getResource(resource) != null) {
      what = "the library this jar carries for " + Platform.RESOURCE_PREFIX;
      try {
        name = Native.extractFromResourcePath(resource, Cxjf.class.getClassLoader()).getAbsolutePath();
      } catch (IOException e) {
        throw new CxjfException(Status.IO.code(), "cannot extract " + what + " to a temporary file: " + e.getMessage()
            + ": make the temporary folder writable (java.io.tmpdir or jna.tmpdir) and call again", null);
      }
    } else {
      what = "libcxjf_c from jna.library.path or the system's library path (this jar carries none for "
          + Platform.RESOURCE_PREFIX + ")";
      name = "cxjf_c";
    }
    CxjfLibrary loaded;
    try {
      // Every string crossing the ABI is UTF-8, whatever the JVM's default charset.
      loaded = Native.load(name, CxjfLibrary.class,
          Collections.singletonMap(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));
    } catch (UnsatisfiedLinkError e) {
      throw new CxjfException(Status.IO.code(), "cannot load " + what + ": " + e.getMessage()
          + ". Build the C ABI for this platform (cmake --build build --target cxjf_c, bindings/c/README.md) and pass"
          + " -Dcxjf.library=/path/to/libcxjf_c.so.1, then call again", null);
    }
    int abi = loaded.cxjf_abi_version();
    if (abi != ABI_VERSION) {
      throw new CxjfException(Status.IO.code(), "the loaded libcxjf_c (" + what + ", version " + loaded.cxjf_version()
          + ") has ABI " + abi + " but this cxjf jar needs ABI " + ABI_VERSION
          + ": use the library of this jar's release (unset -Dcxjf.library) or a jar of the library's", null);
    }
    loadedFrom = what;
    return loaded;
  }

  /**
   * Loads the native library now, if not yet loaded: a service calls it at
   * start-up to fail early with a clear message.
   *
   * @throws CxjfException when the library cannot be loaded (a later call tries again)
   */
  public static void load() {
    lib();
  }

  /**
   * Which library was loaded: the file of {@code -Dcxjf.library}, the one
   * this jar carries, or one from the system's library path.
   *
   * @return a description of the loaded library, loading it first if needed
   */
  public static String loadedLibrary() {
    lib();
    return loadedFrom;
  }

  /**
   * The loaded library's version.
   *
   * @return the version, e.g. "0.1.0"
   */
  public static String version() {
    return lib().cxjf_version();
  }

  /**
   * The loaded library's ABI version.
   *
   * @return the ABI version, equal to {@link #ABI_VERSION}
   */
  public static int abiVersion() {
    return lib().cxjf_abi_version();
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
      throw new CxjfException(status, message != null ? message : lib().cxjf_status_name(status), answer);
    }
  }

  /** The UTF-8 string a {@code char**} output received, freed; null for NULL. */
  static String take(PointerByReference ref) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      // The CSV texts carry a byte-order mark for Excel; a Java string has no
      // encoding to mark, so it is left out (writeCsv-style callers add one).
      String text = p.getString(0, StandardCharsets.UTF_8.name());
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } finally {
      lib().cxjf_free(p);
    }
  }

  /** The bytes of the NUL-terminated string a {@code char**} output received, freed; null for NULL. */
  static byte[] takeUtf8(PointerByReference ref) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getByteArray(0, Math.toIntExact(p.indexOf(0, (byte) 0)));
    } finally {
      lib().cxjf_free(p);
    }
  }

  /** The {@code size} bytes a {@code char**} output received, freed; null for NULL. */
  static byte[] takeBytes(PointerByReference ref, long size) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getByteArray(0, Math.toIntExact(size));
    } finally {
      lib().cxjf_free(p);
    }
  }
}
