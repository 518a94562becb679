/* The hardware's own stage-2 walk of the tables the implementation built.
 * VTCR_EL2 describes the pool format: 4K granule, a walk that starts at
 * level 0 (the vttbr page of the VM), IPA size T0SZ = 64 - min(48, PA size);
 * VTTBR_EL2 points at the real address of the VM's pool_start page. With
 * HCR_EL2.VM = 1 and SCTLR_EL1.M = 0, AT S12E1R of an address is the
 * stage-2 translation of that IPA; PAR_EL1 holds the output address or the
 * fault status. hw_expect is the architecture's answer for a given leaf
 * entry, the yardstick for both the spec's mapping and walk_s2pt. */
#include "el2.h"
#include "hypsec/constants.h"

#define HCR_VM (1ULL << 0)
#define HCR_RW (1ULL << 31)
#define SCTLR_EL1_RES1 0x30D00800ULL

#define DESC_AF (1ULL << 10)
#define DESC_S2AP_READ (1ULL << 6)
#define OA_MASK 0x0000FFFFFFFFF000ULL

static u64 read_mmfr0(void)
{
    u64 v;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(v));
    return v;
}

/* PARange encodings of ID_AA64MMFR0_EL1 in bits. */
static unsigned parange_bits(unsigned parange)
{
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
    if (parange > 6)
        return 48;
    return bits[parange];
}

void hw_init(struct hw_config *cfg)
{
    unsigned parange = (unsigned)(read_mmfr0() & 0xf);
    /* The tables hold 48-bit output addresses: PS at most 48 bits. */
    if (parange > 5)
        parange = 5;
    cfg->pa_bits = parange_bits(parange);
    cfg->ipa_bits = cfg->pa_bits < 48 ? cfg->pa_bits : 48;
    /* T0SZ, SL0 = 2 (start at level 0), inner/outer write-back
     * write-allocate, inner shareable, TG0 4K, PS, RES1 bit 31. */
    cfg->vtcr = (u64)(64 - cfg->ipa_bits) | (2ULL << 6) | (1ULL << 8) | (1ULL << 10) |
                (3ULL << 12) | (0ULL << 14) | ((u64)parange << 16) | (1ULL << 31);
    u64 hcr = HCR_VM | HCR_RW;
    __asm__ volatile(
        "msr vtcr_el2, %0\n"
        "msr sctlr_el1, %1\n"
        "msr hcr_el2, %2\n"
        "isb\n"
        :
        : "r"(cfg->vtcr), "r"(SCTLR_EL1_RES1), "r"(hcr)
        : "memory");
    hw_flush();
}

void hw_flush(void)
{
    __asm__ volatile("dsb ishst\ntlbi alle1is\ndsb ish\nisb\n" : : : "memory");
}

u64 hw_translate(u32 vmid, u64 ipa)
{
    u64 vttbr = (EL2_POOL_BASE + PT_POOL_START + PT_POOL_PER_VM * (u64)vmid) |
                ((u64)vmid << VTTBR_VMID_SHIFT);
    u64 par;
    __asm__ volatile(
        "msr vttbr_el2, %1\n"
        "isb\n"
        "at s12e1r, %2\n"
        "isb\n"
        "mrs %0, par_el1\n"
        : "=r"(par)
        : "r"(vttbr), "r"(ipa)
        : "memory");
    return par;
}

struct hw_answer hw_decode_par(u64 par)
{
    struct hw_answer a = {HW_OTHER, -1, 0, 0};
    if (!(par & 1)) {
        a.kind = HW_OK;
        a.pa = par & OA_MASK;
        return a;
    }
    unsigned fst = (unsigned)((par >> 1) & 0x3f);
    a.stage = (par & (1ULL << 9)) ? 2 : 1;
    a.level = (int)(fst & 3);
    switch (fst >> 2) {
    case 0:
        a.kind = HW_ADDR_SIZE;
        break;
    case 1:
        a.kind = HW_TRANSLATION;
        break;
    case 2:
        a.kind = HW_ACCESS_FLAG;
        break;
    case 3:
        a.kind = HW_PERMISSION;
        break;
    default:
        a.kind = HW_OTHER;
        a.level = (int)fst;
        break;
    }
    return a;
}

/* A stage-2 fault of kind at level. */
static struct hw_answer fault(enum hw_kind kind, int level)
{
    struct hw_answer a = {kind, level, 2, 0};
    return a;
}

struct hw_answer hw_expect(const struct hw_config *cfg, int level, u64 pte, u64 ipa)
{
    /* Nothing mapped: the walk meets an invalid entry at some level. */
    if (level == 0)
        return fault(HW_TRANSLATION, -1);
    if (level != 2 && level != 3)
        return fault(HW_OTHER, level);
    /* Valid bit; at level 3 only 0b11 is a page, at level 2 0b01 a block
     * (0b11 there would be a table, which a leaf of the spec never is). */
    if (!(pte & 1))
        return fault(HW_TRANSLATION, level);
    if (level == 3 && (pte & 3) != 3)
        return fault(HW_TRANSLATION, level);
    if (level == 2 && (pte & 3) == 3)
        return fault(HW_OTHER, level);
    u64 block_mask = level == 2 ? (1ULL << 21) - 1 : (1ULL << 12) - 1;
    u64 oa = pte & OA_MASK & ~block_mask;
    /* Priority: address size, then access flag, then permission. */
    if (cfg->pa_bits < 48 && (oa >> cfg->pa_bits))
        return fault(HW_ADDR_SIZE, level);
    if (!(pte & DESC_AF))
        return fault(HW_ACCESS_FLAG, level);
    if (!(pte & DESC_S2AP_READ))
        return fault(HW_PERMISSION, level);
    /* PAR_EL1 reports the page: bits 47:12 of the output address. */
    struct hw_answer a = {HW_OK, -1, 0, oa | (ipa & block_mask & ~0xFFFULL)};
    return a;
}

bool hw_answer_eq(struct hw_answer a, struct hw_answer b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == HW_OK)
        return a.pa == b.pa;
    if (a.stage != b.stage)
        return false;
    /* A translation fault "at any level" matches every level. */
    return a.level == b.level || a.level == -1 || b.level == -1;
}

/* Decimal digits of a small non-negative number into buf; returns the end. */
static char *put_dec(char *buf, unsigned v)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *buf++ = tmp[--n];
    return buf;
}

static char *put_str(char *buf, const char *s)
{
    while (*s)
        *buf++ = *s++;
    return buf;
}

const char *hw_answer_str(struct hw_answer a, char *buf)
{
    static const char *const names[] = {"PA", "translation fault", "access flag fault",
                                        "permission fault", "address size fault",
                                        "other fault"};
    char *p = put_str(buf, names[a.kind]);
    if (a.kind == HW_OK) {
        p = put_str(p, " 0x");
        for (int sh = 44; sh >= 0; sh -= 4)
            *p++ = "0123456789abcdef"[(a.pa >> sh) & 0xf];
        *p = 0;
        return buf;
    }
    p = put_str(p, " stage ");
    p = put_dec(p, (unsigned)a.stage);
    if (a.level >= 0) {
        p = put_str(p, " level ");
        p = put_dec(p, (unsigned)a.level);
    } else {
        p = put_str(p, " any level");
    }
    *p = 0;
    return buf;
}
