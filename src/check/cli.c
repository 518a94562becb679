/* The command line of the refinement oracle (include/hypsec/cli.h): the
 * options of hypsec-check, the selection of layers and primitives, progress
 * on a terminal, and the text and JSON reports. hypsec-check runs it over
 * every layer of the registry; a refinement test built by
 * hypsec_add_refinement_test runs it over its one layer. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hypsec/check.h"
#include "hypsec/cli.h"
#include "hypsec/vector.h"

#define MAX_LIST 64

/* Who runs the command line (hypsec_main's argument). */
static const struct hypsec_cli *cli;

struct opts {
    const char *layers[MAX_LIST];
    int nlayers;
    const char *prim;
    long count;
    bool count_set;
    uint64_t seed;
    bool e2e;
    const char *replays[MAX_LIST];
    int nreplays;
    bool json;
    const char *vector_dir;
    bool shrink;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: %s [options]\n", cli->prog);
    if (cli->layer)
        fprintf(out, "Check an implementation of layer %s against its specification, over the\n"
                     "specifications of the layer below, on generated states, or replay test\n"
                     "vectors of %s.\n", cli->layer, cli->layer);
    else
        fputs("Check each layer's implementation against its specification on generated\n"
              "states, or replay test vectors.\n", out);
    fputs("\n", out);
    if (!cli->layer)
        fputs("  --layer L        check layer L (repeatable; default: every layer)\n", out);
    fputs(cli->layer ? "  --prim P         check only primitive P\n"
                     : "  --prim P         check only primitive P (of the selected layers)\n",
          out);
    fputs("  --count N        cases per primitive (default 2000)\n"
          "  --seed S         seed of the run (default 1); the same seed gives the same cases\n",
          out);
    if (!cli->layer)
        fputs("  --end-to-end     run the whole implementation stack below each layer\n"
              "                   (default layers: those that have an end-to-end stack)\n", out);
    fputs("  --replay FILE    replay the vectors of FILE (repeatable) instead of checking\n"
          "  --json           print the figures as one JSON object on stdout\n"
          "  --vector-dir DIR where failing cases are written (default ./hypsec-failures)\n"
          "  --no-shrink      write failing cases as found, without shrinking them\n"
          "  --help           print this help\n"
          "\n"
          "Exit status: 0 no check failed, 1 a check failed, 2 usage error or bad vector.\n",
          out);
}

static _Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli->prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(try %s --help)\n", cli->prog);
    va_end(ap);
    exit(2);
}

/* A decimal (or 0x hex) integer without sign, of at most max; false on anything else. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s)
            return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static void list_layer_names(char *buf, size_t n, bool only_e2e)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < hs_nlayer_checks && k < n; i++) {
        const struct hs_layer_check *lc = hs_layer_checks[i];
        if (only_e2e && !lc->e2e_stack)
            continue;
        k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "", lc->layer);
    }
    if (!buf[0])
        snprintf(buf, n, "none");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
    enum { O_LAYER = 256, O_PRIM, O_COUNT, O_SEED, O_E2E, O_REPLAY, O_JSON, O_VDIR,
           O_NOSHRINK, O_HELP };
    static const struct option longopts[] = {
        {"layer", required_argument, 0, O_LAYER},
        {"prim", required_argument, 0, O_PRIM},
        {"count", required_argument, 0, O_COUNT},
        {"seed", required_argument, 0, O_SEED},
        {"end-to-end", no_argument, 0, O_E2E},
        {"replay", required_argument, 0, O_REPLAY},
        {"json", no_argument, 0, O_JSON},
        {"vector-dir", required_argument, 0, O_VDIR},
        {"no-shrink", no_argument, 0, O_NOSHRINK},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    opterr = 0;
    optind = 0; /* GNU getopt starts afresh: hypsec_main may run more than once */
    int c;
    uint64_t v;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_LAYER:
            if (cli->layer && strcmp(optarg, cli->layer) != 0)
                die_usage("--layer: this program checks layer %s only, not \"%s\"", cli->layer,
                          optarg);
            if (o->nlayers == MAX_LIST)
                die_usage("--layer: at most %d layers", MAX_LIST);
            o->layers[o->nlayers++] = optarg;
            break;
        case O_PRIM:
            if (o->prim)
                die_usage("--prim: given twice");
            o->prim = optarg;
            break;
        case O_COUNT:
            if (!parse_u64(optarg, (uint64_t)LONG_MAX, &v) || v == 0)
                die_usage("--count: expected a positive integer, got \"%s\"", optarg);
            o->count = (long)v;
            o->count_set = true;
            break;
        case O_SEED:
            if (!parse_u64(optarg, UINT64_MAX, &v))
                die_usage("--seed: expected an integer in [0, 2^64), got \"%s\"", optarg);
            o->seed = v;
            break;
        case O_E2E:
            if (cli->layer)
                die_usage("--end-to-end: not available: the layers below %s run their specs",
                          cli->layer);
            o->e2e = true;
            break;
        case O_REPLAY:
            if (o->nreplays == MAX_LIST)
                die_usage("--replay: at most %d files", MAX_LIST);
            o->replays[o->nreplays++] = optarg;
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_VDIR:
            if (!*optarg)
                die_usage("--vector-dir: empty directory name");
            o->vector_dir = optarg;
            break;
        case O_NOSHRINK:
            o->shrink = false;
            break;
        case O_HELP:
            usage(stdout);
            exit(0);
        case ':':
            die_usage("%s: missing argument", argv[optind - 1]);
        default:
            if (optopt >= O_LAYER)
                die_usage("%s: missing argument", argv[optind - 1]);
            die_usage("unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die_usage("unexpected argument \"%s\"", argv[optind]);
}

/* ---- selection ---- */

struct selection {
    const struct hs_layer_check *lcs[MAX_LIST];
    int n;
};

static bool layer_has_prim(const struct hs_layer_check *lc, const char *prim)
{
    for (int i = 0; i < lc->ngens; i++)
        if (strcmp(lc->gens[i].prim, prim) == 0)
            return true;
    return false;
}

static void select_layers(const struct opts *o, struct selection *sel)
{
    char names[512];
    sel->n = 0;
    for (int i = 0; i < o->nlayers; i++) {
        const struct hs_layer_check *lc = hs_layer_check_find(o->layers[i]);
        if (!lc) {
            list_layer_names(names, sizeof names, false);
            die_usage("unknown layer \"%s\" (valid: %s)", o->layers[i], names);
        }
        if (o->e2e && !lc->e2e_stack) {
            list_layer_names(names, sizeof names, true);
            die_usage("--end-to-end: layer %s has no end-to-end stack (layers with one: %s)",
                      lc->layer, names);
        }
        bool dup = false;
        for (int j = 0; j < sel->n; j++)
            dup |= sel->lcs[j] == lc;
        if (!dup)
            sel->lcs[sel->n++] = lc;
    }
    if (o->nlayers == 0 && cli->layer) {
        const struct hs_layer_check *lc = hs_layer_check_find(cli->layer);
        if (!lc) {
            fprintf(stderr, "%s: layer %s has no oracle in this library\n", cli->prog,
                    cli->layer);
            exit(2);
        }
        sel->lcs[sel->n++] = lc;
    } else if (o->nlayers == 0) {
        for (int i = 0; i < hs_nlayer_checks && sel->n < MAX_LIST; i++)
            if (!o->e2e || hs_layer_checks[i]->e2e_stack)
                sel->lcs[sel->n++] = hs_layer_checks[i];
        if (sel->n == 0)
            die_usage("--end-to-end: no layer has an end-to-end stack");
    }
    if (!o->prim)
        return;
    /* --prim keeps the one selected layer that has the primitive */
    for (int i = 0; i < sel->n; i++) {
        if (layer_has_prim(sel->lcs[i], o->prim)) {
            sel->lcs[0] = sel->lcs[i];
            sel->n = 1;
            return;
        }
    }
    size_t k = 0;
    names[0] = '\0';
    for (int i = 0; i < sel->n; i++)
        for (int j = 0; j < sel->lcs[i]->ngens && k < sizeof names; j++)
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "",
                                  sel->lcs[i]->gens[j].prim);
    die_usage("unknown primitive \"%s\" in the selected layers (valid: %s)", o->prim, names);
}

/* ---- progress on a terminal ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run_start, last_progress;
static bool progress_shown;

/* Erase the progress line before anything else goes to stderr. */
static void progress_clear(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = false;
    }
}

static void progress(const char *layer, const char *prim, long done, long total, void *ctx)
{
    double t = now();
    if (t - run_start < 1.0 || (t - last_progress < 0.1 && done != total))
        return;
    last_progress = t;
    fprintf(stderr, "\r[%s %s %ld/%ld]\033[K", layer, prim, done, total);
    fflush(stderr);
    progress_shown = true;
}

/* stderr for the runner's reports, clearing the progress line first. */
static ssize_t report_write(void *cookie, const char *buf, size_t n)
{
    progress_clear();
    return (ssize_t)fwrite(buf, 1, n, stderr);
}

static FILE *report_stream(void)
{
    if (!isatty(2))
        return stderr;
    cookie_io_functions_t io = {NULL, report_write, NULL, NULL};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f)
        return stderr;
    setvbuf(f, NULL, _IOLBF, 0);
    hs_check_set_progress(progress, NULL);
    return f;
}

/* ---- output ---- */

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static void print_layer_json(const struct hs_layer_check *lc, bool e2e,
                             const struct hs_prim_stats *st, int n, bool first)
{
    printf("%s{\"layer\":", first ? "" : ",");
    json_str(lc->layer);
    printf(",\"end_to_end\":%s,\"prims\":[", e2e ? "true" : "false");
    for (int i = 0; i < n; i++) {
        printf("%s{\"prim\":", i ? "," : "");
        json_str(st[i].prim);
        printf(",\"checks\":%ld,\"vacuous\":%ld,\"failures\":%ld", st[i].checks, st[i].vacuous,
               st[i].failures);
        if (st[i].known)
            printf(",\"known_divergences\":%ld", st[i].known);
        if (st[i].failures) {
            printf(",\"first_fail_path\":");
            json_str(st[i].first_fail_path);
            if (st[i].first_fail_vector[0]) {
                printf(",\"first_fail_vector\":");
                json_str(st[i].first_fail_vector);
            }
        }
        putchar('}');
    }
    printf("]}");
}

static void print_layer_text(const struct hs_layer_check *lc, const struct hs_prim_stats *st,
                             int n)
{
    for (int i = 0; i < n; i++) {
        printf("%s %s: checks %ld vacuous %ld failures %ld", lc->layer, st[i].prim,
               st[i].checks, st[i].vacuous, st[i].failures);
        if (st[i].known)
            printf(" known-divergences %ld (docs/spec-notes.md)", st[i].known);
        if (st[i].failures) {
            printf(" (first: %s", st[i].first_fail_path);
            if (st[i].first_fail_vector[0])
                printf("; vector: %s", st[i].first_fail_vector);
            putchar(')');
        }
        putchar('\n');
    }
}

/* A primitive whose cases are mostly vacuous is hardly tested: say so. */
static void warn_vacuous(const struct hs_layer_check *lc, const struct hs_prim_stats *st, int n)
{
    for (int i = 0; i < n; i++) {
        long all = st[i].checks + st[i].vacuous;
        if (all > 0 && st[i].vacuous * 2 > all) {
            progress_clear();
            fprintf(stderr, "%s: warning: %s %s: %ld of %ld cases vacuous\n", cli->prog,
                    lc->layer, st[i].prim, st[i].vacuous, all);
        }
    }
}

static int run_checks(const struct opts *o)
{
    struct selection sel;
    select_layers(o, &sel);
    cli->register_impls();

    struct hs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = o->seed;
    ro.count = o->count;
    ro.e2e = o->e2e;
    ro.vector_dir = o->vector_dir;
    ro.shrink = o->shrink;
    ro.diff_out = report_stream();
    ro.max_reports = 1;
    run_start = last_progress = now();

    long checks = 0, vacuous = 0, failures = 0;
    if (o->json)
        printf("{\"seed\":%" PRIu64 ",\"layers\":[", o->seed);
    for (int i = 0; i < sel.n; i++) {
        const struct hs_layer_check *lc = sel.lcs[i];
        struct hs_prim_stats *st = calloc((size_t)(lc->ngens > 0 ? lc->ngens : 1), sizeof *st);
        if (!st) {
            fprintf(stderr, "%s: out of memory\n", cli->prog);
            exit(2);
        }
        hs_check_layer(lc, o->prim, &ro, st);
        int n = o->prim ? 1 : lc->ngens;
        progress_clear();
        if (o->json)
            print_layer_json(lc, o->e2e, st, n, i == 0);
        else
            print_layer_text(lc, st, n);
        fflush(stdout);
        warn_vacuous(lc, st, n);
        for (int k = 0; k < n; k++) {
            checks += st[k].checks;
            vacuous += st[k].vacuous;
            failures += st[k].failures;
        }
        free(st);
    }
    progress_clear();
    if (o->json)
        printf("]}\n");
    else
        printf("total: %d layer%s, checks %ld vacuous %ld failures %ld (seed %" PRIu64 "%s)\n",
               sel.n, sel.n == 1 ? "" : "s", checks, vacuous, failures, o->seed,
               o->e2e ? ", end to end" : "");
    if (ro.diff_out != stderr)
        fclose(ro.diff_out);
    return failures ? 1 : 0;
}

static int run_replays(const struct opts *o)
{
    cli->register_impls();
    int status = 0;
    if (o->json)
        printf("{\"replay\":[");
    for (int i = 0; i < o->nreplays; i++) {
        struct hs_replay_stats st;
        int r = hs_vector_replay(o->replays[i], stderr, &st);
        if (r > status)
            status = r;
        if (o->json) {
            printf("%s{\"file\":", i ? "," : "");
            json_str(o->replays[i]);
            printf(",\"passed\":%ld,\"failed\":%ld,\"known_divergences\":%ld,\"status\":%d}",
                   st.passed, st.failed, st.known, r);
        } else if (r != 2) {
            /* an unreadable file is reported by its error lines alone */
            printf("replay %s: %ld passed, %ld failed", o->replays[i], st.passed, st.failed);
            if (st.known)
                printf(" (%ld passed by a known divergence of the spec)", st.known);
            putchar('\n');
        }
    }
    if (o->json)
        printf("]}\n");
    return status;
}

int hypsec_main(int argc, char **argv, const struct hypsec_cli *c)
{
    cli = c;
    hs_check_set_tool(c->prog);
    struct opts o;
    memset(&o, 0, sizeof o);
    o.count = 2000;
    o.seed = 1;
    o.vector_dir = "./hypsec-failures";
    o.shrink = true;
    parse_args(argc, argv, &o);
    if (o.nreplays > 0) {
        if (o.nlayers || o.prim || o.count_set || o.e2e)
            die_usage("--replay cannot be combined with --layer, --prim, --count or --end-to-end");
        return run_replays(&o);
    }
    return run_checks(&o);
}
