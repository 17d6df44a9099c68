package org.cxjf;

/** The character encoding of an upload (cxjf_encoding). */
public enum Encoding {
  /** A UTF-8 byte-order mark or valid UTF-8, else GB18030. */
  AUTO,
  /** UTF-8. */
  UTF8,
  /** Also GBK and GB2312: Excel's CSV on Chinese Windows. */
  GB18030
}
