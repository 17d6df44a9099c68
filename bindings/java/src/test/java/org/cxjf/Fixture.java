package org.cxjf;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the tests share: the repository, the command-line program of the same
 * build, and one sample scored by that program, the documentation's
 * (20,000 enterprises, seed 42: `cxjf generate --n 20000 --seed 42`, then
 * `cxjf score`), so that the Java results can be compared with the CLI's.
 * Paths come from system properties the pom sets (cxjf.source.dir, cxjf.cli,
 * cxjf.work.dir); the library is the one the jar carries.
 */
final class Fixture {
  private Fixture() {}

  static final Path SOURCE = Paths.get(System.getProperty("cxjf.source.dir", "../..")).toAbsolutePath().normalize();
  static final Path CLI = Paths.get(System.getProperty("cxjf.cli", "../../build/cxjf")).toAbsolutePath().normalize();
  static final Path WORK = Paths.get(System.getProperty("cxjf.work.dir", "target/cxjf-test")).toAbsolutePath();

  /** A finished run of the CLI. */
  static final class Run {
    final int exit;
    final String out;
    final String err;

    Run(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  /** Runs the cxjf program with these arguments in the work directory. */
  static Run cli(String... args) {
    List<String> command = new ArrayList<String>();
    command.add(CLI.toString());
    command.addAll(Arrays.asList(args));
    try {
      Files.createDirectories(WORK);
      File errFile = WORK.resolve("cli-stderr.txt").toFile();
      Process p = new ProcessBuilder(command).directory(WORK.toFile()).redirectError(errFile).start();
      String out = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
      int exit = p.waitFor();
      String err = new String(Files.readAllBytes(errFile.toPath()), StandardCharsets.UTF_8);
      return new Run(exit, out, err);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e, e);
    }
  }

  /** Runs the CLI and requires it to succeed. */
  static Run cliOk(String... args) {
    Run run = cli(args);
    if (run.exit != 0) {
      throw new IllegalStateException("cxjf " + String.join(" ", args) + " failed (" + run.exit + "): " + run.err);
    }
    return run;
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[65536];
    for (int r; (r = in.read(chunk)) > 0; ) buffer.write(chunk, 0, r);
    return buffer.toByteArray();
  }

  /** A CSV file the CLI wrote, as the Java API returns CSV text: without the byte-order mark. */
  static String readCsv(Path path) {
    String text = read(path);
    assertBom(text, path);
    return text.substring(1);
  }

  private static void assertBom(String text, Path path) {
    if (!text.startsWith("\uFEFF")) throw new IllegalStateException(path + " has no byte-order mark");
  }

  static String read(Path path) {
    try {
      return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  static void write(Path path, String text) {
    try {
      Files.write(path, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + path, e);
    }
  }

  /** The documentation's sample, scored by the CLI: sample.csv, scores.csv, sample.snap. */
  static final class Sample {
    static final int N = 20000;
    static final long SEED = 42;
    static final Path CSV = WORK.resolve("sample.csv");
    static final Path SCORES = WORK.resolve("scores.csv");
    static final Path SNAPSHOT = WORK.resolve("sample.snap");

    static {
      cliOk("generate", "--n", String.valueOf(N), "--seed", String.valueOf(SEED), "--out", CSV.toString());
      cliOk("score", "--input", CSV.toString(), "--out", SCORES.toString(), "--snapshot", SNAPSHOT.toString());
    }

    /** Touching this runs the CLI once per JVM. */
    static void ensure() {}
  }

  /** Parses CSV text (RFC 4180: quoted fields, doubled quotes); a leading BOM is skipped. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> records = new ArrayList<List<String>>();
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    List<String> record = new ArrayList<String>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (; i < text.length(); ++i) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') ++i;
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<String>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }

  /** Published units as the text the CLI prints, e.g. 8520 with 2 decimals -> "85.20". */
  static String scoreText(long units, int decimals) {
    if (decimals == 0) return Long.toString(units);
    long scale = 1;
    for (int d = 0; d < decimals; ++d) scale *= 10;
    String fraction = Long.toString(Math.abs(units % scale));
    while (fraction.length() < decimals) fraction = "0" + fraction;
    return (units < 0 ? "-" : "") + Math.abs(units / scale) + "." + fraction;
  }

  /** Text without the one newline the CLI adds after a document. */
  static String chomp(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
