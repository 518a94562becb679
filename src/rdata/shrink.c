/* Candidate simplifications of a value, enumerated by index over its type
 * descriptor. Every candidate is strictly smaller than the value under one
 * well-founded order, so greedy shrinking terminates:
 *   a number: |x| smaller, or the same |x| made positive;
 *   a bool or enum: false / the first name;
 *   a record: one field smaller, the others unchanged;
 *   a variant: the empty variant, or one field of its constructor smaller;
 *   a map: fewer entries, one entry smaller, or the default made empty;
 *   a list: fewer elements, or one element smaller.
 * Candidates are listed level by level: at each value its own simplifications
 * (the most aggressive first) come before those of its parts, so finding the
 * n-th walks the value only up to it. */
#include <stdlib.h>
#include "hypsec/shrink.h"
#include "hypsec/arena.h"
#include "hypsec/zmap.h"

static bool walk(const struct hs_type *t, hs_val v, size_t *n, hs_val *out);

/* Take candidate *n of a level with k candidates, or skip the level. */
static bool take(size_t *n, size_t k)
{
    if (*n < k)
        return true;
    *n -= k;
    return false;
}

/* The simplifications of a number, most aggressive first: 0, x/2 toward zero,
 * the largest power of two below |x| (same sign), -x for a negative x. */
static size_t z_candidates(hs_z x, hs_z c[4])
{
    size_t k = 0;
    if (x == 0)
        return 0;
    c[k++] = 0;
    unsigned __int128 mag = x < 0 ? 0 - (unsigned __int128)x : (unsigned __int128)x;
    if (mag >= 2) {
        hs_z half = x / 2;
        c[k++] = half;
        unsigned __int128 p = 1;
        while (p <= (mag - 1) / 2)
            p <<= 1;
        /* p is now the largest power of two below mag. */
        unsigned __int128 hmag = half < 0 ? 0 - (unsigned __int128)half : (unsigned __int128)half;
        if (p != hmag)
            c[k++] = x < 0 ? (hs_z)(0 - p) : (hs_z)p;
    }
    if (x < 0 && x != HS_Z_MIN)
        c[k++] = -x;
    return k;
}

static bool walk_scalar(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    hs_z c[4];
    size_t k;
    if (t->kind == HS_BOOL || t->kind == HS_ENUM) {
        c[0] = 0;
        k = v.z != 0;
    } else {
        k = z_candidates(v.z, c);
    }
    if (!take(n, k))
        return false;
    *out = hs_vz(c[*n]);
    return true;
}

/* Candidates inside the fields fs of rec; a hit is a copy with one field replaced. */
static bool walk_fields(const struct hs_type *t, const struct hs_field *fs, size_t nf,
                        const void *rec, size_t *n, hs_val *out)
{
    for (size_t i = 0; i < nf; i++) {
        hs_val x;
        if (!walk(fs[i].type, hs_field_get(rec, &fs[i]), n, &x))
            continue;
        void *copy = hs_record_copy(t, rec);
        hs_field_set(copy, &fs[i], x);
        *out = hs_vp(copy);
        return true;
    }
    return false;
}

static bool walk_record(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    const void *rec = v.p ? v.p : hs_type_empty(t).p;
    /* The empty record has nothing left to simplify. */
    if (rec == hs_type_empty(t).p)
        return false;
    return walk_fields(t, t->fields, t->nfields, rec, n, out);
}

static bool walk_variant(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    hs_val empty = hs_type_empty(t);
    const void *rec = v.p ? v.p : empty.p;
    if (hs_val_eq(t, hs_vp(rec), empty))
        return false;
    if (take(n, 1)) {
        *out = empty;
        return true;
    }
    int tag = *(const int *)rec;
    if (tag < 0 || (size_t)tag >= t->nctors)
        return false;
    const struct hs_ctor *c = &t->ctors[tag];
    return walk_fields(t, c->fields, c->nfields, rec, n, out);
}

/* The key of the i-th entry of a map, found by a visit. */
struct nth_key {
    size_t i;
    hs_z k;
};

static bool nth_key_visit(hs_z k, hs_val v, void *ctx)
{
    struct nth_key *s = ctx;
    (void)v;
    if (s->i == 0) {
        s->k = k;
        return false;
    }
    s->i--;
    return true;
}

/* The search for a candidate inside the entries of a map. */
struct entry_walk {
    const struct hs_type *elem;
    size_t *n;
    bool found;
    hs_z k;
    hs_val x;
};

static bool entry_walk_visit(hs_z k, hs_val v, void *ctx)
{
    struct entry_walk *s = ctx;
    if (!walk(s->elem, v, s->n, &s->x))
        return true;
    s->found = true;
    s->k = k;
    return false;
}

/* The entries of a map copied under a new default. */
struct regrow {
    const struct zmap *m;
};

static bool regrow_visit(hs_z k, hs_val v, void *ctx)
{
    struct regrow *s = ctx;
    s->m = zmap_set(s->m, k, v);
    return true;
}

static bool walk_map(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    const struct zmap *m = v.p ? v.p : hs_type_empty(t).p;
    size_t cnt = zmap_count(m);
    hs_val def = zmap_default(m);
    /* Drop every entry at once. */
    if (take(n, cnt >= 2)) {
        *out = hs_vp(zmap_init(t->elem, def));
        return true;
    }
    /* Drop one entry. */
    if (take(n, cnt)) {
        struct nth_key s = { *n, 0 };
        zmap_foreach(m, nth_key_visit, &s);
        *out = hs_vp(zmap_set(m, s.k, def));
        return true;
    }
    /* Simplify one entry's value. */
    struct entry_walk w = { t->elem, n, false, 0, hs_vz(0) };
    zmap_foreach(m, entry_walk_visit, &w);
    if (w.found) {
        *out = hs_vp(zmap_set(m, w.k, w.x));
        return true;
    }
    /* Make the default the type's empty value, keeping the entries. */
    hs_val edef = hs_type_empty(t->elem);
    if (!take(n, !hs_val_eq(t->elem, def, edef)))
        return false;
    struct regrow r = { zmap_init(t->elem, edef) };
    zmap_foreach(m, regrow_visit, &r);
    *out = hs_vp(r.m);
    return true;
}

/* l with element i dropped (nv NULL) or replaced by *nv; the tail after i is shared. */
static const struct hs_list *list_edit(const struct hs_list *l, size_t i, const hs_val *nv)
{
    hs_val *heads = malloc((i ? i : 1) * sizeof *heads);
    if (!heads) {
        fprintf(stderr, "hypsec: out of memory in hs_shrink_candidate\n");
        abort();
    }
    const struct hs_list *c = l;
    for (size_t j = 0; j < i; j++, c = c->tail)
        heads[j] = c->head;
    const struct hs_list *r = c->tail;
    if (nv)
        r = hs_cons(*nv, r);
    for (size_t j = i; j > 0; j--)
        r = hs_cons(heads[j - 1], r);
    free(heads);
    return r;
}

static bool walk_list(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    const struct hs_list *l = v.p;
    size_t len = hs_list_len(l);
    if (take(n, len >= 2)) {
        *out = hs_vp(NULL);
        return true;
    }
    if (take(n, len)) {
        *out = hs_vp(list_edit(l, *n, NULL));
        return true;
    }
    size_t i = 0;
    for (const struct hs_list *c = l; c; c = c->tail, i++) {
        hs_val x;
        if (walk(t->elem, c->head, n, &x)) {
            *out = hs_vp(list_edit(l, i, &x));
            return true;
        }
    }
    return false;
}

static bool walk(const struct hs_type *t, hs_val v, size_t *n, hs_val *out)
{
    switch (t->kind) {
    case HS_Z:
    case HS_BOOL:
    case HS_ENUM:
    case HS_ORACLE:
        return walk_scalar(t, v, n, out);
    case HS_RECORD:
        return walk_record(t, v, n, out);
    case HS_VARIANT:
        return walk_variant(t, v, n, out);
    case HS_MAP:
        return walk_map(t, v, n, out);
    case HS_LIST:
        return walk_list(t, v, n, out);
    }
    return false;
}

bool hs_shrink_candidate(const struct hs_type *t, hs_val v, size_t n, hs_val *out)
{
    return walk(t, v, &n, out);
}
