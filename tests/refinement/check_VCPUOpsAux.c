/* Refinement suite of layer 27, VCPUOpsAux (over MmioOps, identity): each
 * fresh primitive against its spec on generated vCPU states; prep_abort's
 * MMIO branch, which no implementation over MmioOps refines, must fail there
 * and only at the data log (docs/spec-notes.md); hand-computed values of the
 * register dispatch, the Parameters and VRM's divergences; VRM's code of
 * reset_sys_regs and prep_abort as written, and other wrong implementations,
 * which the oracle must reject. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/sekvm.h"
#include "suite.h"
#include "vcpu_cases.h"

extern const struct hs_layer_check hs_check_VCPUOpsAux;

enum { SEED = 27027, COUNT = 1500 };

/* ---- the divergence ---- */

/* prep_abort_spec reads the syndrome without advancing the data log: on a
 * running machine its MMIO branch differs from every implementation. */
static bool mmio_abort(const struct hs_case *c, bool e2e)
{
    return !c->h->halt && hs_vcpu_mmio_abort(c->h, c->args[0], c->args[1]);
}

START_TEST(test_reset_gp_regs)
{
    vc_assert(&hs_check_VCPUOpsAux, "reset_gp_regs", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_reset_sys_regs)
{
    vc_assert(&hs_check_VCPUOpsAux, "reset_sys_regs", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_sync_dirty_to_shadow)
{
    vc_assert(&hs_check_VCPUOpsAux, "sync_dirty_to_shadow", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_prep_wfx)
{
    vc_assert(&hs_check_VCPUOpsAux, "prep_wfx", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_prep_hvc)
{
    vc_assert(&hs_check_VCPUOpsAux, "prep_hvc", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_prep_abort)
{
    vc_assert(&hs_check_VCPUOpsAux, "prep_abort", false, COUNT, SEED, mmio_abort, "data_log[");
}
END_TEST

START_TEST(test_update_exception_gp_regs)
{
    vc_assert(&hs_check_VCPUOpsAux, "update_exception_gp_regs", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_post_handle_shadow_s2pt_fault)
{
    vc_assert(&hs_check_VCPUOpsAux, "post_handle_shadow_s2pt_fault", false, 600, SEED, NULL,
              NULL);
}
END_TEST

/* ---- hand-computed values ---- */

/* empty_adt with VM 1's vCPU 3 current and its shadow context all zero. */
static const struct RData *vcpu13(void)
{
    struct RData *a = RData_copy(empty_adt());
    a->cur_vmid = 1;
    a->cur_vcpuid = 3;
    return a;
}

START_TEST(test_dispatch_by_hand)
{
    hs_mark m = hs_arena_mark();
    const struct CtxtRegs *r = empty_Ctxt()->ctxt_regs;
    const struct CtxtStates *s = empty_Ctxt()->ctxt_states;
    const struct CtxtRegs *r2;
    const struct CtxtStates *s2;
    /* the indexes of Constants against the fields of the Coq dispatch */
    set_shadow_ctxt_specx(44, 7, r, s, &r2, &s2);
    ck_assert(r2->ec == 7 && s2 == s);
    set_shadow_ctxt_specx(45, 9, r, s, &r2, &s2);
    ck_assert(s2->dirty == 9 && r2 == r);
    set_shadow_ctxt_specx(55, 11, r, s, &r2, &s2);
    ck_assert(s2->esr_el1 == 11 && r2 == r);
    set_shadow_ctxt_specx(71, 13, r, s, &r2, &s2);
    ck_assert(s2->spsr_0 == 13 && r2 == r);
    set_shadow_ctxt_specx(48, 15, r, s, &r2, &s2);
    ck_assert(r2->csselr_el1 == 15);
    set_shadow_ctxt_specx(30, 17, r, s, &r2, &s2);
    ck_assert(r2->x30 == 17);
    /* SP, SP_EL1, the AArch32 SPSRs and MDCCINT_EL1 have no field */
    static const int none[] = {31, 34, 37, 38, 39, 40, 69, 73, -1};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        set_shadow_ctxt_specx(none[i], 5, r, s, &r2, &s2);
        ck_assert(r2 == r && s2 == s);
        ck_assert(get_shadow_ctxt_specx(none[i], r, s) == 0);
    }
    struct CtxtRegs *rr = CtxtRegs_copy(r);
    rr->hpfar_el2 = 1234;
    rr->esr_el2 = 99;
    ck_assert(get_shadow_ctxt_specx(42, rr, s) == 1234);
    ck_assert(get_shadow_ctxt_specx(72, rr, s) == 99);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_parameters_by_hand)
{
    /* reg_desc i = i * 0x1e3779b97f4a7c15 mod 2^64 */
    ck_assert(reg_desc(1) == (hs_z)0x1e3779b97f4a7c15ULL);
    ck_assert(reg_desc(2) == (hs_z)0x3c6ef372fe94f82aULL);
    ck_assert(reg_desc(24) == (hs_z)0xd5336963eefba1f8ULL);
    /* the vector offsets: EL1h 0x200, EL0t 0x400, AArch32 0x600 */
    ck_assert(exception_vector(0x3c5) == 0x200);
    ck_assert(exception_vector(0) == 0x400);
    ck_assert(exception_vector(0x10) == 0x600);
}
END_TEST

START_TEST(test_oracle_seed_round_trip)
{
    /* the forward hash is the independent path */
    static const hs_z vs[] = {0, 2, 7, 4096, (hs_z)0xffffffffffffffffULL, (hs_z)1 << 63};
    for (hs_z a = 0; a < 17; a += 4)
        for (hs_z b = 0; b < 3000; b += 997)
            for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
                hs_z seed = hs_data_oracle_seed(a, b, vs[i]);
                ck_assert(hs_z_is_u64(seed));
                ck_assert(hs_data_oracle(seed, a, b) == vs[i]);
            }
}
END_TEST

/* Runs implementation f (the registered one when NULL) of primitive id on
 * (vmid, vcpuid) and s; the final state. */
static const struct RData *run_impl(int id, hs_impl_fn f, hs_z vmid, hs_z vcpuid,
                                    const struct RData *s)
{
    hs_register_impls();
    hs_impl_fn real = hs_prim_impl_of(id);
    if (f)
        hs_prim_set_impl(id, f);
    hs_z args[2] = {vmid, vcpuid};
    const struct RData *out;
    hs_z ret;
    struct hs_stuck_info info;
    bool ok = hs_run_guarded(&hs_prims[id], args, s, &out, &ret, &info);
    hs_prim_set_impl(id, real);
    ck_assert_msg(ok, "stuck: %s", info.why);
    return out;
}

/* The oracle's report on prim with implementation f (NULL: the registered one). */
static enum hs_verdict check_one(const char *prim, int id, hs_impl_fn f, const struct RData *s,
                                 hs_z vmid, hs_z vcpuid, struct hs_check_report *rep)
{
    hs_register_impls();
    hs_impl_fn real = hs_prim_impl_of(id);
    if (f)
        hs_prim_set_impl(id, f);
    struct hs_case c;
    memset(&c, 0, sizeof c);
    c.h = s;
    c.args[0] = vmid;
    c.args[1] = vcpuid;
    enum hs_verdict v = hs_check_case(&hs_check_VCPUOpsAux, hs_prim_find(prim), &c, false, NULL,
                                      rep);
    hs_prim_set_impl(id, real);
    return v;
}

static void invoke_vrm_reset_sys_regs(const hs_z *a, hs_z *r);
static void invoke_vrm_prep_abort(const hs_z *a, hs_z *r);

START_TEST(test_reset_sys_regs_by_hand)
{
    hs_mark m = hs_arena_mark();
    struct RData *a = RData_copy(vcpu13());
    /* the ACTLR VRM's code reads: 0x1234 at VM 1's data log position 0 */
    a->doracle = hs_data_oracle_seed(1, 0, 0x1234);
    const struct RData *h;
    ck_assert(reset_sys_regs_spec(1, 3, a, &h));
    const struct CtxtRegs *hr = ((const struct Ctxt *)zmap_get_p(h->shadow_ctxts, 11))->ctxt_regs;
    /* the spec: x1..x24 := reg_desc 1..24, nothing else, no oracle read */
    ck_assert(hr->x1 == (hs_z)0x1e3779b97f4a7c15ULL);
    ck_assert(hr->x24 == (hs_z)0xd5336963eefba1f8ULL);
    ck_assert(hr->x25 == 0 && hr->csselr_el1 == 0 && hr->mpidr_el1 == 0);
    ck_assert(zmap_get_z(h->data_log, 1) == 0);
    /* our implementation: the same */
    const struct RData *l = run_impl(HS_PRIM_reset_sys_regs, NULL, 1, 3, a);
    const struct CtxtRegs *lr = ((const struct Ctxt *)zmap_get_p(l->shadow_ctxts, 11))->ctxt_regs;
    ck_assert(lr->x1 == (hs_z)0x1e3779b97f4a7c15ULL);
    ck_assert(lr->x2 == (hs_z)0x3c6ef372fe94f82aULL);
    ck_assert(lr->x24 == (hs_z)0xd5336963eefba1f8ULL);
    ck_assert(lr->x25 == 0 && lr->csselr_el1 == 0 && lr->cpacr_el1 == 0);
    ck_assert(zmap_get_z(l->data_log, 1) == 0);
    /* VRM's code: index i + 47 for i = 1..24 */
    l = run_impl(HS_PRIM_reset_sys_regs, invoke_vrm_reset_sys_regs, 1, 3, a);
    lr = ((const struct Ctxt *)zmap_get_p(l->shadow_ctxts, 11))->ctxt_regs;
    ck_assert(lr->x1 == 0);
    ck_assert(lr->csselr_el1 == 2147483648LL + 3);   /* i = 1: MPIDR of vCPU 3 */
    ck_assert(lr->sctlr_el1 == (hs_z)0x3c6ef372fe94f82aULL); /* i = 2 */
    ck_assert(lr->actlr_el1 == (hs_z)0x5aa66d2c7ddf743fULL); /* i = 3 */
    ck_assert(lr->cpacr_el1 == 0x1234);               /* i = 4: the ACTLR read */
    ck_assert(zmap_get_z(l->data_log, 1) == 1);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_prep_abort_rd31_by_hand)
{
    hs_mark m = hs_arena_mark();
    struct RData *a = RData_copy(vcpu13());
    /* a read (WNR and S1PTW clear) into register 31; HPFAR 0 is an MMIO frame */
    a->doracle = hs_data_oracle_seed(1, 0, (hs_z)31 << 16);
    const struct RData *h;
    ck_assert(prep_abort_spec(1, 3, a, &h));
    const struct Ctxt *hc = zmap_get_p(h->shadow_ctxts, 11);
    ck_assert(hc->ctxt_states->dirty == (hs_z)1 << 31);
    ck_assert(zmap_get_z(h->data_log, 1) == 0);
    /* ours: 2^31 too, and the read advances the log (the unavoidable part) */
    const struct RData *l = run_impl(HS_PRIM_prep_abort, NULL, 1, 3, a);
    const struct Ctxt *lc = zmap_get_p(l->shadow_ctxts, 11);
    ck_assert(lc->ctxt_states->dirty == (hs_z)1 << 31);
    ck_assert(zmap_get_z(l->data_log, 1) == 1);
    struct hs_check_report rep;
    ck_assert_int_eq(check_one("prep_abort", HS_PRIM_prep_abort, NULL, a, 1, 3, &rep), HS_FAIL);
    ck_assert_uint_eq(rep.diff.count, 1);
    ck_assert_str_eq(rep.diff.first_path, "data_log[1]");
    /* VRM's code: the int shift sign-extends, a second difference */
    l = run_impl(HS_PRIM_prep_abort, invoke_vrm_prep_abort, 1, 3, a);
    lc = zmap_get_p(l->shadow_ctxts, 11);
    ck_assert(lc->ctxt_states->dirty == (hs_z)0xffffffff80000000ULL);
    ck_assert(zmap_get_z(l->data_log, 1) == 1);
    ck_assert_int_eq(check_one("prep_abort", HS_PRIM_prep_abort, invoke_vrm_prep_abort, a, 1, 3,
                               &rep),
                     HS_FAIL);
    ck_assert_uint_eq(rep.diff.count, 2);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_prep_abort_beyond_mmio_by_hand)
{
    hs_mark m = hs_arena_mark();
    struct RData *a = RData_copy(vcpu13());
    /* a fault on the first frame beyond MMIO: the spec changes nothing */
    const struct RData *s = hs_vcpu_set(a, 1, 3, HPFAR_EL2, (MAX_MMIO_ADDR / PAGE_SIZE) * 16);
    const struct RData *h;
    ck_assert(prep_abort_spec(1, 3, s, &h));
    ck_assert(h == s);
    struct hs_check_report rep;
    ck_assert_int_eq(check_one("prep_abort", HS_PRIM_prep_abort, NULL, s, 1, 3, &rep), HS_PASS);
    /* VRM's code reads the syndrome first and advances the log */
    ck_assert_int_eq(check_one("prep_abort", HS_PRIM_prep_abort, invoke_vrm_prep_abort, s, 1, 3,
                               &rep),
                     HS_FAIL);
    ck_assert_uint_eq(rep.diff.count, 1);
    ck_assert_str_eq(rep.diff.first_path, "data_log[1]");
    hs_arena_release(m);
}
END_TEST

/* ---- wrong implementations ---- */

/* VRM's code of reset_sys_regs as written (VCPUOpsAuxCode): the C numbering
 * of the system registers, written at index i + 47. */
static void vrm_reset_sys_regs(u32 vmid, u32 vcpuid)
{
    u64 val, mpidr;
    u32 i;

    i = 1U;
    while (i <= SHADOW_SYS_REGS_SIZE) {
        if (i == 1U) {
            mpidr = (u64)((vcpuid & 15U) + ((vcpuid / 16U) & 255U) * 256U +
                          ((vcpuid / 4096U) & 255U) * 65536U);
            val = mpidr + 2147483648UL;
        } else if (i == 4U) {
            val = read_actlr_el1();
        } else {
            val = get_sys_reg_desc_val(i);
        }
        set_shadow_ctxt(vmid, vcpuid, i + 47U, val);
        i = i + 1U;
    }
}

static void invoke_vrm_reset_sys_regs(const hs_z *a, hs_z *r)
{
    vrm_reset_sys_regs((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* VRM's code of prep_abort as written (VCPUOpsAuxCode): the syndrome read
 * first, and an int shift, which CompCert sign-extends to the u64 argument. */
static void vrm_prep_abort(u32 vmid, u32 vcpuid)
{
    u64 esr, fault_ipa, reg;
    u32 Rd;

    esr = get_int_esr(vmid, vcpuid);
    Rd = (u32)((esr / 65536UL) & 31UL);
    fault_ipa = (get_shadow_ctxt(vmid, vcpuid, HPFAR_EL2) / 16UL) * 4096UL;
    if (fault_ipa < MAX_MMIO_ADDR) {
        set_shadow_dirty_bit(vmid, vcpuid, DIRTY_PC_FLAG);
        if ((esr & ESR_ELx_WNR) == 0UL && (esr & ESR_ELx_S1PTW) == 0UL) {
            set_shadow_dirty_bit(vmid, vcpuid, (u64)(int)(1U << Rd));
        } else {
            reg = get_shadow_ctxt(vmid, vcpuid, Rd);
            set_int_gpr(vmid, vcpuid, Rd, reg);
        }
    }
}

static void invoke_vrm_prep_abort(const hs_z *a, hs_z *r)
{
    vrm_prep_abort((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* Writes the pc to PSTATE and the pstate to PC. */
static void wrong_reset_gp_regs_swapped(u32 vmid, u32 vcpuid)
{
    u64 pc = get_int_pc(vmid, vcpuid);
    if (search_load_info(vmid, pc) == 0UL) {
        panic();
        return;
    }
    clear_shadow_gp_regs(vmid, vcpuid);
    u64 pstate = get_int_pstate(vmid, vcpuid);
    set_shadow_ctxt(vmid, vcpuid, PC, pstate);
    set_shadow_ctxt(vmid, vcpuid, PSTATE, pc);
    reset_fp_regs(vmid, vcpuid);
}

static void invoke_wrong_reset_gp_regs(const hs_z *a, hs_z *r)
{
    wrong_reset_gp_regs_swapped((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* Tests the dirty bit of the next register. */
static void wrong_sync_dirty_off_by_one(u32 vmid, u32 vcpuid)
{
    u64 dirty = get_shadow_dirty_bit(vmid, vcpuid);
    for (u32 i = 0; i < 31U; i++)
        if (dirty & (u64)(2U << i))
            set_shadow_ctxt(vmid, vcpuid, i, get_int_gpr(vmid, vcpuid, i));
}

static void invoke_wrong_sync(const hs_z *a, hs_z *r)
{
    wrong_sync_dirty_off_by_one((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* Marks register 0 dirty instead of the pc. */
static void invoke_wrong_prep_wfx(const hs_z *a, hs_z *r)
{
    set_shadow_dirty_bit((u32)a[0], (u32)a[1], 1UL);
    *r = 0;
}

/* Forgets to power the VM off on SYSTEM_OFF. */
static void wrong_prep_hvc_no_poweroff(u32 vmid, u32 vcpuid)
{
    u64 psci_fn = get_shadow_ctxt(vmid, vcpuid, 0U);
    set_shadow_dirty_bit(vmid, vcpuid, 1UL);
    psci_fn &= INVALID;
    if (psci_fn == PSCI_0_2_FN64_CPU_ON) {
        for (u32 i = 1; i <= 3U; i++)
            set_int_gpr(vmid, vcpuid, i, get_shadow_ctxt(vmid, vcpuid, i));
    } else if (psci_fn == PSCI_0_2_FN_AFFINITY_INFO || psci_fn == PSCI_0_2_FN64_AFFINITY_INFO) {
        for (u32 i = 1; i <= 2U; i++)
            set_int_gpr(vmid, vcpuid, i, get_shadow_ctxt(vmid, vcpuid, i));
    }
}

static void invoke_wrong_prep_hvc(const hs_z *a, hs_z *r)
{
    wrong_prep_hvc_no_poweroff((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* Saves the pstate, not the pc, as the exception return address. */
static void wrong_update_exception_elr(u32 vmid, u32 vcpuid)
{
    u64 pstate = get_shadow_ctxt(vmid, vcpuid, PSTATE);
    u64 new_pc = get_exception_vector(pstate);
    set_shadow_ctxt(vmid, vcpuid, ELR_EL1, pstate);
    set_shadow_ctxt(vmid, vcpuid, PC, new_pc);
    set_shadow_ctxt(vmid, vcpuid, PSTATE, PSTATE_FAULT_BITS_64);
    set_shadow_ctxt(vmid, vcpuid, SPSR_0, pstate);
    set_shadow_ctxt(vmid, vcpuid, ESR_EL1, 0UL);
}

static void invoke_wrong_update_exception(const hs_z *a, hs_z *r)
{
    wrong_update_exception_elr((u32)a[0], (u32)a[1]);
    *r = 0;
}

/* Maps every fault as a 4KB page, 2MB blocks too. */
static void invoke_wrong_post_handle(const hs_z *a, hs_z *r)
{
    u32 vmid = (u32)a[0], vcpuid = (u32)a[1];
    u64 pte = get_int_new_pte(vmid, vcpuid);
    (void)get_int_new_level(vmid, vcpuid);
    prot_and_map_vm_s2pt(vmid, (u64)a[2], pte, 3U);
    *r = 0;
}

START_TEST(test_vrm_reset_sys_regs)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "reset_sys_regs", false, HS_PRIM_reset_sys_regs,
                    invoke_vrm_reset_sys_regs, 300, SEED, NULL, "shadow_ctxts[");
}
END_TEST

START_TEST(test_vrm_prep_abort)
{
    /* outside the MMIO branch: the syndrome read alone shows */
    vc_assert_bites(&hs_check_VCPUOpsAux, "prep_abort", false, HS_PRIM_prep_abort,
                    invoke_vrm_prep_abort, 300, SEED, mmio_abort, "data_log[");
}
END_TEST

START_TEST(test_wrong_reset_gp_regs)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "reset_gp_regs", false, HS_PRIM_reset_gp_regs,
                    invoke_wrong_reset_gp_regs, 300, SEED, NULL, "shadow_ctxts[");
}
END_TEST

START_TEST(test_wrong_sync_dirty_to_shadow)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "sync_dirty_to_shadow", false,
                    HS_PRIM_sync_dirty_to_shadow, invoke_wrong_sync, 300, SEED, NULL,
                    "shadow_ctxts[");
}
END_TEST

START_TEST(test_wrong_prep_wfx)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "prep_wfx", false, HS_PRIM_prep_wfx,
                    invoke_wrong_prep_wfx, 300, SEED, NULL, "shadow_ctxts[");
}
END_TEST

START_TEST(test_wrong_prep_hvc)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "prep_hvc", false, HS_PRIM_prep_hvc,
                    invoke_wrong_prep_hvc, 600, SEED, NULL, "tstate");
}
END_TEST

START_TEST(test_wrong_update_exception_gp_regs)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "update_exception_gp_regs", false,
                    HS_PRIM_update_exception_gp_regs, invoke_wrong_update_exception, 300, SEED,
                    NULL, "shadow_ctxts[");
}
END_TEST

START_TEST(test_wrong_post_handle_shadow_s2pt_fault)
{
    vc_assert_bites(&hs_check_VCPUOpsAux, "post_handle_shadow_s2pt_fault", false,
                    HS_PRIM_post_handle_shadow_s2pt_fault, invoke_wrong_post_handle, 300, SEED,
                    NULL, "log[");
}
END_TEST

static Suite *vcpuopsaux_suite(void)
{
    Suite *s = suite_create("VCPUOpsAux");
    const struct hs_suite_step steps[] = {
        {"reset_gp_regs", test_reset_gp_regs},
        {"reset_sys_regs", test_reset_sys_regs},
        {"sync_dirty_to_shadow", test_sync_dirty_to_shadow},
        {"prep_wfx", test_prep_wfx},
        {"prep_hvc", test_prep_hvc},
        {"prep_abort", test_prep_abort},
        {"update_exception_gp_regs", test_update_exception_gp_regs},
        {"post_handle_shadow_s2pt_fault", test_post_handle_shadow_s2pt_fault},
    };
    hs_suite_add_steps(s, steps, sizeof steps / sizeof steps[0]);
    TCase *tc = tcase_create("by_hand");
    tcase_add_test(tc, test_dispatch_by_hand);
    tcase_add_test(tc, test_parameters_by_hand);
    tcase_add_test(tc, test_oracle_seed_round_trip);
    tcase_add_test(tc, test_reset_sys_regs_by_hand);
    tcase_add_test(tc, test_prep_abort_rd31_by_hand);
    tcase_add_test(tc, test_prep_abort_beyond_mmio_by_hand);
    suite_add_tcase(s, tc);
    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_vrm_reset_sys_regs);
    tcase_add_test(tc, test_vrm_prep_abort);
    tcase_add_test(tc, test_wrong_reset_gp_regs);
    tcase_add_test(tc, test_wrong_sync_dirty_to_shadow);
    tcase_add_test(tc, test_wrong_prep_wfx);
    tcase_add_test(tc, test_wrong_prep_hvc);
    tcase_add_test(tc, test_wrong_update_exception_gp_regs);
    tcase_add_test(tc, test_wrong_post_handle_shadow_s2pt_fault);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(vcpuopsaux_suite());
}
