package org.cxjf;

/** The levels at which enterprises are ranked (cxjf_rank_level). */
public enum RankLevel {
  /** National (全国). */
  NATIONAL,
  /** In the province (省). */
  PROVINCE,
  /** In the city (设区市). */
  CITY,
  /** In the county (区县). */
  COUNTY,
  /** In the national high-tech zone (国家高新区). */
  ZONE,
  /** In the incubator (孵化器). */
  INCUBATOR,
  /** In the peer group the enterprise was compared in. */
  PEER_GROUP
}
