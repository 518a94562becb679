/* The region allocator behind every model value. Values are immutable once
 * built, so a state is never freed piecemeal: a check marks the arena, builds
 * and runs, and releases back to the mark. */
#ifndef HYPSEC_ARENA_H
#define HYPSEC_ARENA_H

#include <stddef.h>

typedef struct hs_mark {
    size_t chunk;
    size_t used;
} hs_mark;

/* n bytes, 16-byte aligned, zeroed; aborts with a message when memory runs out. */
void *hs_alloc(size_t n);
/* A copy of n bytes of src in the arena. */
void *hs_dup(const void *src, size_t n);
/* The current top of the arena. */
hs_mark hs_arena_mark(void);
/* Drop everything allocated since m (the memory is kept for reuse). */
void hs_arena_release(hs_mark m);
/* Bytes in use now, for benchmarks and leak tests. */
size_t hs_arena_used(void);
/* Return every chunk to the system (host builds); the arena stays usable. */
void hs_arena_free_all(void);
/* Between begin and end, allocations are permanent: no release or free_all
 * drops them (for values that live as long as the program, e.g. empty_adt). */
void hs_arena_permanent_begin(void);
void hs_arena_permanent_end(void);

#endif
