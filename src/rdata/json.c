/* The strict JSON reader (RFC 8259, integers only) with a position on every
 * node, and the reader of values by their descriptors: the inverse of
 * hs_json_write_val. Columns count bytes from 1; lines count from line0. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "hypsec/json.h"
#include "hypsec/arena.h"
#include "hypsec/zmap.h"

/* Objects and arrays nest at most this deep: the reader recurses per level. */
#define HS_JSON_MAX_DEPTH 256

/* ---------------------------------------------------------------- errors */

void hs_err_print(FILE *out, const struct hs_err *e)
{
    fprintf(out, "%s:%d:%d: %s\n", e->file, e->line, e->col, e->msg);
}

static void err_vset(struct hs_err *e, int line, int col, const char *fmt, va_list ap)
{
    e->line = line;
    e->col = col;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

bool hs_err_at(struct hs_err *e, const struct hs_json *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, j ? j->line : 0, j ? j->col : 0, fmt, ap);
    va_end(ap);
    return false;
}

/* ---------------------------------------------------------------- growable arrays */

/* A temporary vector (malloc'ed) that collects the items of one array or object. */
struct vec {
    void **items;
    size_t n, cap;
};

static void vec_push(struct vec *v, void *x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        void **items = realloc(v->items, cap * sizeof *items);
        if (!items) {
            fprintf(stderr, "hypsec: out of memory reading JSON\n");
            abort();
        }
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
}

/* The items moved into the arena; the vector is freed. */
static void *vec_publish(struct vec *v)
{
    void *r = v->n ? hs_dup(v->items, v->n * sizeof *v->items) : NULL;
    free(v->items);
    v->items = NULL;
    return r;
}

/* ---------------------------------------------------------------- the parser */

struct parser {
    const char *s;
    size_t len, pos;
    int line, col;
    int depth;
    struct hs_err *e;
};

static bool at_end(const struct parser *p)
{
    return p->pos >= p->len;
}

static unsigned char peek(const struct parser *p)
{
    return at_end(p) ? 0 : (unsigned char)p->s[p->pos];
}

static void advance(struct parser *p)
{
    if (p->s[p->pos] == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    p->pos++;
}

static bool perr_at(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool perr_at(struct parser *p, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(p->e, line, col, fmt, ap);
    va_end(ap);
    return false;
}

/* The error for an unexpected byte (or the end) at the current position. */
static bool perr_here(struct parser *p, const char *expected)
{
    if (at_end(p))
        return perr_at(p, p->line, p->col, "unexpected end of input (%s)", expected);
    return perr_at(p, p->line, p->col, "%s", expected);
}

static void skip_ws(struct parser *p)
{
    while (!at_end(p)) {
        unsigned char c = peek(p);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        advance(p);
    }
}

static struct hs_json *new_node(enum hs_json_kind k, int line, int col)
{
    struct hs_json *j = hs_alloc(sizeof *j);
    j->kind = k;
    j->line = line;
    j->col = col;
    return j;
}

static bool parse_value(struct parser *p, const struct hs_json **out);

/* A byte buffer for a string being unescaped. */
struct sbuf {
    char *b;
    size_t n, cap;
};

static void sbuf_put(struct sbuf *s, char c)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 32;
        char *b = realloc(s->b, cap);
        if (!b) {
            fprintf(stderr, "hypsec: out of memory reading JSON\n");
            abort();
        }
        s->b = b;
        s->cap = cap;
    }
    s->b[s->n++] = c;
}

static void sbuf_put_utf8(struct sbuf *s, unsigned long cp)
{
    if (cp < 0x80) {
        sbuf_put(s, (char)cp);
    } else if (cp < 0x800) {
        sbuf_put(s, (char)(0xC0 | (cp >> 6)));
        sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sbuf_put(s, (char)(0xE0 | (cp >> 12)));
        sbuf_put(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
    } else {
        sbuf_put(s, (char)(0xF0 | (cp >> 18)));
        sbuf_put(s, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sbuf_put(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_put(s, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits after "\u" (the parser stands on the first). */
static bool parse_hex4(struct parser *p, int line, int col, unsigned long *cp)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(peek(p));
        if (at_end(p) || d < 0)
            return perr_at(p, line, col, "invalid \\u escape");
        v = v * 16 + (unsigned long)d;
        advance(p);
    }
    *cp = v;
    return true;
}

/* One escape sequence (the parser stands on the backslash). */
static bool parse_escape(struct parser *p, struct sbuf *s)
{
    int line = p->line, col = p->col;
    advance(p);
    if (at_end(p))
        return perr_at(p, line, col, "unterminated escape");
    unsigned char c = peek(p);
    advance(p);
    switch (c) {
    case '"': sbuf_put(s, '"'); return true;
    case '\\': sbuf_put(s, '\\'); return true;
    case '/': sbuf_put(s, '/'); return true;
    case 'b': sbuf_put(s, '\b'); return true;
    case 'f': sbuf_put(s, '\f'); return true;
    case 'n': sbuf_put(s, '\n'); return true;
    case 'r': sbuf_put(s, '\r'); return true;
    case 't': sbuf_put(s, '\t'); return true;
    case 'u': break;
    default:
        if (c >= 0x20 && c < 0x7F)
            return perr_at(p, line, col, "invalid escape '\\%c'", c);
        return perr_at(p, line, col, "invalid escape");
    }
    unsigned long cp;
    if (!parse_hex4(p, line, col, &cp))
        return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return perr_at(p, line, col, "invalid surrogate pair");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        /* A high surrogate must be followed by an escaped low one. */
        if (peek(p) != '\\' || p->pos + 1 >= p->len || p->s[p->pos + 1] != 'u')
            return perr_at(p, line, col, "invalid surrogate pair");
        advance(p);
        advance(p);
        unsigned long lo;
        if (!parse_hex4(p, line, col, &lo))
            return false;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return perr_at(p, line, col, "invalid surrogate pair");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return perr_at(p, line, col, "NUL character in string");
    sbuf_put_utf8(s, cp);
    return true;
}

/* The length of the UTF-8 sequence starting at the parser (0: invalid). */
static size_t utf8_len(const struct parser *p)
{
    const unsigned char *u = (const unsigned char *)p->s + p->pos;
    size_t left = p->len - p->pos;
    size_t n;
    unsigned long cp;
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        n = 2;
        cp = u[0] & 0x1F;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        n = 3;
        cp = u[0] & 0x0F;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        n = 4;
        cp = u[0] & 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    /* No overlong forms, no surrogates, nothing past U+10FFFF. */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* A string (the parser stands on the opening quote); *out is NUL-terminated. */
static bool parse_string(struct parser *p, const char **out)
{
    int line = p->line, col = p->col;
    struct sbuf s = { NULL, 0, 0 };
    advance(p);
    for (;;) {
        if (at_end(p)) {
            free(s.b);
            return perr_at(p, line, col, "unterminated string");
        }
        unsigned char c = peek(p);
        if (c == '"') {
            advance(p);
            break;
        }
        if (c == '\\') {
            if (!parse_escape(p, &s)) {
                free(s.b);
                return false;
            }
            continue;
        }
        if (c < 0x20) {
            free(s.b);
            return perr_at(p, p->line, p->col, "control character in string");
        }
        if (c < 0x80) {
            sbuf_put(&s, (char)c);
            advance(p);
            continue;
        }
        size_t n = utf8_len(p);
        if (n == 0) {
            free(s.b);
            return perr_at(p, p->line, p->col, "invalid UTF-8 in string");
        }
        for (size_t i = 0; i < n; i++) {
            sbuf_put(&s, p->s[p->pos]);
            advance(p);
        }
    }
    sbuf_put(&s, '\0');
    *out = hs_dup(s.b, s.n);
    free(s.b);
    return true;
}

/* An integer: -?(0|[1-9][0-9]*), exact in [-2^127, 2^127). */
static bool parse_number(struct parser *p, struct hs_json *j)
{
    int line = p->line, col = p->col;
    bool neg = false;
    if (peek(p) == '-') {
        neg = true;
        advance(p);
    }
    unsigned char c = peek(p);
    if (at_end(p) || c < '0' || c > '9')
        return perr_at(p, line, col, "expected digit in number");
    if (c == '0' && p->pos + 1 < p->len && p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9')
        return perr_at(p, line, col, "leading zero in number");
    /* The magnitude may reach 2^127 only for a negative number. */
    unsigned __int128 limit = (unsigned __int128)1 << 127;
    if (!neg)
        limit -= 1;
    unsigned __int128 mag = 0;
    bool overflow = false;
    while (!at_end(p) && peek(p) >= '0' && peek(p) <= '9') {
        unsigned d = peek(p) - '0';
        if (mag > (limit - d) / 10)
            overflow = true;
        else
            mag = mag * 10 + d;
        advance(p);
    }
    c = peek(p);
    if (!at_end(p) && (c == '.' || c == 'e' || c == 'E'))
        return perr_at(p, line, col, "non-integer number");
    if (overflow)
        return perr_at(p, line, col, "integer out of range");
    j->i = neg ? (hs_z)(0 - mag) : (hs_z)mag;
    return true;
}

static bool parse_literal(struct parser *p, struct hs_json *j)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int w = 0; w < 3; w++) {
        size_t n = strlen(words[w]);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[w], n) == 0) {
            for (size_t i = 0; i < n; i++)
                advance(p);
            j->kind = w == 2 ? HS_JNULL : HS_JBOOL;
            j->b = w == 0;
            return true;
        }
    }
    return perr_at(p, j->line, j->col, "invalid literal");
}

static bool enter(struct parser *p, int line, int col)
{
    if (++p->depth > HS_JSON_MAX_DEPTH)
        return perr_at(p, line, col, "nesting deeper than %d levels", HS_JSON_MAX_DEPTH);
    return true;
}

static bool parse_array(struct parser *p, struct hs_json *j)
{
    struct vec items = { NULL, 0, 0 };
    if (!enter(p, j->line, j->col))
        return false;
    advance(p);
    skip_ws(p);
    if (peek(p) == ']' && !at_end(p)) {
        advance(p);
        p->depth--;
        return true;
    }
    for (;;) {
        const struct hs_json *v;
        if (!parse_value(p, &v))
            goto fail;
        vec_push(&items, (void *)v);
        skip_ws(p);
        if (!at_end(p) && peek(p) == ',') {
            advance(p);
            skip_ws(p);
            continue;
        }
        if (!at_end(p) && peek(p) == ']') {
            advance(p);
            break;
        }
        perr_here(p, "expected ',' or ']'");
        goto fail;
    }
    j->n = items.n;
    j->items = vec_publish(&items);
    p->depth--;
    return true;
fail:
    free(items.items);
    return false;
}

static bool key_seen(const struct vec *keys, const char *k)
{
    for (size_t i = 0; i < keys->n; i++)
        if (strcmp(keys->items[i], k) == 0)
            return true;
    return false;
}

static bool parse_object(struct parser *p, struct hs_json *j)
{
    struct vec keys = { NULL, 0, 0 }, vals = { NULL, 0, 0 };
    if (!enter(p, j->line, j->col))
        return false;
    advance(p);
    skip_ws(p);
    if (peek(p) == '}' && !at_end(p)) {
        advance(p);
        p->depth--;
        return true;
    }
    for (;;) {
        if (at_end(p) || peek(p) != '"') {
            perr_here(p, keys.n ? "expected string key" : "expected string key or '}'");
            goto fail;
        }
        int kline = p->line, kcol = p->col;
        const char *k;
        if (!parse_string(p, &k))
            goto fail;
        if (key_seen(&keys, k)) {
            perr_at(p, kline, kcol, "duplicate key \"%s\"", k);
            goto fail;
        }
        skip_ws(p);
        if (at_end(p) || peek(p) != ':') {
            perr_here(p, "expected ':'");
            goto fail;
        }
        advance(p);
        skip_ws(p);
        const struct hs_json *v;
        if (!parse_value(p, &v))
            goto fail;
        vec_push(&keys, (void *)k);
        vec_push(&vals, (void *)v);
        skip_ws(p);
        if (!at_end(p) && peek(p) == ',') {
            advance(p);
            skip_ws(p);
            continue;
        }
        if (!at_end(p) && peek(p) == '}') {
            advance(p);
            break;
        }
        perr_here(p, "expected ',' or '}'");
        goto fail;
    }
    j->n = keys.n;
    j->keys = vec_publish(&keys);
    j->items = vec_publish(&vals);
    p->depth--;
    return true;
fail:
    free(keys.items);
    free(vals.items);
    return false;
}

static bool parse_value(struct parser *p, const struct hs_json **out)
{
    if (at_end(p))
        return perr_here(p, "expected a value");
    unsigned char c = peek(p);
    struct hs_json *j = new_node(HS_JNULL, p->line, p->col);
    bool ok;
    if (c == '{') {
        j->kind = HS_JOBJ;
        ok = parse_object(p, j);
    } else if (c == '[') {
        j->kind = HS_JARR;
        ok = parse_array(p, j);
    } else if (c == '"') {
        j->kind = HS_JSTR;
        ok = parse_string(p, &j->s);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        j->kind = HS_JINT;
        ok = parse_number(p, j);
    } else if (c == 't' || c == 'f' || c == 'n') {
        ok = parse_literal(p, j);
    } else if (c >= 0x20 && c < 0x7F) {
        ok = perr_at(p, p->line, p->col, "unexpected character '%c'", c);
    } else {
        ok = perr_at(p, p->line, p->col, "unexpected byte 0x%02x", c);
    }
    if (ok)
        *out = j;
    return ok;
}

const struct hs_json *hs_json_parse(const char *text, size_t len, int line0, struct hs_err *e)
{
    struct parser p = { text, len, 0, line0, 1, 0, e };
    const struct hs_json *j;
    skip_ws(&p);
    if (!parse_value(&p, &j))
        return NULL;
    skip_ws(&p);
    if (!at_end(&p)) {
        perr_at(&p, p.line, p.col, "trailing characters after value");
        return NULL;
    }
    return j;
}

const struct hs_json *hs_json_get(const struct hs_json *obj, const char *key)
{
    if (!obj || obj->kind != HS_JOBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

/* ---------------------------------------------------------------- reading values */

/* What the reader expects for a type, for messages. */
static const char *expected_kind(const struct hs_type *t)
{
    switch (t->kind) {
    case HS_Z:
    case HS_ORACLE:
        return "integer";
    case HS_BOOL:
        return "boolean";
    case HS_ENUM:
        return "string";
    case HS_RECORD:
    case HS_VARIANT:
        return "object";
    case HS_MAP:
        return "array or object";
    case HS_LIST:
        return "array";
    }
    return "value";
}

static bool wrong_kind(const struct hs_json *j, const struct hs_type *t, const char *what, struct hs_err *e)
{
    return hs_err_at(e, j, "expected %s for %s", expected_kind(t), what);
}

static bool read_val(const struct hs_json *j, const struct hs_type *t, hs_val ctx, hs_val *out,
                     struct hs_err *e, const char *what);

static const struct hs_field *find_field(const struct hs_field *fs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i].name, name) == 0)
            return &fs[i];
    return NULL;
}

/* The members of object j into the fields fs of rec. */
static bool read_fields(const struct hs_json *j, const struct hs_field *fs, size_t n, void *rec,
                        const char *owner, struct hs_err *e)
{
    char what[128];
    for (size_t i = 0; i < j->n; i++) {
        const struct hs_field *f = find_field(fs, n, j->keys[i]);
        if (!f)
            return hs_err_at(e, j->items[i], "unknown field \"%s\" in %s", j->keys[i], owner);
        snprintf(what, sizeof what, "field %s", f->name);
        hs_val v;
        if (!read_val(j->items[i], f->type, hs_field_get(rec, f), &v, e, what))
            return false;
        hs_field_set(rec, f, v);
    }
    return true;
}

static bool read_record(const struct hs_json *j, const struct hs_type *t, hs_val ctx, hs_val *out,
                        struct hs_err *e, const char *what)
{
    if (j->kind != HS_JOBJ)
        return wrong_kind(j, t, what, e);
    const void *base = ctx.p ? ctx.p : hs_type_empty(t).p;
    if (j->n == 0) {
        *out = hs_vp(base);
        return true;
    }
    void *rec = hs_record_copy(t, base);
    if (!read_fields(j, t->fields, t->nfields, rec, t->name, e))
        return false;
    *out = hs_vp(rec);
    return true;
}

/* A fresh variant of constructor tag with its fields at their empty values. */
static void *empty_variant(const struct hs_type *t, int tag)
{
    void *v = hs_alloc(t->size);
    *(int *)v = tag;
    const struct hs_ctor *c = &t->ctors[tag];
    for (size_t i = 0; i < c->nfields; i++)
        hs_field_set(v, &c->fields[i], hs_type_empty(c->fields[i].type));
    return v;
}

static bool read_variant(const struct hs_json *j, const struct hs_type *t, hs_val ctx, hs_val *out,
                         struct hs_err *e, const char *what)
{
    if (j->kind != HS_JOBJ)
        return wrong_kind(j, t, what, e);
    const struct hs_json *tag = hs_json_get(j, "tag");
    if (!tag)
        return hs_err_at(e, j, "missing \"tag\" for %s", what);
    if (tag->kind != HS_JSTR)
        return hs_err_at(e, tag, "expected string for tag of %s", t->name);
    size_t c = 0;
    while (c < t->nctors && strcmp(t->ctors[c].name, tag->s) != 0)
        c++;
    if (c == t->nctors)
        return hs_err_at(e, tag, "unknown constructor \"%s\" of %s", tag->s, t->name);
    const void *base = ctx.p ? ctx.p : hs_type_empty(t).p;
    void *v = *(const int *)base == (int)c ? hs_record_copy(t, base) : empty_variant(t, (int)c);
    /* Every member but "tag" is a field of the constructor. */
    for (size_t i = 0; i < j->n; i++) {
        if (strcmp(j->keys[i], "tag") == 0)
            continue;
        const struct hs_ctor *ct = &t->ctors[c];
        const struct hs_field *f = find_field(ct->fields, ct->nfields, j->keys[i]);
        if (!f)
            return hs_err_at(e, j->items[i], "unknown field \"%s\" in constructor %s", j->keys[i],
                             ct->name);
        char fw[128];
        snprintf(fw, sizeof fw, "field %s", f->name);
        hs_val x;
        if (!read_val(j->items[i], f->type, hs_field_get(v, f), &x, e, fw))
            return false;
        hs_field_set(v, f, x);
    }
    *out = hs_vp(v);
    return true;
}

/* A key and the index of its pair, to find duplicate keys by sorting. */
struct key_at {
    hs_z k;
    size_t i;
};

static int key_at_cmp(const void *a, const void *b)
{
    const struct key_at *x = a, *y = b;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* The [[key, value], ...] array j into a map of default def. */
static bool read_entries(const struct hs_json *j, const struct hs_type *t, hs_val def, hs_val *out,
                         struct hs_err *e, const char *what)
{
    if (j->kind != HS_JARR)
        return hs_err_at(e, j, "expected array of [key, value] pairs for %s", what);
    for (size_t i = 0; i < j->n; i++) {
        const struct hs_json *pr = j->items[i];
        if (pr->kind != HS_JARR || pr->n != 2)
            return hs_err_at(e, pr, "expected [key, value] pair in %s", what);
        if (pr->items[0]->kind != HS_JINT)
            return hs_err_at(e, pr->items[0], "expected integer key in %s", what);
    }
    if (j->n > 1) {
        struct key_at *ks = malloc(j->n * sizeof *ks);
        if (!ks) {
            fprintf(stderr, "hypsec: out of memory reading JSON\n");
            abort();
        }
        for (size_t i = 0; i < j->n; i++) {
            ks[i].k = j->items[i]->items[0]->i;
            ks[i].i = i;
        }
        qsort(ks, j->n, sizeof *ks, key_at_cmp);
        for (size_t i = 1; i < j->n; i++) {
            if (ks[i].k == ks[i - 1].k) {
                const struct hs_json *dup = j->items[ks[i].i]->items[0];
                free(ks);
                char buf[HS_Z_STRLEN];
                return hs_err_at(e, dup, "duplicate key %s in %s", hs_z_str(dup->i, buf), what);
            }
        }
        free(ks);
    }
    char vw[160];
    snprintf(vw, sizeof vw, "value in %s", what);
    const struct zmap *m = zmap_init(t->elem, def);
    for (size_t i = 0; i < j->n; i++) {
        hs_val v;
        if (!read_val(j->items[i]->items[1], t->elem, def, &v, e, vw))
            return false;
        m = zmap_set(m, j->items[i]->items[0]->i, v);
    }
    *out = hs_vp(m);
    return true;
}

static bool read_map(const struct hs_json *j, const struct hs_type *t, hs_val ctx, hs_val *out,
                     struct hs_err *e, const char *what)
{
    const struct zmap *cm = ctx.p ? ctx.p : hs_type_empty(t).p;
    hs_val cdef = zmap_default(cm);
    if (j->kind == HS_JARR)
        return read_entries(j, t, cdef, out, e, what);
    if (j->kind != HS_JOBJ)
        return wrong_kind(j, t, what, e);
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->keys[i], "default") != 0 && strcmp(j->keys[i], "entries") != 0)
            return hs_err_at(e, j->items[i], "unknown member \"%s\" of map %s", j->keys[i], what);
    hs_val def = cdef;
    const struct hs_json *jd = hs_json_get(j, "default");
    char dw[160];
    snprintf(dw, sizeof dw, "default of %s", what);
    if (jd && !read_val(jd, t->elem, cdef, &def, e, dw))
        return false;
    const struct hs_json *je = hs_json_get(j, "entries");
    if (!je) {
        *out = hs_vp(zmap_init(t->elem, def));
        return true;
    }
    return read_entries(je, t, def, out, e, what);
}

static bool read_list(const struct hs_json *j, const struct hs_type *t, hs_val *out,
                      struct hs_err *e, const char *what)
{
    if (j->kind != HS_JARR)
        return wrong_kind(j, t, what, e);
    char ew[160];
    snprintf(ew, sizeof ew, "element of %s", what);
    hs_val *vals = malloc((j->n ? j->n : 1) * sizeof *vals);
    if (!vals) {
        fprintf(stderr, "hypsec: out of memory reading JSON\n");
        abort();
    }
    for (size_t i = 0; i < j->n; i++) {
        if (!read_val(j->items[i], t->elem, hs_type_empty(t->elem), &vals[i], e, ew)) {
            free(vals);
            return false;
        }
    }
    /* Consed back to front, so the first element is the head. */
    const struct hs_list *l = NULL;
    for (size_t i = j->n; i > 0; i--)
        l = hs_cons(vals[i - 1], l);
    free(vals);
    *out = hs_vp(l);
    return true;
}

static bool read_enum(const struct hs_json *j, const struct hs_type *t, hs_val *out,
                      struct hs_err *e, const char *what)
{
    if (j->kind == HS_JINT) {
        /* The writer prints a value with no name as its number. */
        if (j->i < -2147483647 - 1 || j->i > 2147483647)
            return hs_err_at(e, j, "%s value out of range for %s", t->name, what);
        *out = hs_vz(j->i);
        return true;
    }
    if (j->kind != HS_JSTR)
        return wrong_kind(j, t, what, e);
    for (size_t i = 0; i < t->nenum; i++) {
        if (strcmp(t->enum_names[i], j->s) == 0) {
            *out = hs_vz((hs_z)i);
            return true;
        }
    }
    return hs_err_at(e, j, "unknown %s \"%s\" for %s", t->name, j->s, what);
}

static bool read_val(const struct hs_json *j, const struct hs_type *t, hs_val ctx, hs_val *out,
                     struct hs_err *e, const char *what)
{
    switch (t->kind) {
    case HS_Z:
    case HS_ORACLE:
        if (j->kind != HS_JINT)
            return wrong_kind(j, t, what, e);
        *out = hs_vz(j->i);
        return true;
    case HS_BOOL:
        if (j->kind != HS_JBOOL)
            return wrong_kind(j, t, what, e);
        *out = hs_vz(j->b ? 1 : 0);
        return true;
    case HS_ENUM:
        return read_enum(j, t, out, e, what);
    case HS_RECORD:
        return read_record(j, t, ctx, out, e, what);
    case HS_VARIANT:
        return read_variant(j, t, ctx, out, e, what);
    case HS_MAP:
        return read_map(j, t, ctx, out, e, what);
    case HS_LIST:
        return read_list(j, t, out, e, what);
    }
    return hs_err_at(e, j, "unknown type kind for %s", what);
}

bool hs_json_read_val(const struct hs_json *j, const struct hs_type *t, const hs_val *ctx,
                      hs_val *out, struct hs_err *e)
{
    return read_val(j, t, ctx ? *ctx : hs_type_empty(t), out, e, t->name);
}

bool hs_rdata_read_json(const struct hs_json *j, const struct RData **out, struct hs_err *e)
{
    hs_val v;
    if (!hs_json_read_val(j, &hs_type_RData, NULL, &v, e))
        return false;
    *out = v.p;
    return true;
}
