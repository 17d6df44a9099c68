package org.cxjf;

/** The outcome of an estimate (导入测算): see {@link Snapshot#estimate}. */
public final class Estimation {
  private final String recordJson;
  private final String resultsCsv;
  private final String errorsCsv;
  private final byte[] resultsWorkbook;

  Estimation(String recordJson, String resultsCsv, String errorsCsv, byte[] resultsWorkbook) {
    this.recordJson = recordJson;
    this.resultsCsv = resultsCsv;
    this.errorsCsv = errorsCsv;
    this.resultsWorkbook = resultsWorkbook;
  }

  /**
   * The estimation record (测算记录) as JSON: id, counts, scored rows, rejected rows, cell errors.
   *
   * @return the record as JSON text (docs/estimation.md)
   */
  public String recordJson() {
    return recordJson;
  }

  /**
   * The results as CSV text, one line per scored row: what {@code cxjf estimate --out}
   * writes, without the byte-order mark (add one when writing a file for Excel).
   *
   * @return the results CSV
   */
  public String resultsCsv() {
    return resultsCsv;
  }

  /**
   * The error report as CSV text: what {@code cxjf estimate --errors} writes,
   * without the byte-order mark.
   *
   * @return the error report CSV
   */
  public String errorsCsv() {
    return errorsCsv;
  }

  /**
   * The results, error report and record as one Excel workbook (.xlsx bytes),
   * from {@link Snapshot#estimateWorkbook}; null from the CSV estimates.
   *
   * @return a copy of the workbook's bytes, or null from the CSV estimates
   */
  public byte[] resultsWorkbook() {
    return resultsWorkbook == null ? null : resultsWorkbook.clone();
  }
}
