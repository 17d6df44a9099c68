package org.cxjf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost of JNA on an overview query: the same three requests as
 * benchmarks/c_abi_bench.cpp, on the same national sample (520,000
 * enterprises, seed 42, none unregistered), timed call by call through
 * {@link Snapshot#query}; compare the medians with that benchmark's
 * BM_CAbiQuery and BM_CppQueryJson. Run by hand (it needs a few GB and a
 * minute):
 *
 *   mvn -f bindings/java/pom.xml test -Dcxjf.build.dir=$PWD/build -Dcxjf.bench=true -Dtest=QueryOverheadBenchmark
 */
@EnabledIfSystemProperty(named = "cxjf.bench", matches = "true")
class QueryOverheadBenchmark {
  private static double medianMicros(Runnable call, int warmup, int runs) {
    for (int i = 0; i < warmup; ++i) call.run();
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; ++i) {
      long start = System.nanoTime();
      call.run();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[runs / 2] / 1000.0;
  }

  @Test
  void overviewQueriesThroughJna() {
    try (Model model = Model.defaultModel();
         Snapshot s = Snapshot.generate(model, 520000, 42, 0.0)) {
      s.buildIndex();
      assertEquals(520000, s.size());
      String first = s.creditCodes()[(int) s.order()[0]];
      String[] names = {"overview", "county_list", "detail"};
      String[] requests = {
          "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"overview\"}",
          "{\"principal\": {\"role\": \"county\", \"code\": \"440305\"}, \"kind\": \"list\", \"list\": {\"page\": 1, \"page_size\": 20}}",
          "{\"principal\": {\"role\": \"torch_center\"}, \"kind\": \"detail\", \"credit_code\": \"" + first + "\"}"};
      int[] runs = {2000, 20000, 4000};
      for (int r = 0; r < requests.length; ++r) {
        final String request = requests[r];
        final int[] bytes = new int[2];
        double median = medianMicros(() -> bytes[0] = s.query(request).length(), runs[r], runs[r]);
        // Where the time goes: the same call with the answer freed undecoded.
        double raw = medianMicros(() -> s.use(h -> {
          com.sun.jna.ptr.PointerByReference answer = new com.sun.jna.ptr.PointerByReference();
          Cxjf.lib().cxjf_query(h, request, answer, null);
          Cxjf.lib().cxjf_free(answer.getValue());
          return null;
        }), runs[r], runs[r]);
        double utf8 = medianMicros(() -> bytes[1] = s.queryUtf8(request).length, runs[r], runs[r]);
        System.out.printf("JNA %-12s query %9.1f us, queryUtf8 %9.1f us, without reading the answer %9.1f us"
            + "  (%d bytes, %d runs)%n", names[r], median, utf8, raw, bytes[1], runs[r]);
      }
      // The floor: a call that does nothing but cross into the library and back.
      double trivial = medianMicros(s::decimals, 20000, 200000);
      System.out.printf("JNA %-12s       %9.2f us  (cxjf_snapshot_decimals)%n", "trivial", trivial);
    }
  }
}
