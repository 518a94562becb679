/* Unit tests of the oracle's runtime: the random stream, guarded runs and
 * their stuck path, the runner's verdicts, shrinking, and vectors written and
 * replayed. Expected numbers come from a separate computation (a Python
 * transcription of splitmix64 / xoshiro256**) or by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vector.h"
#include "hypsec/sekvm.h"

/* ---- rng ---- */

static void test_rng_known_answers(void **state)
{
    /* first outputs for seeds 0, 1 and 0xdeadbeef, from the Python reference */
    static const uint64_t want[3][4] = {
        {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL},
        {0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL, 0x92f89756082a4514ULL, 0x642e1c7bc266a3a7ULL},
        {0xc5555444a74d7e83ULL, 0x65c30d37b4b16e38ULL, 0x54f773200a4efa23ULL, 0x429aed75fb958af7ULL},
    };
    static const uint64_t seeds[3] = {0, 1, 0xdeadbeefULL};
    for (int s = 0; s < 3; s++) {
        struct hs_rng r;
        hs_rng_seed(&r, seeds[s]);
        for (int i = 0; i < 4; i++)
            assert_true(hs_rng_next(&r) == want[s][i]);
    }
}

static void test_rng_determinism(void **state)
{
    struct hs_rng a, b, c;
    hs_rng_seed(&a, 42);
    hs_rng_seed(&b, 42);
    hs_rng_seed(&c, 43);
    int same_as_c = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = hs_rng_next(&a);
        assert_true(x == hs_rng_next(&b));
        same_as_c += x == hs_rng_next(&c);
    }
    assert_true(same_as_c < 2);
}

static void test_rng_below_range_and_distribution(void **state)
{
    struct hs_rng r;
    hs_rng_seed(&r, 7);
    /* ten buckets, 100000 draws: each within 4% of 10000 (over 10 standard deviations) */
    long counts[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t x = hs_rng_below(&r, 10);
        assert_true(x < 10);
        counts[x]++;
    }
    for (int k = 0; k < 10; k++) {
        assert_true(counts[k] > 9600);
        assert_true(counts[k] < 10400);
    }
    /* n = 3 * 2^62: a plain x % n would put half of the draws below 2^62,
     * the unbiased draw a third */
    uint64_t n = 3ULL << 62;
    long low = 0;
    for (int i = 0; i < 30000; i++) {
        uint64_t x = hs_rng_below(&r, n);
        assert_true(x < n);
        low += x < (1ULL << 62);
    }
    assert_true(low > 9500 && low < 10500);
    assert_true(hs_rng_below(&r, 1) == 0);
    /* hs_rng_chance(1, 4) about a quarter of the time */
    long yes = 0;
    for (int i = 0; i < 40000; i++)
        yes += hs_rng_chance(&r, 1, 4);
    assert_true(yes > 9500 && yes < 10500);
    assert_false(hs_rng_chance(&r, 0, 4));
    assert_true(hs_rng_chance(&r, 4, 4));
}

/* ---- a state where vmid's page-table lock is held ---- */

static const struct RData *locked_state(hs_z vmid, hs_z next)
{
    const struct RData *adt = empty_adt();
    struct NPT *npt = NPT_copy(hs_npt_of(adt, vmid));
    npt->pt_pgd_next = next;
    adt = hs_with_npt(adt, vmid, npt);
    return hs_with_lock(adt, hs_z_add(NPT_ID, vmid), LockOwnTrue);
}

/* ---- guarded runs ---- */

static int inner_calls;

/* An implementation that asks AbstractMachine for vmid's next pgd page. */
static void peek_pgd_next(const hs_z *a, hs_z *r)
{
    inner_calls++;
    *r = get_pgd_next((u32)a[0]);
    inner_calls++;
}

/* An implementation that gives up by itself. */
static void give_up(const hs_z *a, hs_z *r)
{
    hs_stuck(HS_PRIM_panic, "test gives up");
}

static void test_run_guarded_stuck(void **state)
{
    const struct hs_prim *p = hs_prim_find("alloc_pgd_page");
    assert_non_null(p);
    hs_impl_fn saved = hs_prim_impl_of(p->id);
    hs_prim_set_impl(p->id, peek_pgd_next);
    hs_mark m = hs_arena_mark();

    /* empty_adt holds no lock: get_pgd_next's spec is None, the run is stuck */
    hs_z args[HS_MAX_ARGS] = {1};
    const struct RData *out = NULL;
    hs_z ret = 77;
    struct hs_stuck_info info;
    inner_calls = 0;
    assert_false(hs_run_guarded(p, args, empty_adt(), &out, &ret, &info));
    assert_int_equal(info.prim, HS_PRIM_get_pgd_next);
    assert_true(strlen(info.why) > 0);
    assert_int_equal(inner_calls, 1); /* unwound in the middle of the implementation */
    assert_null(out);
    assert_true(ret == 77);

    /* the guard is usable again: with the lock held the call returns the pointer */
    hs_z next = hs_z_add(pgd_start(1), 3 * PAGE_SIZE);
    const struct RData *l = locked_state(1, next);
    inner_calls = 0;
    assert_true(hs_run_guarded(p, args, l, &out, &ret, &info));
    assert_int_equal(info.prim, -1);
    assert_int_equal(inner_calls, 2);
    assert_true(ret == next);
    assert_ptr_equal(out, l); /* get_pgd_next does not change the state */

    /* an implementation that calls hs_stuck itself */
    hs_prim_set_impl(p->id, give_up);
    assert_false(hs_run_guarded(p, args, l, &out, &ret, &info));
    assert_int_equal(info.prim, HS_PRIM_panic);
    assert_string_equal(info.why, "test gives up");

    /* an argument no u32 holds never reaches the implementation */
    args[0] = HS_Z_2P32;
    assert_false(hs_run_guarded(p, args, l, &out, &ret, &info));
    assert_int_equal(info.prim, p->id);

    /* no implementation at all */
    hs_prim_set_impl(p->id, NULL);
    args[0] = 1;
    assert_false(hs_run_guarded(p, args, l, &out, &ret, &info));
    assert_int_equal(info.prim, p->id);

    hs_prim_set_impl(p->id, saved);
    hs_arena_release(m);
}

static void test_registry_lookups(void **state)
{
    assert_null(hs_prim_find("no_such_prim"));
    const struct hs_prim *p = hs_prim_find("walk_pgd");
    assert_non_null(p);
    assert_string_equal(p->layer, "PTWalk");
    assert_true(hs_ctype_bound("u32") == ((hs_z)1 << 32));
    assert_true(hs_ctype_bound("u64") == ((hs_z)1 << 64));
    assert_true(hs_ctype_bound("void") == 1);
    assert_non_null(hs_layer_check_find("PTAlloc"));
    assert_null(hs_layer_check_find("NoLayer"));
    /* the registry is bottom to top and every generator names a primitive of its layer */
    assert_string_equal(hs_layer_checks[0]->layer, "PTAlloc");
    for (int i = 0; i < hs_nlayer_checks; i++) {
        const struct hs_layer_check *lc = hs_layer_checks[i];
        for (int j = 0; j < lc->ngens; j++) {
            const struct hs_prim *q = hs_prim_find(lc->gens[j].prim);
            assert_non_null(q);
            assert_string_equal(q->layer, lc->layer);
        }
    }
}

/* ---- verdicts of single checks ---- */

/* alloc_pgd_page done wrong: it reads the pointer and never advances it. */
static void wrong_alloc_pgd(const hs_z *a, hs_z *r)
{
    *r = get_pgd_next((u32)a[0]);
}

static void test_check_case_verdicts(void **state)
{
    const struct hs_layer_check *lc = hs_layer_check_find("PTAlloc");
    const struct hs_prim *p = hs_prim_find("alloc_pgd_page");
    assert_non_null(lc);
    hs_register_impls();
    hs_mark m = hs_arena_mark();

    struct hs_case c;
    memset(&c, 0, sizeof c);
    c.args[0] = 2;
    c.h = locked_state(2, hs_z_add(pgd_start(2), PAGE_SIZE));
    struct hs_check_report rep;
    assert_int_equal(hs_check_case(lc, p, &c, false, NULL, &rep), HS_PASS);

    /* no lock held: the spec is None */
    c.h = empty_adt();
    assert_int_equal(hs_check_case(lc, p, &c, false, NULL, &rep), HS_VACUOUS);

    /* the wrong implementation leaves pt_pgd_next where it was */
    hs_prim_set_impl(p->id, wrong_alloc_pgd);
    c.h = locked_state(2, hs_z_add(pgd_start(2), PAGE_SIZE));
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    hs_check_set_origin("unit test");
    assert_int_equal(hs_check_case(lc, p, &c, false, out, &rep), HS_FAIL);
    fclose(out);
    assert_false(rep.ret_differs);
    assert_true(rep.diff.count > 0);
    assert_non_null(strstr(rep.diff.first_path, "pt_pgd_next"));
    assert_non_null(strstr(buf, "FAIL PTAlloc alloc_pgd_page (step) at unit test"));
    assert_non_null(strstr(buf, "vmid=2"));
    assert_non_null(strstr(buf, "pt_pgd_next"));
    free(buf);

    /* at the end of the pool the spec halts and returns 0; the wrong one returns next */
    c.h = locked_state(2, pud_start(2));
    assert_int_equal(hs_check_case(lc, p, &c, false, NULL, &rep), HS_FAIL);
    assert_true(rep.ret_differs);
    assert_true(rep.high_ret == 0);
    assert_true(rep.low_ret == pud_start(2));

    hs_check_set_origin(NULL);
    hs_register_impls();
    hs_arena_release(m);
}

/* ---- shrinking ---- */

/* A failing case buried in noise: vmid 3 holds its lock, and the state also
 * has other VMs' tables, memory contents and register values. */
static void gen_noisy(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = 3;
    const struct RData *adt = empty_adt();
    for (hs_z v = 4; v < 9; v++) {
        struct NPT *n = NPT_copy(hs_npt_of(adt, v));
        n->pt_pgd_next = hs_z_add(pgd_start(v), (hs_z)hs_rng_below(r, 16) * PAGE_SIZE);
        n->pt_pgd_pool = zmap_set_z(n->pt_pgd_pool, pgd_start(v), (hs_z)hs_rng_next(r) >> 1);
        adt = hs_with_npt(adt, v, n);
    }
    struct Shared *s = Shared_copy(adt->shared);
    for (int i = 0; i < 40; i++)
        s->flatmem = zmap_set_z(s->flatmem, (hs_z)hs_rng_below(r, 1 << 20), 1 + (hs_z)hs_rng_below(r, 1000));
    adt = hs_with_shared(adt, s);
    struct RData *a = RData_copy(adt);
    a->curid = 5;
    a->tstate = 1;
    a->region_cnt = 9;
    adt = a;
    struct NPT *n = NPT_copy(hs_npt_of(adt, vmid));
    n->pt_pgd_next = hs_z_add(pgd_start(vmid), 9 * PAGE_SIZE);
    adt = hs_with_npt(adt, vmid, n);
    c->h = hs_with_lock(adt, hs_z_add(NPT_ID, vmid), LockOwnTrue);
    c->args[0] = vmid;
}

static const struct hs_prim_gen noisy_gens[] = {{"alloc_pgd_page", gen_noisy}};

/* PTAlloc's check with the noisy generator (identity relation, no lowering). */
static const struct hs_layer_check noisy_layer = {
    .layer = "PTAlloc",
    .lower = "AbstractMachine",
    .gens = noisy_gens,
    .ngens = 1,
};

static size_t json_size(const struct RData *h)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    RData_write_json(f, h);
    fclose(f);
    free(buf);
    return len;
}

static void test_shrink_args_candidates(void **state)
{
    const struct hs_prim *p = hs_prim_find("alloc_pgd_page");
    hs_z args[HS_MAX_ARGS] = {100};
    /* by hand: 0, 1, 100/2, 100 with its lowest set bit (4) cleared, 99 */
    static const hs_z want[] = {0, 1, 50, 96, 99};
    hs_z v;
    for (size_t n = 0; n < 5; n++) {
        assert_true(hs_shrink_arg(p, args, 0, n, &v));
        assert_true(v == want[n]);
    }
    assert_false(hs_shrink_arg(p, args, 0, 5, &v));
    /* 2: 0 and 1 only (half and lowest bit cleared are 1 and 0 again) */
    args[0] = 2;
    assert_true(hs_shrink_arg(p, args, 0, 0, &v) && v == 0);
    assert_true(hs_shrink_arg(p, args, 0, 1, &v) && v == 1);
    assert_false(hs_shrink_arg(p, args, 0, 2, &v));
    args[0] = 0;
    assert_false(hs_shrink_arg(p, args, 0, 0, &v));
    assert_false(hs_shrink_arg(p, args, 1, 0, &v)); /* no second parameter */
}

static void test_shrink_failing_case(void **state)
{
    const struct hs_prim *p = hs_prim_find("alloc_pgd_page");
    hs_register_impls();
    hs_prim_set_impl(p->id, wrong_alloc_pgd);
    hs_mark m = hs_arena_mark();

    struct hs_rng r;
    hs_rng_seed(&r, 5);
    struct hs_case c;
    memset(&c, 0, sizeof c);
    gen_noisy(&r, &c);
    assert_true(hs_case_fails(&noisy_layer, p, &c, false));

    struct hs_case w;
    struct hs_shrink_stats st;
    hs_shrink_case(&noisy_layer, p, &c, false, 2000, &w, &st);
    assert_true(st.accepted > 0);
    assert_true(st.attempts <= 2000);
    assert_true(hs_case_fails(&noisy_layer, p, &w, false));
    size_t before = json_size(c.h), after = json_size(w.h);
    assert_true(after < before);
    assert_true(zmap_count(w.h->shared->flatmem) < zmap_count(c.h->shared->flatmem));
    /* what makes it fail stays: the lock of the VM the call names */
    assert_int_equal(hs_lock_of(w.h, hs_z_add(NPT_ID, w.args[0])), LockOwnTrue);

    hs_register_impls();
    hs_arena_release(m);
}

/* ---- a layer run and vectors ---- */

static char tmpdir[256];

static void make_tmpdir(void)
{
    if (tmpdir[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hs-test-runner-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long n = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

static void test_layer_run_reproducible(void **state)
{
    const struct hs_layer_check *lc = hs_layer_check_find("PTAlloc");
    hs_register_impls();
    struct hs_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 9;
    o.count = 300;
    struct hs_prim_stats all[8], one[1];
    memset(all, 0, sizeof all);
    assert_true(lc->ngens <= 8);
    assert_int_equal(hs_check_layer(lc, NULL, &o, all), 0);
    assert_int_equal(hs_check_layer(lc, lc->gens[1].prim, &o, one), 0);
    assert_string_equal(one[0].prim, all[1].prim);
    assert_int_equal(one[0].checks, all[1].checks);
    assert_int_equal(one[0].vacuous, all[1].vacuous);
    assert_int_equal(one[0].checks + one[0].vacuous, 300);
    assert_true(one[0].checks > 0);
    assert_int_equal(hs_check_layer(lc, "no_such_prim", &o, one), -1);
}

static void test_failure_written_and_replayed(void **state)
{
    const struct hs_layer_check *lc = hs_layer_check_find("PTAlloc");
    const struct hs_prim *p = hs_prim_find("alloc_pgd_page");
    make_tmpdir();
    hs_register_impls();
    hs_prim_set_impl(p->id, wrong_alloc_pgd);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct hs_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 3;
    o.count = 200;
    o.vector_dir = tmpdir;
    o.diff_out = out;
    o.shrink = true;
    struct hs_prim_stats st[1];
    long fails = hs_check_layer(lc, "alloc_pgd_page", &o, st);
    fclose(out);
    assert_true(fails > 0);
    assert_int_equal(fails, st[0].failures);
    assert_true(st[0].first_fail_path[0] != '\0');
    assert_true(st[0].first_fail_vector[0] != '\0');
    assert_non_null(strstr(st[0].first_fail_vector, "PTAlloc-alloc_pgd_page-3-"));
    assert_int_equal(count_lines(st[0].first_fail_vector), 1);
    /* the report ends with the replay line naming the file */
    char last[600];
    snprintf(last, sizeof last, "  replay: hypsec-check --replay %s\n", st[0].first_fail_vector);
    assert_true(len >= strlen(last));
    assert_string_equal(buf + len - strlen(last), last);
    free(buf);

    /* replayed with the wrong implementation, the vector fails again */
    FILE *sink = tmpfile();
    long ok = -1, bad = -1;
    assert_int_equal(hs_vector_replay_file(st[0].first_fail_vector, sink, &ok, &bad), 1);
    assert_int_equal(ok, 0);
    assert_int_equal(bad, 1);
    /* with the right one it passes: the expected outcome came from the spec */
    hs_register_impls();
    assert_int_equal(hs_vector_replay_file(st[0].first_fail_vector, sink, &ok, &bad), 0);
    assert_int_equal(ok, 1);
    assert_int_equal(bad, 0);
    fclose(sink);
}

static void test_vector_round_trip(void **state)
{
    const struct hs_layer_check *lc = hs_layer_check_find("PTWalk");
    assert_non_null(lc);
    make_tmpdir();
    hs_register_impls();
    char path[400];
    snprintf(path, sizeof path, "%s/round.jsonl", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    long lines = 0;
    hs_mark m = hs_arena_mark();
    for (int g = 0; g < lc->ngens; g++) {
        const struct hs_prim *p = hs_prim_find(lc->gens[g].prim);
        for (int i = 0; i < 20; i++) {
            struct hs_rng r;
            hs_rng_seed(&r, (uint64_t)(g * 1000 + i));
            struct hs_case c;
            memset(&c, 0, sizeof c);
            c.h = empty_adt();
            lc->gens[g].gen(&r, &c);
            struct hs_vector_origin vo = {"test_runner", (uint64_t)i, i};
            assert_true(hs_vector_write(f, lc, p, &c, i % 2 == 1, &vo));
            lines++;
        }
    }
    hs_arena_release(m);
    fclose(f);
    assert_int_equal(count_lines(path), lines);

    FILE *sink = tmpfile();
    long ok = -1, bad = -1;
    assert_int_equal(hs_vector_replay_file(path, sink, &ok, &bad), 0);
    assert_int_equal(ok, lines);
    assert_int_equal(bad, 0);
    fclose(sink);
}

/* A vector in a documented divergence region of the spec passes as such. */
static void test_replay_known_divergence(void **state)
{
    const struct hs_layer_check *lc = hs_layer_check_find("VCPUOpsAux");
    assert_non_null(lc);
    const struct hs_prim *p = hs_prim_find("prep_abort");
    assert_non_null(p);
    make_tmpdir();
    hs_register_impls();
    const struct hs_prim_gen *g = NULL;
    for (int k = 0; k < lc->ngens; k++)
        if (strcmp(lc->gens[k].prim, "prep_abort") == 0)
            g = &lc->gens[k];
    assert_non_null(g);
    char path[400];
    snprintf(path, sizeof path, "%s/known.jsonl", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    bool found = false;
    for (uint64_t i = 0; i < 200 && !found; i++) {
        struct hs_rng r;
        hs_rng_seed(&r, i);
        struct hs_case c;
        memset(&c, 0, sizeof c);
        c.h = empty_adt();
        g->gen(&r, &c);
        struct hs_check_report rep;
        if (hs_check_case(lc, p, &c, false, NULL, &rep) != HS_FAIL)
            continue;
        assert_non_null(hs_known_divergence_of(lc, p, &c, false, &rep));
        struct hs_vector_origin vo = {"test_runner", i, (long)i};
        assert_true(hs_vector_write(f, lc, p, &c, false, &vo));
        found = true;
    }
    fclose(f);
    assert_true(found);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct hs_replay_stats st;
    assert_int_equal(hs_vector_replay(path, out, &st), 0);
    fclose(out);
    assert_int_equal(st.passed, 1);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.known, 1);
    assert_non_null(strstr(buf, ":1: known divergence at data_log["));
    free(buf);
}

static void test_replay_malformed(void **state)
{
    make_tmpdir();
    char path[400];
    snprintf(path, sizeof path, "%s/bad.jsonl", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("\n{\"layer\":\"PTAlloc\",\"prim\":\"alloc_pgd_page\",\"args\":[1],\"pre\":{}\n", f);
    fclose(f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    long ok = -1, bad = -1;
    assert_int_equal(hs_vector_replay_file(path, out, &ok, &bad), 2);
    fclose(out);
    assert_int_equal(ok, 0);
    assert_int_equal(bad, 0);
    /* one line, at line 2 of the file */
    char prefix[420];
    snprintf(prefix, sizeof prefix, "%s:2:", path);
    assert_memory_equal(buf, prefix, strlen(prefix));
    assert_non_null(strchr(buf, '\n'));
    assert_true(strchr(buf, '\n') == buf + len - 1);
    free(buf);

    /* a missing file is status 2 as well */
    FILE *sink = tmpfile();
    assert_int_equal(hs_vector_replay_file("/nonexistent/x.jsonl", sink, &ok, &bad), 2);
    fclose(sink);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_known_answers),
        cmocka_unit_test(test_replay_known_divergence),
        cmocka_unit_test(test_rng_determinism),
        cmocka_unit_test(test_rng_below_range_and_distribution),
        cmocka_unit_test(test_registry_lookups),
        cmocka_unit_test(test_run_guarded_stuck),
        cmocka_unit_test(test_check_case_verdicts),
        cmocka_unit_test(test_shrink_args_candidates),
        cmocka_unit_test(test_shrink_failing_case),
        cmocka_unit_test(test_layer_run_reproducible),
        cmocka_unit_test(test_failure_written_and_replayed),
        cmocka_unit_test(test_vector_round_trip),
        cmocka_unit_test(test_replay_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
