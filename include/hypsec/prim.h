/* The registry of primitives (generated from src/prims.tbl) and the runtime
 * an implementation under test runs on: a current low state that every
 * primitive of the layer below reads and replaces, and a way out when one of
 * them is stuck. */
#ifndef HYPSEC_PRIM_H
#define HYPSEC_PRIM_H

#include "hypsec/rdata.h"

#define HS_MAX_ARGS 8

/* Spec forms: option Z, option RData, option (RData * Z). */
enum hs_form { HS_FORM_R, HS_FORM_S, HS_FORM_SR };

struct hs_prim {
    int id;
    const char *name;
    const char *layer;
    enum hs_form form;
    const char *ret;                      /* "void", "u32", "u64" */
    int nargs;
    const char *arg_types[HS_MAX_ARGS];   /* "u32", "u64" */
    const char *arg_names[HS_MAX_ARGS];
    /* NAME_spec on in; for form R *out = in, for form S *ret = 0. */
    bool (*spec)(const hs_z *args, const struct RData *in, const struct RData **out, hs_z *ret);
    bool has_impl;                        /* the table says this repository implements it */
};

/* An implementation invoker: runs the C function on the current state, args in range. */
typedef void (*hs_impl_fn)(const hs_z *args, hs_z *ret);

extern const struct hs_prim hs_prims[];
extern const int hs_nprims;
/* By SeKVM name, or NULL. */
const struct hs_prim *hs_prim_find(const char *name);
/* Upper bound of an argument or result of C type ty ("u32": 2^32, "u64": 2^64, "void": 1). */
hs_z hs_ctype_bound(const char *ty);

/* The state the primitives of the layer below act on while an implementation runs. */
const struct RData *hs_cur_state(void);
void hs_set_cur_state(const struct RData *s);

/* Whether a call to the primitive runs its implementation (true) or its spec
 * on the current state (false, the default). */
bool hs_prim_use_impl(int id);
void hs_prim_set_use_impl(int id, bool impl);
/* The implementation a call runs (installed by hs_register_impls() of the
 * implementation library, or by a test that swaps in a wrong variant). */
void hs_prim_set_impl(int id, hs_impl_fn f);
hs_impl_fn hs_prim_impl_of(int id);
/* Installs every implementation of libhypsec-impl (generated). */
void hs_register_impls(void);

/* Called by a dispatcher when the spec it ran returned NONE or a result that
 * no C value of the return type represents: unwinds to hs_run_guarded. */
_Noreturn void hs_stuck(int id, const char *why);

/* What stopped an implementation run. */
struct hs_stuck_info {
    int prim;            /* the primitive whose spec was stuck, -1 if none */
    char why[160];
};
/* Run impl(args) of p on state l; false when a primitive below got stuck (info filled). */
bool hs_run_guarded(const struct hs_prim *p, const hs_z *args, const struct RData *l,
                    const struct RData **l_out, hs_z *ret, struct hs_stuck_info *info);

#endif
