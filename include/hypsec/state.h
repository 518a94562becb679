/* Building and reading states: the nested functional updates the specs write
 * as adt {shared: ...}, log events, and the seeded oracles. Exported (hs_),
 * for tools that build their own states. */
#ifndef HYPSEC_STATE_H
#define HYPSEC_STATE_H

#include "hypsec/rdata.h"

/* id @ (lock adt) as LockFalse / LockOwnFalse / LockOwnTrue. */
int hs_lock_of(const struct RData *adt, hs_z id);
/* adt {lock: (lock adt) # id == st} */
const struct RData *hs_with_lock(const struct RData *adt, hs_z id, int st);
/* id @ (log adt) */
const struct hs_list *hs_log_of(const struct RData *adt, hs_z id);
/* adt {log: (log adt) # id == l} */
const struct RData *hs_with_log(const struct RData *adt, hs_z id, const struct hs_list *l);

/* vmid @ (npts (shared adt)) */
const struct NPT *hs_npt_of(const struct RData *adt, hs_z vmid);
/* adt {shared: (shared adt) {npts: (npts (shared adt)) # vmid == npt}} */
const struct RData *hs_with_npt(const struct RData *adt, hs_z vmid, const struct NPT *npt);
/* adt {shared: s} */
const struct RData *hs_with_shared(const struct RData *adt, const struct Shared *s);

/* Event constructors: TEVENT cpu (TTICKET e) and TEVENT cpu (TSHARED e). */
const struct MultiOracleEvent *hs_ev_ticket(hs_z cpu, int tag, hs_z n);
const struct MultiOracleEvent *hs_ev_pull(hs_z cpu, hs_z id);
/* TEVENT cpu (TSHARED (OXXX obj)) for the snapshot constructors. */
const struct MultiOracleEvent *hs_ev_shared(hs_z cpu, int tag, const void *obj);
/* e :: l for a MultiOracleEvent. */
const struct hs_list *hs_log_cons(const struct MultiOracleEvent *e, const struct hs_list *l);

/* The oracles are deterministic functions of their seed (part of the state).
 * orac cpu l for the MultiOracle of seed: the events other CPUs add before
 * this CPU takes lock id; seed 0 adds none. The events always keep H_CalLock
 * valid and republish the newest snapshot of l, so generated states stay
 * consistent. */
const struct hs_list *hs_multi_oracle(hs_z seed, hs_z id, hs_z cpu, const struct hs_list *l);
/* DataOracle of seed: a value for (a, b) in [0, 2^64). */
hs_z hs_data_oracle(hs_z seed, hs_z a, hs_z b);
/* A seed whose DataOracle gives v at (a, b): hs_data_oracle(seed, a, b) == v
 * for a, b, v in [0, 2^64). Generators use it to make the oracle give the
 * value a branch needs (the hash is inverted, not searched). */
hs_z hs_data_oracle_seed(hs_z a, hs_z b, hs_z v);

#endif
