/* Layer NPTOps: the stage-2 table operations as atomic steps of one CPU. Each
 * takes the VM's table lock (pulling the table other CPUs published), acts on
 * the abstract view, and releases the lock (publishing the table). */
#include "hypsec/prims.h"
#include "hypsec/commlib.h"
#include "hypsec/npt.h"

/* What acquiring the lock of vmid's table gives: its log id, this CPU, the
 * table pulled from the other CPUs' events, and the log with the acquisition. */
struct pt_pull {
    hs_z id, cpu;
    const struct NPT *npt;
    const struct hs_list *log1;
};

/* The pull of vmid's table by the current CPU (lock free, not halted). */
static void pull_npt(const struct RData *adt, hs_z vmid, struct pt_pull *p)
{
    p->id = hs_z_add(NPT_ID, vmid);
    p->cpu = adt->curid;
    const struct hs_list *l = hs_log_of(adt, p->id);
    hs_z orac = zmap_get_z(adt->oracle, p->id);
    const struct hs_list *l0 = hs_multi_oracle(orac, p->id, p->cpu, l);
    p->npt = CalNPT(hs_npt_of(adt, vmid), l0);
    p->log1 = hs_log_cons(hs_ev_pull(p->cpu, p->id),
                          hs_log_cons(hs_ev_ticket(p->cpu, WAIT_LOCK, local_lock_bound),
                                      hs_list_append(l0, l)));
}

/* The log after releasing the lock: the table published, then the release. */
static const struct hs_list *release_log(const struct pt_pull *p, const struct NPT *npt)
{
    return hs_log_cons(hs_ev_ticket(p->cpu, REL_LOCK, 0),
                       hs_log_cons(hs_ev_shared(p->cpu, ONPT, npt), p->log1));
}

/* adt {halt: halt} {tstate: t} {npts # vmid == npt} {log # id == log} {lock # id == lk} */
static const struct RData *after_pt(const struct RData *adt, hs_z vmid, const struct pt_pull *p,
                                    bool halt, const struct NPT *npt, const struct hs_list *log,
                                    int lk)
{
    const struct RData *a = hs_with_lock(hs_with_log(hs_with_npt(adt, vmid, npt), p->id, log), p->id, lk);
    struct RData *b = RData_copy(a);
    b->halt = halt;
    b->tstate = halt ? 0 : 1;
    return b;
}

/* The step of both readers of a VM's table: its lock (free) taken, the
 * table pulled and released unchanged, which must leave the log a valid
 * sequence of lock sessions; *e is the entry of addr's page. false: None. */
static bool read_step(hs_z vmid, hs_z addr, const struct RData *adt, const struct npt_entry **e,
                      const struct RData **out)
{
    struct pt_pull p;
    /* the lock must be free: this CPU takes it */
    if (hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) != LockFalse)
        return false;
    pull_npt(adt, vmid, &p);
    const struct hs_list *l2 = release_log(&p, p.npt);
    if (!H_CalLock(l2))
        return false;
    *e = hs_npt_entry(p.npt, hs_z_div(addr, PAGE_SIZE));
    *out = after_pt(adt, vmid, &p, false, p.npt, l2, LockFalse);
    return true;
}

/* VRM NPTOpsSpec: get_level_s2pt_spec */
bool get_level_s2pt_spec(hs_z vmid, hs_z addr, const struct RData *adt, const struct RData **out,
                         hs_z *ret)
{
    if (!is_vmid(vmid) || !is_addr(addr))
        return false;
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    const struct npt_entry *e;
    const struct RData *a;
    if (!read_step(vmid, addr, adt, &e, &a) || !is_int(e->level))
        return false;
    *out = a;
    *ret = phys_page(e->pte) == 0 ? 0 : e->level;
    return true;
}

/* VRM NPTOpsSpec: walk_s2pt_spec */
bool walk_s2pt_spec(hs_z vmid, hs_z addr, const struct RData *adt, const struct RData **out,
                    hs_z *ret)
{
    if (!is_vmid(vmid) || !is_addr(addr))
        return false;
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    const struct npt_entry *e;
    const struct RData *a;
    if (!read_step(vmid, addr, adt, &e, &a) || !is_int64(e->pte))
        return false;
    *out = a;
    *ret = e->pte;
    return true;
}

/* The state after local_mmap gave (halt, npt2): on a halt the lock stays
 * held and nothing is published; the release must still be valid. */
static bool finish_mmap(const struct RData *adt, hs_z vmid, const struct pt_pull *p, bool halt,
                        const struct NPT *npt2, const struct RData **out)
{
    const struct hs_list *l2 = release_log(p, npt2);
    if (!H_CalLock(l2))
        return false;
    if (halt)
        *out = after_pt(adt, vmid, p, true, npt2, p->log1, LockOwnTrue);
    else
        *out = after_pt(adt, vmid, p, false, npt2, l2, LockFalse);
    return true;
}

/* VRM NPTOpsSpec: map_s2pt_spec */
bool map_s2pt_spec(hs_z vmid, hs_z addr, hs_z level, hs_z pte, const struct RData *adt,
                   const struct RData **out)
{
    struct pt_pull p;
    if (!is_vmid(vmid) || !is_addr(addr) || !is_int64(pte))
        return false;
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* the lock must be free: this CPU takes it */
    if (hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) != LockFalse)
        return false;
    pull_npt(adt, vmid, &p);
    /* only 2MB blocks and 4KB pages are mapped */
    if (!(level == 2 || level == 3))
        return false;
    /* an empty entry is not a mapping */
    if (pte == 0)
        return false;
    bool halt;
    const struct NPT *npt2;
    if (!local_mmap(vmid, addr, level, pte, p.npt, &halt, &npt2))
        return false;
    return finish_mmap(adt, vmid, &p, halt, npt2, out);
}

/* VRM NPTOpsSpec: clear_pfn_host_spec */
bool clear_pfn_host_spec(hs_z pfn, const struct RData *adt, const struct RData **out)
{
    struct pt_pull p;
    if (!is_pfn(pfn))
        return false;
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* the lock must be free: this CPU takes it */
    if (hs_lock_of(adt, hs_z_add(NPT_ID, HOSTVISOR)) != LockFalse)
        return false;
    pull_npt(adt, HOSTVISOR, &p);
    const struct npt_entry *e = hs_npt_entry(p.npt, pfn);
    if (!is_int(e->level))
        return false;
    bool halt = false;
    const struct NPT *npt2 = p.npt;
    /* a mapped page of the host is remapped as a guest page */
    hs_z level = phys_page(e->pte) == 0 ? 0 : e->level;
    if (level != 0 &&
        !local_mmap(HOSTVISOR, hs_z_mul(pfn, PAGE_SIZE), 3, PAGE_GUEST, p.npt, &halt, &npt2))
        return false;
    return finish_mmap(adt, HOSTVISOR, &p, halt, npt2, out);
}
