package org.cxjf;

import static org.cxjf.Cxjf.check;
import static org.cxjf.Cxjf.lib;
import static org.cxjf.Cxjf.take;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * What a scheme's designers ask of a whole year (docs/population.md): a
 * changed model or the next year compared with this one, score distributions
 * by group, rank bands under drawn weights and the ranks' sensitivity to
 * each weight. Each takes a request document naming its principal and the
 * analysis's options and returns the answer document as JSON text, as
 * cxjf.h's "Population analyses" describe; only the torch_center role may
 * ask (any other gets {@link Status#FORBIDDEN}).
 */
public final class Population {
  private Population() {}

  /** One of the C functions that take a snapshot and a request. */
  private interface OnSnapshot {
    int call(Pointer snapshot, String request, PointerByReference answer, PointerByReference error);
  }

  private static String run(Snapshot snapshot, String requestJson, OnSnapshot f) {
    return snapshot.use(h -> answer((answer, error) -> f.call(h, requestJson, answer, error)));
  }

  /** A call filling an answer and an error. */
  private interface Answering {
    int call(PointerByReference answer, PointerByReference error);
  }

  private static String answer(Answering call) {
    PointerByReference answer = new PointerByReference();
    PointerByReference error = new PointerByReference();
    int status = call.call(answer, error);
    String text = take(answer);
    check(status, error);
    return text;
  }

  /**
   * Two years compared, matched by credit code: entrants and leavers, score,
   * rank and grade changes, list entries and exits per region, rank
   * correlations, biggest movers and each indicator's PSI.
   *
   * @param before the earlier snapshot
   * @param after the later snapshot
   * @param requestJson {"principal": {"role": "torch_center"}, "movers", "psi_bins", "threads"}
   * @return the comparison document as JSON text
   * @throws CxjfException {@link Status#FORBIDDEN} for another role, {@link Status#INVALID_ARGUMENT} for a bad
   *     request
   */
  public static String compare(Snapshot before, Snapshot after, String requestJson) {
    return before.use(b -> after.use(a -> answer((answer, error) -> lib().cxjf_compare(b, a, requestJson, answer, error))));
  }

  /**
   * A snapshot's enterprises scored under another model, compared with the
   * snapshot.
   *
   * @param snapshot the snapshot
   * @param model the other model; it must read indicators the snapshot has
   * @param requestJson as for {@link #compare}
   * @return the comparison document as JSON text
   * @throws CxjfException as {@link #compare}
   */
  public static String compareModel(Snapshot snapshot, Model model, String requestJson) {
    return snapshot.use(s -> model.use(m -> answer((answer, error) -> lib().cxjf_compare_model(s, m, requestJson, answer, error))));
  }

  /**
   * Score distributions by province, zone, stage or industry, and the peer
   * groups' fallbacks.
   *
   * @param snapshot the snapshot
   * @param requestJson {"principal": {"role": "torch_center"}, "by": "province" | "zone" | "stage" | "industry"}
   * @return {"groups": [...], "peer_fallbacks": [...]} as JSON text
   * @throws CxjfException as {@link #compare}
   */
  public static String distribution(Snapshot snapshot, String requestJson) {
    return run(snapshot, requestJson, lib()::cxjf_distribution);
  }

  /**
   * Every enterprise's national rank band under drawn weights, in nominal
   * rank order.
   *
   * @param snapshot the snapshot
   * @param requestJson {"principal": {"role": "torch_center"}, "draws", "first_draw", "seed", "spread",
   *     "concentration", "ties", "missing", "threads", "top"}
   * @return {"draws", "enterprises", "rows": [...]} as JSON text
   * @throws CxjfException as {@link #compare}
   */
  public static String rankBands(Snapshot snapshot, String requestJson) {
    return run(snapshot, requestJson, lib()::cxjf_rank_bands);
  }

  /**
   * First-order and total sensitivity indices of the national rank and of
   * list membership to each weight (and rule) drawn.
   *
   * @param snapshot the snapshot
   * @param requestJson {"principal": {"role": "torch_center"}, "samples", "seed", "spread", "concentration",
   *     "ties", "missing", "threads"}
   * @return {"samples", "evaluations", "inputs": [...]} as JSON text
   * @throws CxjfException as {@link #compare}
   */
  public static String rankSensitivity(Snapshot snapshot, String requestJson) {
    return run(snapshot, requestJson, lib()::cxjf_rank_sensitivity);
  }
}
