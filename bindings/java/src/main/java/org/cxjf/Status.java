package org.cxjf;

/** The status codes of the C ABI (cxjf_status in cxjf.h); the numbers never change. */
public enum Status {
  /** Success. */
  OK(0),
  /** A value the function cannot take, or a malformed query request (the message starts with its JSON path). */
  INVALID_ARGUMENT(1),
  /** A model document failed validation; the message lists every problem with its JSON path. */
  INVALID_MODEL(2),
  /** CSV text or enterprise data is malformed; the message names the row and the column. */
  INVALID_INPUT(3),
  /** A file could not be read or written. */
  IO(4),
  /** A snapshot file is truncated, damaged, foreign or of another format. */
  CORRUPT_SNAPSHOT(5),
  /** Absent, or outside the principal's scope: the two are not told apart. */
  NOT_FOUND(6),
  /** The principal's role may not ask this query. */
  FORBIDDEN(7),
  /** A required argument is null; the message names it. */
  NULL_ARGUMENT(8),
  /** A handle of the wrong kind, or one already destroyed. */
  WRONG_HANDLE(9),
  /** An allocation failed. */
  OUT_OF_MEMORY(10),
  /** A caller-owned buffer is too small. */
  BUFFER_TOO_SMALL(11),
  /** A bug in cxjf: please report it with the message. */
  INTERNAL(99),
  /** A status this jar does not know (from a newer library). */
  UNKNOWN(-1);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  /**
   * The number, as cxjf.h defines it.
   *
   * @return the status number
   */
  public int code() {
    return code;
  }

  /**
   * The status with this number, or {@link #UNKNOWN}.
   *
   * @param code the status number as the library returned it
   * @return the status, {@link #UNKNOWN} for a number this jar does not know
   */
  public static Status of(int code) {
    for (Status s : values()) {
      if (s.code == code) return s;
    }
    return UNKNOWN;
  }
}
