/* The region allocator (see hypsec/arena.h): a list of malloc'ed chunks that
 * grow geometrically from 1 MiB. Allocation bumps a pointer in the current
 * chunk; a release moves the top back to a mark and keeps every chunk, so
 * the next check reuses the same memory. */
#include "hypsec/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_FIRST_CHUNK ((size_t)1 << 20)
/* Doubling stops here so that one huge chunk does not double the footprint. */
#define ARENA_MAX_STEP ((size_t)1 << 30)

struct chunk {
    void *raw;      /* what malloc returned */
    char *base;     /* raw rounded up to ARENA_ALIGN */
    size_t size;    /* usable bytes from base */
    size_t before;  /* bytes in use in the chunks below, when this one became current */
};

static struct chunk *chunks;
static size_t nchunks, capchunks;
static size_t cur;        /* index of the current chunk (meaningful when nchunks > 0) */
/* Before the first chunk, top and end point at this empty place: no room. */
static char arena_none[1];
static char *top = arena_none, *end = arena_none; /* the free part of the current chunk */

static _Noreturn void arena_oom(size_t n)
{
    fprintf(stderr, "hypsec: arena out of memory allocating %zu bytes\n", n);
    abort();
}

/* n rounded up to the alignment; aborts when that wraps. */
static size_t arena_round(size_t n)
{
    if (n > SIZE_MAX - (ARENA_ALIGN - 1))
        arena_oom(n);
    /* A zero-byte request still gets a distinct, valid address. */
    if (n == 0)
        return ARENA_ALIGN;
    return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/* A fresh chunk with at least need usable bytes. */
static struct chunk chunk_new(size_t need)
{
    size_t size = ARENA_FIRST_CHUNK;
    if (nchunks > 0) {
        size_t last = chunks[nchunks - 1].size;
        size = last < ARENA_MAX_STEP ? last * 2 : last;
    }
    if (size < need)
        size = need;
    if (size > SIZE_MAX - ARENA_ALIGN)
        arena_oom(need);
    struct chunk c;
    c.raw = malloc(size + ARENA_ALIGN);
    if (c.raw == NULL)
        arena_oom(need);
    c.base = (char *)(((uintptr_t)c.raw + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1));
    c.size = size;
    c.before = 0;
    return c;
}

/* Room for one more chunk descriptor. */
static void chunks_reserve(void)
{
    if (nchunks < capchunks)
        return;
    size_t cap = capchunks ? capchunks * 2 : 16;
    struct chunk *p = realloc(chunks, cap * sizeof *p);
    if (p == NULL)
        arena_oom(cap * sizeof *p);
    chunks = p;
    capchunks = cap;
}

/* Make chunk i current, with nothing used in it. */
static void chunk_enter(size_t i, size_t before)
{
    cur = i;
    chunks[i].before = before;
    top = chunks[i].base;
    end = chunks[i].base + chunks[i].size;
}

/* The slow path: the current chunk cannot hold n bytes; move to the next one. */
static void arena_grow(size_t n)
{
    size_t before = 0;
    if (nchunks > 0)
        before = chunks[cur].before + (size_t)(top - chunks[cur].base);
    size_t next = nchunks > 0 ? cur + 1 : 0;
    if (next < nchunks && chunks[next].size < n) {
        /* A kept chunk too small for this request is replaced by a big enough one. */
        free(chunks[next].raw);
        size_t size = chunks[next].size;
        struct chunk c = chunk_new(n > size * 2 ? n : size * 2);
        chunks[next] = c;
    }
    if (next == nchunks) {
        chunks_reserve();
        chunks[nchunks] = chunk_new(n);
        nchunks++;
    }
    chunk_enter(next, before);
}

/* n aligned bytes, not yet initialised. */
static inline void *arena_take(size_t n)
{
    size_t r = arena_round(n);
    if ((size_t)(end - top) < r)
        arena_grow(r);
    void *p = top;
    top += r;
    return p;
}

/* Depth of hs_arena_permanent_begin: allocations then outlive every release. */
static int permanent_depth;

/* n aligned bytes of storage that is never released. */
static void *permanent_take(size_t n)
{
    void *p = aligned_alloc(16, arena_round(n));
    if (!p)
        arena_oom(n);
    return p;
}

static inline void *take(size_t n)
{
    return permanent_depth ? permanent_take(n) : arena_take(n);
}

void hs_arena_permanent_begin(void)
{
    permanent_depth++;
}

void hs_arena_permanent_end(void)
{
    if (permanent_depth > 0)
        permanent_depth--;
}

void *hs_alloc(size_t n)
{
    void *p = take(n);
    memset(p, 0, arena_round(n));
    return p;
}

void *hs_dup(const void *src, size_t n)
{
    char *p = take(n);
    if (n > 0)
        memcpy(p, src, n);
    /* Zero the padding so that copies are byte-identical. */
    memset(p + n, 0, arena_round(n) - n);
    return p;
}

hs_mark hs_arena_mark(void)
{
    hs_mark m = { 0, 0 };
    if (nchunks == 0)
        return m;
    m.chunk = cur;
    m.used = (size_t)(top - chunks[cur].base);
    return m;
}

void hs_arena_release(hs_mark m)
{
    /* Nothing was ever allocated, or the arena was emptied since the mark. */
    if (nchunks == 0 || m.chunk >= nchunks)
        return;
    cur = m.chunk;
    top = chunks[cur].base + m.used;
    end = chunks[cur].base + chunks[cur].size;
}

size_t hs_arena_used(void)
{
    if (nchunks == 0)
        return 0;
    return chunks[cur].before + (size_t)(top - chunks[cur].base);
}

void hs_arena_free_all(void)
{
    for (size_t i = 0; i < nchunks; i++)
        free(chunks[i].raw);
    free(chunks);
    chunks = NULL;
    nchunks = capchunks = 0;
    cur = 0;
    top = end = arena_none;
}
