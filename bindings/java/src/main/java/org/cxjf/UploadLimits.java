package org.cxjf;

/**
 * What one upload may cost (docs/upload.md, "Limits"): past {@code maxBytes}
 * or {@code maxRows} an estimate fails with {@link Status#INVALID_INPUT}; a
 * row past {@code maxColumns}, {@code maxCellBytes} or {@code maxRowBytes} is
 * rejected (in the record and the error report) and reading goes on. Read the
 * limits in force with {@link Snapshot#uploadLimits()}, change them with
 * {@link Snapshot#setUploadLimits(UploadLimits)}, where 0 keeps a value.
 */
public final class UploadLimits {
  /** The file, in bytes. */
  public final long maxBytes;
  /** Data rows. */
  public final long maxRows;
  /** Cells of the header or of a row. */
  public final long maxColumns;
  /** One cell after unquoting, in bytes. */
  public final long maxCellBytes;
  /** One row as written, in bytes. */
  public final long maxRowBytes;

  /**
   * Limits with these values (0: keep the current one when set).
   *
   * @param maxBytes the file, in bytes
   * @param maxRows data rows
   * @param maxColumns cells of the header or of a row
   * @param maxCellBytes one cell after unquoting, in bytes
   * @param maxRowBytes one row as written, in bytes
   */
  public UploadLimits(long maxBytes, long maxRows, long maxColumns, long maxCellBytes, long maxRowBytes) {
    this.maxBytes = maxBytes;
    this.maxRows = maxRows;
    this.maxColumns = maxColumns;
    this.maxCellBytes = maxCellBytes;
    this.maxRowBytes = maxRowBytes;
  }

  /**
   * These limits with another row limit.
   *
   * @param rows the new limit of data rows
   * @return new limits: {@code rows} and the other values of these
   */
  public UploadLimits withMaxRows(long rows) {
    return new UploadLimits(maxBytes, rows, maxColumns, maxCellBytes, maxRowBytes);
  }

  long[] toArray() {
    return new long[] {maxBytes, maxRows, maxColumns, maxCellBytes, maxRowBytes};
  }
}
