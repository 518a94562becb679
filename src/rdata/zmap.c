/* ZMap.t as a persistent big-endian Patricia tree (Okasaki & Gill, "Fast
 * Mergeable Integer Maps") over 128-bit keys.
 *
 * A key k is stored as the unsigned pattern k ^ 2^127, so that unsigned
 * order (left subtree = branching bit clear) is signed key order. A branch
 * keeps the bits its keys share above its branching bit (the prefix) and the
 * branching bit itself as a one-bit mask; a leaf has mask 0. Only keys whose
 * value differs from the default are stored, so the shape depends only on the
 * key set: equal maps have equal shapes, and equality and diff skip
 * pointer-equal subtrees. Updates copy the path from the root; nothing is
 * ever freed (nodes live in the arena). */
#include "hypsec/zmap.h"

#include "hypsec/arena.h"

typedef unsigned __int128 zkey;

#define ZKEY_SIGN ((zkey)1 << 127)
/* Every branch has a strictly lower branching bit than its parent: at most
 * 128 branches and a leaf on any path. */
#define ZMAP_MAX_DEPTH 130

struct znode {
    zkey key;   /* leaf: the key; branch: the prefix (bits above mask, lower bits 0) */
    zkey mask;  /* leaf: 0; branch: the branching bit */
    union {
        hs_val val;                                 /* leaf */
        struct { const struct znode *l, *r; } kids; /* branch */
    } u;
};

struct zmap {
    const struct hs_type *vty;
    size_t count;
    hs_val def;
    const struct znode *root;
};

static inline zkey key_of(hs_z k) { return (zkey)k ^ ZKEY_SIGN; }
static inline hs_z z_of(zkey u) { return (hs_z)(u ^ ZKEY_SIGN); }
static inline bool is_leaf(const struct znode *n) { return n->mask == 0; }

/* The bits strictly above the bit m. */
static inline zkey above(zkey m) { return ~((m << 1) - 1); }
/* Whether key k lies under the branch (prefix p, bit m). */
static inline bool matches(zkey k, zkey p, zkey m) { return (k & above(m)) == p; }
/* Whether key k goes right (bit m set) in a branch on m. */
static inline bool goes_right(zkey k, zkey m) { return (k & m) != 0; }

/* The highest set bit of x (x != 0). */
static inline zkey highest_bit(zkey x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    if (hi != 0)
        return (zkey)1 << (127 - __builtin_clzll(hi));
    return (zkey)1 << (63 - __builtin_clzll((uint64_t)x));
}

/* Scalar kinds hold their whole value in .z, so equality is a compare. */
static inline bool kind_is_scalar(const struct hs_type *t)
{
    return t->kind == HS_Z || t->kind == HS_BOOL || t->kind == HS_ENUM || t->kind == HS_ORACLE;
}

/* Extensional equality of two values of the map's type, fast for scalars. */
static inline bool val_eq(const struct hs_type *t, hs_val a, hs_val b)
{
    if (kind_is_scalar(t))
        return a.z == b.z;
    if (a.p == b.p)
        return true;
    return hs_val_eq(t, a, b);
}

/* Identical representation: replacing one by the other changes nothing. */
static inline bool val_same(const struct hs_type *t, hs_val a, hs_val b)
{
    if (kind_is_scalar(t))
        return a.z == b.z;
    return a.p == b.p;
}

static const struct znode *leaf_new(zkey k, hs_val v)
{
    struct znode *n = hs_alloc(sizeof *n);
    n->key = k;
    n->mask = 0;
    n->u.val = v;
    return n;
}

static const struct znode *branch_new(zkey p, zkey m, const struct znode *l, const struct znode *r)
{
    struct znode *n = hs_alloc(sizeof *n);
    n->key = p;
    n->mask = m;
    n->u.kids.l = l;
    n->u.kids.r = r;
    return n;
}

/* A branch over two disjoint subtrees whose prefixes (or keys) are p0 and p1. */
static const struct znode *join(zkey p0, const struct znode *t0, zkey p1, const struct znode *t1)
{
    zkey m = highest_bit(p0 ^ p1);
    zkey p = p0 & above(m);
    if (goes_right(p0, m))
        return branch_new(p, m, t1, t0);
    return branch_new(p, m, t0, t1);
}

/* The same branch as b with one child replaced (right or left). */
static const struct znode *branch_with(const struct znode *b, bool right, const struct znode *kid)
{
    if (right)
        return branch_new(b->key, b->mask, b->u.kids.l, kid);
    return branch_new(b->key, b->mask, kid, b->u.kids.r);
}

/* A map header sharing vty and def with m. */
static const struct zmap *map_with(const struct zmap *m, const struct znode *root, size_t count)
{
    struct zmap *n = hs_alloc(sizeof *n);
    n->vty = m->vty;
    n->def = m->def;
    n->root = root;
    n->count = count;
    return n;
}

const struct zmap *hs_zmap_init(const struct hs_type *vty, hs_val def)
{
    struct zmap *m = hs_alloc(sizeof *m);
    m->vty = vty;
    m->def = def;
    m->root = NULL;
    m->count = 0;
    return m;
}

hs_val hs_zmap_get(const struct zmap *m, hs_z k)
{
    zkey u = key_of(k);
    const struct znode *n = m->root;
    if (n == NULL)
        return m->def;
    /* Follow the branching bits only; the leaf's key decides membership. */
    while (!is_leaf(n))
        n = goes_right(u, n->mask) ? n->u.kids.r : n->u.kids.l;
    if (n->key == u)
        return n->u.val;
    return m->def;
}

/* The tree t with key u bound to v; *added tells whether u was new. */
static const struct znode *tree_insert(const struct znode *t, zkey u, hs_val v,
                                       const struct hs_type *vty, bool *added)
{
    const struct znode *path[ZMAP_MAX_DEPTH];
    bool dir[ZMAP_MAX_DEPTH];
    size_t depth = 0;
    const struct znode *n = t;
    const struct znode *sub;

    *added = true;
    /* Descend while u lies under the current branch. */
    while (n != NULL && !is_leaf(n) && matches(u, n->key, n->mask)) {
        path[depth] = n;
        dir[depth] = goes_right(u, n->mask);
        n = dir[depth] ? n->u.kids.r : n->u.kids.l;
        depth++;
    }
    if (n == NULL) {
        sub = leaf_new(u, v);
    } else if (is_leaf(n) && n->key == u) {
        *added = false;
        /* Rebinding the same representation keeps the whole tree. */
        if (val_same(vty, n->u.val, v))
            return t;
        sub = leaf_new(u, v);
    } else {
        /* u leaves the subtree n here: a new branch separates them. */
        sub = join(u, leaf_new(u, v), n->key, n);
    }
    /* Copy the path back up to the root. */
    while (depth > 0) {
        depth--;
        sub = branch_with(path[depth], dir[depth], sub);
    }
    return sub;
}

/* The tree t without key u; *removed tells whether u was there. */
static const struct znode *tree_remove(const struct znode *t, zkey u, bool *removed)
{
    const struct znode *path[ZMAP_MAX_DEPTH];
    bool dir[ZMAP_MAX_DEPTH];
    size_t depth = 0;
    const struct znode *n = t;

    *removed = false;
    while (n != NULL && !is_leaf(n)) {
        /* u cannot be under a branch whose prefix it does not share. */
        if (!matches(u, n->key, n->mask))
            return t;
        path[depth] = n;
        dir[depth] = goes_right(u, n->mask);
        n = dir[depth] ? n->u.kids.r : n->u.kids.l;
        depth++;
    }
    if (n == NULL || n->key != u)
        return t;
    *removed = true;
    if (depth == 0)
        return NULL;
    /* The leaf's parent collapses into the leaf's sibling. */
    depth--;
    const struct znode *parent = path[depth];
    const struct znode *sub = dir[depth] ? parent->u.kids.l : parent->u.kids.r;
    while (depth > 0) {
        depth--;
        sub = branch_with(path[depth], dir[depth], sub);
    }
    return sub;
}

const struct zmap *hs_zmap_set(const struct zmap *m, hs_z k, hs_val v)
{
    zkey u = key_of(k);
    /* Canonical form: a key bound to the default is absent. */
    if (val_eq(m->vty, v, m->def)) {
        bool removed;
        const struct znode *root = tree_remove(m->root, u, &removed);
        if (!removed)
            return m;
        return map_with(m, root, m->count - 1);
    }
    bool added;
    const struct znode *root = tree_insert(m->root, u, v, m->vty, &added);
    if (root == m->root)
        return m;
    return map_with(m, root, added ? m->count + 1 : m->count);
}

hs_val hs_zmap_default(const struct zmap *m)
{
    return m->def;
}

const struct hs_type *hs_zmap_type(const struct zmap *m)
{
    return m->vty;
}

size_t hs_zmap_count(const struct zmap *m)
{
    return m->count;
}

/* Structural equality of two canonical trees, skipping shared subtrees. */
static bool tree_eq(const struct hs_type *vty, const struct znode *a, const struct znode *b)
{
    if (a == b)
        return true;
    if (a == NULL || b == NULL)
        return false;
    if (a->key != b->key || a->mask != b->mask)
        return false;
    if (is_leaf(a))
        return val_eq(vty, a->u.val, b->u.val);
    return tree_eq(vty, a->u.kids.l, b->u.kids.l) && tree_eq(vty, a->u.kids.r, b->u.kids.r);
}

bool hs_zmap_eq(const struct zmap *a, const struct zmap *b)
{
    if (a == b)
        return true;
    if (!val_eq(a->vty, a->def, b->def))
        return false;
    /* Canonical trees of different sizes cannot be equal. */
    if (a->count != b->count)
        return false;
    return tree_eq(a->vty, a->root, b->root);
}

/* In-order walk; false once f asked to stop. */
static bool tree_foreach(const struct znode *n, zmap_visit f, void *ctx)
{
    if (n == NULL)
        return true;
    if (is_leaf(n))
        return f(z_of(n->key), n->u.val, ctx);
    if (!tree_foreach(n->u.kids.l, f, ctx))
        return false;
    return tree_foreach(n->u.kids.r, f, ctx);
}

void hs_zmap_foreach(const struct zmap *m, zmap_visit f, void *ctx)
{
    tree_foreach(m->root, f, ctx);
}

/* What a diff walk carries: the callback and the two defaults. */
struct diff_ctx {
    const struct hs_type *vty;
    hs_val def_a, def_b;
    zmap_diff_visit f;
    void *ctx;
};

/* Report every entry of a subtree present on one side only (right: side b). */
static void diff_only(const struct diff_ctx *d, const struct znode *n, bool right)
{
    if (n == NULL)
        return;
    if (is_leaf(n)) {
        if (right)
            d->f(z_of(n->key), d->def_a, n->u.val, d->ctx);
        else
            d->f(z_of(n->key), n->u.val, d->def_b, d->ctx);
        return;
    }
    diff_only(d, n->u.kids.l, right);
    diff_only(d, n->u.kids.r, right);
}

static void diff_tree(const struct diff_ctx *d, const struct znode *a, const struct znode *b);

/* a's branch holds all of b's keys' region (a->mask above b's): b goes
 * against one child, the other child is a's alone; swapped: sides reversed. */
static void diff_inside(const struct diff_ctx *d, const struct znode *big, const struct znode *small,
                        bool big_is_b)
{
    bool right = goes_right(small->key, big->mask);
    const struct znode *with = right ? big->u.kids.r : big->u.kids.l;
    const struct znode *alone = right ? big->u.kids.l : big->u.kids.r;
    if (right)
        diff_only(d, alone, big_is_b);
    if (big_is_b)
        diff_tree(d, small, with);
    else
        diff_tree(d, with, small);
    if (!right)
        diff_only(d, alone, big_is_b);
}

/* Two subtrees with no key in common: each is one side's alone, in key order. */
static void diff_disjoint(const struct diff_ctx *d, const struct znode *a, const struct znode *b)
{
    if (a->key < b->key) {
        diff_only(d, a, false);
        diff_only(d, b, true);
    } else {
        diff_only(d, b, true);
        diff_only(d, a, false);
    }
}

/* The keys where subtrees a and b differ, in key order, as a merge that
 * follows the common structure and skips pointer-equal parts. */
static void diff_tree(const struct diff_ctx *d, const struct znode *a, const struct znode *b)
{
    if (a == b)
        return;
    if (a == NULL) {
        diff_only(d, b, true);
        return;
    }
    if (b == NULL) {
        diff_only(d, a, false);
        return;
    }
    /* Same region: compare leaves, or children pairwise. */
    if (a->mask == b->mask && a->key == b->key) {
        if (!is_leaf(a)) {
            diff_tree(d, a->u.kids.l, b->u.kids.l);
            diff_tree(d, a->u.kids.r, b->u.kids.r);
            return;
        }
        if (!val_eq(d->vty, a->u.val, b->u.val))
            d->f(z_of(a->key), a->u.val, b->u.val, d->ctx);
        return;
    }
    /* A leaf has mask 0, below every branching bit: the larger mask covers more. */
    if (a->mask > b->mask && matches(b->key, a->key, a->mask)) {
        diff_inside(d, a, b, false);
        return;
    }
    if (b->mask > a->mask && matches(a->key, b->key, b->mask)) {
        diff_inside(d, b, a, true);
        return;
    }
    diff_disjoint(d, a, b);
}

void hs_zmap_diff(const struct zmap *a, const struct zmap *b, zmap_diff_visit f, void *ctx)
{
    struct diff_ctx d = { a->vty, a->def, b->def, f, ctx };
    if (a == b)
        return;
    diff_tree(&d, a->root, b->root);
}
