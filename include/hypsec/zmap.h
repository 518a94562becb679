/* ZMap.t A: a default value plus a persistent sparse map from Z.
 * A big-endian Patricia tree: its shape depends only on the key set, and a key
 * set to the default is removed, so equal maps have equal shapes and equality,
 * diff and clone touch only what differs (clone is O(1): share the pointer). */
#ifndef HYPSEC_ZMAP_H
#define HYPSEC_ZMAP_H

#include "hypsec/value.h"

struct zmap;

/* The exported functions carry the hs_ prefix; the short names below are
 * inline aliases that keep spec code close to the Coq (ZMap.get, ZMap.set). */

/* ZMap.init def, with values of type vty. */
const struct zmap *hs_zmap_init(const struct hs_type *vty, hs_val def);
/* ZMap.get k m */
hs_val hs_zmap_get(const struct zmap *m, hs_z k);
/* ZMap.set k v m (persistent: m is unchanged). */
const struct zmap *hs_zmap_set(const struct zmap *m, hs_z k, hs_val v);
/* The default value of m. */
hs_val hs_zmap_default(const struct zmap *m);
/* The type of m's values. */
const struct hs_type *hs_zmap_type(const struct zmap *m);
/* Number of keys whose value differs from the default. */
size_t hs_zmap_count(const struct zmap *m);
/* Extensional equality. */
bool hs_zmap_eq(const struct zmap *a, const struct zmap *b);
/* Visit the non-default entries in increasing key order; stop when f returns false. */
typedef bool (*zmap_visit)(hs_z k, hs_val v, void *ctx);
void hs_zmap_foreach(const struct zmap *m, zmap_visit f, void *ctx);
/* Visit the keys where a and b differ (value or presence), in key order. */
typedef void (*zmap_diff_visit)(hs_z k, hs_val a, hs_val b, void *ctx);
void hs_zmap_diff(const struct zmap *a, const struct zmap *b, zmap_diff_visit f, void *ctx);

/* Inline aliases of the functions above. */
static inline const struct zmap *zmap_init(const struct hs_type *vty, hs_val def) { return hs_zmap_init(vty, def); }
static inline hs_val zmap_get(const struct zmap *m, hs_z k) { return hs_zmap_get(m, k); }
static inline const struct zmap *zmap_set(const struct zmap *m, hs_z k, hs_val v) { return hs_zmap_set(m, k, v); }
static inline hs_val zmap_default(const struct zmap *m) { return hs_zmap_default(m); }
static inline const struct hs_type *zmap_type(const struct zmap *m) { return hs_zmap_type(m); }
static inline size_t zmap_count(const struct zmap *m) { return hs_zmap_count(m); }
static inline bool zmap_eq(const struct zmap *a, const struct zmap *b) { return hs_zmap_eq(a, b); }
static inline void zmap_foreach(const struct zmap *m, zmap_visit f, void *ctx) { hs_zmap_foreach(m, f, ctx); }
static inline void zmap_diff(const struct zmap *a, const struct zmap *b, zmap_diff_visit f, void *ctx) { hs_zmap_diff(a, b, f, ctx); }

/* Typed shorthands for the common maps of Z and of pointers. */
static inline hs_z zmap_get_z(const struct zmap *m, hs_z k) { return zmap_get(m, k).z; }
static inline const struct zmap *zmap_set_z(const struct zmap *m, hs_z k, hs_z v) { return zmap_set(m, k, hs_vz(v)); }
static inline const void *zmap_get_p(const struct zmap *m, hs_z k) { return zmap_get(m, k).p; }
static inline const struct zmap *zmap_set_p(const struct zmap *m, hs_z k, const void *p) { return zmap_set(m, k, hs_vp(p)); }

#endif
