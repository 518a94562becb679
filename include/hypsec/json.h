/* A small JSON reader for vectors and states: every node keeps its line and
 * column, so a malformed input is reported as file:line:column: reason. */
#ifndef HYPSEC_JSON_H
#define HYPSEC_JSON_H

#include "hypsec/value.h"
#include "hypsec/rdata.h"

enum hs_json_kind { HS_JNULL, HS_JBOOL, HS_JINT, HS_JSTR, HS_JARR, HS_JOBJ };

struct hs_json {
    enum hs_json_kind kind;
    int line, col;
    bool b;                      /* HS_JBOOL */
    hs_z i;                      /* HS_JINT: integers only; exact in the Z range */
    const char *s;               /* HS_JSTR (NUL-terminated, unescaped) */
    size_t n;                    /* HS_JARR, HS_JOBJ: number of items */
    const struct hs_json **items;/* HS_JARR values, HS_JOBJ values */
    const char **keys;           /* HS_JOBJ keys */
};

/* Where and why input was rejected. */
struct hs_err {
    char file[256];
    int line, col;
    char msg[256];
};
/* "file:line:col: msg" */
void hs_err_print(FILE *out, const struct hs_err *e);
/* Fill e (printf-style) at the position of node j (j may be NULL: line 0). */
bool hs_err_at(struct hs_err *e, const struct hs_json *j, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse one JSON text of len bytes (in the arena); line numbers start at line0.
 * NULL and e filled on bad input. Trailing non-space text is an error. */
const struct hs_json *hs_json_parse(const char *text, size_t len, int line0, struct hs_err *e);
/* Object member by key, or NULL. */
const struct hs_json *hs_json_get(const struct hs_json *obj, const char *key);

/* Read a value of type t from JSON (the inverse of hs_json_write_val); a record
 * object may omit fields (they take the empty record's values); unknown fields,
 * wrong kinds and out-of-range numbers are errors. */
bool hs_json_read_val(const struct hs_json *j, const struct hs_type *t, const hs_val *ctx,
                      hs_val *out, struct hs_err *e);
/* The state from its sparse-delta JSON object. */
bool hs_rdata_read_json(const struct hs_json *j, const struct RData **out, struct hs_err *e);
static inline bool RData_read_json(const struct hs_json *j, const struct RData **out, struct hs_err *e) { return hs_rdata_read_json(j, out, e); }

#endif
