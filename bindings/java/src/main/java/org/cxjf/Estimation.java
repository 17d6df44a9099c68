package org.cxjf;

/** The outcome of an estimate (导入测算): see {@link Snapshot#estimate}. */
public final class Estimation {
  private final String recordJson;
  private final String resultsCsv;
  private final String errorsCsv;

  Estimation(String recordJson, String resultsCsv, String errorsCsv) {
    this.recordJson = recordJson;
    this.resultsCsv = resultsCsv;
    this.errorsCsv = errorsCsv;
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
}
