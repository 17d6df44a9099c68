package org.cxjf;

/**
 * A failure reported by the cxjf library: its status and its message (which
 * says what went wrong and what to fix). A refused query also carries the
 * error answer document, which a portal can send to its client as it is.
 */
public class CxjfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String answer;

  public CxjfException(int code, String message, String answer) {
    super(message);
    this.code = code;
    this.answer = answer;
  }

  /** Why the call failed. */
  public Status getStatus() {
    return Status.of(code);
  }

  /** The status number as the library returned it (also for {@link Status#UNKNOWN}). */
  public int getCode() {
    return code;
  }

  /**
   * For a refused query ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   * {@link Status#NOT_FOUND} from {@link Snapshot#query} or {@link Snapshot#detail}),
   * the error answer {@code {"error": {"code": ..., "message": ..., "path": ...}}};
   * otherwise null.
   */
  public String getAnswer() {
    return answer;
  }

  @Override
  public String toString() {
    return "CxjfException[" + getStatus() + "]: " + getMessage();
  }
}
