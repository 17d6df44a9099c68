package org.cxjf;

import static org.cxjf.Cxjf.lib;
import static org.cxjf.Cxjf.check;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Enterprises as arrays, to score with {@link Snapshot#score(Model, Columns)}
 * without writing a CSV. Set credit_code, name, region_code and the
 * indicators at least; every setter copies the values. Columns follow the
 * enterprise CSV's rules (docs/input.md); see cxjf_columns_* in cxjf.h for
 * each column. Not thread-safe: fill and use it from one thread at a time.
 */
public final class Columns extends NativeHandle {
  /** How {@link #setIndicators} reads its matrix. */
  public enum Layout {
    /** values[i * k + j] is enterprise i, indicator j. */
    ROW_MAJOR,
    /** values[j * n + i] is enterprise i, indicator j. */
    COLUMN_MAJOR
  }

  private final int n;

  /**
   * Empty columns for {@code n} enterprises (1 or more).
   *
   * @param n the number of enterprises, 1 or more
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} when {@code n} is below 1
   */
  public Columns(int n) {
    super(create(n), "Columns");
    this.n = n;
  }

  private static Pointer create(int n) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_columns_create(n, out, error), error);
    return out.getValue();
  }

  /**
   * The number of enterprises.
   *
   * @return the number of enterprises, as given to the constructor
   */
  public int size() {
    return n;
  }

  /**
   * A text column: credit_code, name, zone, incubator, industry, tech_fields,
   * qualifications, negatives or stage (multi-valued ones separated by ';').
   * A null element is the empty string.
   *
   * @param column the column's template id, one of those above
   * @param values one value per enterprise, {@link #size()} of them (copied)
   * @return these columns, for chaining
   * @throws IllegalArgumentException when {@code values} does not hold {@link #size()} values
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for an unknown column
   */
  public Columns setText(String column, String[] values) {
    requireLength(values.length, n, column);
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_columns_set_text(h, column, values, error), error);
      return null;
    });
    return this;
  }

  /**
   * An integer column: region_code (GB/T 2260, e.g. 440305) or founded (YYYYMMDD, 0 unknown).
   *
   * @param column the column's template id, one of those above
   * @param values one value per enterprise, {@link #size()} of them (copied)
   * @return these columns, for chaining
   * @throws IllegalArgumentException when {@code values} does not hold {@link #size()} values
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for an unknown column
   */
  public Columns setInt32(String column, int[] values) {
    requireLength(values.length, n, column);
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_columns_set_int32(h, column, values, error), error);
      return null;
    });
    return this;
  }

  /**
   * The indicator values, n x ids.length doubles (NaN for missing) in the
   * model's units. The model's indicators must all be among {@code ids}.
   *
   * @param ids the model indicator ids of the matrix's columns, e.g. "rd_expense" (no id twice)
   * @param values n x ids.length doubles, laid out as {@code layout} says (copied)
   * @param layout how {@code values} is laid out: {@link Layout#ROW_MAJOR} or {@link Layout#COLUMN_MAJOR}
   * @return these columns, for chaining
   * @throws IllegalArgumentException when {@code values} does not hold n x ids.length values
   * @throws CxjfException {@link Status#INVALID_ARGUMENT} for no ids, or an empty or repeated id
   */
  public Columns setIndicators(String[] ids, double[] values, Layout layout) {
    requireLength(values.length, (long) n * ids.length, "indicators");
    use(h -> {
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_columns_set_indicators(h, ids.length, ids, values, layout.ordinal(), error), error);
      return null;
    });
    return this;
  }

  // The C side reads exactly n values: a shorter Java array would be read past its end.
  private static void requireLength(long length, long expected, String what) {
    if (length != expected) {
      throw new IllegalArgumentException(what + ": " + length + " values given, " + expected + " expected");
    }
  }

  @Override
  int destroy(PointerByReference handle) {
    return lib().cxjf_columns_destroy(handle);
  }
}
