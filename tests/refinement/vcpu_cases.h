/* Shared by the Check suites of the VCPU layers (VCPUOpsAux, VCPUOps,
 * CtxtSwitch): run a layer's generator case by case through the oracle and
 * sort the verdicts by a region of cases, the divergences no implementation
 * over the layer below can avoid (docs/spec-notes.md). Outside the region
 * every check must pass; inside it every non-vacuous check must fail, at the
 * documented place and nowhere else. A wrong implementation must fail
 * outside the region. */
#ifndef HS_TEST_VCPU_CASES_H
#define HS_TEST_VCPU_CASES_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* Whether case c lies in the divergence region (evaluated on the high state). */
typedef bool (*vc_region_fn)(const struct hs_case *c, bool e2e);

struct vc_stats {
    long pass, vacuous, fail;                 /* outside the region */
    long region_pass, region_vacuous, region_fail;
    long region_exact;                        /* inside failures at one leaf, under region_path */
    char first_fail[256];                     /* where the first failure outside was */
    char first_region_fail[256];              /* where the first failure inside was */
};

/* "result", "stuck:<prim>" or the first differing path of a failed check. */
static void vc_where(const struct hs_check_report *rep, char *buf, size_t n)
{
    if (rep->stuck.prim >= 0)
        snprintf(buf, n, "stuck:%s", hs_prims[rep->stuck.prim].name);
    else if (rep->ret_differs)
        snprintf(buf, n, "result");
    else
        snprintf(buf, n, "%s", rep->diff.first_path);
}

/* Whether path starts with one of the '|'-separated prefixes of alts. */
static bool vc_path_matches(const char *path, const char *alts)
{
    while (*alts) {
        size_t n = strcspn(alts, "|");
        if (n > 0 && strncmp(path, alts, n) == 0)
            return true;
        alts += n + (alts[n] == '|');
    }
    return false;
}

/* count cases of prim from seed (case i from its own stream), with the
 * implementations registered now (a test may have swapped one in); a failure
 * inside the region is exact when the states differ at one leaf only, at a
 * path starting with one of the '|'-separated prefixes of region_path. */
static void vc_run(const struct hs_layer_check *lc, const char *prim, bool e2e, long count,
                   uint64_t seed, vc_region_fn region, const char *region_path,
                   struct vc_stats *st)
{
    memset(st, 0, sizeof *st);
    const struct hs_prim *p = hs_prim_find(prim);
    ck_assert_msg(p != NULL, "no primitive %s", prim);
    void (*gen)(struct hs_rng *, struct hs_case *) = NULL;
    for (int i = 0; i < lc->ngens; i++)
        if (strcmp(lc->gens[i].prim, prim) == 0)
            gen = lc->gens[i].gen;
    ck_assert_msg(gen != NULL, "%s has no generator for %s", lc->layer, prim);
    for (long i = 0; i < count; i++) {
        hs_mark m = hs_arena_mark();
        struct hs_rng r;
        hs_rng_seed(&r, seed * 1000003u + (uint64_t)i);
        struct hs_case c;
        memset(&c, 0, sizeof c);
        gen(&r, &c);
        bool in = region && region(&c, e2e);
        struct hs_check_report rep;
        enum hs_verdict v = hs_check_case(lc, p, &c, e2e, NULL, &rep);
        char *first = in ? st->first_region_fail : st->first_fail;
        if (v == HS_FAIL && first[0] == '\0')
            vc_where(&rep, first, sizeof st->first_fail);
        if (in && v == HS_FAIL && region_path) {
            char where[256];
            vc_where(&rep, where, sizeof where);
            st->region_exact += rep.diff.count == 1 && vc_path_matches(where, region_path);
        }
        if (in) {
            st->region_pass += v == HS_PASS;
            st->region_vacuous += v == HS_VACUOUS;
            st->region_fail += v == HS_FAIL;
        } else {
            st->pass += v == HS_PASS;
            st->vacuous += v == HS_VACUOUS;
            st->fail += v == HS_FAIL;
        }
        hs_arena_release(m);
    }
}

/* Every check outside the region passes, inside it fails, each at one leaf
 * under one of the '|'-separated prefixes of region_path; most cases are not
 * vacuous. */
static void vc_assert(const struct hs_layer_check *lc, const char *prim, bool e2e, long count,
                      uint64_t seed, vc_region_fn region, const char *region_path)
{
    struct vc_stats st;
    hs_register_impls();
    vc_run(lc, prim, e2e, count, seed, region, region_path, &st);
    long checks = st.pass + st.fail + st.region_pass + st.region_fail;
    long vacuous = st.vacuous + st.region_vacuous;
    fprintf(stderr, "%s %s%s: %ld checks (%ld vacuous); outside the divergence %ld pass, "
                    "%ld fail; inside %ld fail (first at %s), %ld pass\n",
            lc->layer, prim, e2e ? " (end to end)" : "", checks, vacuous, st.pass, st.fail,
            st.region_fail, st.region_fail ? st.first_region_fail : "-", st.region_pass);
    ck_assert_msg(st.fail == 0, "%s: %ld failures outside the documented divergence, first at %s",
                  prim, st.fail, st.first_fail);
    ck_assert_msg(checks > vacuous, "%s: %ld checks, %ld vacuous", prim, checks, vacuous);
    ck_assert_msg(st.pass > 0, "%s: no passing check outside the divergence", prim);
    if (!region)
        return;
    ck_assert_msg(st.region_pass == 0, "%s: %ld checks inside the divergence passed", prim,
                  st.region_pass);
    ck_assert_msg(st.region_fail > 0, "%s: the divergence was never reached", prim);
    ck_assert_msg(vc_path_matches(st.first_region_fail, region_path),
                  "%s: the divergence showed at %s, expected %s", prim, st.first_region_fail,
                  region_path);
    ck_assert_msg(st.region_exact == st.region_fail,
                  "%s: %ld of %ld failures inside the divergence differ elsewhere than %s", prim,
                  st.region_fail - st.region_exact, st.region_fail, region_path);
}

/* Implementation f of primitive id in place of the real one: the oracle must
 * fail a check outside the region, first at a path starting with one of the
 * '|'-separated prefixes of path. */
static void vc_assert_bites(const struct hs_layer_check *lc, const char *prim, bool e2e, int id,
                            hs_impl_fn f, long count, uint64_t seed, vc_region_fn region,
                            const char *path)
{
    struct vc_stats st;
    hs_register_impls();
    hs_impl_fn real = hs_prim_impl_of(id);
    hs_prim_set_impl(id, f);
    vc_run(lc, prim, e2e, count, seed, region, NULL, &st);
    hs_prim_set_impl(id, real);
    fprintf(stderr, "wrong %s under %s %s%s: %ld of %ld checks fail, first at %s\n",
            hs_prims[id].name, lc->layer, prim, e2e ? " (end to end)" : "", st.fail,
            st.pass + st.fail, st.fail ? st.first_fail : "-");
    ck_assert_msg(st.fail > 0, "wrong %s passed %ld checks of %s", hs_prims[id].name, st.pass,
                  prim);
    ck_assert_msg(vc_path_matches(st.first_fail, path),
                  "wrong %s first failed at %s, expected %s", hs_prims[id].name, st.first_fail,
                  path);
}

/* The shadow context of the current vCPU of s. */
static inline const struct Ctxt *vc_cur_ctxt(const struct RData *s)
{
    return zmap_get_p(s->shadow_ctxts, ctxt_id(s->cur_vmid, s->cur_vcpuid));
}

#endif
