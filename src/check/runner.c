/* The runner of the refinement oracle (docs/architecture.md, "The oracle"):
 * one check runs a primitive's spec on the high state and its implementation
 * on a related low state, and compares results and states; a layer run
 * generates reproducible cases, reports failures, shrinks them and writes
 * them as vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/vector.h"

#if __has_include("hypsec/shrink.h")
#include "hypsec/shrink.h"
#else
bool hs_shrink_candidate(const struct hs_type *t, hs_val v, size_t n, hs_val *out);
#endif

/* Candidates tried when shrinking one failing case. */
#define HS_SHRINK_ATTEMPTS 2000
/* Cases between two calls of the progress hook. */
#define HS_PROGRESS_EVERY 64

static char origin[160];
/* The program named in the replay hint of a failure report. */
static char tool[64] = "hypsec-check";
static hs_progress_fn progress_fn;
static void *progress_ctx;

void hs_check_set_origin(const char *o)
{
    snprintf(origin, sizeof origin, "%s", o ? o : "");
}

void hs_check_set_tool(const char *name)
{
    snprintf(tool, sizeof tool, "%s", name && *name ? name : "hypsec-check");
}

void hs_check_set_progress(hs_progress_fn f, void *ctx)
{
    progress_fn = f;
    progress_ctx = ctx;
}

/* ---- which primitives run their implementation ---- */

static void clear_impls(void)
{
    for (int i = 0; i < hs_nprims; i++)
        hs_prim_set_use_impl(i, false);
}

/* End to end: every fresh primitive of the stack's layers runs its implementation. */
static void select_stack_impls(const struct hs_layer_check *lc)
{
    if (!lc->e2e_stack)
        return;
    for (const char *const *l = lc->e2e_stack; *l; l++)
        for (int i = 0; i < hs_nprims; i++)
            if (hs_prims[i].has_impl && strcmp(hs_prims[i].layer, *l) == 0)
                hs_prim_set_use_impl(i, true);
}

/* ---- the report of a failure ---- */

static void print_num(FILE *out, hs_z v)
{
    char buf[HS_Z_STRLEN];
    fputs(hs_z_str(v, buf), out);
    if (v >= 1024 && v < HS_Z_2P64)
        fprintf(out, " (0x%llx)", (unsigned long long)(u64)v);
}

static void print_args(FILE *out, const struct hs_prim *p, const hs_z *args)
{
    fputs("  args:", out);
    if (p->nargs == 0)
        fputs(" (none)", out);
    for (int i = 0; i < p->nargs; i++) {
        fprintf(out, " %s=", p->arg_names[i]);
        print_num(out, args[i]);
    }
    fputc('\n', out);
}

static void print_header(FILE *out, const struct hs_layer_check *lc, const struct hs_prim *p,
                         const struct hs_case *c, bool e2e)
{
    fprintf(out, "FAIL %s %s (%s)%s%s\n", lc->layer, p->name, e2e ? "end to end" : "step",
            origin[0] ? " at " : "", origin);
    print_args(out, p, c->args);
}

static const char *prim_name(int id)
{
    return id >= 0 && id < hs_nprims ? hs_prims[id].name : "?";
}

/* ---- one check ---- */

typedef bool (*relate_fn)(struct hs_diff *d, const struct RData *h, const struct RData *l);

static bool relate(relate_fn f, struct hs_diff *d, const struct RData *h, const struct RData *l)
{
    if (f)
        return f(d, h, l);
    return RData_diff(d, h, l);
}

typedef bool (*step_fn)(struct hs_diff *d, const struct RData *h, const struct RData *l,
                        const struct RData *h2, const struct RData *l2);

/* The relation of the mode: end to end, the layer's relate_e2e when it has one. */
static relate_fn relation_of(const struct hs_layer_check *lc, bool e2e)
{
    return e2e && lc->relate_e2e ? lc->relate_e2e : lc->relate;
}

/* The incremental check of the mode's relation, or NULL. */
static step_fn step_of(const struct hs_layer_check *lc, bool e2e)
{
    if (!e2e)
        return lc->relate_step;
    if (lc->relate_step_e2e)
        return lc->relate_step_e2e;
    /* without relate_e2e the end-to-end relation is relate itself */
    return lc->relate_e2e ? NULL : lc->relate_step;
}

/* R(h2, l2) knowing R(h, l): incrementally when the layer can, else in full. */
static bool relate_after(relate_fn f, step_fn s, struct hs_diff *d, const struct RData *h,
                         const struct RData *l, const struct RData *h2, const struct RData *l2)
{
    if (s)
        return s(d, h, l, h2, l2);
    return relate(f, d, h2, l2);
}

/* The debug mode of HS_CHECK_PRE: -1 until the environment is read. */
static int pre_mode = -1;

void hs_check_set_pre(bool on)
{
    pre_mode = on ? 1 : 0;
}

bool hs_check_pre(void)
{
    if (pre_mode < 0) {
        const char *e = getenv("HS_CHECK_PRE");
        pre_mode = e && strcmp(e, "1") == 0 ? 1 : 0;
    }
    return pre_mode == 1;
}

/* Debug mode: the checked case starts from related states (R(h,
 * lower_state(h)) in full); false, with a report, when the generator broke that. */
static bool pre_holds(const struct hs_layer_check *lc, const struct hs_prim *p,
                      const struct hs_case *c, bool e2e, FILE *out, struct hs_check_report *rep)
{
    const struct RData *l = lc->lower_state ? lc->lower_state(c->h) : c->h;
    /* no low state at all is reported by the check itself */
    if (!l)
        return true;
    relate_fn f = relation_of(lc, e2e);
    struct hs_diff quiet;
    hs_diff_init(&quiet, NULL, "high", "low");
    if (!f && RData_eq(c->h, l))
        return true;
    if (relate(f, &quiet, c->h, l))
        return true;
    hs_diff_note(&rep->diff, "precondition", "R(h, lower_state(h))", "not related");
    if (!out)
        return false;
    print_header(out, lc, p, c, e2e);
    fputs("  precondition (a generator bug): the case's high and low states are not related:\n",
          out);
    struct hs_diff loud;
    hs_diff_init(&loud, out, "high", "low");
    relate(f, &loud, c->h, l);
    hs_diff_finish(&loud);
    return false;
}

/* The check proper; every allocation is released by the caller. */
static enum hs_verdict check_in_arena(const struct hs_layer_check *lc, const struct hs_prim *p,
                                      const struct hs_case *c, bool e2e, FILE *out,
                                      struct hs_check_report *rep)
{
    const struct RData *h2 = NULL;
    hs_z hret = 0;
    if (!p->spec(c->args, c->h, &h2, &hret))
        return HS_VACUOUS;
    /* a vacuous case is not checked: only a checked one needs related states */
    if (hs_check_pre() && !pre_holds(lc, p, c, e2e, out, rep))
        return HS_FAIL;
    rep->high_ret = hret;

    const struct RData *l = lc->lower_state ? lc->lower_state(c->h) : c->h;
    if (!l) {
        /* the layer could not build a related low state: the oracle cannot go on */
        hs_diff_note(&rep->diff, "lower_state", "a state", "none");
        if (out) {
            print_header(out, lc, p, c, e2e);
            fputs("  lower_state: no low state related to the high state\n", out);
        }
        return HS_FAIL;
    }

    clear_impls();
    if (e2e)
        select_stack_impls(lc);
    const struct RData *l2 = NULL;
    hs_z lret = 0;
    bool ran = hs_run_guarded(p, c->args, l, &l2, &lret, &rep->stuck);
    clear_impls();
    hs_set_cur_state(NULL);

    if (!ran) {
        if (out) {
            print_header(out, lc, p, c, e2e);
            fprintf(out, "  stuck: %s: %s\n", prim_name(rep->stuck.prim), rep->stuck.why);
        }
        return HS_FAIL;
    }
    rep->low_ret = lret;
    rep->ret_differs = hret != lret;

    relate_fn f = relation_of(lc, e2e);
    step_fn s = step_of(lc, e2e);
    bool related;
    if (!f && !s && RData_eq(h2, l2))
        related = true; /* identity: equality skips shared subtrees, cheaper than a diff */
    else
        related = relate_after(f, s, &rep->diff, c->h, l, h2, l2);
    if (related && !rep->ret_differs)
        return HS_PASS;
    if (!out)
        return HS_FAIL;

    print_header(out, lc, p, c, e2e);
    if (rep->ret_differs) {
        fputs("  result: high ", out);
        print_num(out, hret);
        fputs(" != low ", out);
        print_num(out, lret);
        fputc('\n', out);
    }
    if (!related) {
        /* the quiet pass only counted: run the relation again, printing */
        fputs("  state (high != low):\n", out);
        hs_diff_init(&rep->diff, out, "high", "low");
        relate_after(f, s, &rep->diff, c->h, l, h2, l2);
        hs_diff_finish(&rep->diff);
    }
    return HS_FAIL;
}

enum hs_verdict hs_check_case(const struct hs_layer_check *lc, const struct hs_prim *p,
                              const struct hs_case *c, bool e2e, FILE *diff_out,
                              struct hs_check_report *rep)
{
    struct hs_check_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    rep->stuck.prim = -1;
    hs_diff_init(&rep->diff, NULL, "high", "low");

    hs_mark m = hs_arena_mark();
    enum hs_verdict v = check_in_arena(lc, p, c, e2e, diff_out, rep);
    hs_arena_release(m);
    rep->verdict = v;
    if (diff_out)
        fflush(diff_out);
    return v;
}

bool hs_case_fails(const struct hs_layer_check *lc, const struct hs_prim *p,
                   const struct hs_case *c, bool e2e)
{
    return hs_check_case(lc, p, c, e2e, NULL, NULL) == HS_FAIL;
}

static void note_fail_path(const struct hs_check_report *rep, char *buf, size_t n);

/* What a failure is, for shrinking: its first path with map keys and list
 * indexes dropped (shared.npts[].pt_pud_next), "result" or "stuck:<prim>". */
static void failure_kind(const struct hs_check_report *rep, char *buf, size_t n)
{
    char path[256];
    note_fail_path(rep, path, sizeof path);
    size_t k = 0;
    bool in_key = false;
    for (const char *c = path; *c && k + 1 < n; c++) {
        if (*c == ']')
            in_key = false;
        if (!in_key)
            buf[k++] = *c;
        if (*c == '[')
            in_key = true;
    }
    buf[k] = 0;
}

/* The start pair of c is related: shrinking must not leave the states the
 * generators build (a broken invariant makes a different, false failure). */
static bool start_related(const struct hs_layer_check *lc, const struct hs_case *c, bool e2e)
{
    const struct RData *l = lc->lower_state ? lc->lower_state(c->h) : c->h;
    bool (*rel)(struct hs_diff *, const struct RData *, const struct RData *) =
        e2e && lc->relate_e2e ? lc->relate_e2e : lc->relate;
    if (!rel)
        return true;
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    return rel(&d, c->h, l);
}

/* c still fails, and in the same way as the case being shrunk. */
static bool fails_alike(const struct hs_layer_check *lc, const struct hs_prim *p,
                        const struct hs_case *c, bool e2e, const char *kind)
{
    if (!start_related(lc, c, e2e))
        return false;
    struct hs_check_report rep;
    if (hs_check_case(lc, p, c, e2e, NULL, &rep) != HS_FAIL)
        return false;
    char k[256];
    failure_kind(&rep, k, sizeof k);
    return strcmp(k, kind) == 0;
}

/* ---- shrinking ---- */

bool hs_shrink_arg(const struct hs_prim *p, const hs_z *args, int i, size_t n, hs_z *out)
{
    if (i < 0 || i >= p->nargs)
        return false;
    hs_z a = args[i];
    hs_z b = hs_ctype_bound(p->arg_types[i]);
    if (a <= 0)
        return false;
    hs_z cand[5] = {0, 1, a / 2, a & (a - 1), a - 1};
    hs_z list[5];
    size_t k = 0;
    for (size_t j = 0; j < 5; j++) {
        hs_z v = cand[j];
        /* only strictly smaller values inside the C type, each once */
        if (v < 0 || v >= a || v >= b)
            continue;
        bool seen = false;
        for (size_t q = 0; q < k; q++)
            seen |= list[q] == v;
        if (!seen)
            list[k++] = v;
    }
    if (n >= k)
        return false;
    *out = list[n];
    return true;
}

/* One greedy pass over the state's candidates; true when one was accepted. */
static bool shrink_state(const struct hs_layer_check *lc, const struct hs_prim *p,
                         struct hs_case *cur, bool e2e, const char *kind, long max,
                         struct hs_shrink_stats *st)
{
    bool any = false;
    for (size_t n = 0; st->attempts < max; n++) {
        hs_mark m = hs_arena_mark();
        hs_val cand;
        if (!hs_shrink_candidate(&hs_type_RData, hs_vp(cur->h), n, &cand)) {
            hs_arena_release(m);
            break;
        }
        st->attempts++;
        struct hs_case t = *cur;
        t.h = cand.p;
        if (t.h && !hs_val_eq(&hs_type_RData, cand, hs_vp(cur->h)) &&
            fails_alike(lc, p, &t, e2e, kind)) {
            /* keep this simpler state and start over from its first candidate */
            *cur = t;
            st->accepted++;
            any = true;
            n = (size_t)-1;
            continue;
        }
        hs_arena_release(m);
    }
    return any;
}

/* One greedy pass over the candidates of argument i. */
static bool shrink_one_arg(const struct hs_layer_check *lc, const struct hs_prim *p,
                           struct hs_case *cur, int i, bool e2e, const char *kind, long max,
                           struct hs_shrink_stats *st)
{
    bool any = false;
    for (size_t n = 0; st->attempts < max; n++) {
        hs_z v;
        if (!hs_shrink_arg(p, cur->args, i, n, &v))
            break;
        st->attempts++;
        struct hs_case t = *cur;
        t.args[i] = v;
        if (fails_alike(lc, p, &t, e2e, kind)) {
            *cur = t;
            st->accepted++;
            any = true;
            n = (size_t)-1;
        }
    }
    return any;
}

void hs_shrink_case(const struct hs_layer_check *lc, const struct hs_prim *p,
                    const struct hs_case *c, bool e2e, long max_attempts, struct hs_case *out,
                    struct hs_shrink_stats *st)
{
    struct hs_shrink_stats local = {0, 0};
    if (!st)
        st = &local;
    st->attempts = 0;
    st->accepted = 0;
    if (max_attempts <= 0)
        max_attempts = HS_SHRINK_ATTEMPTS;
    struct hs_case cur = *c;
    struct hs_check_report rep;
    char kind[256];
    if (hs_check_case(lc, p, c, e2e, NULL, &rep) != HS_FAIL) {
        *out = cur;
        return;
    }
    failure_kind(&rep, kind, sizeof kind);
    bool progress = true;
    while (progress && st->attempts < max_attempts) {
        progress = shrink_state(lc, p, &cur, e2e, kind, max_attempts, st);
        for (int i = 0; i < p->nargs; i++)
            progress |= shrink_one_arg(lc, p, &cur, i, e2e, kind, max_attempts, st);
    }
    *out = cur;
}

/* ---- a run over a layer ---- */

/* path lies under one of the '|'-separated prefixes of alts. */
static bool path_under(const char *path, const char *alts)
{
    for (const char *a = alts; *a;) {
        size_t n = strcspn(a, "|");
        if (n > 0 && strncmp(path, a, n) == 0)
            return true;
        a += n + (a[n] == '|');
    }
    return false;
}

const struct hs_known_divergence *hs_known_divergence_of(const struct hs_layer_check *lc,
                                                         const struct hs_prim *p,
                                                         const struct hs_case *c, bool e2e,
                                                         const struct hs_check_report *rep)
{
    if (rep->verdict != HS_FAIL || rep->stuck.prim >= 0 || rep->ret_differs ||
        rep->diff.count != 1)
        return NULL;
    for (const struct hs_known_divergence *k = lc->known; k && k->prim; k++)
        if (strcmp(k->prim, p->name) == 0 && k->applies(c, e2e) &&
            path_under(rep->diff.first_path, k->paths))
            return k;
    return NULL;
}

/* The stream of case i of primitive id under seed: a function of the three
 * only, so that selecting one primitive reproduces a full run's cases. */
static void case_rng(struct hs_rng *r, uint64_t seed, int id, long i)
{
    struct hs_rng t;
    hs_rng_seed(&t, seed);
    hs_rng_seed(&t, hs_rng_next(&t) + (uint64_t)id);
    hs_rng_seed(r, hs_rng_next(&t) + (uint64_t)i);
}

static void note_fail_path(const struct hs_check_report *rep, char *buf, size_t n)
{
    if (rep->stuck.prim >= 0)
        snprintf(buf, n, "stuck:%s", prim_name(rep->stuck.prim));
    else if (rep->ret_differs)
        snprintf(buf, n, "result");
    else
        snprintf(buf, n, "%s", rep->diff.first_path);
}

/* Shrink (when asked) and write the failing case c; the report ends with the file. */
static void keep_failure(const struct hs_layer_check *lc, const struct hs_prim *p,
                         const struct hs_case *c, long i, const struct hs_run_opts *o,
                         FILE *out, struct hs_prim_stats *st)
{
    struct hs_case w = *c;
    if (o->shrink) {
        struct hs_shrink_stats ss;
        hs_shrink_case(lc, p, c, o->e2e, HS_SHRINK_ATTEMPTS, &w, &ss);
        if (out && ss.accepted > 0) {
            char o2[160];
            snprintf(o2, sizeof o2, "seed %llu case %ld, shrunk (%ld of %ld candidates kept)",
                     (unsigned long long)o->seed, i, ss.accepted, ss.attempts);
            hs_check_set_origin(o2);
            hs_check_case(lc, p, &w, o->e2e, out, NULL);
        }
    }
    if (!o->vector_dir)
        return;
    struct hs_vector_origin vo = {o->shrink ? "hypsec-check shrinker" : "hypsec-check",
                                  o->seed, i};
    char path[512];
    if (!hs_vector_write_file(o->vector_dir, lc, p, &w, o->e2e, &vo, path, sizeof path))
        return;
    if (!st->first_fail_vector[0])
        snprintf(st->first_fail_vector, sizeof st->first_fail_vector, "%s", path);
    if (out)
        fprintf(out, "  replay: %s --replay %s\n", tool, path);
}

static void run_prim(const struct hs_layer_check *lc, const struct hs_prim_gen *g,
                     const struct hs_run_opts *o, struct hs_prim_stats *st)
{
    memset(st, 0, sizeof *st);
    st->prim = g->prim;
    const struct hs_prim *p = hs_prim_find(g->prim);
    FILE *out = o->diff_out ? o->diff_out : stderr;
    if (!p) {
        /* a generator for a primitive the table does not know: the layer is broken */
        fprintf(out, "FAIL %s %s: no such primitive in src/prims.tbl\n", lc->layer, g->prim);
        st->failures = 1;
        snprintf(st->first_fail_path, sizeof st->first_fail_path, "no such primitive");
        return;
    }
    int reports = o->max_reports > 0 ? o->max_reports : 1;
    for (long i = 0; i < o->count; i++) {
        hs_mark m = hs_arena_mark();
        struct hs_rng r;
        case_rng(&r, o->seed, p->id, i);
        struct hs_case c;
        memset(&c, 0, sizeof c);
        c.h = empty_adt();
        g->gen(&r, &c);

        char o1[96];
        snprintf(o1, sizeof o1, "seed %llu case %ld", (unsigned long long)o->seed, i);
        hs_check_set_origin(o1);
        FILE *rep_out = reports > 0 ? out : NULL;
        struct hs_check_report rep;
        enum hs_verdict v = hs_check_case(lc, p, &c, o->e2e, NULL, &rep);
        if (v == HS_FAIL && hs_known_divergence_of(lc, p, &c, o->e2e, &rep)) {
            st->checks++;
            st->known++;
        } else if (v == HS_VACUOUS) {
            st->vacuous++;
        } else {
            st->checks++;
            if (v == HS_FAIL && rep_out) /* again, printing the report */
                hs_check_case(lc, p, &c, o->e2e, rep_out, &rep);
            if (v == HS_FAIL) {
                st->failures++;
                if (st->failures == 1)
                    note_fail_path(&rep, st->first_fail_path, sizeof st->first_fail_path);
                if (reports > 0) {
                    keep_failure(lc, p, &c, i, o, rep_out, st);
                    reports--;
                }
            }
        }
        hs_arena_release(m);
        if (progress_fn && ((i + 1) % HS_PROGRESS_EVERY == 0 || i + 1 == o->count))
            progress_fn(lc->layer, p->name, i + 1, o->count, progress_ctx);
    }
    hs_check_set_origin(NULL);
}

long hs_check_layer(const struct hs_layer_check *lc, const char *prim,
                    const struct hs_run_opts *o, struct hs_prim_stats *stats)
{
    long failures = 0;
    int k = 0;
    bool found = false;
    for (int j = 0; j < lc->ngens; j++) {
        const struct hs_prim_gen *g = &lc->gens[j];
        if (prim && strcmp(prim, g->prim) != 0)
            continue;
        found = true;
        run_prim(lc, g, o, &stats[k]);
        failures += stats[k].failures;
        k++;
    }
    if (prim && !found)
        return -1;
    return failures;
}
