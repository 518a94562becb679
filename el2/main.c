/* The EL2 core's main program: check the exception level, turn on EL2's own
 * MMU, configure stage 2, run the self-test of the hardware walker on tables
 * built by hand, replay the embedded vectors through the implementation of
 * layers 5-8 and 27-29, cross-check the stage-2 tables they built with the
 * hardware, and exit through semihosting with the verdict. */
#include "el2.h"
#include "el2_replay.h"
#include "hypsec/sekvm.h"

/* ---- semihosting ---- */

#define SYS_EXIT_EXTENDED 0x20u
#define ADP_Stopped_ApplicationExit 0x20026u

static u64 semihost(u64 op, u64 arg)
{
    register u64 x0 __asm__("x0") = op;
    register u64 x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

_Noreturn void el2_exit(int code)
{
    u64 block[2] = {ADP_Stopped_ApplicationExit, (u64)code};
    el2_printf("EL2 exit %d\n", code);
    semihost(SYS_EXIT_EXTENDED, (u64)block);
    /* Without -semihosting the call traps as an undefined instruction and
     * the vectors report it; nothing returns here. */
    for (;;)
        __asm__ volatile("wfi");
}

/* ---- unexpected exceptions ---- */

static const char *const vector_kinds[16] = {
    "synchronous, current EL, SP_EL0", "IRQ, current EL, SP_EL0",
    "FIQ, current EL, SP_EL0", "SError, current EL, SP_EL0",
    "synchronous, current EL, SP_EL2", "IRQ, current EL, SP_EL2",
    "FIQ, current EL, SP_EL2", "SError, current EL, SP_EL2",
    "synchronous, lower EL, AArch64", "IRQ, lower EL, AArch64",
    "FIQ, lower EL, AArch64", "SError, lower EL, AArch64",
    "synchronous, lower EL, AArch32", "IRQ, lower EL, AArch32",
    "FIQ, lower EL, AArch32", "SError, lower EL, AArch32",
};

_Noreturn void el2_unexpected_exception(u64 kind, u64 esr, u64 elr, u64 far, u64 spsr)
{
    el2_printf("\nEL2 UNEXPECTED EXCEPTION: %s\n", vector_kinds[kind & 15]);
    el2_printf("  ESR_EL2 0x%016lx (EC 0x%02lx, ISS 0x%07lx)\n", esr, (esr >> 26) & 0x3f,
               esr & 0x1ffffff);
    el2_printf("  ELR_EL2 0x%016lx\n  FAR_EL2 0x%016lx\n  SPSR_EL2 0x%016lx\n", elr, far, spsr);
    el2_exit(EL2_EXIT_EXCEPTION);
}

/* ---- the self-test of the hardware walker ---- */

/* Hand-built tables of VM 1 and the answers worked out by hand: entries of
 * the four pools (model addresses and values) and translations. */
struct st_entry {
    u64 addr, value;
};
struct st_probe {
    u64 ipa;
    enum hw_kind kind;
    int level;
    u64 pa;
};

/* VM 1: pool_start 0x2010000, pgd pool from 0x2011000, pud pool from
 * 0x2111000, pmd pool from 0x2911000. */
static const struct st_entry st_tables[] = {
    {0x2010000, 0x2011003},            /* level 0 [0] -> pgd page 0x2011000 */
    {0x2011010, 0x2111003},            /* level 1 [2] -> pud page 0x2111000 */
    {0x2111000, 0x2911003},            /* level 2 [0] -> pmd page 0x2911000 */
    {0x2111008, 0x400004C1},           /* level 2 [1]: block 0x40000000, AF, read-write */
    {0x2111010, 0x40200041},           /* level 2 [2]: block, no access flag */
    {0x2111020, 0x400214C1},           /* level 2 [4]: block with RES0 bits 12, 17 set */
    {0x2911000, 0x123454C3},           /* level 3 [0]: page 0x12345000, AF, read-write */
    {0x2911008, 0x123460C3},           /* level 3 [1]: no access flag */
    {0x2911010, 0x12347403},           /* level 3 [2]: AF, no read permission */
    {0x2911020, 0x12349401},           /* level 3 [4]: 0b01 at level 3 is invalid */
    {0x2911028, 0x000010000000A4C3ULL},/* level 3 [5]: output address bit 44 */
    {0x2911030, 0x0000000FFFFFF4C3ULL},/* level 3 [6]: highest 36-bit page */
    {0x2911038, 0xFFFF00001234C4C3ULL},/* level 3 [7]: bits 63:48 set */
};

static const struct st_probe st_probes[] = {
    {0x80000000, HW_OK, 0, 0x12345000},
    {0x80000abc, HW_OK, 0, 0x12345000},
    {0x80001000, HW_ACCESS_FLAG, 3, 0},
    {0x80002000, HW_PERMISSION, 3, 0},
    {0x80003000, HW_TRANSLATION, 3, 0},
    {0x80004000, HW_TRANSLATION, 3, 0},
    {0x80005000, HW_ADDR_SIZE, 3, 0},
    {0x80006123, HW_OK, 0, 0xFFFFFF000ULL},
    {0x80007000, HW_OK, 0, 0x1234C000},
    {0x80200000, HW_OK, 0, 0x40000000},
    {0x803fffff, HW_OK, 0, 0x401ff000},
    {0x80212345, HW_OK, 0, 0x40012000},
    {0x80400000, HW_ACCESS_FLAG, 2, 0},
    {0x80805123, HW_OK, 0, 0x40005000},
    {0x80600000, HW_TRANSLATION, 2, 0},
    {0xC0000000, HW_TRANSLATION, 1, 0},
    {0x00000000, HW_TRANSLATION, 1, 0},
    {0x8000000000ULL, HW_TRANSLATION, 0, 0},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Above the 4 GiB EL2 maps (mmu.c). */
#define EL2_FAULT_ADDR 0x123456789000UL

static struct hw_answer st_want(const struct hw_config *cfg, const struct st_probe *p)
{
    struct hw_answer a = {p->kind, p->level, p->kind == HW_OK ? 0 : 2, p->pa};
    /* The output-address-size probe is in range on a CPU with 48-bit PAs. */
    if (p->kind == HW_ADDR_SIZE && cfg->pa_bits >= 48) {
        a.kind = HW_OK;
        a.stage = 0;
        a.pa = 0x000010000000A000ULL;
    }
    return a;
}

/* The leaf entry of the hand-built tables for ipa: level 0 when none. */
static void st_leaf(u64 ipa, int *level, u64 *pte)
{
    *level = 0;
    *pte = 0;
    for (unsigned i = 0; i < NELEMS(st_tables); i++) {
        u64 a = st_tables[i].addr, v = st_tables[i].value;
        if (a >= 0x2111000 && a < 0x2911000 && (v & 3) != 3 &&
            (a - 0x2111000) / 8 == ((ipa >> 21) & 511) && (ipa >> 30) == 2) {
            *level = 2;
            *pte = v;
        }
        if (a >= 0x2911000 && (a - 0x2911000) / 8 == ((ipa >> 12) & 511) &&
            (ipa >> 21) == 0x400) {
            *level = 3;
            *pte = v;
        }
    }
}

/* Translate every probe; the hardware must give the hand-worked answer, and
 * hw_expect on the leaf entry must give it too. */
static int selftest(const struct hw_config *cfg)
{
    int bad = 0;
    char b1[64], b2[64];
    am_reset();
    for (unsigned i = 0; i < NELEMS(st_tables); i++)
        am_pool_set(st_tables[i].addr, st_tables[i].value);
    hw_flush();
    for (unsigned i = 0; i < NELEMS(st_probes); i++) {
        const struct st_probe *p = &st_probes[i];
        struct hw_answer want = st_want(cfg, p);
        struct hw_answer got = hw_decode_par(hw_translate(1, p->ipa));
        int level;
        u64 pte;
        st_leaf(p->ipa, &level, &pte);
        struct hw_answer model = hw_expect(cfg, level, pte, p->ipa);
        if (!hw_answer_eq(got, want) || !hw_answer_eq(model, want)) {
            el2_printf("selftest MISMATCH ipa=0x%lx hardware=%s", p->ipa, hw_answer_str(got, b1));
            el2_printf(" by-hand=%s", hw_answer_str(want, b2));
            el2_printf(" hw_expect=%s\n", hw_answer_str(model, b1));
            bad++;
        }
    }
    el2_printf("selftest: %u hand-worked translations, %d mismatches\n",
               (unsigned)NELEMS(st_probes), bad);
    return bad;
}

/* The same tables through the primitives: pt_load gives back the model
 * values the walker saw encoded, and a second leaf store under one lock is
 * stuck (pt_store_spec is None when tstate is 1). */
static int st_loads_ok, st_second_store_stuck;

static void st_loads(void *ctx)
{
    acquire_lock_pt(1);
    for (unsigned i = 0; i < NELEMS(st_tables); i++)
        st_loads_ok += pt_load(1, st_tables[i].addr) == st_tables[i].value;
    pt_store(1, 0x2911018, 0x1234F4C3);
    pt_store(1, 0x2911038, 0x1235F4C3);
}

static int selftest_prims(void)
{
    struct el2_stuck st;
    bool ran = am_run_guarded(st_loads, 0, &st);
    st_second_store_stuck = !ran && st.prim && memcmp(st.prim, "pt_store", 9) == 0;
    int bad = (st_loads_ok != (int)NELEMS(st_tables)) + !st_second_store_stuck;
    el2_printf("selftest: pt_load gave %d of %u table words back, second leaf store %s\n",
               st_loads_ok, (unsigned)NELEMS(st_tables),
               st_second_store_stuck ? "stuck" : "NOT stuck");
    am_reset();
    return bad;
}

void el2_main(u64 current_el)
{
    el2_printf("hypsec EL2 core: entered at EL%lu\n", current_el);
    if (current_el != 2) {
        el2_printf("EL2 core must be entered at EL2 (QEMU: -M virt,virtualization=on)\n");
        el2_exit(EL2_EXIT_WRONG_EL);
    }
    mmu_enable();
#ifdef EL2_RAISE_EXCEPTION
    /* The test-only build: a load from an address EL2's map leaves out. */
    el2_printf("reading 0x%lx, which EL2's map leaves out\n", EL2_FAULT_ADDR);
    (void)*(volatile u64 *)EL2_FAULT_ADDR;
#endif
    am_boot();
    struct hw_config cfg;
    hw_init(&cfg);
    el2_printf("stage 2: PA %u bits, IPA %u bits, VTCR_EL2 0x%lx\n", cfg.pa_bits, cfg.ipa_bits,
               cfg.vtcr);
    int bad = selftest(&cfg);
    bad += selftest_prims();
    struct el2_summary sum;
    el2_replay_all(&cfg, &sum);
    el2_printf("EL2 summary: vectors %lu replayed %lu vacuous %lu skipped %lu mismatches %lu "
               "translations %lu translated %lu translation-mismatches %lu beyond-ipa %lu "
               "block-low-bits %lu selftest-mismatches %d\n",
               sum.vectors, sum.replayed, sum.vacuous, sum.skipped, sum.mismatches,
               sum.translations, sum.translated, sum.translation_mismatches, sum.beyond_ipa,
               sum.block_low_bits, bad);
    el2_printf("hardware answers: PA %lu, translation fault %lu, access flag fault %lu, "
               "permission fault %lu, address size fault %lu, other %lu\n",
               sum.answers[HW_OK], sum.answers[HW_TRANSLATION], sum.answers[HW_ACCESS_FLAG],
               sum.answers[HW_PERMISSION], sum.answers[HW_ADDR_SIZE], sum.answers[HW_OTHER]);
    bool ok = bad == 0 && sum.mismatches == 0 && sum.translation_mismatches == 0;
    el2_exit(ok ? EL2_EXIT_OK : EL2_EXIT_MISMATCH);
}
