/* What every layer's refinement suite does: run a layer's oracle on one
 * primitive and assert that it refines, or that a wrong implementation
 * swapped in for it is caught at the expected place. */
#ifndef HYPSEC_TEST_SUITE_H
#define HYPSEC_TEST_SUITE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/check.h"

#ifndef HS_TEST_VECTOR_DIR
#define HS_TEST_VECTOR_DIR NULL
#endif

/* count cases of prim under seed with the implementations installed now; a
 * failure is reported (diff_out) and, when keep, shrunk and written. */
static inline struct hs_prim_stats hs_suite_run(const struct hs_layer_check *lc, const char *prim,
                                                bool e2e, uint64_t seed, long count,
                                                FILE *diff_out, bool keep)
{
    struct hs_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = seed;
    o.count = count;
    o.e2e = e2e;
    o.vector_dir = keep ? HS_TEST_VECTOR_DIR : NULL;
    o.diff_out = diff_out;
    o.shrink = keep;
    o.max_reports = 1;
    struct hs_prim_stats st;
    long f = hs_check_layer(lc, prim, &o, &st);
    ck_assert_msg(f >= 0, "%s has no generator for %s", lc->layer, prim);
    return st;
}

/* prim refines its spec on count cases, most of them not vacuous. */
static inline void hs_suite_assert_refines(const struct hs_layer_check *lc, const char *prim,
                                           bool e2e, uint64_t seed, long count)
{
    hs_register_impls();
    struct hs_prim_stats st = hs_suite_run(lc, prim, e2e, seed, count, stderr, true);
    fprintf(stderr, "%s %s%s: %ld checks, %ld vacuous, %ld failures\n", lc->layer, prim,
            e2e ? " (end to end)" : "", st.checks, st.vacuous, st.failures);
    ck_assert_msg(st.failures == 0, "%s: %ld failures, first at %s", prim, st.failures,
                  st.first_fail_path);
    ck_assert_msg(st.checks > st.vacuous, "%s: %ld checks, %ld vacuous", prim, st.checks,
                  st.vacuous);
}

/* The figures of prim with f installed as the implementation of primitive id. */
static inline struct hs_prim_stats hs_suite_run_wrong(const struct hs_layer_check *lc,
                                                      const char *prim, int id, hs_impl_fn f,
                                                      bool e2e, uint64_t seed, long count)
{
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(devnull);
    hs_register_impls();
    hs_impl_fn real = hs_prim_impl_of(id);
    hs_prim_set_impl(id, f);
    struct hs_prim_stats st = hs_suite_run(lc, prim, e2e, seed, count, devnull, false);
    hs_prim_set_impl(id, real);
    fclose(devnull);
    return st;
}

/* The wrong f fails some checks of prim, the first at a path starting with
 * one of the prefixes (NULL-terminated: a bug shows differently on different cases). */
static inline void hs_suite_assert_bites(const struct hs_layer_check *lc, const char *prim,
                                         int id, hs_impl_fn f, bool e2e, uint64_t seed,
                                         long count, const char *const *prefixes)
{
    struct hs_prim_stats st = hs_suite_run_wrong(lc, prim, id, f, e2e, seed, count);
    fprintf(stderr, "%s wrong %s%s: %ld failures of %ld checks, first at %s\n", lc->layer, prim,
            e2e ? " (end to end)" : "", st.failures, st.checks, st.first_fail_path);
    ck_assert_msg(st.failures > 0, "wrong %s passed %ld checks", prim, st.checks);
    bool expected = false;
    for (const char *const *p = prefixes; *p; p++)
        if (strncmp(st.first_fail_path, *p, strlen(*p)) == 0)
            expected = true;
    ck_assert_msg(expected, "wrong %s first failed at %s, expected %s...", prim,
                  st.first_fail_path, prefixes[0]);
}

/* One test case of a suite: a primitive's name and its test. */
struct hs_suite_step {
    const char *name;
    const TTest *test;
};

/* s with one test case per step, so that ctest output names each primitive. */
static inline void hs_suite_add_steps(Suite *s, const struct hs_suite_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        TCase *tc = tcase_create(steps[i].name);
        tcase_add_test(tc, steps[i].test);
        suite_add_tcase(s, tc);
    }
}

/* Run suite s: the process's exit status (failure when a test failed). */
static inline int hs_suite_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
