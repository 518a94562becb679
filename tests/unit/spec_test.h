/* What the unit tests of the specs share: exact expectations on Z values
 * and states (a failure names the line and the first differing path), the
 * CMocka setup that builds empty_adt once, and logs written oldest first. */
#ifndef HS_TEST_SPEC_TEST_H
#define HS_TEST_SPEC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>

#include <cmocka.h>

#include "hypsec/commlib.h"

static inline void expect_z_at(hs_z got, hs_z want, const char *what, int line)
{
    char g[HS_Z_STRLEN], w[HS_Z_STRLEN];
    if (got != want)
        fail_msg("line %d: %s = %s, expected %s", line, what, hs_z_str(got, g), hs_z_str(want, w));
}
#define EXPECT_Z(got, want) expect_z_at((got), (want), #got, __LINE__)

static inline void expect_state_at(const struct RData *got, const struct RData *want, int line)
{
    struct hs_diff d;
    hs_diff_init(&d, stderr, "got", "expected");
    if (!RData_diff(&d, got, want))
        fail_msg("line %d: state differs first at %s", line, d.first_path);
}
#define EXPECT_STATE(got, want) expect_state_at((got), (want), __LINE__)

/* The group setup: empty_adt is built before the first test. */
static inline int setup(void **state)
{
    (void)state;
    (void)empty_adt();
    return 0;
}

/* A log from events given oldest first. */
static inline const struct hs_list *chron(const struct MultiOracleEvent *const *evs, size_t n)
{
    const struct hs_list *l = NULL;
    for (size_t i = 0; i < n; i++)
        l = hs_log_cons(evs[i], l);
    return l;
}
#define CHRON(...) chron((const struct MultiOracleEvent *const[]){__VA_ARGS__}, \
    sizeof((const struct MultiOracleEvent *const[]){__VA_ARGS__}) / sizeof(void *))

static inline const struct MultiOracleEvent *wait_ev(hs_z cpu, hs_z n)
{
    return hs_ev_ticket(cpu, WAIT_LOCK, n);
}
static inline const struct MultiOracleEvent *rel_ev(hs_z cpu)
{
    return hs_ev_ticket(cpu, REL_LOCK, 0);
}

#endif
