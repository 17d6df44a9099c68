package org.cxjf;

/**
 * How a bare number in a percent column of an upload is read. A cell written
 * with '%' ("12.5%") is a percent whatever the form; the form never depends
 * on other rows, so a row's estimate depends on that row only.
 */
public enum PercentForm {
  /** 12.5 means 12.5 %: the template's form, the default. */
  PERCENT,
  /** 0.125 means 12.5 %: a column exported from percentage-formatted cells as plain numbers. */
  FRACTION;

  /** The bits of cxjf_estimate's options for this form. */
  int optionBits() {
    return this == FRACTION ? 2 : 0;  // CXJF_ESTIMATE_FRACTIONS
  }
}
