/* ZMap.t A: a default value plus a persistent sparse map from Z.
 * A big-endian Patricia tree: its shape depends only on the key set, and a key
 * set to the default is removed, so equal maps have equal shapes and equality,
 * diff and clone touch only what differs (clone is O(1): share the pointer). */
#ifndef HYPSEC_ZMAP_H
#define HYPSEC_ZMAP_H

#include "hypsec/value.h"

struct zmap;

/* ZMap.init def, with values of type vty. */
const struct zmap *zmap_init(const struct hs_type *vty, hs_val def);
/* ZMap.get k m */
hs_val zmap_get(const struct zmap *m, hs_z k);
/* ZMap.set k v m (persistent: m is unchanged). */
const struct zmap *zmap_set(const struct zmap *m, hs_z k, hs_val v);
hs_val zmap_default(const struct zmap *m);
const struct hs_type *zmap_type(const struct zmap *m);
/* Number of keys whose value differs from the default. */
size_t zmap_count(const struct zmap *m);
/* Extensional equality. */
bool zmap_eq(const struct zmap *a, const struct zmap *b);
/* Visit the non-default entries in increasing key order; stop when f returns false. */
typedef bool (*zmap_visit)(hs_z k, hs_val v, void *ctx);
void zmap_foreach(const struct zmap *m, zmap_visit f, void *ctx);
/* Visit the keys where a and b differ (value or presence), in key order. */
typedef void (*zmap_diff_visit)(hs_z k, hs_val a, hs_val b, void *ctx);
void zmap_diff(const struct zmap *a, const struct zmap *b, zmap_diff_visit f, void *ctx);

/* Typed shorthands for the common maps of Z and of pointers. */
static inline hs_z zmap_get_z(const struct zmap *m, hs_z k) { return zmap_get(m, k).z; }
static inline const struct zmap *zmap_set_z(const struct zmap *m, hs_z k, hs_z v) { return zmap_set(m, k, hs_vz(v)); }
static inline const void *zmap_get_p(const struct zmap *m, hs_z k) { return zmap_get(m, k).p; }
static inline const struct zmap *zmap_set_p(const struct zmap *m, hs_z k, const void *p) { return zmap_set(m, k, hs_vp(p)); }

#endif
