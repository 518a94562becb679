/* The refinement oracle: per-layer generators and relations, the runner, the
 * shrinker and vector replay. */
#ifndef HYPSEC_CHECK_H
#define HYPSEC_CHECK_H

#include <stdint.h>
#include "hypsec/prim.h"

/* xoshiro256** seeded by splitmix64: the same stream on every host. */
struct hs_rng { uint64_t s[4]; };
void hs_rng_seed(struct hs_rng *r, uint64_t seed);
uint64_t hs_rng_next(struct hs_rng *r);
/* Uniform in [0, n) (n > 0). */
uint64_t hs_rng_below(struct hs_rng *r, uint64_t n);
/* True with probability num/den. */
bool hs_rng_chance(struct hs_rng *r, unsigned num, unsigned den);

/* One generated case: a high state and the primitive's arguments. */
struct hs_case {
    const struct RData *h;
    hs_z args[HS_MAX_ARGS];
};

/* The generator of one fresh primitive: states its spec accepts, reaching the
 * deep paths (allocation, pool exhaustion, halted machine, lock not held…). */
struct hs_prim_gen {
    const char *prim;
    void (*gen)(struct hs_rng *rng, struct hs_case *c);
};

/* What src/check/<Layer>.c provides for the oracle. */
struct hs_known_divergence;

struct hs_layer_check {
    const char *layer;
    const char *lower;                       /* the layer its code runs over */
    const struct hs_prim_gen *gens;          /* one per fresh primitive */
    int ngens;
    /* R(h, l), differences printed into d; NULL: identity (RData_diff). */
    bool (*relate)(struct hs_diff *d, const struct RData *h, const struct RData *l);
    /* A low state related to h; NULL: h itself. */
    const struct RData *(*lower_state)(const struct RData *h);
    /* End to end: the relation between this layer's state and the state of the
     * AbstractMachine under the whole implementation stack; NULL: relate. */
    bool (*relate_e2e)(struct hs_diff *d, const struct RData *h, const struct RData *l);
    /* End to end: the layers whose implementations run under this one (in
     * order, down to the one over AbstractMachine); NULL-terminated. */
    const char *const *e2e_stack;
    /* R(h2, l2) checked given that R(h, l) holds (h2, l2 the states after the
     * step): may examine only what changed; NULL: relate on (h2, l2). */
    bool (*relate_step)(struct hs_diff *d, const struct RData *h, const struct RData *l,
                        const struct RData *h2, const struct RData *l2);
    /* The same for the end-to-end relation; NULL: the end-to-end relation on
     * (h2, l2) (relate_step when relate_e2e is NULL). */
    bool (*relate_step_e2e)(struct hs_diff *d, const struct RData *h, const struct RData *l,
                            const struct RData *h2, const struct RData *l2);
    /* Divergences of the spec that no implementation over the layer below can
     * avoid (docs/spec-notes.md); NULL-terminated by prim. */
    const struct hs_known_divergence *known;
};

/* A region of cases where the spec cannot be refined: a failing check there
 * that differs at exactly one leaf under one of paths is counted as a known
 * divergence, not as a failure; any other failure there is a failure. */
struct hs_known_divergence {
    const char *prim;
    bool (*applies)(const struct hs_case *c, bool e2e);
    const char *paths;   /* '|'-separated path prefixes of the one differing leaf */
    const char *note;    /* the docs/spec-notes.md entry that argues it */
};

/* The layers the oracle knows, bottom to top (src/check/registry.c), and their number. */
extern const struct hs_layer_check *const hs_layer_checks[];
extern const int hs_nlayer_checks;
/* The oracle of the layer of that name, or NULL. */
const struct hs_layer_check *hs_layer_check_find(const char *layer);

/* The outcome of one check. */
enum hs_verdict { HS_PASS, HS_VACUOUS, HS_FAIL };

struct hs_check_report {
    enum hs_verdict verdict;
    struct hs_stuck_info stuck;  /* when the implementation got stuck */
    hs_z high_ret, low_ret;
    bool ret_differs;
    struct hs_diff diff;         /* where the relation failed */
};

/* Debug mode of hs_check_case: before the implementation runs on a case
 * whose spec is Some, R(h, lower_state(h)) is checked with the full
 * relation, and a failure is reported as a generator bug (first difference
 * path "precondition"). Off unless the environment has HS_CHECK_PRE=1 when
 * the first case runs, or hs_check_set_pre(true). */
void hs_check_set_pre(bool on);
bool hs_check_pre(void);

/* Run one case of primitive p of layer lc (step by step, or end to end). */
enum hs_verdict hs_check_case(const struct hs_layer_check *lc, const struct hs_prim *p,
                              const struct hs_case *c, bool e2e, FILE *diff_out,
                              struct hs_check_report *rep);

/* The known divergence of lc's spec for p that explains the failing check
 * rep of case c (one differing leaf under its paths, no stuck primitive and
 * the same result), or NULL when the failure is a failure. */
const struct hs_known_divergence *hs_known_divergence_of(const struct hs_layer_check *lc,
                                                         const struct hs_prim *p,
                                                         const struct hs_case *c, bool e2e,
                                                         const struct hs_check_report *rep);

/* Per-primitive figures of a run. */
struct hs_prim_stats {
    const char *prim;
    long checks;      /* non-vacuous checks */
    long vacuous;     /* cases whose spec was None */
    long failures;
    long known;       /* failing checks that are a known divergence of the spec */
    char first_fail_path[256]; /* "result", "stuck:<prim>", or the first diff path */
    char first_fail_vector[512]; /* the vector file written for the first failure ("" if none) */
};

struct hs_run_opts {
    uint64_t seed;
    long count;              /* cases per primitive */
    bool e2e;                /* end to end: the whole implementation stack below */
    const char *vector_dir;  /* where failing cases are written (NULL: not written) */
    FILE *diff_out;          /* where diffs go (NULL: stderr) */
    bool shrink;             /* shrink a failing case before writing it */
    int max_reports;         /* diffs printed per primitive (0: 1) */
};

/* Run o->count cases of every fresh primitive of lc (only prim when not NULL).
 * stats has room for lc->ngens entries (filled in gens order; with prim set,
 * stats[0]). Returns the number of failures. The caller must have run
 * hs_register_impls() (the implementation library) first. Reproducible from
 * o->seed: case i of primitive p draws from a stream seeded by (seed, p, i). */
long hs_check_layer(const struct hs_layer_check *lc, const char *prim,
                    const struct hs_run_opts *o, struct hs_prim_stats *stats);

#endif
