package org.cxjf;

import static org.cxjf.Cxjf.lib;
import static org.cxjf.Cxjf.check;
import static org.cxjf.Cxjf.take;
import static org.cxjf.Cxjf.takeBytes;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.cxjf.CxjfLibrary.SizeTByReference;

/**
 * An indicator scheme (docs/model.md): how raw indicator values become a
 * score. Validated when created; immutable; safe to share between threads.
 * Close it when done (snapshots keep their own copy).
 */
public final class Model extends NativeHandle {
  Model(Pointer handle) {
    super(handle, "Model");
  }

  /**
   * The embedded default, torch-2022 (18 public indicators, illustrative weights).
   *
   * @return the new model (close it when done)
   */
  public static Model defaultModel() {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_model_default(out, error), error);
    return new Model(out.getValue());
  }

  /**
   * An embedded model by id: "torch-2022" or "torch-2025-trial" ({@link Status#NOT_FOUND} otherwise).
   *
   * @param id the embedded model's id: torch-2022 or torch-2025-trial
   * @return the new model (close it when done)
   */
  public static Model builtin(String id) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_model_builtin(id, out, error), error);
    return new Model(out.getValue());
  }

  /**
   * Parses and validates a model document ({@link Status#INVALID_MODEL} lists every problem).
   *
   * @param json the model document as JSON text (docs/model.md)
   * @return the new model (close it when done)
   */
  public static Model fromJson(String json) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_model_from_json(json, out, error), error);
    return new Model(out.getValue());
  }

  /**
   * Reads a model file.
   *
   * @param path the model file's path (a JSON document, docs/model.md)
   * @return the new model (close it when done)
   * @throws CxjfException {@link Status#IO} when the file is unreadable, {@link Status#INVALID_MODEL} as for
   *     {@link #fromJson}
   */
  public static Model fromFile(String path) {
    PointerByReference out = new PointerByReference();
    PointerByReference error = new PointerByReference();
    check(lib().cxjf_model_from_file(path, out, error), error);
    return new Model(out.getValue());
  }

  /**
   * The model as JSON (what {@link #fromJson} reads back into the same model).
   *
   * @return the model document as JSON text
   */
  public String toJson() {
    return use(h -> {
      PointerByReference json = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_model_to_json(h, json, error), error);
      return take(json);
    });
  }

  /**
   * The upload template as CSV text (docs/upload.md), without the byte-order mark the file carries.
   *
   * @return the template's CSV text
   */
  public String uploadTemplate() {
    return use(h -> {
      PointerByReference csv = new PointerByReference();
      PointerByReference error = new PointerByReference();
      check(lib().cxjf_model_upload_template(h, csv, error), error);
      return take(csv);
    });
  }

  /**
   * The upload template as an Excel workbook (.xlsx): a sheet 填写说明 (how to
   * fill it), the sheet 上传模板 with the CSV template's rows, credit codes
   * and region codes formatted as text, drop-down lists (docs/upload.md).
   *
   * @return the workbook's bytes
   */
  public byte[] uploadTemplateXlsx() {
    return use(h -> {
      PointerByReference bytes = new PointerByReference();
      SizeTByReference size = new SizeTByReference();
      PointerByReference error = new PointerByReference();
      int status = lib().cxjf_model_upload_template_xlsx(h, bytes, size, error);
      byte[] out = takeBytes(bytes, size.getValue());
      check(status, error);
      return out;
    });
  }

  @Override
  int destroy(PointerByReference handle) {
    return lib().cxjf_model_destroy(handle);
  }
}
