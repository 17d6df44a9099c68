package org.cxjf;

/** The levels at which enterprises are ranked (cxjf_rank_level). */
public enum RankLevel {
  NATIONAL,
  PROVINCE,
  CITY,
  COUNTY,
  ZONE,
  INCUBATOR,
  PEER_GROUP
}
