/* hypsec-vbench FILE...: vectors per second through the C spec, on the same
 * vector files that scripts/vecgen/driver --bench times through the extracted
 * Coq model. Like the driver, it loads every vector first and then times only
 * the spec evaluations, whole file per round, for at least half a second. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hypsec/arena.h"
#include "hypsec/json.h"
#include "hypsec/prim.h"

struct vec {
    const struct hs_prim *p;
    hs_z args[HS_MAX_ARGS];
    const struct RData *pre;
};

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One vector line into v; false with e filled when it is not one. */
static bool load_line(const char *text, size_t len, int line, struct vec *v, struct hs_err *e)
{
    const struct hs_json *j = hs_json_parse(text, len, line, e);
    if (!j)
        return false;
    const struct hs_json *prim = hs_json_get(j, "prim");
    const struct hs_json *args = hs_json_get(j, "args");
    const struct hs_json *pre = hs_json_get(j, "pre");
    if (!prim || prim->kind != HS_JSTR || !args || args->kind != HS_JARR || !pre)
        return hs_err_at(e, j, "a vector needs \"prim\", \"args\" and \"pre\"");
    v->p = hs_prim_find(prim->s);
    if (!v->p)
        return hs_err_at(e, prim, "unknown primitive \"%s\"", prim->s);
    if ((int)args->n != v->p->nargs)
        return hs_err_at(e, args, "%s takes %d arguments", v->p->name, v->p->nargs);
    for (size_t i = 0; i < args->n; i++) {
        if (args->items[i]->kind != HS_JINT)
            return hs_err_at(e, args->items[i], "an argument must be an integer");
        v->args[i] = args->items[i]->i;
    }
    return RData_read_json(pre, &v->pre, e);
}

/* All vectors of path, or -1 after printing why not. */
static long load_file(const char *path, struct vec **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0, room = 0;
    struct vec *vs = NULL;
    ssize_t len;
    int line = 0;
    while ((len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (len <= 1)
            continue;
        if (n == room) {
            room = room ? 2 * room : 1024;
            vs = realloc(vs, room * sizeof *vs);
            if (!vs) {
                fprintf(stderr, "%s: out of memory\n", path);
                exit(1);
            }
        }
        struct hs_err e;
        memset(&e, 0, sizeof e);
        snprintf(e.file, sizeof e.file, "%s", path);
        if (!load_line(buf, (size_t)len, line, &vs[n], &e)) {
            snprintf(e.file, sizeof e.file, "%s", path);
            hs_err_print(stderr, &e);
            n = 0;
            len = -2;
            break;
        }
        n++;
    }
    free(buf);
    fclose(f);
    if (len == -2) {
        free(vs);
        return -1;
    }
    *out = vs;
    return (long)n;
}

/* Evaluate every vector's spec once; the results are dropped with the arena. */
static void round_once(const struct vec *vs, long n)
{
    for (long i = 0; i < n; i++) {
        hs_mark m = hs_arena_mark();
        const struct RData *post;
        hs_z ret;
        (void)vs[i].p->spec(vs[i].args, vs[i].pre, &post, &ret);
        hs_arena_release(m);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hypsec-vbench FILE...\n");
        return 2;
    }
    int status = 0;
    for (int a = 1; a < argc; a++) {
        struct vec *vs = NULL;
        long n = load_file(argv[a], &vs);
        if (n < 0) {
            status = 2;
            continue;
        }
        if (n == 0) {
            printf("%s: no vectors\n", argv[a]);
            continue;
        }
        long rounds = 0;
        double t0 = cpu_seconds(), dt;
        do {
            round_once(vs, n);
            rounds++;
            dt = cpu_seconds() - t0;
        } while (dt < 0.5);
        printf("%s: %ld vectors x %ld rounds in %.3f s: %.0f vectors/s (C spec)\n", argv[a], n,
               rounds, dt, (double)(n * rounds) / dt);
        free(vs);
    }
    return status;
}
