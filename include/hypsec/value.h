/* Generic values and the type descriptors that make clone, equality, diff,
 * JSON and shrinking one piece of code for every record of RData. */
#ifndef HYPSEC_VALUE_H
#define HYPSEC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "hypsec/z.h"

/* A map value or list element: scalars in .z, everything else behind .p. */
typedef union hs_val {
    hs_z z;
    const void *p;
} hs_val;

/* A scalar as an hs_val. */
static inline hs_val hs_vz(hs_z z) { hs_val v; v.z = z; return v; }
/* A pointer as an hs_val. */
static inline hs_val hs_vp(const void *p) { hs_val v; v.z = 0; v.p = p; return v; }

/*
 * How each kind is stored
 *   as a record field        as an hs_val
 * HS_Z       hs_z                     .z
 * HS_BOOL    bool                     .z (0 or 1)
 * HS_ENUM    int                      .z
 * HS_ORACLE  hs_z (the seed)          .z
 * HS_RECORD  const struct X *         .p
 * HS_VARIANT const struct X * (int tag first)  .p
 * HS_MAP     const struct zmap *      .p
 * HS_LIST    const struct hs_list *   .p (NULL is nil)
 */
enum hs_kind { HS_Z, HS_BOOL, HS_ENUM, HS_ORACLE, HS_RECORD, HS_VARIANT, HS_MAP, HS_LIST };

struct hs_type;

struct hs_field {
    const char *name;
    size_t offset;
    const struct hs_type *type;
};

/* A constructor of a variant: its fields live in the variant's struct. */
struct hs_ctor {
    const char *name;
    const struct hs_field *fields;
    size_t nfields;
};

struct hs_type {
    const char *name;
    enum hs_kind kind;
    size_t size;                     /* sizeof the struct (RECORD, VARIANT) */
    const struct hs_field *fields;   /* RECORD */
    size_t nfields;
    const struct hs_ctor *ctors;     /* VARIANT, indexed by tag */
    size_t nctors;
    const char *const *enum_names;   /* ENUM, indexed by value */
    size_t nenum;
    const struct hs_type *elem;      /* MAP value type, LIST element type */
    const void *empty;               /* RECORD: the record of empty_adt (all defaults) */
                                     /* VARIANT: the empty variant (tag 0, empty fields) */
                                     /* MAP: an hs_val holding the empty map of the type */
};

/* The empty value of t (the value it has in empty_adt): 0, false, the first
 * enum name, seed 0, the empty record or variant, the empty map, nil. */
hs_val hs_type_empty(const struct hs_type *t);

extern const struct hs_type hs_type_z, hs_type_bool, hs_type_oracle;

/* Persistent cons list; NULL is nil. */
struct hs_list {
    hs_val head;
    const struct hs_list *tail;
    size_t len;
};

/* head :: tail, in the arena. */
const struct hs_list *hs_cons(hs_val head, const struct hs_list *tail);
/* The number of elements of l (0 for nil). */
size_t hs_list_len(const struct hs_list *l);
/* a ++ b (copies a). */
const struct hs_list *hs_list_append(const struct hs_list *a, const struct hs_list *b);

/* Read / write a field of a record as an hs_val (by its kind). */
hs_val hs_field_get(const void *rec, const struct hs_field *f);
void hs_field_set(void *rec, const struct hs_field *f, hs_val v);

/* Extensional equality of two values of type t (pointer-equal short cut). */
bool hs_val_eq(const struct hs_type *t, hs_val a, hs_val b);

/* A shallow copy of a record or variant, in the arena, ready for field updates. */
void *hs_record_copy(const struct hs_type *t, const void *rec);

/* Structured difference: one line per differing leaf, "path: a != b". */
struct hs_diff {
    FILE *out;          /* where lines go; NULL only counts */
    size_t count;       /* differing leaves found */
    size_t limit;       /* stop printing after this many (0: 64) */
    const char *left;   /* names of the two sides, e.g. "high", "low" */
    const char *right;
    char first_path[256]; /* the first differing path, for tests and reports */
};
void hs_diff_init(struct hs_diff *d, FILE *out, const char *left, const char *right);
/* Compare a and b of type t under path; returns true when equal. */
bool hs_diff_val(struct hs_diff *d, const char *path, const struct hs_type *t, hs_val a, hs_val b);
/* Record one difference found by a custom relation. */
void hs_diff_note(struct hs_diff *d, const char *path, const char *a, const char *b);
/* Call once after the last comparison: prints "  ... N more" when more than
 * limit differences were found. */
void hs_diff_finish(struct hs_diff *d);

/* Print a value as JSON, sparse against ctx (the value it would have in
 * empty_adt at that place; NULL: the type's empty value). A record lists only
 * fields that differ from ctx; a map whose default equals ctx's default is an
 * array of [key, value] pairs, else {"default": d, "entries": [...]}. */
void hs_json_write_val(FILE *out, const struct hs_type *t, hs_val v, const hs_val *ctx);

#endif
