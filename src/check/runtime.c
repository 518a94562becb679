/* The runtime an implementation under test runs on: the registry look-ups,
 * the current low state, which primitives run their implementation, and the
 * way out when a primitive below is stuck.
 *
 * The unwinding uses __builtin_setjmp/__builtin_longjmp with a static buffer:
 * no libc, so the same code runs in the freestanding AArch64 image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/prim.h"
#include "hypsec/prims.h"

static const struct RData *cur_state;
static bool use_impl[HS_NPRIMS];
static hs_impl_fn impls[HS_NPRIMS];

/* The jump buffer of the innermost hs_run_guarded (five words, as GCC wants). */
static void *guard_buf[5];
static bool guard_active;
static struct hs_stuck_info guard_info;

const struct hs_prim *hs_prim_find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < hs_nprims; i++)
        if (strcmp(hs_prims[i].name, name) == 0)
            return &hs_prims[i];
    return NULL;
}

hs_z hs_ctype_bound(const char *ty)
{
    if (ty && strcmp(ty, "u32") == 0)
        return HS_Z_2P32;
    if (ty && strcmp(ty, "u64") == 0)
        return HS_Z_2P64;
    /* void: the only value is 0 */
    return 1;
}

const struct RData *hs_cur_state(void)
{
    return cur_state;
}

void hs_set_cur_state(const struct RData *s)
{
    cur_state = s;
}

static bool valid_id(int id)
{
    return id >= 0 && id < HS_NPRIMS && id < hs_nprims;
}

bool hs_prim_use_impl(int id)
{
    return valid_id(id) && use_impl[id];
}

void hs_prim_set_use_impl(int id, bool impl)
{
    if (valid_id(id))
        use_impl[id] = impl;
}

void hs_prim_set_impl(int id, hs_impl_fn f)
{
    if (valid_id(id))
        impls[id] = f;
}

hs_impl_fn hs_prim_impl_of(int id)
{
    return valid_id(id) ? impls[id] : NULL;
}

static void set_info(struct hs_stuck_info *info, int id, const char *why)
{
    info->prim = id;
    snprintf(info->why, sizeof info->why, "%s", why ? why : "");
}

_Noreturn void hs_stuck(int id, const char *why)
{
    if (!guard_active) {
        /* no runner to report to: a dispatcher was called outside a check */
        const char *name = valid_id(id) ? hs_prims[id].name : "?";
        fprintf(stderr, "hypsec: primitive %s stuck outside a guarded run: %s\n", name,
                why ? why : "");
        abort();
    }
    set_info(&guard_info, id, why);
    __builtin_longjmp(guard_buf, 1);
}

/* Every argument must be a value of its C type: the invoker casts it. */
static bool args_fit(const struct hs_prim *p, const hs_z *args, struct hs_stuck_info *info)
{
    for (int i = 0; i < p->nargs; i++) {
        hs_z b = hs_ctype_bound(p->arg_types[i]);
        if (args[i] < 0 || args[i] >= b) {
            char why[128];
            snprintf(why, sizeof why, "argument %s out of range of %s", p->arg_names[i],
                     p->arg_types[i]);
            set_info(info, p->id, why);
            return false;
        }
    }
    return true;
}

/* The part that may be unwound: kept out of line so its frame is the one
 * __builtin_setjmp saves. */
static __attribute__((noinline)) bool run_unwindable(hs_impl_fn f, const hs_z *args, hs_z *ret)
{
    if (__builtin_setjmp(guard_buf))
        return false;
    f(args, ret);
    return true;
}

bool hs_run_guarded(const struct hs_prim *p, const hs_z *args, const struct RData *l,
                    const struct RData **l_out, hs_z *ret, struct hs_stuck_info *info)
{
    struct hs_stuck_info local;
    if (!info)
        info = &local;
    set_info(info, -1, "");
    hs_impl_fn f = hs_prim_impl_of(p->id);
    if (!f) {
        /* without an implementation there is nothing to run: report it as stuck */
        set_info(info, p->id, "no implementation registered");
        return false;
    }
    if (!args_fit(p, args, info))
        return false;

    /* a guarded run inside another one (a test harness) keeps the outer buffer */
    void *saved_buf[5];
    memcpy(saved_buf, guard_buf, sizeof saved_buf);
    bool saved_active = guard_active;

    hs_z r = 0;
    hs_set_cur_state(l);
    guard_active = true;
    bool ok = run_unwindable(f, args, &r);
    guard_active = saved_active;
    memcpy(guard_buf, saved_buf, sizeof saved_buf);

    if (!ok) {
        *info = guard_info;
        return false;
    }
    if (l_out)
        *l_out = hs_cur_state();
    if (ret)
        *ret = r;
    return true;
}
