package org.cxjf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cxjf library: its versions, and the loading of the native library
 * (libcxjf_c, the C ABI of bindings/c/cxjf.h).
 *
 * <p>The jar carries the native library for the platforms it was built on,
 * in {@code org/cxjf/native/<platform>/} (JNA's platform names, e.g.
 * {@code linux-x86-64}), with the shared libraries it needs beyond the C and
 * C++ runtimes (libsodium, libzip, zstd, expat, libxlsxwriter and theirs,
 * listed in {@code libraries.txt} in the order they are loaded); at first
 * use they are extracted to a temporary folder and loaded, as JNA,
 * sqlite-jdbc and xgboost4j do, so nothing but the JVM and the C and C++
 * runtimes need be installed. The system property
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
      name = extractCarried(what);
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
   * Extracts the platform's folder of the jar to a new temporary folder,
   * loads the libraries of libraries.txt in their order (each then satisfies
   * libcxjf_c's need of its soname), and returns libcxjf_c's path. The
   * folder is removed when the JVM exits.
   */
  private static String extractCarried(String what) {
    String folder = NATIVE_FOLDER + Platform.RESOURCE_PREFIX + "/";
    String library = System.mapLibraryName("cxjf_c");
    Path dir = null;
    String loading = library;
    try {
      List<String> needed = new ArrayList<>();
      InputStream list = Cxjf.class.getResourceAsStream(folder + "libraries.txt");
      if (list != null) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.trim().isEmpty()) needed.add(line.trim());
          }
        }
      }
      String base = System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
      dir = Files.createTempDirectory(Paths.get(base), "cxjf-native-");
      dir.toFile().deleteOnExit();
      List<String> files = new ArrayList<>(needed);
      files.add(library);
      for (String file : files) {
        loading = file;
        try (InputStream in = Cxjf.class.getResourceAsStream(folder + file)) {
          if (in == null) throw new IOException("the jar lacks " + folder + file);
          Path to = dir.resolve(file);
          Files.copy(in, to);
          to.toFile().deleteOnExit();
        }
      }
      for (String file : needed) {
        loading = file;
        System.load(dir.resolve(file).toString());
      }
      return dir.resolve(library).toString();
    } catch (IOException e) {
      throw new CxjfException(Status.IO.code(), "cannot extract " + what + " (" + loading + ") to a temporary folder: "
          + e.getMessage() + ": make the temporary folder writable (java.io.tmpdir or jna.tmpdir) and call again", null);
    } catch (UnsatisfiedLinkError e) {
      throw new CxjfException(Status.IO.code(), "cannot load " + loading + " that this jar carries for "
          + Platform.RESOURCE_PREFIX + ": " + e.getMessage() + ". Pass -Dcxjf.library=/path/to/libcxjf_c.so.1 built"
          + " on this system (bindings/c/README.md), then call again", null);
    }
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
