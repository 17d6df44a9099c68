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

  /** The estimation record (测算记录) as JSON: id, counts, scored rows, rejected rows, cell errors. */
  public String recordJson() {
    return recordJson;
  }

  /** The results as CSV (UTF-8 with BOM), one line per scored row: what `cxjf estimate --out` writes. */
  public String resultsCsv() {
    return resultsCsv;
  }

  /** The error report as CSV (UTF-8 with BOM): what `cxjf estimate --errors` writes. */
  public String errorsCsv() {
    return errorsCsv;
  }

  /**
   * The results, error report and record as one Excel workbook (.xlsx bytes),
   * from {@link Snapshot#estimateWorkbook}; null from the CSV estimates.
   */
  public byte[] resultsWorkbook() {
    return resultsWorkbook == null ? null : resultsWorkbook.clone();
  }
}
