/* Layer 3, LockOpsH: the hardware ticket lock seen as a whole. Waiting for a
 * free lock appends the other CPUs' events and this CPU's WAIT_LOCK to the
 * lock's log; passing an owned lock appends this CPU's REL_LOCK. */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* VRM CalLock: lock_bound (the bound a waiter records in its WAIT_LOCK) */
static const hs_z lock_bound = 10;

/* VRM LockOpsHSpec: wait_hlock_spec */
bool wait_hlock_spec(hs_z lk, const struct RData *adt, const struct RData **out)
{
    /* only a free lock can be waited for */
    if (hs_lock_of(adt, lk) != LockFalse)
        return false;
    hs_z cpu = adt->curid;
    const struct hs_list *l = hs_log_of(adt, lk);
    const struct hs_list *orac = hs_multi_oracle(zmap_get_z(adt->oracle, lk), lk, cpu, l);
    const struct hs_list *l1 = hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, lock_bound),
                                           hs_list_append(orac, l));
    /* the new log must replay to a valid lock state */
    if (!H_CalLock(l1))
        return false;
    *out = hs_with_lock(hs_with_log(adt, lk, l1), lk, LockOwnFalse);
    return true;
}

/* VRM LockOpsHSpec: pass_hlock_spec */
bool pass_hlock_spec(hs_z lk, const struct RData *adt, const struct RData **out)
{
    /* only a lock this CPU owns read-only (LockOwn false) can be passed */
    if (hs_lock_of(adt, lk) != LockOwnFalse)
        return false;
    const struct hs_list *l1 = hs_log_cons(hs_ev_ticket(adt->curid, REL_LOCK, 0),
                                           hs_log_of(adt, lk));
    /* the new log must replay to a valid lock state */
    if (!H_CalLock(l1))
        return false;
    *out = hs_with_lock(hs_with_log(adt, lk, l1), lk, LockFalse);
    return true;
}
