/* Test vectors (docs/vectors.md): one JSON object per line holding a layer,
 * a primitive, its arguments, the pre-state as a sparse delta from
 * empty_adt, the expected outcome and its provenance. The writer serves the
 * shrinker; the replay checks the C spec against the expected outcome and,
 * where the spec is Some, runs the implementation under the oracle. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hypsec/arena.h"
#include "hypsec/json.h"
#include "hypsec/vector.h"

/* ---- writing ---- */

static void write_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void write_z(FILE *out, hs_z v)
{
    char buf[HS_Z_STRLEN];
    fputs(hs_z_str(v, buf), out);
}

/* The expected outcome, computed by the C spec (its allocations are dropped). */
static void write_expect(FILE *out, const struct hs_prim *p, const struct hs_case *c)
{
    hs_mark m = hs_arena_mark();
    const struct RData *post = NULL;
    hs_z ret = 0;
    if (p->spec(c->args, c->h, &post, &ret)) {
        fputs("{\"outcome\":\"SOME\",\"ret\":", out);
        write_z(out, ret);
        fputs(",\"post\":", out);
        RData_write_json(out, post);
        fputc('}', out);
    } else {
        fputs("{\"outcome\":\"NONE\"}", out);
    }
    hs_arena_release(m);
}

bool hs_vector_write(FILE *out, const struct hs_layer_check *lc, const struct hs_prim *p,
                     const struct hs_case *c, bool e2e, const struct hs_vector_origin *o)
{
    fputs("{\"layer\":", out);
    write_str(out, lc->layer);
    fputs(",\"prim\":", out);
    write_str(out, p->name);
    fprintf(out, ",\"mode\":\"%s\",\"args\":[", e2e ? "e2e" : "step");
    for (int i = 0; i < p->nargs; i++) {
        if (i)
            fputc(',', out);
        write_z(out, c->args[i]);
    }
    fputs("],\"pre\":", out);
    RData_write_json(out, c->h);
    fputs(",\"expect\":", out);
    write_expect(out, p, c);
    fprintf(out, ",\"provenance\":{\"source\":\"VRM %sSpec: %s_spec\",\"generator\":", p->layer,
            p->name);
    write_str(out, o && o->generator ? o->generator : "unknown");
    fprintf(out, ",\"seed\":%llu", (unsigned long long)(o ? o->seed : 0));
    if (o && o->case_index >= 0)
        fprintf(out, ",\"case\":%ld", o->case_index);
    fputs("}}\n", out);
    return !ferror(out);
}

/* mkdir -p */
static bool make_dirs(const char *dir)
{
    char buf[512];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return false;
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return mkdir(buf, 0777) == 0 || errno == EEXIST;
}

bool hs_vector_write_file(const char *dir, const struct hs_layer_check *lc,
                          const struct hs_prim *p, const struct hs_case *c, bool e2e,
                          const struct hs_vector_origin *o, char *path, size_t pathlen)
{
    if (!make_dirs(dir)) {
        fprintf(stderr, "hypsec: cannot create %s: %s\n", dir, strerror(errno));
        return false;
    }
    int n = snprintf(path, pathlen, "%s/%s-%s-%llu-%ld.jsonl", dir, lc->layer, p->name,
                     (unsigned long long)(o ? o->seed : 0), o ? o->case_index : 0);
    if (n < 0 || (size_t)n >= pathlen) {
        fprintf(stderr, "hypsec: vector path under %s too long\n", dir);
        return false;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "hypsec: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = hs_vector_write(f, lc, p, c, e2e, o);
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fprintf(stderr, "hypsec: error writing %s\n", path);
    return ok;
}

/* ---- reading ---- */

/* One parsed vector line. */
struct vec {
    const struct hs_layer_check *lc;
    const struct hs_prim *p;
    bool e2e;
    struct hs_case c;
    bool has_expect;
    bool expect_some;
    hs_z expect_ret;
    const struct RData *expect_post;
};

static bool key_in(const char *k, const char *const *keys)
{
    for (; *keys; keys++)
        if (strcmp(k, *keys) == 0)
            return true;
    return false;
}

/* Every member of object j must be one of keys. */
static bool only_keys(const struct hs_json *j, const char *const *keys, const char *what,
                      struct hs_err *e)
{
    for (size_t i = 0; i < j->n; i++)
        if (!key_in(j->keys[i], keys))
            return hs_err_at(e, j->items[i], "unknown field \"%s\" in %s", j->keys[i], what);
    return true;
}

/* Member key of j, of kind k; NULL (and e filled) when missing or of another kind. */
static const struct hs_json *need(const struct hs_json *j, const char *key,
                                  enum hs_json_kind k, const char *kind, struct hs_err *e)
{
    const struct hs_json *m = hs_json_get(j, key);
    if (!m) {
        hs_err_at(e, j, "missing field \"%s\"", key);
        return NULL;
    }
    if (m->kind != k) {
        hs_err_at(e, m, "field \"%s\" must be %s", key, kind);
        return NULL;
    }
    return m;
}

/* Member key of j if present, of kind k; *ok false (and e filled) on a wrong kind. */
static const struct hs_json *maybe(const struct hs_json *j, const char *key,
                                   enum hs_json_kind k, const char *kind, struct hs_err *e,
                                   bool *ok)
{
    const struct hs_json *m = hs_json_get(j, key);
    if (m && m->kind != k) {
        hs_err_at(e, m, "field \"%s\" must be %s", key, kind);
        *ok = false;
        return NULL;
    }
    return m;
}

static void list_layers(char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < hs_nlayer_checks && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", hs_layer_checks[i]->layer);
}

static void list_prims(const struct hs_layer_check *lc, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < lc->ngens && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "", lc->gens[i].prim);
}

static bool read_layer_prim(const struct hs_json *j, struct vec *v, struct hs_err *e)
{
    const struct hs_json *layer = need(j, "layer", HS_JSTR, "a string", e);
    if (!layer)
        return false;
    v->lc = hs_layer_check_find(layer->s);
    if (!v->lc) {
        char names[200];
        list_layers(names, sizeof names);
        return hs_err_at(e, layer, "unknown layer \"%s\" (valid: %s)", layer->s, names);
    }
    const struct hs_json *prim = need(j, "prim", HS_JSTR, "a string", e);
    if (!prim)
        return false;
    bool fresh = false;
    for (int i = 0; i < v->lc->ngens; i++)
        fresh |= strcmp(v->lc->gens[i].prim, prim->s) == 0;
    v->p = fresh ? hs_prim_find(prim->s) : NULL;
    if (!v->p) {
        char names[200];
        list_prims(v->lc, names, sizeof names);
        return hs_err_at(e, prim, "unknown primitive \"%s\" of layer %s (valid: %s)", prim->s,
                         v->lc->layer, names);
    }
    return true;
}

static bool read_mode(const struct hs_json *j, struct vec *v, struct hs_err *e)
{
    bool ok = true;
    const struct hs_json *mode = maybe(j, "mode", HS_JSTR, "a string", e, &ok);
    if (!ok)
        return false;
    v->e2e = false;
    if (!mode || strcmp(mode->s, "step") == 0)
        return true;
    if (strcmp(mode->s, "e2e") != 0)
        return hs_err_at(e, mode, "mode must be \"step\" or \"e2e\", not \"%s\"", mode->s);
    if (!v->lc->e2e_stack)
        return hs_err_at(e, mode, "layer %s has no end-to-end stack", v->lc->layer);
    v->e2e = true;
    return true;
}

static bool read_args(const struct hs_json *j, struct vec *v, struct hs_err *e)
{
    const struct hs_json *args = need(j, "args", HS_JARR, "an array", e);
    if (!args)
        return false;
    const struct hs_prim *p = v->p;
    if (args->n != (size_t)p->nargs)
        return hs_err_at(e, args, "%s takes %d argument%s, got %zu", p->name, p->nargs,
                         p->nargs == 1 ? "" : "s", args->n);
    for (int i = 0; i < p->nargs; i++) {
        const struct hs_json *a = args->items[i];
        if (a->kind != HS_JINT)
            return hs_err_at(e, a, "argument %s must be an integer", p->arg_names[i]);
        if (a->i < 0 || a->i >= hs_ctype_bound(p->arg_types[i])) {
            char buf[HS_Z_STRLEN];
            return hs_err_at(e, a, "argument %s = %s is outside %s", p->arg_names[i],
                             hs_z_str(a->i, buf), p->arg_types[i]);
        }
        v->c.args[i] = a->i;
    }
    return true;
}

static bool read_state(const struct hs_json *s, const struct RData **out, struct hs_err *e)
{
    return RData_read_json(s, out, e);
}

static bool read_expect(const struct hs_json *j, struct vec *v, struct hs_err *e)
{
    static const char *const keys[] = {"outcome", "ret", "post", NULL};
    bool ok = true;
    const struct hs_json *x = maybe(j, "expect", HS_JOBJ, "an object", e, &ok);
    if (!ok)
        return false;
    v->has_expect = x != NULL;
    if (!x)
        return true;
    if (!only_keys(x, keys, "expect", e))
        return false;
    const struct hs_json *oc = need(x, "outcome", HS_JSTR, "a string", e);
    if (!oc)
        return false;
    if (strcmp(oc->s, "NONE") == 0) {
        v->expect_some = false;
        if (hs_json_get(x, "ret") || hs_json_get(x, "post"))
            return hs_err_at(e, x, "outcome NONE takes no \"ret\" or \"post\"");
        return true;
    }
    if (strcmp(oc->s, "SOME") != 0)
        return hs_err_at(e, oc, "outcome must be \"SOME\" or \"NONE\", not \"%s\"", oc->s);
    v->expect_some = true;
    const struct hs_json *ret = need(x, "ret", HS_JINT, "an integer", e);
    if (!ret)
        return false;
    v->expect_ret = ret->i;
    const struct hs_json *post = need(x, "post", HS_JOBJ, "an object", e);
    return post && read_state(post, &v->expect_post, e);
}

static bool read_vec(const struct hs_json *j, struct vec *v, struct hs_err *e)
{
    static const char *const keys[] = {"layer", "prim", "mode", "args", "pre",
                                       "expect", "provenance", NULL};
    if (j->kind != HS_JOBJ)
        return hs_err_at(e, j, "a vector must be a JSON object");
    if (!only_keys(j, keys, "a vector", e))
        return false;
    if (!read_layer_prim(j, v, e) || !read_mode(j, v, e) || !read_args(j, v, e))
        return false;
    const struct hs_json *pre = need(j, "pre", HS_JOBJ, "an object", e);
    if (!pre || !read_state(pre, &v->c.h, e))
        return false;
    if (!read_expect(j, v, e))
        return false;
    bool ok = true;
    maybe(j, "provenance", HS_JOBJ, "an object", e, &ok);
    return ok;
}

/* ---- replaying ---- */

static void print_z(FILE *out, hs_z v)
{
    char buf[HS_Z_STRLEN];
    fputs(hs_z_str(v, buf), out);
}

/* The C spec against the expected outcome; false (and a report) when they disagree. */
static bool spec_agrees(const char *path, int line, const struct vec *v, bool some, hs_z ret,
                        const struct RData *post, FILE *out)
{
    if (!v->has_expect)
        return true;
    bool same_outcome = some == v->expect_some;
    bool same_ret = !some || !same_outcome || ret == v->expect_ret;
    bool same_post = !some || !same_outcome || RData_eq(v->expect_post, post);
    if (same_outcome && same_ret && same_post)
        return true;
    fprintf(out, "%s:%d: spec disagrees with expected outcome\n", path, line);
    if (!same_outcome) {
        fprintf(out, "  outcome: expected %s != spec %s\n", v->expect_some ? "SOME" : "NONE",
                some ? "SOME" : "NONE");
        return false;
    }
    if (!same_ret) {
        fputs("  ret: expected ", out);
        print_z(out, v->expect_ret);
        fputs(" != spec ", out);
        print_z(out, ret);
        fputc('\n', out);
    }
    if (!same_post) {
        fputs("  post (expected != spec):\n", out);
        struct hs_diff d;
        hs_diff_init(&d, out, "expected", "spec");
        RData_diff(&d, v->expect_post, post);
        hs_diff_finish(&d);
    }
    return false;
}

/* The check of a vector whose spec is Some: true when it passes, or fails
 * only by a known divergence (*known set, one line printed). */
static bool check_passes(const char *path, int line, const struct vec *v, FILE *out, bool *known)
{
    char o[300];
    snprintf(o, sizeof o, "%s:%d", path, line);
    hs_check_set_origin(o);
    struct hs_check_report rep;
    bool ok = hs_check_case(v->lc, v->p, &v->c, v->e2e, NULL, &rep) != HS_FAIL;
    const struct hs_known_divergence *k =
        ok ? NULL : hs_known_divergence_of(v->lc, v->p, &v->c, v->e2e, &rep);
    if (k) {
        fprintf(out, "%s:%d: known divergence at %s: %s\n", path, line, rep.diff.first_path,
                k->note);
        *known = true;
        ok = true;
    } else if (!ok) {
        /* run again to print the full report */
        hs_check_case(v->lc, v->p, &v->c, v->e2e, out, NULL);
    }
    hs_check_set_origin(NULL);
    return ok;
}

/* 0: passed, 1: failed, 2: malformed (one line printed). */
static int replay_line(const char *path, int line, const char *text, size_t len, FILE *out,
                       bool *known)
{
    struct hs_err e;
    memset(&e, 0, sizeof e);
    struct vec v;
    memset(&v, 0, sizeof v);
    const struct hs_json *j = hs_json_parse(text, len, line, &e);
    if (!j || !read_vec(j, &v, &e)) {
        snprintf(e.file, sizeof e.file, "%s", path);
        hs_err_print(out, &e);
        return 2;
    }

    const struct RData *post = NULL;
    hs_z ret = 0;
    bool some = v.p->spec(v.c.args, v.c.h, &post, &ret);
    bool ok = spec_agrees(path, line, &v, some, ret, post, out);
    if (some)
        ok = check_passes(path, line, &v, out, known) && ok;
    return ok ? 0 : 1;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

int hs_vector_replay(const char *path, FILE *out, struct hs_replay_stats *st)
{
    long ok = 0, fail = 0, nknown = 0;
    int status = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(out, "%s: cannot open: %s\n", path, strerror(errno));
        if (st)
            *st = (struct hs_replay_stats){0, 0, 0};
        return 2;
    }
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    int line = 0;
    while ((len = getline(&text, &cap, f)) != -1) {
        line++;
        size_t n = (size_t)len;
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
            n--;
        if (blank(text, n))
            continue;
        hs_mark m = hs_arena_mark();
        bool known = false;
        int r = replay_line(path, line, text, n, out, &known);
        hs_arena_release(m);
        nknown += r == 0 && known;
        if (r == 0)
            ok++;
        else if (r == 1)
            fail++;
        if (r > status)
            status = r;
    }
    if (ferror(f)) {
        fprintf(out, "%s:%d: read error: %s\n", path, line + 1, strerror(errno));
        status = 2;
    }
    free(text);
    fclose(f);
    fflush(out);
    if (st)
        *st = (struct hs_replay_stats){ok, fail, nknown};
    return status;
}

int hs_vector_replay_file(const char *path, FILE *out, long *n_ok, long *n_fail)
{
    struct hs_replay_stats st;
    int r = hs_vector_replay(path, out, &st);
    if (n_ok)
        *n_ok = st.passed;
    if (n_fail)
        *n_fail = st.failed;
    return r;
}
