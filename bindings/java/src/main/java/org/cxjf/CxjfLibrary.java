package org.cxjf;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The functions of bindings/c/cxjf.h as JNA sees them, one to one. Private to
 * the package: the classes around it own the handles and the memory. Handles
 * are {@link Pointer}s, {@code char**} outputs {@link PointerByReference}s, C
 * enums {@code int}s. cxjf.h documents every function.
 */
interface CxjfLibrary extends Library {

  /** {@code size_t}: as wide as a pointer on the platforms cxjf supports. */
  final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() {
      this(0);
    }

    public SizeT(long value) {
      super(Native.SIZE_T_SIZE, value, true);
    }
  }

  /** {@code size_t*}. */
  final class SizeTByReference extends ByReference {
    public SizeTByReference() {
      super(Native.SIZE_T_SIZE);
    }

    public long getValue() {
      return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0) : getPointer().getInt(0) & 0xffffffffL;
    }
  }

  String cxjf_version();

  int cxjf_abi_version();

  String cxjf_status_name(int status);

  void cxjf_free(Pointer p);

  // Models
  int cxjf_model_default(PointerByReference out, PointerByReference error);

  int cxjf_model_builtin(String id, PointerByReference out, PointerByReference error);

  int cxjf_model_from_json(String json, PointerByReference out, PointerByReference error);

  int cxjf_model_from_file(String path, PointerByReference out, PointerByReference error);

  int cxjf_model_to_json(Pointer model, PointerByReference json, PointerByReference error);

  int cxjf_model_upload_template(Pointer model, PointerByReference csv, PointerByReference error);

  int cxjf_model_upload_template_xlsx(Pointer model, PointerByReference bytes, SizeTByReference size,
                                      PointerByReference error);

  int cxjf_model_destroy(PointerByReference model);

  // Columns
  int cxjf_columns_create(long n, PointerByReference out, PointerByReference error);

  int cxjf_columns_set_text(Pointer columns, String column, String[] values, PointerByReference error);

  int cxjf_columns_set_int32(Pointer columns, String column, int[] values, PointerByReference error);

  int cxjf_columns_set_indicators(Pointer columns, int k, String[] ids, double[] values, int layout,
                                  PointerByReference error);

  int cxjf_columns_destroy(PointerByReference columns);

  // Snapshots
  int cxjf_snapshot_score_columns(Pointer model, Pointer columns, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_score_csv(Pointer model, byte[] csv, SizeT size, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_score_csv_file(Pointer model, String path, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_generate(Pointer model, long n, long seed, double unregisteredShare, PointerByReference out,
                             PointerByReference error);

  int cxjf_snapshot_load(String path, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_save(Pointer snapshot, String path, PointerByReference error);

  int cxjf_snapshot_load_signed(String path, String publicKey, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_save_signed(Pointer snapshot, String path, String secretKey, PointerByReference error);

  int cxjf_snapshot_destroy(PointerByReference snapshot);

  int cxjf_snapshot_model(Pointer snapshot, PointerByReference out, PointerByReference error);

  int cxjf_snapshot_size(Pointer snapshot, LongByReference n, PointerByReference error);

  int cxjf_snapshot_decimals(Pointer snapshot, com.sun.jna.ptr.IntByReference decimals, PointerByReference error);

  int cxjf_snapshot_published_units(Pointer snapshot, long[] buffer, SizeT capacity, SizeTByReference count,
                                    PointerByReference error);

  int cxjf_snapshot_published_scores(Pointer snapshot, double[] buffer, SizeT capacity, SizeTByReference count,
                                     PointerByReference error);

  int cxjf_snapshot_grades(Pointer snapshot, int[] buffer, SizeT capacity, SizeTByReference count,
                           PointerByReference error);

  int cxjf_snapshot_ranks(Pointer snapshot, int level, int[] buffer, SizeT capacity, SizeTByReference count,
                          PointerByReference error);

  int cxjf_snapshot_order(Pointer snapshot, long[] buffer, SizeT capacity, SizeTByReference count,
                          PointerByReference error);

  int cxjf_snapshot_credit_codes(Pointer snapshot, byte[] buffer, SizeT capacity, SizeTByReference size,
                                 PointerByReference error);

  int cxjf_snapshot_ledger(Pointer snapshot, long row, PointerByReference json, PointerByReference error);

  // Queries
  int cxjf_snapshot_build_index(Pointer snapshot, PointerByReference error);

  int cxjf_query(Pointer snapshot, String request, PointerByReference answer, PointerByReference error);

  int cxjf_detail(Pointer snapshot, String role, String code, String creditCode, PointerByReference answer,
                  PointerByReference error);

  int cxjf_export(Pointer snapshot, String request, PointerByReference content, SizeTByReference size,
                  PointerByReference error);

  // Estimation
  int cxjf_snapshot_set_upload_limits(Pointer snapshot, long[] limits, PointerByReference error);

  int cxjf_snapshot_upload_limits(Pointer snapshot, long[] limits, PointerByReference error);

  int cxjf_estimate(Pointer snapshot, byte[] upload, SizeT size, int encoding, String role, String code, int options,
                    PointerByReference record, PointerByReference results, PointerByReference errors,
                    PointerByReference error);

  int cxjf_estimate_workbook(Pointer snapshot, byte[] upload, SizeT size, int encoding, String role, String code,
                             int options, PointerByReference record, PointerByReference results,
                             SizeTByReference resultsSize, PointerByReference error);

  int cxjf_estimate_file(Pointer snapshot, String path, int encoding, String role, String code, int options,
                         PointerByReference record, PointerByReference results, PointerByReference errors,
                         PointerByReference error);

  // Population analyses
  int cxjf_compare(Pointer before, Pointer after, String request, PointerByReference answer, PointerByReference error);

  int cxjf_compare_model(Pointer snapshot, Pointer model, String request, PointerByReference answer,
                         PointerByReference error);

  int cxjf_distribution(Pointer snapshot, String request, PointerByReference answer, PointerByReference error);

  int cxjf_rank_bands(Pointer snapshot, String request, PointerByReference answer, PointerByReference error);

  int cxjf_rank_sensitivity(Pointer snapshot, String request, PointerByReference answer, PointerByReference error);
}
