/* hypsec-bench: the speed of the oracle, per primitive of every layer.
 *
 * Throughput: checks per second over pre-generated cases whose spec is Some
 * (only the checks are timed). Map-size independence: the time of a check on
 * states padded to 10^6 populated map entries divided by that on states
 * padded to 10^2. The padding goes where the primitive works, into the high
 * state before the low state is built from it, so both carry it:
 *  - junk: half in shared.flatmem (keys from 2^63 up, which no primitive
 *    reads), half in the page-table pools of the VM the case works on (at
 *    addresses that are not multiples of 8, which no walk reads, spread over
 *    each pool's region);
 *  - mapped, for a layer whose relation ties the pools to the abstract view
 *    (junk in the pools breaks it): half in flatmem, half as pages mapped
 *    through set_npt at the top of the address space (the abstract view by
 *    its spec, the pools by its implementation over the layer below).
 * A padded case must keep its spec outcome and its verdict, and the small
 * padding must leave the states related (checked in full, HS_CHECK_PRE); the
 * mapped mode is used when the junk one fails that. Mapping takes the VM's
 * table lock for a while when the case does not hold it, and a lock log
 * whose newest snapshot is the table publishes the padded table instead.
 * --end-to-end measures the checks of the layers that have an end-to-end
 * mode over their whole implementation stack.
 *
 * A benchmark reports; it is not a test: the exit status is 0 whenever it
 * could run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"

#define MAX_POOL 512       /* non-vacuous cases kept per primitive */
#define MAX_DRAWS 4000     /* cases drawn to find them */
#define NTHROUGHPUT 64     /* cases of the throughput measurement */
#define NRATIO 16          /* cases of the padded measurements */
#define NMAPPED 2          /* cases of the padded measurements, mapped padding (1 GB each) */
#define MAPPER "set_npt"   /* the primitive that maps a page in both views */
#define MAP_BASE ((hs_z)511 << 39) /* where the mapped padding goes: the last pgd slot */
#define THROUGHPUT_BAR 100000.0
#define RATIO_BAR 1.5

struct bench_opts {
    double min_time;
    long small, big;
    const char *layer;
    const char *prim;
    bool e2e;
};

/* Checks run end to end (--end-to-end). */
static bool bench_e2e;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- cases ---- */

struct bcase {
    struct hs_case c;
    hs_z vmid;  /* the VM whose pools are padded; -1: none */
};

static bool spec_some(const struct hs_prim *p, const struct hs_case *c, hs_z *ret)
{
    hs_mark m = hs_arena_mark();
    const struct RData *out;
    hs_z r = 0;
    bool some = p->spec(c->args, c->h, &out, &r);
    hs_arena_release(m);
    if (ret)
        *ret = r;
    return some;
}

static bool first_key(hs_z k, hs_val v, void *ctx)
{
    *(hs_z *)ctx = k;
    return false;
}

/* The VM a case works on: its vmid argument, else the first VM with tables. */
static hs_z case_vmid(const struct hs_prim *p, const struct hs_case *c)
{
    if (p->nargs > 0 && strcmp(p->arg_names[0], "vmid") == 0)
        return c->args[0];
    hs_z k = -1;
    zmap_foreach(c->h->shared->npts, first_key, &k);
    return k;
}

/* Non-vacuous cases of p, kept in the arena; returns how many. */
static int draw_cases(const struct hs_prim_gen *g, const struct hs_prim *p, struct bcase *out)
{
    int n = 0;
    for (long i = 0; i < MAX_DRAWS && n < MAX_POOL; i++) {
        hs_mark m = hs_arena_mark();
        struct hs_rng r;
        hs_rng_seed(&r, ((uint64_t)p->id << 32) ^ (uint64_t)i);
        struct bcase b;
        memset(&b, 0, sizeof b);
        b.c.h = empty_adt();
        g->gen(&r, &b.c);
        if (!spec_some(p, &b.c, NULL)) {
            hs_arena_release(m);
            continue;
        }
        b.vmid = case_vmid(p, &b.c);
        out[n++] = b;
    }
    return n;
}

/* ---- timing ---- */

#define ROUNDS 5

struct timing {
    long checks;
    long failures;  /* failing checks that are not a known divergence of the spec */
    long known;     /* failing checks that are one (docs/spec-notes.md) */
    double seconds;
};

/* Count the verdict of case c into t: a failure or a known divergence. */
static void count_check(const struct hs_layer_check *lc, const struct hs_prim *p,
                        const struct hs_case *c, struct timing *t)
{
    struct hs_check_report rep;
    if (hs_check_case(lc, p, c, bench_e2e, NULL, &rep) != HS_FAIL)
        return;
    if (hs_known_divergence_of(lc, p, c, bench_e2e, &rep))
        t->known++;
    else
        t->failures++;
}

/* Check the n cases round robin for at least min_time seconds; the clock is
 * read after chunks of checks that grow while they take under a millisecond. */
static void time_checks(const struct hs_layer_check *lc, const struct hs_prim *p,
                        const struct hs_case *cases, int n, double min_time, struct timing *t)
{
    memset(t, 0, sizeof *t);
    double start = now(), end = start;
    int k = 0;
    long chunk = 1;
    while (end - start < min_time) {
        for (long j = 0; j < chunk; j++) {
            count_check(lc, p, &cases[k], t);
            t->checks++;
            k = k + 1 == n ? 0 : k + 1;
        }
        double prev = end;
        end = now();
        if (end - prev < 1e-3 && chunk < 1024)
            chunk *= 2;
    }
    t->seconds = end - start;
}

/* Seconds per check: the best of ROUNDS rounds of min_time / ROUNDS each (the
 * least disturbed by other processes); *first gets the first round's figures. */
static double best_per_check(const struct hs_layer_check *lc, const struct hs_prim *p,
                             const struct hs_case *cases, int n, double min_time,
                             struct timing *first)
{
    double best = 0;
    memset(first, 0, sizeof *first);
    for (int r = 0; r < ROUNDS; r++) {
        struct timing t;
        time_checks(lc, p, cases, n, min_time / ROUNDS, &t);
        double per = t.seconds / (double)t.checks;
        if (r == 0 || per < best)
            best = per;
        if (r == 0)
            *first = t;
    }
    return best;
}

/* ---- padding ---- */

enum { PAD_PGD, PAD_PUD, PAD_PMD, NPADPOOLS };

/* Junk: entries no primitive reads, in flatmem and the VM's pools. Mapped:
 * for layers whose relation ties the pools to the abstract view (junk in the
 * pools breaks it), pages mapped through both views. */
enum pad_mode { PAD_JUNK, PAD_MAPPED };

struct pads {
    const struct zmap *flat;               /* flatmem padding */
    long flat_n;
    const struct zmap *pools[NPADPOOLS];   /* the pool paddings of VM pools_vmid */
    long pools_n;
    hs_z pools_vmid;                       /* -1: none built */
};

/* count entries at keys 2^63, 2^63 + 1, ... (values never 0: 0 is the default). */
static const struct zmap *pad_flat(const struct zmap *like, long count)
{
    const struct zmap *m = zmap_init(zmap_type(like), zmap_default(like));
    hs_z base = (hs_z)1 << 63;
    for (long k = 0; k < count; k++)
        m = zmap_set_z(m, base + k, (hs_z)k + 1);
    return m;
}

/* count entries spread over [start, end) at addresses that are not multiples of 8. */
static const struct zmap *pad_region(const struct zmap *like, hs_z start, hs_z end, long count)
{
    const struct zmap *m = zmap_init(zmap_type(like), zmap_default(like));
    if (count <= 0 || end <= start)
        return m;
    hs_z stride = (end - start) / count;
    if (stride < 2)
        stride = 2;
    for (long k = 0; k < count; k++) {
        hs_z a = start + stride * k;
        if (a % 8 == 0)
            a += 1;
        if (a >= end)
            break;
        m = zmap_set_z(m, a, (hs_z)k + 1);
    }
    return m;
}

/* The paddings of n entries for VM vmid (half in flatmem, half in its pools;
 * all in flatmem when the case has no VM), kept for the next primitive. */
static void build_pads(struct pads *pd, long n, hs_z vmid, const struct RData *like)
{
    long flat = vmid >= 0 ? n / 2 : n;
    long pools = n - flat;
    if (!pd->flat || pd->flat_n != flat) {
        pd->flat = pad_flat(like->shared->flatmem, flat);
        pd->flat_n = flat;
    }
    if (vmid < 0 || (pd->pools_vmid == vmid && pd->pools_n == pools))
        return;
    const struct NPT *npt = hs_npt_of(like, vmid);
    pd->pools[PAD_PGD] = pad_region(npt->pt_pgd_pool, pgd_start(vmid), pud_start(vmid), pools / 4);
    pd->pools[PAD_PUD] = pad_region(npt->pt_pud_pool, pud_start(vmid), pmd_start(vmid), pools / 4);
    pd->pools[PAD_PMD] = pad_region(npt->pt_pmd_pool, pmd_start(vmid), pool_end(vmid),
                                    pools - 2 * (pools / 4));
    pd->pools_vmid = vmid;
    pd->pools_n = pools;
}

struct merge_ctx { const struct zmap *m; };

static bool merge_one(hs_z k, hs_val v, void *ctx)
{
    struct merge_ctx *mc = ctx;
    mc->m = zmap_set(mc->m, k, v);
    return true;
}

/* The entries of orig laid over the padding pad (same type and default). */
static const struct zmap *merge(const struct zmap *pad, const struct zmap *orig)
{
    if (zmap_type(pad) != zmap_type(orig) ||
        !hs_val_eq(zmap_type(orig), zmap_default(pad), zmap_default(orig))) {
        fprintf(stderr, "hypsec-bench: a map with an unusual default is left unpadded\n");
        return orig;
    }
    struct merge_ctx mc = {pad};
    zmap_foreach(orig, merge_one, &mc);
    return mc.m;
}

static const struct RData *pad_state(const struct RData *h, hs_z vmid, const struct pads *pd)
{
    struct Shared *s = Shared_copy(h->shared);
    s->flatmem = merge(pd->flat, s->flatmem);
    const struct RData *out = hs_with_shared(h, s);
    if (vmid < 0)
        return out;
    struct NPT *n = NPT_copy(hs_npt_of(out, vmid));
    n->pt_pgd_pool = merge(pd->pools[PAD_PGD], n->pt_pgd_pool);
    n->pt_pud_pool = merge(pd->pools[PAD_PUD], n->pt_pud_pool);
    n->pt_pmd_pool = merge(pd->pools[PAD_PMD], n->pt_pmd_pool);
    return hs_with_npt(out, vmid, n);
}

/* Populated entries of the maps the padding touches. */
static long populated(const struct RData *h, hs_z vmid)
{
    long n = (long)zmap_count(h->shared->flatmem);
    if (vmid >= 0) {
        const struct NPT *t = hs_npt_of(h, vmid);
        n += (long)(zmap_count(t->pt_pgd_pool) + zmap_count(t->pt_pud_pool) +
                    zmap_count(t->pt_pmd_pool) + zmap_count(t->pt));
    }
    return n;
}

/* The VM most of the cases work on, preferring the one already padded. */
static hs_z pick_vmid(const struct bcase *b, int n, hs_z cached)
{
    int have_cached = 0;
    for (int i = 0; i < n; i++)
        have_cached += b[i].vmid == cached;
    if (cached >= 0 && have_cached >= NRATIO / 2)
        return cached;
    hs_z best = -1;
    int best_n = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = 0; j < n; j++)
            k += b[j].vmid == b[i].vmid;
        if (k > best_n) {
            best_n = k;
            best = b[i].vmid;
        }
    }
    return best;
}

/* One page mapped in both views: the abstract view as the spec of the mapper
 * leaves it, the pools as its implementation writes them over the specs of
 * the layer below. NULL when either cannot. */
static const struct RData *map_page(const struct hs_prim *mapper, const hs_z *args,
                                    const struct RData *h, hs_z vmid)
{
    const struct RData *hs, *ls;
    hs_z r;
    struct hs_stuck_info info;
    if (!mapper->spec(args, h, &hs, &r) || hs->halt)
        return NULL;
    if (!hs_run_guarded(mapper, args, h, &ls, &r, &info))
        return NULL;
    const struct NPT *hn = hs_npt_of(hs, vmid);
    struct NPT *n = NPT_copy(hs_npt_of(ls, vmid));
    n->pt = hn->pt;
    n->pgd_t = hn->pgd_t;
    n->pud_t = hn->pud_t;
    n->pmd_t = hn->pmd_t;
    return hs_with_npt(hs, vmid, n);
}

/* The log of lock id with its newest NPT snapshot replaced by now when it
 * is was (the table a lock holder would pull); else log itself. */
static const struct hs_list *republish(const struct hs_list *log, const struct NPT *was,
                                       const struct NPT *now)
{
    if (!log)
        return log;
    const struct MultiOracleEvent *e = log->head.p;
    if (e->e->tag == TSHARED && e->e->shared->tag == ONPT) {
        if (e->e->shared->obj != was)
            return log;
        return hs_log_cons(hs_ev_shared(e->cpuid, ONPT, now), log->tail);
    }
    const struct hs_list *tail = republish(log->tail, was, now);
    return tail == log->tail ? log : hs_log_cons(e, tail);
}

/* Mapped padding: half of the n entries in flatmem, the other half as pages
 * mapped through both views (one pool entry and one abstract entry each) at
 * the top of the address space. NULL when the state cannot take them. */
static const struct RData *pad_mapped(const struct RData *h, hs_z vmid, long n,
                                      const struct pads *pd, const struct hs_prim *mapper)
{
    if (h->halt || !mapper)
        return NULL;
    struct Shared *s = Shared_copy(h->shared);
    s->flatmem = merge(pd->flat, s->flatmem);
    h = hs_with_shared(h, s);
    hs_z tstate = h->tstate;
    /* the mapper works under the VM's table lock: held for the padding */
    hs_z lock_id = (hs_z)NPT_ID + vmid;
    int lock = hs_lock_of(h, lock_id);
    const struct NPT *unpadded = hs_npt_of(h, vmid);
    h = hs_with_lock(h, lock_id, LockOwnTrue);
    long pages = (n - n / 2) / 2;
    for (long k = 0; k < pages && h; k++) {
        /* the previous mapping's pending write is taken as done */
        struct RData *a = RData_copy(h);
        a->tstate = 0;
        hs_z args[HS_MAX_ARGS] = {vmid, MAP_BASE + (hs_z)k * PAGE_SIZE, 3,
                                  ((hs_z)(k + 1) << 12) | 0x7ff};
        h = map_page(mapper, args, a, vmid);
    }
    if (!h)
        return NULL;
    h = hs_with_lock(h, lock_id, lock);
    h = hs_with_log(h, lock_id, republish(hs_log_of(h, lock_id), unpadded, hs_npt_of(h, vmid)));
    struct RData *a = RData_copy(h);
    a->tstate = tstate;
    return a;
}

/* The verdict of case c; with pre, the runner's HS_CHECK_PRE mode first
 * checks that c starts from related states in full (a check that looks only
 * at what the step changed cannot see padding that breaks the relation). */
static enum hs_verdict verdict(const struct hs_layer_check *lc, const struct hs_prim *p,
                               const struct hs_case *c, bool pre)
{
    bool was = hs_check_pre();
    hs_check_set_pre(pre);
    enum hs_verdict v = hs_check_case(lc, p, c, bench_e2e, NULL, NULL);
    hs_check_set_pre(was);
    return v;
}

/* Padded copies of up to max cases of VM vmid; a case whose spec outcome or
 * verdict the padding changes is left out and counted in *changed. With pre
 * the padded states must also be related (a full relation, once per case:
 * the small padding of a mode tells whether it keeps states related). */
static int padded_cases(const struct hs_layer_check *lc, const struct hs_prim *p,
                        const struct bcase *b, int n, hs_z vmid, enum pad_mode mode,
                        const struct pads *pd, long entries_wanted, int max, bool pre,
                        struct hs_case *out, long *entries, int *changed)
{
    const struct hs_prim *mapper = hs_prim_find(MAPPER);
    int k = 0;
    *entries = 0;
    *changed = 0;
    for (int i = 0; i < n && k < max; i++) {
        if (b[i].vmid != vmid)
            continue;
        hs_z r0 = 0, r1 = 0;
        spec_some(p, &b[i].c, &r0);
        enum hs_verdict v0 = verdict(lc, p, &b[i].c, pre);
        struct hs_case c = b[i].c;
        if (mode == PAD_JUNK)
            c.h = pad_state(c.h, vmid, pd);
        else
            c.h = pad_mapped(c.h, vmid, entries_wanted, pd, mapper);
        if (!c.h)
            continue;
        if (!spec_some(p, &c, &r1) || r0 != r1 || verdict(lc, p, &c, pre) != v0) {
            (*changed)++;
            continue;
        }
        out[k++] = c;
        *entries = populated(c.h, vmid);
    }
    return k;
}

/* ---- the run ---- */

struct result {
    const char *layer, *prim;
    double rate;        /* checks per second, unpadded */
    double t_small;     /* seconds per check, small padding */
    double t_big;
    long failures;      /* failing checks (first round), known divergences apart */
    long known;         /* checks failing by a known divergence of the spec (first round) */
    long padded_failures; /* failing checks on the padded states (first round) */
    enum pad_mode mode;
    bool ratio_ok;      /* both padded measurements ran */
};

static void bench_prim(const struct hs_layer_check *lc, const struct hs_prim_gen *g,
                       const struct bench_opts *o, struct pads *small, struct pads *big,
                       struct result *res)
{
    memset(res, 0, sizeof *res);
    res->layer = lc->layer;
    res->prim = g->prim;
    const struct hs_prim *p = hs_prim_find(g->prim);
    if (!p)
        return;
    static struct bcase pool[MAX_POOL];
    int n = draw_cases(g, p, pool);
    if (n == 0) {
        fprintf(stderr, "hypsec-bench: %s %s: no case with a Some spec\n", lc->layer, g->prim);
        return;
    }
    struct hs_case cases[NTHROUGHPUT];
    int nt = n < NTHROUGHPUT ? n : NTHROUGHPUT;
    for (int i = 0; i < nt; i++)
        cases[i] = pool[i].c;
    struct timing first;
    res->rate = 1.0 / best_per_check(lc, p, cases, nt, o->min_time, &first);
    res->failures = first.failures;
    res->known = first.known;

    hs_z vmid = pick_vmid(pool, n, big->pools_vmid);
    build_pads(small, o->small, vmid, pool[0].c.h);
    build_pads(big, o->big, vmid, pool[0].c.h);
    static struct hs_case ps[NRATIO], pb[NRATIO];
    long es = 0, eb = 0;
    int cs = 0, cb = 0, nb = 0;
    res->mode = PAD_JUNK;
    int ns = padded_cases(lc, p, pool, n, vmid, PAD_JUNK, small, o->small, NRATIO, true, ps, &es,
                          &cs);
    if (cs == 0)
        nb = padded_cases(lc, p, pool, n, vmid, PAD_JUNK, big, o->big, NRATIO, false, pb, &eb, &cb);
    /* the mapped states are big: they go when the primitive is done */
    hs_mark m = hs_arena_mark();
    if ((cs > 0 || cb > 0) && hs_prim_find(MAPPER) && vmid >= 0) {
        res->mode = PAD_MAPPED;
        ns = padded_cases(lc, p, pool, n, vmid, PAD_MAPPED, small, o->small, NMAPPED, true, ps, &es,
                          &cs);
        nb = padded_cases(lc, p, pool, n, vmid, PAD_MAPPED, big, o->big, NMAPPED, false, pb, &eb,
                          &cb);
    }
    if (ns == 0 || nb == 0 || cs > 0 || cb > 0) {
        fprintf(stderr, "hypsec-bench: %s %s: no padding keeps the cases' verdicts "
                "(%d + %d changed): not measured\n", lc->layer, g->prim, cs, cb);
        hs_arena_release(m);
        return;
    }
    fprintf(stderr, "hypsec-bench: %s %s: %d cases of vm %lld padded (%s) to %ld and %ld entries\n",
            lc->layer, g->prim, nb, (long long)vmid, res->mode == PAD_JUNK ? "junk" : "mapped",
            es, eb);
    /* small and big alternate, so that a disturbance hits both alike; checks
     * that take seconds get fewer rounds */
    double started = now();
    for (int r = 0; r < ROUNDS && (r < 2 || now() - started < 4 * o->min_time); r++) {
        struct timing ts, tb;
        time_checks(lc, p, ps, ns, o->min_time / ROUNDS, &ts);
        time_checks(lc, p, pb, nb, o->min_time / ROUNDS, &tb);
        double s = ts.seconds / (double)ts.checks, b = tb.seconds / (double)tb.checks;
        if (r == 0)
            res->padded_failures = ts.failures + tb.failures;
        if (r == 0 || s < res->t_small)
            res->t_small = s;
        if (r == 0 || b < res->t_big)
            res->t_big = b;
    }
    res->ratio_ok = true;
    hs_arena_release(m);
}

static void usage(FILE *out)
{
    fputs("usage: hypsec-bench [--min-time S] [--small N] [--big N] [--layer L] [--prim P]\n"
          "                    [--end-to-end]\n"
          "Checks per second of every primitive, and the cost of a check on states padded\n"
          "to --big populated map entries (default 1000000) over --small (default 100).\n"
          "Each measurement lasts at least --min-time seconds (default 0.5).\n"
          "--end-to-end: the checks of the layers that have one, over their whole stack.\n",
          out);
}

static bool parse_opts(int argc, char **argv, struct bench_opts *o)
{
    static const struct option longopts[] = {
        {"min-time", required_argument, 0, 't'}, {"small", required_argument, 0, 's'},
        {"big", required_argument, 0, 'b'},      {"layer", required_argument, 0, 'l'},
        {"prim", required_argument, 0, 'p'},     {"help", no_argument, 0, 'h'},
        {"end-to-end", no_argument, 0, 'e'},
        {0, 0, 0, 0},
    };
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            o->min_time = strtod(optarg, &end);
            if (*end || o->min_time <= 0)
                return false;
            break;
        case 's':
        case 'b': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 2)
                return false;
            *(c == 's' ? &o->small : &o->big) = v;
            break;
        }
        case 'l':
            o->layer = optarg;
            break;
        case 'p':
            o->prim = optarg;
            break;
        case 'e':
            o->e2e = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return false;
        }
    }
    return optind == argc;
}

/* The layers whose every primitive must reach THROUGHPUT_BAR checks/s (issues 2 and 5). */
static const char *const throughput_layers[] = {"PTWalk", "CtxtSwitch"};

/* The throughput bar of layer: PASS or FAIL on its slowest primitive, or
 * "n/a" when the options left the layer out. */
static void throughput_bar(const struct result *res, int nres, const struct bench_opts *o,
                           const char *layer)
{
    const struct result *slow = NULL;
    for (int i = 0; i < nres; i++)
        if (strcmp(res[i].layer, layer) == 0 && (!slow || res[i].rate < slow->rate))
            slow = &res[i];
    if (slow) {
        printf("%s %s throughput >= %.0f checks/s (slowest primitive: %s, %.0f)\n",
               slow->rate >= THROUGHPUT_BAR ? "PASS" : "FAIL", layer, THROUGHPUT_BAR, slow->prim,
               slow->rate);
    } else if ((o->layer && strcmp(o->layer, layer) != 0) || o->prim) {
        printf("n/a  %s throughput >= %.0f checks/s (not selected)\n", layer, THROUGHPUT_BAR);
    } else {
        printf("FAIL %s throughput >= %.0f checks/s (%s not measured)\n", layer, THROUGHPUT_BAR,
               layer);
    }
}

int main(int argc, char **argv)
{
    struct bench_opts o = {0.5, 100, 1000000, NULL, NULL, false};
    if (!parse_opts(argc, argv, &o)) {
        usage(stderr);
        return 2;
    }
    bench_e2e = o.e2e;
    hs_register_impls();
    static struct result res[256];
    int nres = 0;
    struct pads small, big;
    memset(&small, 0, sizeof small);
    memset(&big, 0, sizeof big);
    small.pools_vmid = big.pools_vmid = -1;
    for (int i = 0; i < hs_nlayer_checks; i++) {
        const struct hs_layer_check *lc = hs_layer_checks[i];
        if ((o.layer && strcmp(o.layer, lc->layer) != 0) || (o.e2e && !lc->e2e_stack))
            continue;
        for (int j = 0; j < lc->ngens && nres < 256; j++) {
            if (o.prim && strcmp(o.prim, lc->gens[j].prim) != 0)
                continue;
            bench_prim(lc, &lc->gens[j], &o, &small, &big, &res[nres++]);
        }
    }

    printf("%-8s %-16s %12s %14s %14s %7s  %s\n", "layer", "primitive", "checks/s",
           "ns/check@small", "ns/check@big", "ratio", "padding");
    const struct result *worst = NULL;
    for (int i = 0; i < nres; i++) {
        const struct result *r = &res[i];
        if (r->ratio_ok)
            printf("%-8s %-16s %12.0f %14.1f %14.1f %7.2f  %s", r->layer, r->prim, r->rate,
                   r->t_small * 1e9, r->t_big * 1e9, r->t_big / r->t_small,
                   r->mode == PAD_JUNK ? "junk" : "mapped");
        else
            printf("%-8s %-16s %12.0f %14s %14s %7s", r->layer, r->prim, r->rate, "-", "-", "-");
        if (r->failures)
            printf("  (%ld failing checks)", r->failures);
        if (r->known)
            printf("  (%ld known divergences of the spec)", r->known);
        if (r->padded_failures)
            printf("  (%ld failing checks on padded states)", r->padded_failures);
        putchar('\n');
        if (r->ratio_ok && (!worst || r->t_big / r->t_small > worst->t_big / worst->t_small))
            worst = r;
    }
    printf("padding: small %ld, big %ld populated map entries; each figure the best of up to %d rounds\n"
           "over at least %.2f s\n",
           o.small, o.big, ROUNDS, o.min_time);
    for (size_t i = 0; i < sizeof throughput_layers / sizeof throughput_layers[0]; i++)
        throughput_bar(res, nres, &o, throughput_layers[i]);
    int unmeasured = 0;
    for (int i = 0; i < nres; i++)
        unmeasured += !res[i].ratio_ok;
    if (worst && unmeasured == 0)
        printf("%s ratio <= %.1f (largest: %s %s, %.2f)\n",
               worst->t_big / worst->t_small <= RATIO_BAR ? "PASS" : "FAIL", RATIO_BAR,
               worst->layer, worst->prim, worst->t_big / worst->t_small);
    else if (worst)
        printf("FAIL ratio <= %.1f (largest measured: %s %s, %.2f; %d primitive%s not measured)\n",
               RATIO_BAR, worst->layer, worst->prim, worst->t_big / worst->t_small, unmeasured,
               unmeasured == 1 ? "" : "s");
    else
        printf("FAIL ratio <= %.1f (nothing measured)\n", RATIO_BAR);
    return 0;
}
