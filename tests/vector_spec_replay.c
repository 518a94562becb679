/* vector-spec-replay FILE...: replay vector files (docs/vectors.md) through the
 * C spec only: outcome, result and post-state must equal the vector's expect.
 * For the vectors of layers that have no refinement oracle (AbstractMachine,
 * Locks), which hypsec-check --replay does not take; the other layers replay
 * through hypsec-check, which also runs the implementation.
 * Exit 0 when every line agrees, 1 when a line disagrees, 2 when a line or a
 * file cannot be read (one line "file:line:col: reason"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/json.h"
#include "hypsec/prim.h"

/* Member key of j of kind k, or NULL with e filled. */
static const struct hs_json *member(const struct hs_json *j, const char *key,
                                    enum hs_json_kind k, struct hs_err *e)
{
    const struct hs_json *m = hs_json_get(j, key);
    if (!m)
        hs_err_at(e, j, "missing field \"%s\"", key);
    else if (m->kind != k)
        hs_err_at(e, m, "field \"%s\" has the wrong kind", key);
    return m && m->kind == k ? m : NULL;
}

/* The primitive of the line, checked against its layer and its arguments. */
static const struct hs_prim *read_call(const struct hs_json *j, hs_z *args, struct hs_err *e)
{
    const struct hs_json *layer = member(j, "layer", HS_JSTR, e);
    const struct hs_json *prim = layer ? member(j, "prim", HS_JSTR, e) : NULL;
    const struct hs_json *a = prim ? member(j, "args", HS_JARR, e) : NULL;
    if (!a)
        return NULL;
    const struct hs_prim *p = hs_prim_find(prim->s);
    if (!p) {
        hs_err_at(e, prim, "unknown primitive \"%s\"", prim->s);
        return NULL;
    }
    if (strcmp(p->layer, layer->s) != 0) {
        hs_err_at(e, layer, "%s is a primitive of %s, not of %s", p->name, p->layer, layer->s);
        return NULL;
    }
    if (a->n != (size_t)p->nargs) {
        hs_err_at(e, a, "%s takes %d arguments, got %zu", p->name, p->nargs, a->n);
        return NULL;
    }
    for (int i = 0; i < p->nargs; i++) {
        const struct hs_json *x = a->items[i];
        if (x->kind != HS_JINT || x->i < 0 || x->i >= hs_ctype_bound(p->arg_types[i])) {
            hs_err_at(e, x, "argument %s is not a %s", p->arg_names[i], p->arg_types[i]);
            return NULL;
        }
        args[i] = x->i;
    }
    return p;
}

/* 0: agrees, 1: disagrees (reported), 2: malformed (reported). */
static int replay_line(const char *path, int line, const char *text, size_t len)
{
    struct hs_err e;
    memset(&e, 0, sizeof e);
    hs_z args[HS_MAX_ARGS] = {0};
    const struct RData *pre = NULL, *want_post = NULL;
    const struct hs_json *j = hs_json_parse(text, len, line, &e);
    const struct hs_prim *p = j && j->kind == HS_JOBJ ? read_call(j, args, &e) : NULL;
    const struct hs_json *pj = p ? member(j, "pre", HS_JOBJ, &e) : NULL;
    const struct hs_json *x = pj && RData_read_json(pj, &pre, &e) ? member(j, "expect", HS_JOBJ, &e) : NULL;
    const struct hs_json *oc = x ? member(x, "outcome", HS_JSTR, &e) : NULL;
    bool want_some = oc && strcmp(oc->s, "SOME") == 0;
    const struct hs_json *rj = want_some ? member(x, "ret", HS_JINT, &e) : NULL;
    const struct hs_json *postj = rj ? member(x, "post", HS_JOBJ, &e) : NULL;
    if (j && j->kind != HS_JOBJ)
        hs_err_at(&e, j, "a vector must be a JSON object");
    bool readable = oc && (!want_some || (postj && RData_read_json(postj, &want_post, &e)));
    if (readable && !want_some && strcmp(oc->s, "NONE") != 0)
        readable = hs_err_at(&e, oc, "outcome must be SOME or NONE");
    if (!readable) {
        snprintf(e.file, sizeof e.file, "%s", path);
        hs_err_print(stderr, &e);
        return 2;
    }

    const struct RData *post = NULL;
    hs_z ret = 0;
    bool some = p->spec(args, pre, &post, &ret);
    if (some != want_some) {
        printf("%s:%d: %s: spec gives %s, vector expects %s\n", path, line, p->name,
               some ? "SOME" : "NONE", want_some ? "SOME" : "NONE");
        return 1;
    }
    if (!some)
        return 0;
    bool same = ret == rj->i;
    if (!same) {
        char a[HS_Z_STRLEN], b[HS_Z_STRLEN];
        printf("%s:%d: %s: ret: expected %s != spec %s\n", path, line, p->name,
               hs_z_str(rj->i, a), hs_z_str(ret, b));
    }
    if (!RData_eq(want_post, post)) {
        printf("%s:%d: %s: post (expected != spec):\n", path, line, p->name);
        struct hs_diff d;
        hs_diff_init(&d, stdout, "expected", "spec");
        RData_diff(&d, want_post, post);
        hs_diff_finish(&d);
        same = false;
    }
    return same ? 0 : 1;
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return 2;
    }
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    int line = 0, status = 0;
    long ok = 0, bad = 0;
    while ((len = getline(&text, &cap, f)) != -1) {
        line++;
        size_t n = (size_t)len;
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
            n--;
        if (strspn(text, " \t\r\n") >= n)
            continue;
        hs_mark m = hs_arena_mark();
        int r = replay_line(path, line, text, n);
        hs_arena_release(m);
        if (r == 0)
            ok++;
        else
            bad++;
        if (r > status)
            status = r;
    }
    free(text);
    fclose(f);
    printf("spec replay %s: %ld agree, %ld differ or unreadable\n", path, ok, bad);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: vector-spec-replay FILE...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int r = replay_file(argv[i]);
        if (r > status)
            status = r;
    }
    return status;
}
