/* The JSON reader and writer: exact round trips of random states, the sparse
 * format on hand-written documents, and malformed inputs with their
 * positions and reasons (each position counted by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/json.h"
#include "hypsec/rdata.h"
#include "hypsec/zmap.h"
#include "rdata_rand.h"

/* ---------------------------------------------------------------- helpers */

static char *state_json(const struct RData *a)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    RData_write_json(f, a);
    fclose(f);
    return buf;
}

/* Parse and read a state; NULL with e filled on failure. */
static const struct RData *read_state(const char *text, size_t len, struct hs_err *e)
{
    const struct hs_json *j = hs_json_parse(text, len, 1, e);
    if (!j)
        return NULL;
    const struct RData *a;
    if (!RData_read_json(j, &a, e))
        return NULL;
    return a;
}

/* The error of a text that must not parse, as "line:col: msg". */
static void expect_parse_error(const char *text, size_t len, int line0, const char *want)
{
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const struct hs_json *j = hs_json_parse(text, len, line0, &e);
    char got[400];
    snprintf(got, sizeof got, "%d:%d: %s", e.line, e.col, e.msg);
    if (j)
        fail_msg("parsed, expected error %s for input %s", want, text);
    assert_string_equal(got, want);
}

static void expect_read_error(const char *text, const char *want)
{
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const struct hs_json *j = hs_json_parse(text, strlen(text), 1, &e);
    if (!j)
        fail_msg("did not parse: %s: %s", text, e.msg);
    const struct RData *a;
    assert_false(RData_read_json(j, &a, &e));
    char got[400];
    snprintf(got, sizeof got, "%d:%d: %s", e.line, e.col, e.msg);
    assert_string_equal(got, want);
}

/* ---------------------------------------------------------------- writer */

static void test_empty_is_braces(void **state)
{
    (void)state;
    char *t = state_json(empty_adt());
    assert_string_equal(t, "{}");
    free(t);
    /* A state equal to empty_adt but built apart is written the same. */
    struct RData *a = RData_copy(empty_adt());
    struct Shared *s = Shared_copy(a->shared);
    s->flatmem = zmap_set_z(zmap_set_z(s->flatmem, 1, 2), 1, 0);
    a->shared = s;
    t = state_json(a);
    assert_string_equal(t, "{}");
    free(t);
}

/* The expected state of the first hand-written document, built by hand. */
static const struct RData *expected_doc1(void)
{
    struct RData *a = RData_copy(empty_adt());
    a->halt = true;
    a->curid = 3;
    a->lock = zmap_set(a->lock, 1, hs_vz(LockOwnTrue));
    a->bars = Barriered;
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pgd_pool = zmap_set_z(n->pt_pgd_pool, 69632, 5);
    n->pt_pgd_next = 4096;
    struct Shared *s = Shared_copy(a->shared);
    s->npts = zmap_set_p(s->npts, 3, n);
    a->shared = s;
    return a;
}

static const char doc1[] =
    "{\"halt\":true,\"curid\":3,\"lock\":[[1,\"LockOwnTrue\"]],\"bars\":\"Barriered\","
    "\"shared\":{\"npts\":[[3,{\"pt_pgd_pool\":[[69632,5]],\"pt_pgd_next\":4096}]]}}";

/* Events of every level, a map with its own default, and a list of variants. */
static const struct RData *expected_doc2(void)
{
    struct RData *a = RData_copy(empty_adt());
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pud_next = 8;
    struct SharedMemEvent *se = hs_alloc(sizeof *se);
    se->tag = ONPT;
    se->obj = n;
    struct MultiOracleEventUnit *u1 = hs_alloc(sizeof *u1);
    u1->tag = TSHARED;
    u1->shared = se;
    struct MultiOracleEvent *e1 = hs_alloc(sizeof *e1);
    e1->cpuid = 1;
    e1->e = u1;
    struct TicketOracleEvent *te = hs_alloc(sizeof *te);
    te->tag = WAIT_LOCK;
    te->n = 3;
    struct MultiOracleEventUnit *u2 = hs_alloc(sizeof *u2);
    u2->tag = TTICKET;
    u2->ticket = te;
    struct MultiOracleEvent *e2 = hs_alloc(sizeof *e2);
    e2->e = u2;
    a->log = zmap_set_p(a->log, 0, hs_cons(hs_vp(e1), hs_cons(hs_vp(e2), NULL)));
    struct CtxtRegs *cr = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    cr->x0 = -1;
    struct AtomicEvent *ae = hs_alloc(sizeof *ae);
    ae->tag = OLOAD_ENC_VCPU;
    ae->vmid = 1;
    ae->cregs = cr;
    ae->cstates = empty_Ctxt()->ctxt_states;
    ae->dorc = 77;
    struct SingleOracleEvent *sv = hs_alloc(sizeof *sv);
    sv->cpuid = 2;
    sv->e = ae;
    a->slog = hs_cons(hs_vp(sv), NULL);
    a->data_log = zmap_set_z(zmap_init(&hs_type_z, hs_vz(-5)), 7, 0);
    return a;
}

static const char doc2[] =
    "{\"log\":[[0,[{\"cpuid\":1,\"e\":{\"tag\":\"TSHARED\",\"shared\":{\"tag\":\"ONPT\","
    "\"obj\":{\"pt_pud_next\":8}}}},{\"e\":{\"tag\":\"TTICKET\",\"ticket\":{\"tag\":"
    "\"WAIT_LOCK\",\"n\":3}}}]]],\"slog\":[{\"cpuid\":2,\"e\":{\"tag\":\"OLOAD_ENC_VCPU\","
    "\"vmid\":1,\"cregs\":{\"x0\":-1},\"dorc\":77}}],"
    "\"data_log\":{\"default\":-5,\"entries\":[[7,0]]}}";

static const char doc3[] =
    "{\"tstate\":-170141183460469231731687303715884105728,"
    "\"curid\":170141183460469231731687303715884105727}";

static void test_hand_documents(void **state)
{
    (void)state;
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const struct RData *a = read_state(doc1, strlen(doc1), &e);
    assert_non_null(a);
    assert_true(RData_eq(a, expected_doc1()));
    char *t = state_json(expected_doc1());
    assert_string_equal(t, doc1);
    free(t);

    a = read_state(doc2, strlen(doc2), &e);
    if (!a)
        fail_msg("%d:%d: %s", e.line, e.col, e.msg);
    assert_true(RData_eq(a, expected_doc2()));
    t = state_json(expected_doc2());
    assert_string_equal(t, doc2);
    free(t);

    a = read_state(doc3, strlen(doc3), &e);
    assert_non_null(a);
    assert_true(a->tstate == HS_Z_MIN);
    assert_true(a->curid == HS_Z_MAX);
    t = state_json(a);
    assert_string_equal(t, doc3);
    free(t);

    /* Whitespace anywhere between tokens. */
    const char spaced[] = " {\n\t\"halt\" : true ,\r\n \"curid\":3 } \n";
    a = read_state(spaced, strlen(spaced), &e);
    assert_non_null(a);
    assert_true(a->halt && a->curid == 3);
}

/* A map may be written in either form; the writer picks the array when the default is expected. */
static void test_map_forms(void **state)
{
    (void)state;
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const char obj_form[] = "{\"data_log\":{\"default\":0,\"entries\":[[1,2]]}}";
    const char arr_form[] = "{\"data_log\":[[1,2]]}";
    const struct RData *a = read_state(obj_form, strlen(obj_form), &e);
    const struct RData *b = read_state(arr_form, strlen(arr_form), &e);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(RData_eq(a, b));
    assert_true(zmap_get_z(a->data_log, 1) == 2);
    char *t = state_json(a);
    assert_string_equal(t, arr_form);
    free(t);
    /* A default alone, and entries listed out of order. */
    const char only_default[] = "{\"flatmem\":{\"default\":9}}";
    const char unordered[] = "{\"data_log\":[[5,1],[-2,3]]}";
    memset(&e, 0, sizeof e);
    const struct hs_json *j = hs_json_parse(only_default, strlen(only_default), 1, &e);
    assert_non_null(j);
    hs_val v;
    assert_false(hs_json_read_val(j, &hs_type_RData, NULL, &v, &e));
    assert_string_equal(e.msg, "unknown field \"flatmem\" in RData");
    const char only_default2[] = "{\"shared\":{\"flatmem\":{\"default\":9}}}";
    a = read_state(only_default2, strlen(only_default2), &e);
    assert_non_null(a);
    assert_true(zmap_get_z(a->shared->flatmem, 123) == 9);
    assert_int_equal(zmap_count(a->shared->flatmem), 0);
    t = state_json(a);
    assert_string_equal(t, "{\"shared\":{\"flatmem\":{\"default\":9,\"entries\":[]}}}");
    free(t);
    a = read_state(unordered, strlen(unordered), &e);
    assert_non_null(a);
    t = state_json(a);
    assert_string_equal(t, "{\"data_log\":[[-2,3],[5,1]]}");
    free(t);
}

/* Maps of maps: the entries are sparse against the outer map's default. */
static void test_nested_map_default(void **state)
{
    (void)state;
    struct NPT *n = NPT_copy(empty_NPT());
    const struct zmap *def = zmap_set(zmap_init(&hs_type_bool, hs_vz(0)), 4, hs_vz(1));
    const struct zmap *pud = zmap_init(&hs_type_map_bool, hs_vp(def));
    /* Entry 1: the default plus key 5. */
    pud = zmap_set_p(pud, 1, zmap_set(def, 5, hs_vz(1)));
    n->pud_t = pud;
    struct RData *a = RData_copy(empty_adt());
    struct Shared *s = Shared_copy(a->shared);
    s->npts = zmap_set_p(s->npts, 2, n);
    a->shared = s;
    char *t = state_json(a);
    assert_string_equal(t, "{\"shared\":{\"npts\":[[2,{\"pud_t\":{\"default\":[[4,true]],"
                           "\"entries\":[[1,[[4,true],[5,true]]]]}}]]}}");
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const struct RData *b = read_state(t, strlen(t), &e);
    assert_non_null(b);
    assert_true(RData_eq(a, b));
    free(t);
}

/* ---------------------------------------------------------------- round trips */

static void test_random_round_trips(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        hs_mark m = hs_arena_mark();
        struct rr r = { seed * 7919, (int)(seed % 9) };
        const struct RData *a = rr_state(&r);
        char *t1 = state_json(a);
        struct hs_err e;
        memset(&e, 0, sizeof e);
        const struct RData *b = read_state(t1, strlen(t1), &e);
        if (!b)
            fail_msg("seed %llu: %d:%d: %s", (unsigned long long)seed, e.line, e.col, e.msg);
        assert_true(RData_eq(a, b));
        char *t2 = state_json(b);
        assert_string_equal(t1, t2);
        free(t1);
        free(t2);
        hs_arena_release(m);
    }
}

/* ---------------------------------------------------------------- the parser */

static void test_parse_values(void **state)
{
    (void)state;
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const char text[] = "{\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\",\n"
                        " \"n\":[null,false,-0,12]}";
    const struct hs_json *j = hs_json_parse(text, strlen(text), 1, &e);
    assert_non_null(j);
    assert_int_equal(j->kind, HS_JOBJ);
    assert_int_equal(j->n, 2);
    const struct hs_json *s = hs_json_get(j, "s");
    assert_int_equal(s->kind, HS_JSTR);
    assert_string_equal(s->s, "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(s->line, 1);
    assert_int_equal(s->col, 6);
    const struct hs_json *n = hs_json_get(j, "n");
    assert_int_equal(n->line, 2);
    assert_int_equal(n->col, 6);
    assert_int_equal(n->n, 4);
    assert_int_equal(n->items[0]->kind, HS_JNULL);
    assert_int_equal(n->items[1]->kind, HS_JBOOL);
    assert_false(n->items[1]->b);
    assert_true(n->items[2]->i == 0);
    assert_true(n->items[3]->i == 12);
    assert_int_equal(n->items[3]->col, 21);
    assert_null(hs_json_get(j, "missing"));
    assert_null(hs_json_get(n, "s"));

    /* Raw UTF-8 passes through. */
    const char utf[] = "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"";
    j = hs_json_parse(utf, strlen(utf), 1, &e);
    assert_non_null(j);
    assert_string_equal(j->s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");

    /* 256 levels are fine. */
    char deep[600];
    memset(deep, '[', 256);
    memset(deep + 256, ']', 256);
    j = hs_json_parse(deep, 512, 1, &e);
    assert_non_null(j);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_parse_error("", 0, 1, "1:1: unexpected end of input (expected a value)");
    expect_parse_error("  \n ", 4, 1, "2:2: unexpected end of input (expected a value)");
    expect_parse_error("{", 1, 1, "1:2: unexpected end of input (expected string key or '}')");
    expect_parse_error("{\"a\" 1}", 7, 1, "1:6: expected ':'");
    expect_parse_error("{\"a\":1 \"b\":2}", 13, 1, "1:8: expected ',' or '}'");
    expect_parse_error("{\"a\":1,}", 8, 1, "1:8: expected string key");
    expect_parse_error("{1:2}", 5, 1, "1:2: expected string key or '}'");
    expect_parse_error("[1 2]", 5, 1, "1:4: expected ',' or ']'");
    expect_parse_error("[1,]", 4, 1, "1:4: unexpected character ']'");
    expect_parse_error("[1", 2, 1, "1:3: unexpected end of input (expected ',' or ']')");
    expect_parse_error("\"abc", 4, 1, "1:1: unterminated string");
    expect_parse_error("[\"a\\", 4, 1, "1:4: unterminated escape");
    expect_parse_error("{\"x\":1,\"x\":2}", 13, 1, "1:8: duplicate key \"x\"");
    expect_parse_error("{} x", 4, 1, "1:4: trailing characters after value");
    expect_parse_error("[1]\0", 4, 1, "1:4: trailing characters after value");
    expect_parse_error("1.5", 3, 1, "1:1: non-integer number");
    expect_parse_error("[0, -2e3]", 9, 1, "1:5: non-integer number");
    expect_parse_error("170141183460469231731687303715884105728", 39, 1, "1:1: integer out of range");
    expect_parse_error("-170141183460469231731687303715884105729", 40, 1, "1:1: integer out of range");
    expect_parse_error("99999999999999999999999999999999999999999999", 44, 1, "1:1: integer out of range");
    expect_parse_error("012", 3, 1, "1:1: leading zero in number");
    expect_parse_error("-", 1, 1, "1:1: expected digit in number");
    expect_parse_error("-x", 2, 1, "1:1: expected digit in number");
    expect_parse_error("tru", 3, 1, "1:1: invalid literal");
    expect_parse_error("nul", 3, 1, "1:1: invalid literal");
    expect_parse_error("\"\\x\"", 4, 1, "1:2: invalid escape '\\x'");
    expect_parse_error("\"\\u12G4\"", 8, 1, "1:2: invalid \\u escape");
    expect_parse_error("\"\\ud800\"", 8, 1, "1:2: invalid surrogate pair");
    expect_parse_error("\"\\ud800\\u0041\"", 14, 1, "1:2: invalid surrogate pair");
    expect_parse_error("\"\\udc00\"", 8, 1, "1:2: invalid surrogate pair");
    expect_parse_error("\"\\u0000\"", 8, 1, "1:2: NUL character in string");
    expect_parse_error("\"a\tb\"", 5, 1, "1:3: control character in string");
    expect_parse_error("\"a\xff\"", 4, 1, "1:3: invalid UTF-8 in string");
    expect_parse_error("\"\xc0\xaf\"", 4, 1, "1:2: invalid UTF-8 in string");
    expect_parse_error("\"\xed\xa0\x80\"", 5, 1, "1:2: invalid UTF-8 in string");
    expect_parse_error("@", 1, 1, "1:1: unexpected character '@'");
    expect_parse_error("\x01", 1, 1, "1:1: unexpected byte 0x01");
    expect_parse_error("{\n  \"a\": [1,\n   2,,3]\n}", 23, 1, "3:6: unexpected character ','");
    expect_parse_error("\n\n  x", 5, 10, "12:3: unexpected character 'x'");

    char deep[1024];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    expect_parse_error(deep, 600, 1, "1:257: nesting deeper than 256 levels");
    memset(deep, '{', 1);
    for (int i = 0; i < 120; i++)
        memcpy(deep + 1 + 5 * i, "\"a\":{", 5);
    expect_parse_error(deep, 601, 1, "1:602: unexpected end of input (expected string key or '}')");
    memset(deep, ' ', sizeof deep);
    memcpy(deep, "{", 1);
    for (int i = 0; i < 300; i++)
        memcpy(deep + 1 + i, "[", 1);
    expect_parse_error(deep, 301, 1, "1:2: expected string key or '}'");
}

static void test_read_errors(void **state)
{
    (void)state;
    expect_read_error("{\"shared\":{\"npts\":[[3,{\"pt_pgd_next\":\"a\"}]]}}",
                      "1:38: expected integer for field pt_pgd_next");
    expect_read_error("{\"halt\":true,\"foo\":1}", "1:20: unknown field \"foo\" in RData");
    expect_read_error("{\"bars\":\"Nope\"}", "1:9: unknown BarrierStatus \"Nope\" for field bars");
    expect_read_error("{\"slog\":[{\"e\":{\"tag\":\"OFOO\"}}]}",
                      "1:22: unknown constructor \"OFOO\" of AtomicEvent");
    expect_read_error("{\"slog\":[{\"e\":{\"vmid\":1}}]}", "1:15: missing \"tag\" for field e");
    expect_read_error("{\"slog\":[{\"e\":{\"tag\":\"OGEN_VMID\",\"vmid\":1}}]}",
                      "1:41: unknown field \"vmid\" in constructor OGEN_VMID");
    expect_read_error("{\"data_log\":[[1,2],[1,3]]}", "1:21: duplicate key 1 in field data_log");
    expect_read_error("{\"data_log\":[[1]]}", "1:14: expected [key, value] pair in field data_log");
    expect_read_error("{\"data_log\":[[\"1\",2]]}", "1:15: expected integer key in field data_log");
    expect_read_error("{\"data_log\":5}", "1:13: expected array or object for field data_log");
    expect_read_error("{\"data_log\":{\"dflt\":1}}", "1:21: unknown member \"dflt\" of map field data_log");
    expect_read_error("{\"halt\":1}", "1:9: expected boolean for field halt");
    expect_read_error("{\"slog\":{}}", "1:9: expected array for field slog");
    expect_read_error("{\"regs\":[]}", "1:9: expected object for field regs");
    expect_read_error("[]", "1:1: expected object for RData");
    expect_read_error("{\"lock\":[[1,true]]}", "1:13: expected string for value in field lock");
    expect_read_error("{\"lock\":[[1,\"LockOwn\"]]}",
                      "1:13: unknown LockStatus \"LockOwn\" for value in field lock");
    expect_read_error("{\"bars\":4294967296}", "1:9: BarrierStatus value out of range for field bars");

    /* Out of a field's natural range is fine: Z is unbounded. */
    struct hs_err e;
    memset(&e, 0, sizeof e);
    const char big[] = "{\"shared\":{\"npts\":[[-1,{\"pt_pgd_next\":-99999999999999999999999}]]}}";
    const struct RData *a = read_state(big, strlen(big), &e);
    assert_non_null(a);
    const struct NPT *n = zmap_get_p(a->shared->npts, -1);
    assert_true(n->pt_pgd_next == -(hs_z)99999999999 * (hs_z)1000000000000 - 999999999999);
}

static void test_err_print(void **state)
{
    (void)state;
    struct hs_err e;
    memset(&e, 0, sizeof e);
    strcpy(e.file, "vectors/PTWalk.jsonl");
    assert_false(hs_err_at(&e, NULL, "bad %s %d", "thing", 7));
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    hs_err_print(f, &e);
    fclose(f);
    assert_string_equal(buf, "vectors/PTWalk.jsonl:0:0: bad thing 7\n");
    free(buf);

    const char text[] = "\n  [1, {}]";
    const struct hs_json *j = hs_json_parse(text, strlen(text), 40, &e);
    assert_non_null(j);
    hs_err_at(&e, j->items[1], "expected integer");
    f = open_memstream(&buf, &len);
    hs_err_print(f, &e);
    fclose(f);
    assert_string_equal(buf, "vectors/PTWalk.jsonl:41:7: expected integer\n");
    free(buf);
}

/* ---------------------------------------------------------------- robustness */

/* Every proper prefix of a document fails cleanly, at a position inside it. */
static void test_truncated_prefixes(void **state)
{
    (void)state;
    struct rr r = { 4242, 6 };
    const struct RData *a = rr_state(&r);
    char *t = state_json(a);
    size_t len = strlen(t);
    assert_true(len > 200);
    for (size_t n = 0; n < len; n++) {
        hs_mark m = hs_arena_mark();
        char *copy = malloc(n + 1);
        memcpy(copy, t, n);
        struct hs_err e;
        memset(&e, 0, sizeof e);
        assert_null(hs_json_parse(copy, n, 1, &e));
        assert_int_equal(e.line, 1);
        assert_true(e.col >= 1 && (size_t)e.col <= n + 1);
        assert_true(e.msg[0] != '\0');
        free(copy);
        hs_arena_release(m);
    }
    free(t);
}

/* Random byte changes never crash; whatever still reads writes back to itself. */
static void test_byte_flips(void **state)
{
    (void)state;
    struct rr r = { 777, 5 };
    const struct RData *a = rr_state(&r);
    char *t = state_json(a);
    size_t len = strlen(t);
    struct rr pick = { 99, 0 };
    int parsed = 0, read = 0;
    for (int i = 0; i < 3000; i++) {
        hs_mark m = hs_arena_mark();
        char *copy = malloc(len);
        memcpy(copy, t, len);
        int flips = 1 + (int)rr_below(&pick, 3);
        for (int k = 0; k < flips; k++) {
            size_t at = rr_below(&pick, len);
            if (rr_chance(&pick, 1, 2))
                copy[at] = (char)rr_below(&pick, 256);
            else
                copy[at] = "{}[],:\"0-9 tfn\\"[rr_below(&pick, 15)];
        }
        struct hs_err e;
        memset(&e, 0, sizeof e);
        const struct hs_json *j = hs_json_parse(copy, len, 1, &e);
        if (j) {
            parsed++;
            const struct RData *b;
            if (RData_read_json(j, &b, &e)) {
                read++;
                char *t2 = state_json(b);
                const struct RData *c = read_state(t2, strlen(t2), &e);
                assert_non_null(c);
                assert_true(RData_eq(b, c));
                free(t2);
            }
        } else {
            assert_true(e.line >= 1 && e.col >= 1);
        }
        free(copy);
        hs_arena_release(m);
    }
    /* Both outcomes happen: the test exercises the reader, not only the parser. */
    assert_true(parsed > 0);
    assert_true(read > 0);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_is_braces),
        cmocka_unit_test(test_hand_documents),
        cmocka_unit_test(test_map_forms),
        cmocka_unit_test(test_nested_map_default),
        cmocka_unit_test(test_random_round_trips),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_err_print),
        cmocka_unit_test(test_truncated_prefixes),
        cmocka_unit_test(test_byte_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
