/* EL2's own stage-1 translation: an identity map of the low 4 GiB with 1 GiB
 * blocks (virt: devices below 1 GiB, RAM from 1 GiB), so that the core runs
 * from cacheable Normal memory. That is where exclusive accesses (the ticket
 * locks) are architecturally defined and where the stage-2 walker, which reads
 * the tables with the cacheability VTCR_EL2 gives, sees what the core wrote. */
#include "el2.h"

#define DESC_BLOCK 1ULL
#define DESC_ATTR(i) ((u64)(i) << 2)
#define DESC_SH_INNER (3ULL << 8)
#define DESC_AF (1ULL << 10)
#define DESC_XN (1ULL << 54)

#define MAIR_DEVICE 0    /* attribute index 0: Device-nGnRnE */
#define MAIR_NORMAL 1    /* attribute index 1: Normal, write-back */

#define SCTLR_EL2_RES1 0x30C50830ULL
#define SCTLR_M (1ULL << 0)
#define SCTLR_C (1ULL << 2)
#define SCTLR_I (1ULL << 12)

static u64 el2_l1_table[512] __attribute__((aligned(4096)));

static u64 block(u64 pa, bool normal)
{
    if (normal)
        return pa | DESC_BLOCK | DESC_ATTR(MAIR_NORMAL) | DESC_SH_INNER | DESC_AF;
    return pa | DESC_BLOCK | DESC_ATTR(MAIR_DEVICE) | DESC_AF | DESC_XN;
}

void mmu_enable(void)
{
    el2_l1_table[0] = block(0x00000000ULL, false);
    el2_l1_table[1] = block(0x40000000ULL, true);
    el2_l1_table[2] = block(0x80000000ULL, true);
    el2_l1_table[3] = block(0xC0000000ULL, false);

    u64 mair = (0x00ULL << (8 * MAIR_DEVICE)) | (0xFFULL << (8 * MAIR_NORMAL));
    /* T0SZ 32 (4 GiB, walk from level 1), inner/outer write-back, inner
     * shareable, 4K granule, PS 32 bits; RES1 bits 23 and 31. */
    u64 tcr = 32 | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (0ULL << 16) |
              (1ULL << 23) | (1ULL << 31);
    __asm__ volatile(
        "dsb sy\n"
        "msr mair_el2, %0\n"
        "msr tcr_el2, %1\n"
        "msr ttbr0_el2, %2\n"
        "isb\n"
        "tlbi alle2\n"
        "dsb sy\n"
        "isb\n"
        :
        : "r"(mair), "r"(tcr), "r"((u64)el2_l1_table)
        : "memory");
    u64 sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I;
    __asm__ volatile("msr sctlr_el2, %0\nisb\n" : : "r"(sctlr) : "memory");
}
