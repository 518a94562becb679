/* The freestanding runtime of the EL2 core: the four memory functions GCC
 * may call on its own (struct copies, zero-initialised arrays). Byte loops:
 * the core's memory is Device memory while the MMU is off, where unaligned
 * accesses fault, and these copies are small. The file is compiled with
 * -fno-tree-loop-distribute-patterns so the loops stay loops. */
#include "el2.h"

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q) {
        while (n--)
            *p++ = *q++;
        return d;
    }
    while (n--)
        p[n] = q[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++) {
        if (*p != *q)
            return *p < *q ? -1 : 1;
    }
    return 0;
}
