package org.cxjf;

/**
 * A failure reported by the cxjf library: its status and its message (which
 * says what went wrong and what to fix). A refused query also carries the
 * error answer document, which a portal can send to its client as it is.
 */
public class CxjfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status number as the library returned it. */
  private final int code;
  /** The error answer of a refused query, or null. */
  private final String answer;

  /**
   * A failure with its status, message and, for a refused query, error answer.
   *
   * @param code the status number as the library returned it (cxjf_status)
   * @param message what went wrong and what to fix
   * @param answer the error answer document of a refused query, or null
   */
  public CxjfException(int code, String message, String answer) {
    super(message);
    this.code = code;
    this.answer = answer;
  }

  /**
   * Why the call failed.
   *
   * @return the status, {@link Status#UNKNOWN} for a number this jar does not know
   */
  public Status getStatus() {
    return Status.of(code);
  }

  /**
   * The status number as the library returned it (also for {@link Status#UNKNOWN}).
   *
   * @return the status number
   */
  public int getCode() {
    return code;
  }

  /**
   * For a refused query ({@link Status#INVALID_ARGUMENT}, {@link Status#FORBIDDEN},
   * {@link Status#NOT_FOUND} from {@link Snapshot#query} or {@link Snapshot#detail}),
   * the error answer {@code {"error": {"code": ..., "message": ..., "path": ...}}};
   * otherwise null.
   *
   * @return the error answer as JSON text, or null when the failure is not a refused query
   */
  public String getAnswer() {
    return answer;
  }

  @Override
  public String toString() {
    return "CxjfException[" + getStatus() + "]: " + getMessage();
  }
}
