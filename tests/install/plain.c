/* A plain C program against the installed library, built with nothing but
 * cc and `pkg-config --cflags --libs hypsec-spec` (tests/install.cmake): it
 * runs alloc_pgd_page_spec on states it builds and checks the results
 * against values computed by hand from VRM Constants:
 *   pgd_start 3 = PT_POOL_START + 3 * PT_POOL_PER_VM + PGD_OFFSET
 *               = 65536 + 100663296 + 4096 = 100732928
 *   pud_start 3 = 65536 + 100663296 + 1052672 = 101781504
 * Exit status 0 when every check holds. */
#include <stdio.h>

#include "hypsec/arena.h"
#include "hypsec/constants.h"
#include "hypsec/state.h"
#include "hypsec/prims.h"

#define VMID 3
#define PGD_START_3 100732928
#define PUD_START_3 101781504

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok)
        failures++;
}

/* The empty state with VM 3's PGD pool pointer at next; its page-table lock held when locked. */
static const struct RData *state(long long next, int locked)
{
    const struct RData *adt = empty_adt();
    struct NPT *npt = NPT_copy(hs_npt_of(adt, VMID));
    npt->pt_pgd_next = next;
    adt = hs_with_npt(adt, VMID, npt);
    if (locked)
        adt = hs_with_lock(adt, NPT_ID + VMID, LockOwnTrue);
    return adt;
}

int main(void)
{
    const struct RData *out = NULL;
    hs_z ret = -1;

    /* the first page of the pool: returned, the pointer moves one page on */
    bool some = alloc_pgd_page_spec(VMID, state(PGD_START_3, 1), &out, &ret);
    expect(some, "first page: Some");
    expect(some && ret == PGD_START_3, "first page: returns 100732928");
    expect(some && hs_npt_of(out, VMID)->pt_pgd_next == PGD_START_3 + 4096,
           "first page: pt_pgd_next becomes 100737024");
    expect(some && !out->halt, "first page: not halted");

    /* the last page of the pool still fits */
    some = alloc_pgd_page_spec(VMID, state(PUD_START_3 - 4096, 1), &out, &ret);
    expect(some && ret == 101777408 && !out->halt, "last page: returns 101777408");

    /* an exhausted pool halts the machine and returns 0 */
    some = alloc_pgd_page_spec(VMID, state(PUD_START_3, 1), &out, &ret);
    expect(some && ret == 0 && out->halt, "exhausted pool: halts, returns 0");

    /* without the page-table lock the spec is None */
    expect(!alloc_pgd_page_spec(VMID, state(PGD_START_3, 0), &out, &ret), "no lock: None");

    /* a pointer outside the pool breaks the rely: None */
    expect(!alloc_pgd_page_spec(VMID, state(PGD_START_3 - 4096, 1), &out, &ret),
           "pointer below the pool: None");

    printf("%d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
