/* Failing cases and test vectors: the shrinker, the vector format of
 * docs/vectors.md (one JSON object per line), its writer and its replay, and
 * the hooks the runner offers to tools (case origin, progress). */
#ifndef HYPSEC_VECTOR_H
#define HYPSEC_VECTOR_H

#include <stdio.h>
#include "hypsec/check.h"

/* Where the case being checked comes from, printed in failure reports
 * ("seed 1 case 17", "vectors/PTWalk.jsonl:3"); copied. */
void hs_check_set_origin(const char *origin);
/* The program a failure report tells to replay the vector ("hypsec-check" unless set); copied. */
void hs_check_set_tool(const char *name);

/* Called by hs_check_layer every few cases and after the last one of each
 * primitive (done == total); NULL turns it off. */
typedef void (*hs_progress_fn)(const char *layer, const char *prim, long done, long total,
                               void *ctx);
void hs_check_set_progress(hs_progress_fn f, void *ctx);

/* True when case c still fails: the spec is Some and the check fails (quiet). */
bool hs_case_fails(const struct hs_layer_check *lc, const struct hs_prim *p,
                   const struct hs_case *c, bool e2e);

/* Greedy shrinking of a failing case: simpler states (hs_shrink_candidate on
 * hs_type_RData) and smaller arguments (0, 1, half, lowest bit cleared, one
 * less; always inside the C type), each accepted while the case still fails,
 * at most max_attempts candidates tried. *out is the smallest failing case
 * found (c itself when nothing simpler fails); it lives in the arena. */
struct hs_shrink_stats {
    long attempts;   /* candidates tried */
    long accepted;   /* candidates that still failed and were kept */
};
void hs_shrink_case(const struct hs_layer_check *lc, const struct hs_prim *p,
                    const struct hs_case *c, bool e2e, long max_attempts, struct hs_case *out,
                    struct hs_shrink_stats *st);

/* The n-th candidate simplification of args[i], false past the last. */
bool hs_shrink_arg(const struct hs_prim *p, const hs_z *args, int i, size_t n, hs_z *out);

/* Provenance of a vector: the generator that made it and its seed. */
struct hs_vector_origin {
    const char *generator;  /* e.g. "hypsec-check shrinker" */
    uint64_t seed;
    long case_index;        /* -1: not written */
};

/* One vector line (with its newline) for case c of p in layer lc; the
 * expected outcome is computed by the C spec. False on a write error. */
bool hs_vector_write(FILE *out, const struct hs_layer_check *lc, const struct hs_prim *p,
                     const struct hs_case *c, bool e2e, const struct hs_vector_origin *o);

/* Write case c as dir/<layer>-<prim>-<seed>-<case>.jsonl (dir is created);
 * the file name goes to path. False (and a message on stderr) on failure. */
bool hs_vector_write_file(const char *dir, const struct hs_layer_check *lc,
                          const struct hs_prim *p, const struct hs_case *c, bool e2e,
                          const struct hs_vector_origin *o, char *path, size_t pathlen);

/* The figures of a replayed file. */
struct hs_replay_stats {
    long passed;  /* lines that passed, known divergences included */
    long failed;  /* lines that failed */
    long known;   /* passed lines whose check differs only by a known divergence of the spec */
};

/* Replay every line of a vector file (docs/vectors.md): the C spec against the
 * expected outcome, then, where the spec is Some, the check in the vector's
 * mode. A check that fails only by a known divergence of the spec (the
 * layer's documented region, one differing leaf) passes, with one line
 * "file:line: known divergence: <note>". Malformed lines print
 * "file:line:col: reason" to out. Returns 0 when every line passed, 1 when a
 * line failed, 2 when a line or the file could not be read (the other lines
 * are still replayed). st (may be NULL) receives the figures. */
int hs_vector_replay(const char *path, FILE *out, struct hs_replay_stats *st);
/* hs_vector_replay with the passing and failing counts only (may be NULL). */
int hs_vector_replay_file(const char *path, FILE *out, long *n_ok, long *n_fail);

#endif
