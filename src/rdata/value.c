/* Generic values over type descriptors: persistent lists, field access,
 * extensional equality, record copies, the structured diff and the sparse
 * JSON writer. Written once for every record, variant, map and list of RData. */
#include <stdlib.h>
#include <string.h>
#include "hypsec/value.h"
#include "hypsec/arena.h"
#include "hypsec/zmap.h"
#include "hypsec/rdata.h"

const struct hs_type hs_type_z = { .name = "Z", .kind = HS_Z };
const struct hs_type hs_type_bool = { .name = "bool", .kind = HS_BOOL };
const struct hs_type hs_type_oracle = { .name = "oracle", .kind = HS_ORACLE };

/* ---------------------------------------------------------------- lists */

const struct hs_list *hs_cons(hs_val head, const struct hs_list *tail)
{
    struct hs_list *c = hs_alloc(sizeof *c);
    c->head = head;
    c->tail = tail;
    c->len = hs_list_len(tail) + 1;
    return c;
}

size_t hs_list_len(const struct hs_list *l)
{
    return l ? l->len : 0;
}

const struct hs_list *hs_list_append(const struct hs_list *a, const struct hs_list *b)
{
    size_t n = hs_list_len(a);
    if (n == 0)
        return b;
    /* The cells of a are rebuilt back to front, so remember them in order first. */
    hs_val *heads = malloc(n * sizeof *heads);
    if (!heads) {
        fprintf(stderr, "hypsec: out of memory in hs_list_append\n");
        abort();
    }
    size_t i = 0;
    for (const struct hs_list *c = a; c; c = c->tail)
        heads[i++] = c->head;
    const struct hs_list *r = b;
    while (i > 0)
        r = hs_cons(heads[--i], r);
    free(heads);
    return r;
}

/* ---------------------------------------------------------------- empties */

/* A zeroed record for a foreign descriptor that has no empty record. */
static const void *zero_record(const struct hs_type *t)
{
    return hs_alloc(t->size ? t->size : 1);
}

hs_val hs_type_empty(const struct hs_type *t)
{
    switch (t->kind) {
    case HS_RECORD:
    case HS_VARIANT:
        if (!t->empty)
            return hs_vp(zero_record(t));
        (void)empty_adt(); /* the empty records are filled when empty_adt is built */
        return hs_vp(t->empty);
    case HS_MAP:
        if (t->empty) {
            (void)empty_adt();
            const hs_val *slot = t->empty;
            if (slot->p)
                return *slot;
        }
        return hs_vp(zmap_init(t->elem, hs_type_empty(t->elem)));
    case HS_LIST:
        return hs_vp(NULL);
    default:
        return hs_vz(0);
    }
}

/* A record or variant pointer, NULL read as the empty one. */
static const void *rec_of(const struct hs_type *t, const void *p)
{
    return p ? p : hs_type_empty(t).p;
}

/* A map pointer, NULL read as the empty map of its type. */
static const struct zmap *map_of(const struct hs_type *t, const void *p)
{
    return p ? p : hs_type_empty(t).p;
}

/* The constructor of a variant's tag, or NULL for a tag out of range. */
static const struct hs_ctor *ctor_of(const struct hs_type *t, const void *v)
{
    int tag = *(const int *)v;
    if (tag < 0 || (size_t)tag >= t->nctors)
        return NULL;
    return &t->ctors[tag];
}

/* ---------------------------------------------------------------- fields */

hs_val hs_field_get(const void *rec, const struct hs_field *f)
{
    const char *at = (const char *)rec + f->offset;
    switch (f->type->kind) {
    case HS_Z:
    case HS_ORACLE: {
        hs_z z;
        memcpy(&z, at, sizeof z);
        return hs_vz(z);
    }
    case HS_BOOL:
        return hs_vz(*(const bool *)at ? 1 : 0);
    case HS_ENUM:
        return hs_vz(*(const int *)at);
    default:
        return hs_vp(*(const void *const *)at);
    }
}

void hs_field_set(void *rec, const struct hs_field *f, hs_val v)
{
    char *at = (char *)rec + f->offset;
    switch (f->type->kind) {
    case HS_Z:
    case HS_ORACLE:
        memcpy(at, &v.z, sizeof v.z);
        return;
    case HS_BOOL:
        *(bool *)at = v.z != 0;
        return;
    case HS_ENUM:
        *(int *)at = (int)v.z;
        return;
    default:
        *(const void **)at = v.p;
        return;
    }
}

void *hs_record_copy(const struct hs_type *t, const void *rec)
{
    return hs_dup(rec_of(t, rec), t->size);
}

/* ---------------------------------------------------------------- equality */

static bool fields_eq(const struct hs_field *fs, size_t n, const void *a, const void *b)
{
    for (size_t i = 0; i < n; i++)
        if (!hs_val_eq(fs[i].type, hs_field_get(a, &fs[i]), hs_field_get(b, &fs[i])))
            return false;
    return true;
}

static bool list_eq(const struct hs_type *t, const struct hs_list *a, const struct hs_list *b)
{
    if (hs_list_len(a) != hs_list_len(b))
        return false;
    /* Equal lengths: a shared tail ends the walk early. */
    for (; a != b; a = a->tail, b = b->tail)
        if (!hs_val_eq(t->elem, a->head, b->head))
            return false;
    return true;
}

bool hs_val_eq(const struct hs_type *t, hs_val a, hs_val b)
{
    switch (t->kind) {
    case HS_Z:
    case HS_BOOL:
    case HS_ENUM:
    case HS_ORACLE:
        return a.z == b.z;
    case HS_RECORD:
        if (a.p == b.p)
            return true;
        return fields_eq(t->fields, t->nfields, rec_of(t, a.p), rec_of(t, b.p));
    case HS_VARIANT: {
        if (a.p == b.p)
            return true;
        const void *x = rec_of(t, a.p), *y = rec_of(t, b.p);
        if (*(const int *)x != *(const int *)y)
            return false;
        const struct hs_ctor *c = ctor_of(t, x);
        return !c || fields_eq(c->fields, c->nfields, x, y);
    }
    case HS_MAP:
        if (a.p == b.p)
            return true;
        return zmap_eq(map_of(t, a.p), map_of(t, b.p));
    case HS_LIST:
        return list_eq(t, a.p, b.p);
    }
    return false;
}

/* ---------------------------------------------------------------- diff */

/* The path being compared, grown and shrunk as the walk descends. */
struct diff_walk {
    struct hs_diff *d;
    char path[1024];
    size_t len;
};

static size_t diff_limit(const struct hs_diff *d)
{
    return d->limit ? d->limit : 64;
}

void hs_diff_init(struct hs_diff *d, FILE *out, const char *left, const char *right)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->left = left;
    d->right = right;
}

/* Whether the next difference noted in d is printed: only then do its path
 * and values need formatting (the first path is kept in any case). */
static bool diff_prints_next(const struct hs_diff *d)
{
    return d->out && d->count < diff_limit(d);
}

void hs_diff_note(struct hs_diff *d, const char *path, const char *a, const char *b)
{
    if (d->count == 0) {
        strncpy(d->first_path, path, sizeof d->first_path - 1);
        d->first_path[sizeof d->first_path - 1] = '\0';
    }
    d->count++;
    if (d->out && d->count <= diff_limit(d))
        fprintf(d->out, "  %s: %s != %s\n", path, a, b);
}

void hs_diff_finish(struct hs_diff *d)
{
    size_t lim = diff_limit(d);
    if (d->out && d->count > lim)
        fprintf(d->out, "  ... %zu more\n", d->count - lim);
}

/* Whether the walk still needs the path: for the first difference, or for
 * one that is printed. */
static bool path_needed(const struct diff_walk *w)
{
    return w->d->count == 0 || diff_prints_next(w->d);
}

/* Append printf-style text to the path (truncated when the buffer is full). */
static void path_push(struct diff_walk *w, const char *fmt, const char *s)
{
    if (!path_needed(w))
        return;
    size_t room = sizeof w->path - w->len;
    int n = snprintf(w->path + w->len, room, fmt, s);
    if (n < 0)
        return;
    w->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void path_field(struct diff_walk *w, const char *name)
{
    path_push(w, w->len ? ".%s" : "%s", name);
}

static void path_index(struct diff_walk *w, hs_z k)
{
    char buf[HS_Z_STRLEN];
    if (path_needed(w))
        path_push(w, "[%s]", hs_z_str(k, buf));
}

static void path_pop(struct diff_walk *w, size_t len)
{
    w->len = len;
    w->path[len] = '\0';
}

/* The text of a scalar: decimal, true/false, or the enum's name. */
static const char *scalar_str(const struct hs_type *t, hs_val v, char *buf)
{
    switch (t->kind) {
    case HS_BOOL:
        return v.z ? "true" : "false";
    case HS_ENUM:
        if (v.z >= 0 && (size_t)v.z < t->nenum)
            return t->enum_names[(size_t)v.z];
        return hs_z_str(v.z, buf);
    default:
        return hs_z_str(v.z, buf);
    }
}

static const char *tag_str(const struct hs_type *t, const void *v, char *buf)
{
    const struct hs_ctor *c = ctor_of(t, v);
    return c ? c->name : hs_z_str(*(const int *)v, buf);
}

static void diff_walk_val(struct diff_walk *w, const struct hs_type *t, hs_val a, hs_val b);

static void diff_fields(struct diff_walk *w, const struct hs_field *fs, size_t n,
                        const void *a, const void *b)
{
    size_t len = w->len;
    for (size_t i = 0; i < n; i++) {
        hs_val x = hs_field_get(a, &fs[i]), y = hs_field_get(b, &fs[i]);
        if (hs_val_eq(fs[i].type, x, y))
            continue;
        path_field(w, fs[i].name);
        diff_walk_val(w, fs[i].type, x, y);
        path_pop(w, len);
    }
}

static void diff_variant(struct diff_walk *w, const struct hs_type *t, const void *a, const void *b)
{
    if (*(const int *)a != *(const int *)b) {
        char ba[HS_Z_STRLEN], bb[HS_Z_STRLEN];
        size_t len = w->len;
        path_field(w, "tag");
        if (!diff_prints_next(w->d))
            hs_diff_note(w->d, w->path, "", ""); /* counted, not printed */
        else
            hs_diff_note(w->d, w->path, tag_str(t, a, ba), tag_str(t, b, bb));
        path_pop(w, len);
        return;
    }
    const struct hs_ctor *c = ctor_of(t, a);
    if (c)
        diff_fields(w, c->fields, c->nfields, a, b);
}

struct map_diff_ctx {
    struct diff_walk *w;
    const struct hs_type *elem;
};

static void diff_map_entry(hs_z k, hs_val a, hs_val b, void *ctx)
{
    struct map_diff_ctx *m = ctx;
    size_t len = m->w->len;
    path_index(m->w, k);
    diff_walk_val(m->w, m->elem, a, b);
    path_pop(m->w, len);
}

static void diff_map(struct diff_walk *w, const struct hs_type *t, const struct zmap *a,
                     const struct zmap *b)
{
    hs_val da = zmap_default(a), db = zmap_default(b);
    if (!hs_val_eq(t->elem, da, db)) {
        size_t len = w->len;
        path_field(w, "default");
        diff_walk_val(w, t->elem, da, db);
        path_pop(w, len);
    }
    struct map_diff_ctx m = { w, t->elem };
    zmap_diff(a, b, diff_map_entry, &m);
}

static void diff_list(struct diff_walk *w, const struct hs_type *t, const struct hs_list *a,
                      const struct hs_list *b)
{
    size_t na = hs_list_len(a), nb = hs_list_len(b), len = w->len;
    if (na != nb) {
        char ba[HS_Z_STRLEN], bb[HS_Z_STRLEN];
        path_field(w, "length");
        if (!diff_prints_next(w->d))
            hs_diff_note(w->d, w->path, "", ""); /* counted, not printed */
        else
            hs_diff_note(w->d, w->path, hs_z_str((hs_z)na, ba), hs_z_str((hs_z)nb, bb));
        path_pop(w, len);
    }
    /* Element by element over the common prefix, from the head. */
    for (size_t i = 0; a && b && a != b; i++, a = a->tail, b = b->tail) {
        if (hs_val_eq(t->elem, a->head, b->head))
            continue;
        path_index(w, (hs_z)i);
        diff_walk_val(w, t->elem, a->head, b->head);
        path_pop(w, len);
    }
}

static void diff_walk_val(struct diff_walk *w, const struct hs_type *t, hs_val a, hs_val b)
{
    char ba[HS_Z_STRLEN], bb[HS_Z_STRLEN];
    switch (t->kind) {
    case HS_Z:
    case HS_BOOL:
    case HS_ENUM:
    case HS_ORACLE:
        if (a.z == b.z)
            return;
        if (!diff_prints_next(w->d))
            hs_diff_note(w->d, w->path, "", ""); /* counted, not printed */
        else
            hs_diff_note(w->d, w->path, scalar_str(t, a, ba), scalar_str(t, b, bb));
        return;
    case HS_RECORD:
        if (a.p != b.p)
            diff_fields(w, t->fields, t->nfields, rec_of(t, a.p), rec_of(t, b.p));
        return;
    case HS_VARIANT:
        if (a.p != b.p)
            diff_variant(w, t, rec_of(t, a.p), rec_of(t, b.p));
        return;
    case HS_MAP:
        if (a.p != b.p)
            diff_map(w, t, map_of(t, a.p), map_of(t, b.p));
        return;
    case HS_LIST:
        diff_list(w, t, a.p, b.p);
        return;
    }
}

bool hs_diff_val(struct hs_diff *d, const char *path, const struct hs_type *t, hs_val a, hs_val b)
{
    struct diff_walk w;
    w.d = d;
    w.len = 0;
    w.path[0] = '\0';
    if (path)
        path_push(&w, "%s", path);
    size_t before = d->count;
    diff_walk_val(&w, t, a, b);
    return d->count == before;
}

/* ---------------------------------------------------------------- JSON output */

static void write_val(FILE *out, const struct hs_type *t, hs_val v, hs_val ctx);

static void write_z(FILE *out, hs_z z)
{
    char buf[HS_Z_STRLEN];
    fputs(hs_z_str(z, buf), out);
}

/* The fields that differ from ctx, as "name":value members after `first`. */
static void write_fields(FILE *out, const struct hs_field *fs, size_t n, const void *v,
                         const void *ctx, bool first)
{
    for (size_t i = 0; i < n; i++) {
        hs_val x = hs_field_get(v, &fs[i]);
        hs_val c = ctx ? hs_field_get(ctx, &fs[i]) : hs_type_empty(fs[i].type);
        if (hs_val_eq(fs[i].type, x, c))
            continue;
        if (!first)
            fputc(',', out);
        first = false;
        fprintf(out, "\"%s\":", fs[i].name);
        write_val(out, fs[i].type, x, c);
    }
}

static void write_variant(FILE *out, const struct hs_type *t, const void *v, const void *ctx)
{
    const struct hs_ctor *c = ctor_of(t, v);
    fputs("{\"tag\":", out);
    if (c)
        fprintf(out, "\"%s\"", c->name);
    else
        write_z(out, *(const int *)v);
    /* Sparse against ctx when it has the same constructor, else the fields' empties. */
    if (c)
        write_fields(out, c->fields, c->nfields, v, *(const int *)ctx == *(const int *)v ? ctx : NULL,
                     false);
    fputc('}', out);
}

struct map_write_ctx {
    FILE *out;
    const struct hs_type *elem;
    hs_val def;
    bool first;
};

static bool write_map_entry(hs_z k, hs_val v, void *ctx)
{
    struct map_write_ctx *m = ctx;
    if (!m->first)
        fputc(',', m->out);
    m->first = false;
    fputc('[', m->out);
    write_z(m->out, k);
    fputc(',', m->out);
    write_val(m->out, m->elem, v, m->def);
    fputc(']', m->out);
    return true;
}

static void write_map(FILE *out, const struct hs_type *t, const struct zmap *m, const struct zmap *ctx)
{
    hs_val def = zmap_default(m), cdef = zmap_default(ctx);
    bool same_default = hs_val_eq(t->elem, def, cdef);
    struct map_write_ctx w = { out, t->elem, def, true };
    if (!same_default) {
        fputs("{\"default\":", out);
        write_val(out, t->elem, def, cdef);
        fputs(",\"entries\":", out);
    }
    fputc('[', out);
    zmap_foreach(m, write_map_entry, &w);
    fputc(']', out);
    if (!same_default)
        fputc('}', out);
}

static void write_list(FILE *out, const struct hs_type *t, const struct hs_list *l)
{
    fputc('[', out);
    for (const struct hs_list *c = l; c; c = c->tail) {
        if (c != l)
            fputc(',', out);
        write_val(out, t->elem, c->head, hs_type_empty(t->elem));
    }
    fputc(']', out);
}

static void write_val(FILE *out, const struct hs_type *t, hs_val v, hs_val ctx)
{
    switch (t->kind) {
    case HS_Z:
    case HS_ORACLE:
        write_z(out, v.z);
        return;
    case HS_BOOL:
        fputs(v.z ? "true" : "false", out);
        return;
    case HS_ENUM:
        if (v.z >= 0 && (size_t)v.z < t->nenum)
            fprintf(out, "\"%s\"", t->enum_names[(size_t)v.z]);
        else
            write_z(out, v.z);
        return;
    case HS_RECORD:
        fputc('{', out);
        write_fields(out, t->fields, t->nfields, rec_of(t, v.p), rec_of(t, ctx.p), true);
        fputc('}', out);
        return;
    case HS_VARIANT:
        write_variant(out, t, rec_of(t, v.p), rec_of(t, ctx.p));
        return;
    case HS_MAP:
        write_map(out, t, map_of(t, v.p), map_of(t, ctx.p));
        return;
    case HS_LIST:
        write_list(out, t, v.p);
        return;
    }
}

void hs_json_write_val(FILE *out, const struct hs_type *t, hs_val v, const hs_val *ctx)
{
    write_val(out, t, v, ctx ? *ctx : hs_type_empty(t));
}
