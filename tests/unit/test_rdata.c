/* The RData descriptors, empty_adt, copies, extensional equality and the
 * structured diff. Expected paths, counts and lines are written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/rdata.h"
#include "hypsec/zmap.h"
#include "rdata_rand.h"

/* ---------------------------------------------------------------- helpers */

/* The diff of a and b as text, with its count and first path. */
struct diff_out {
    char *text;
    size_t count;
    char first[256];
    bool equal;
};

static struct diff_out diff_states(const struct RData *a, const struct RData *b, size_t limit)
{
    struct diff_out r;
    size_t len;
    FILE *f = open_memstream(&r.text, &len);
    struct hs_diff d;
    hs_diff_init(&d, f, "high", "low");
    d.limit = limit;
    r.equal = RData_diff(&d, a, b);
    hs_diff_finish(&d);
    fclose(f);
    r.count = d.count;
    strcpy(r.first, d.first_path);
    return r;
}

static const struct hs_field *field_named(const struct hs_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    return NULL;
}

/* adt with shared.npts[vmid] replaced. */
static const struct RData *with_npt(const struct RData *adt, hs_z vmid, const struct NPT *npt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->npts = zmap_set_p(s->npts, vmid, npt);
    struct RData *r = RData_copy(adt);
    r->shared = s;
    return r;
}

/* ---------------------------------------------------------------- descriptors */

/* Records of Z only: one descriptor field per struct member, at its offset. */
static void test_descriptor_layout(void **state)
{
    (void)state;
    const struct hs_type *zrecs[] = { &hs_type_Memblock, &hs_type_CoreData, &hs_type_S2Page,
                                      &hs_type_npt_entry, &hs_type_spt_entry, &hs_type_CtxtRegs,
                                      &hs_type_TrapRegs, &hs_type_CtxtStates };
    for (size_t i = 0; i < sizeof zrecs / sizeof zrecs[0]; i++) {
        const struct hs_type *t = zrecs[i];
        assert_int_equal(t->kind, HS_RECORD);
        assert_int_equal(t->nfields * sizeof(hs_z), t->size);
        for (size_t f = 0; f < t->nfields; f++) {
            assert_int_equal(t->fields[f].offset, f * sizeof(hs_z));
            assert_ptr_equal(t->fields[f].type, &hs_type_z);
        }
    }
    /* The CtxtRegs of VRM has 100 registers: x0-x30, fp_q0-fp_q31, 37 others. */
    assert_int_equal(hs_type_CtxtRegs.nfields, 100);
    assert_int_equal(field_named(&hs_type_CtxtRegs, "hpfar_el2")->offset,
                     offsetof(struct CtxtRegs, hpfar_el2));
    assert_int_equal(field_named(&hs_type_CtxtRegs, "fp_q17")->offset,
                     offsetof(struct CtxtRegs, fp_q17));
    assert_int_equal(hs_type_SMMUConf.nfields, 16);
    assert_int_equal(hs_type_NPT.nfields, 15);
    assert_int_equal(hs_type_SPT.nfields, 10);
    assert_int_equal(hs_type_Shared.nfields, 8);
    assert_int_equal(hs_type_RData.nfields, 23);
}

static void test_descriptor_fields(void **state)
{
    (void)state;
    const struct hs_field *f = field_named(&hs_type_RData, "shared");
    assert_non_null(f);
    assert_int_equal(f->offset, offsetof(struct RData, shared));
    assert_ptr_equal(f->type, &hs_type_Shared);
    f = field_named(&hs_type_RData, "bars");
    assert_int_equal(f->offset, offsetof(struct RData, bars));
    assert_ptr_equal(f->type, &hs_type_BarrierStatus);
    f = field_named(&hs_type_RData, "halt");
    assert_int_equal(f->offset, offsetof(struct RData, halt));
    assert_ptr_equal(f->type, &hs_type_bool);
    f = field_named(&hs_type_RData, "lock");
    assert_ptr_equal(f->type, &hs_type_map_LockStatus);
    f = field_named(&hs_type_RData, "doracle");
    assert_ptr_equal(f->type, &hs_type_oracle);
    f = field_named(&hs_type_NPT, "pmd_t");
    assert_int_equal(f->offset, offsetof(struct NPT, pmd_t));
    assert_ptr_equal(f->type, &hs_type_map_map_map_bool);
    assert_ptr_equal(f->type->elem->elem->elem, &hs_type_bool);
    f = field_named(&hs_type_SPT, "spt_pt");
    assert_ptr_equal(f->type->elem->elem, &hs_type_spt_entry);
    f = field_named(&hs_type_Ctxt, "ctxt_states");
    assert_int_equal(f->offset, offsetof(struct Ctxt, ctxt_states));

    /* Enums and constructors by their Coq names, indexed by value. */
    assert_string_equal(hs_type_LockStatus.enum_names[LockFalse], "LockFalse");
    assert_string_equal(hs_type_LockStatus.enum_names[LockOwnFalse], "LockOwnFalse");
    assert_string_equal(hs_type_LockStatus.enum_names[LockOwnTrue], "LockOwnTrue");
    assert_string_equal(hs_type_BarrierStatus.enum_names[Barriered], "Barriered");
    assert_string_equal(hs_type_SharedMemEvent.ctors[OFLATMEM].name, "OFLATMEM");
    assert_string_equal(hs_type_AtomicEvent.ctors[OLOAD_ENC_BUF].name, "OLOAD_ENC_BUF");
    assert_int_equal(hs_type_AtomicEvent.nctors, 27);
    assert_string_equal(hs_type_TicketOracleEvent.ctors[WAIT_LOCK].name, "WAIT_LOCK");
    assert_int_equal(hs_type_TicketOracleEvent.ctors[WAIT_LOCK].nfields, 1);
    assert_int_equal(hs_type_TicketOracleEvent.ctors[REL_LOCK].nfields, 0);
    assert_string_equal(hs_type_NPT_UPDATE.ctors[UPDATE_PTE].name, "UPDATE_PTE");

    /* The snapshot of each SharedMemEvent constructor has its own type. */
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[ONPT].fields[0].type, &hs_type_NPT);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OCORE_DATA].fields[0].type, &hs_type_CoreData);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OS2_PAGE].fields[0].type, &hs_type_map_S2Page);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OVMINFO].fields[0].type, &hs_type_VMInfo);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OSPT].fields[0].type, &hs_type_SPT);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OSMMU].fields[0].type, &hs_type_map_Z);
    assert_ptr_equal(hs_type_SharedMemEvent.ctors[OFLATMEM].fields[0].type, &hs_type_map_Z);
    assert_string_equal(hs_type_SharedMemEvent.ctors[OPULL].fields[0].name, "id");
    assert_int_equal(hs_type_SharedMemEvent.ctors[OPULL].fields[0].offset,
                     offsetof(struct SharedMemEvent, id));

    /* Every constructor, in the order (and so with the tag) of rdata.h. */
    const char *const atomic[] = {
        "OPT_GET", "OMAP_HOST", "OCLEAR_VM", "OASSIGN_VM", "OMAP_VM", "OMAP_IO", "OGRANT",
        "OREVOKE", "OVM_GET", "OVM_ACTIVE", "OVM_INACTIVE", "OVM_POWEROFF", "OREG_VCPU",
        "OGEN_VMID", "OREG_KVM", "OBOOT_INFO", "OREMAP_IMAGE", "OVERIFY", "OSMMU_GET",
        "OASSIGN_SMMU", "OSMMU_FREE", "OSMMU_ALLOC", "OSMMU_MAP", "OSMMU_CLEAR",
        "OLOAD_ENC_VCPU", "OSAVE_ENC_BUF", "OLOAD_ENC_BUF"
    };
    for (size_t i = 0; i < 27; i++)
        assert_string_equal(hs_type_AtomicEvent.ctors[i].name, atomic[i]);
    assert_int_equal(OLOAD_ENC_BUF, 26);
    const char *const smem[] = { "OPULL", "OCORE_DATA", "OS2_PAGE", "ONPT", "OVMINFO", "OSPT",
                                 "OSMMU", "OFLATMEM" };
    assert_int_equal(hs_type_SharedMemEvent.nctors, 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(hs_type_SharedMemEvent.ctors[i].name, smem[i]);
    const char *const ticket[] = { "INC_TICKET", "INC_NOW", "GET_NOW", "CAS_TICKET",
                                   "HOLD_LOCK", "WAIT_LOCK", "REL_LOCK" };
    assert_int_equal(hs_type_TicketOracleEvent.nctors, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(hs_type_TicketOracleEvent.ctors[i].name, ticket[i]);
    const char *const npt_update[] = { "UPDATE_PGD", "UPDATE_PUD", "UPDATE_PMD", "UPDATE_PTE" };
    assert_int_equal(hs_type_NPT_UPDATE.nctors, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(hs_type_NPT_UPDATE.ctors[i].name, npt_update[i]);
    assert_string_equal(hs_type_MultiOracleEventUnit.ctors[TTICKET].name, "TTICKET");
    assert_string_equal(hs_type_MultiOracleEventUnit.ctors[TSHARED].name, "TSHARED");
    assert_int_equal(hs_type_LockStatus.nenum, 3);
    assert_string_equal(hs_type_BarrierStatus.enum_names[BarrierValid], "BarrierValid");
    assert_string_equal(hs_type_BarrierStatus.enum_names[BarrierNeeded], "BarrierNeeded");

    /* OLOAD_ENC_VCPU (vmid vcpuid cregs cstates dorc logn). */
    const struct hs_ctor *c = &hs_type_AtomicEvent.ctors[OLOAD_ENC_VCPU];
    assert_int_equal(c->nfields, 6);
    assert_string_equal(c->fields[2].name, "cregs");
    assert_ptr_equal(c->fields[2].type, &hs_type_CtxtRegs);
    assert_string_equal(c->fields[4].name, "dorc");
    assert_ptr_equal(c->fields[4].type, &hs_type_oracle);
    assert_int_equal(c->fields[5].offset, offsetof(struct AtomicEvent, logn));
    assert_int_equal(hs_type_AtomicEvent.ctors[OGEN_VMID].nfields, 0);
    c = &hs_type_AtomicEvent.ctors[OSMMU_CLEAR];
    assert_string_equal(c->fields[0].name, "iova");
    assert_string_equal(c->fields[2].name, "index");
}

/* ---------------------------------------------------------------- empty_adt */

/* A state with every field at its default, built without the descriptors. */
static const struct RData *rebuilt_empty(void)
{
    const struct zmap *mz = zmap_init(&hs_type_z, hs_vz(0));
    const struct zmap *mb = zmap_init(&hs_type_bool, hs_vz(0));
    struct NPT *npt = hs_alloc(sizeof *npt);
    npt->pt_vttbr_pool = npt->pt_pgd_pool = npt->pt_pud_pool = npt->pt_pmd_pool = mz;
    npt->pt_pgd_par = npt->pt_pud_par = npt->pt_pmd_par = mz;
    npt->pt = zmap_init(&hs_type_npt_entry, hs_vp(hs_alloc(sizeof(struct npt_entry))));
    npt->pgd_t = mb;
    npt->pud_t = zmap_init(&hs_type_map_bool, hs_vp(mb));
    npt->pmd_t = zmap_init(&hs_type_map_map_bool, hs_vp(zmap_init(&hs_type_map_bool, hs_vp(mb))));
    struct SPT *spt = hs_alloc(sizeof *spt);
    spt->spt_vttbr_pool = spt->spt_pgd_pool = spt->spt_pmd_pool = mz;
    spt->spt_pgd_par = spt->spt_pmd_par = mz;
    spt->spt_pt = zmap_init(&hs_type_map_spt_entry,
                            hs_vp(zmap_init(&hs_type_spt_entry, hs_vp(hs_alloc(sizeof(struct spt_entry))))));
    spt->spt_pgd_t = zmap_init(&hs_type_map_bool, hs_vp(mb));
    spt->spt_pmd_t = zmap_init(&hs_type_map_map_bool, hs_vp(zmap_init(&hs_type_map_bool, hs_vp(mb))));
    struct StateInfo *si = hs_alloc(sizeof *si);
    si->vm_vcpu = si->vm_vcpu_state = mz;
    struct BootInfo *bi = hs_alloc(sizeof *bi);
    bi->vm_load_addr = bi->vm_load_size = bi->vm_remap_addr = bi->vm_mapped_pages = mz;
    struct VMInfo *vi = hs_alloc(sizeof *vi);
    vi->VS = si;
    vi->VB = bi;
    struct Ctxt *cx = hs_alloc(sizeof *cx);
    cx->ctxt_regs = hs_alloc(sizeof(struct CtxtRegs));
    cx->trap_regs = hs_alloc(sizeof(struct TrapRegs));
    cx->ctxt_states = hs_alloc(sizeof(struct CtxtStates));
    struct SMMUConf *sc = hs_alloc(sizeof *sc);
    sc->smmu_phys_base = sc->smmu_size = sc->smmu_pgshift = sc->smmu_features = mz;
    sc->smmu_options = sc->smmu_dev_context_banks = sc->num_s2_context_banks = mz;
    sc->smmu_dev_mapping_groups = sc->smmu_va_size = sc->smmu_ipa_size = sc->smmu_pa_size = mz;
    sc->smmu_dev_global_irqs = sc->smmu_dev_context_irqs = sc->smmu_exists = sc->smmu_hyp_base = mz;
    struct Shared *sh = hs_alloc(sizeof *sh);
    sh->flatmem = sh->smmu_vmid = mz;
    sh->npts = zmap_init(&hs_type_NPT, hs_vp(npt));
    sh->s2page = zmap_init(&hs_type_S2Page, hs_vp(hs_alloc(sizeof(struct S2Page))));
    sh->core_data = hs_alloc(sizeof(struct CoreData));
    sh->vminfos = zmap_init(&hs_type_VMInfo, hs_vp(vi));
    sh->spts = spt;
    sh->hlock = mb;
    struct RData *a = hs_alloc(sizeof *a);
    a->regs = cx;
    a->lock = zmap_init(&hs_type_LockStatus, hs_vz(LockFalse));
    a->bars = BarrierValid;
    a->regions = zmap_init(&hs_type_Memblock, hs_vp(hs_alloc(sizeof(struct Memblock))));
    a->shadow_ctxts = zmap_init(&hs_type_Ctxt, hs_vp(cx));
    a->smmu_conf = sc;
    a->log = zmap_init(&hs_type_list_MultiOracleEvent, hs_vp(NULL));
    a->oracle = zmap_init(&hs_type_oracle, hs_vz(0));
    a->data_log = a->core_data_log = mz;
    a->shared = sh;
    return a;
}

static void test_empty_adt(void **state)
{
    (void)state;
    const struct RData *e = empty_adt();
    assert_ptr_equal(e, empty_adt());
    assert_true(RData_eq(e, e));
    const struct RData *r = rebuilt_empty();
    assert_ptr_not_equal(r, e);
    assert_true(RData_eq(e, r));
    assert_true(RData_eq(r, e));
    struct diff_out d = diff_states(e, r, 0);
    assert_true(d.equal);
    assert_int_equal(d.count, 0);
    assert_string_equal(d.text, "");
    free(d.text);

    /* Every default as the header documents it. */
    assert_false(e->halt);
    assert_int_equal(e->bars, BarrierValid);
    assert_true(zmap_get(e->lock, 42).z == LockFalse);
    assert_ptr_equal(zmap_get_p(e->shared->npts, 7), empty_NPT());
    assert_ptr_equal(zmap_get_p(e->shadow_ctxts, 7), empty_Ctxt());
    assert_ptr_equal(zmap_get_p(e->shared->vminfos, 7), empty_VMInfo());
    assert_ptr_equal(e->regs, empty_Ctxt());
    assert_int_equal(zmap_count(e->shared->flatmem), 0);
    assert_null(zmap_get_p(e->log, 3));
    const struct zmap *inner = zmap_get_p(empty_NPT()->pud_t, 5);
    assert_true(zmap_get(inner, 9).z == 0);
    assert_ptr_equal(zmap_type(inner), &hs_type_bool);
    assert_true(empty_NPT()->pt_pgd_next == 0);
    assert_true(empty_Ctxt()->ctxt_regs->x0 == 0);
}

/* The empties stay valid across a mark and release of the arena. */
static void test_empty_survives_release(void **state)
{
    (void)state;
    hs_mark m = hs_arena_mark();
    const struct RData *e = empty_adt();
    struct RData *a = RData_copy(e);
    a->halt = true;
    hs_arena_release(m);
    /* Allocate over the released space, then look at the empties again. */
    for (int i = 0; i < 1000; i++)
        memset(hs_alloc(256), 0x5a, 256);
    assert_ptr_equal(empty_adt(), e);
    assert_true(RData_eq(empty_adt(), rebuilt_empty()));
    assert_int_equal(zmap_count(empty_adt()->shared->flatmem), 0);
    hs_arena_release(m);
}

/* ---------------------------------------------------------------- copies */

static void test_copies(void **state)
{
    (void)state;
    const struct NPT *e = empty_NPT();
    struct NPT *n = NPT_copy(e);
    assert_ptr_not_equal(n, e);
    assert_memory_equal(n, e, sizeof *n);
    n->pt_pgd_next = 4096;
    assert_true(e->pt_pgd_next == 0);

    struct RData *a = RData_copy(empty_adt());
    assert_true(RData_eq(a, empty_adt()));
    a->curid = 3;
    assert_false(RData_eq(a, empty_adt()));
    assert_true(empty_adt()->curid == 0);

    struct CtxtRegs *r = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    r->x30 = 1;
    assert_true(empty_Ctxt()->ctxt_regs->x30 == 0);
    struct CoreData *c = CoreData_copy(empty_adt()->shared->core_data);
    c->next_vmid = 9;
    assert_true(empty_adt()->shared->core_data->next_vmid == 0);

    /* A generic copy of a variant keeps its tag and fields. */
    struct NPT_UPDATE u = { UPDATE_PMD, 5, 6 };
    struct NPT_UPDATE *u2 = hs_record_copy(&hs_type_NPT_UPDATE, &u);
    assert_int_equal(u2->tag, UPDATE_PMD);
    assert_true(u2->addr == 5 && u2->val == 6);
}

static void test_lists(void **state)
{
    (void)state;
    const struct hs_list *a = hs_cons(hs_vz(1), hs_cons(hs_vz(2), NULL));
    const struct hs_list *b = hs_cons(hs_vz(3), NULL);
    assert_int_equal(hs_list_len(NULL), 0);
    assert_int_equal(hs_list_len(a), 2);
    const struct hs_list *ab = hs_list_append(a, b);
    assert_int_equal(hs_list_len(ab), 3);
    assert_true(ab->head.z == 1 && ab->tail->head.z == 2 && ab->tail->tail->head.z == 3);
    assert_ptr_equal(ab->tail->tail, b);
    assert_int_equal(ab->tail->len, 2);
    assert_ptr_equal(hs_list_append(NULL, b), b);
    /* a is unchanged */
    assert_null(a->tail->tail);
}

/* ---------------------------------------------------------------- equality, diff */

static void test_diff_deep_map(void **state)
{
    (void)state;
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pgd_pool = zmap_set_z(n->pt_pgd_pool, 69632, 5);
    const struct RData *a = with_npt(empty_adt(), 3, n);
    assert_false(RData_eq(empty_adt(), a));
    struct diff_out d = diff_states(empty_adt(), a, 0);
    assert_false(d.equal);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.first, "shared.npts[3].pt_pgd_pool[69632]");
    assert_string_equal(d.text, "  shared.npts[3].pt_pgd_pool[69632]: 0 != 5\n");
    free(d.text);
}

static void test_diff_regs(void **state)
{
    (void)state;
    struct CtxtRegs *r = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    r->x0 = -7;
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_regs = r;
    struct RData *a = RData_copy(empty_adt());
    a->regs = c;
    struct diff_out d = diff_states(a, empty_adt(), 0);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.text, "  regs.ctxt_regs.x0: -7 != 0\n");
    free(d.text);
}

/* A log entry whose event differs in the constructor of its snapshot. */
static void test_diff_log_tag(void **state)
{
    (void)state;
    struct SharedMemEvent *s1 = hs_alloc(sizeof *s1), *s2 = hs_alloc(sizeof *s2);
    s1->tag = ONPT;
    s1->obj = empty_NPT();
    s2->tag = OPULL;
    s2->id = 4;
    struct MultiOracleEventUnit *u1 = hs_alloc(sizeof *u1), *u2 = hs_alloc(sizeof *u2);
    u1->tag = u2->tag = TSHARED;
    u1->shared = s1;
    u2->shared = s2;
    struct MultiOracleEvent *e1 = hs_alloc(sizeof *e1), *e2 = hs_alloc(sizeof *e2);
    e1->cpuid = e2->cpuid = 1;
    e1->e = u1;
    e2->e = u2;
    struct MultiOracleEvent *older = hs_alloc(sizeof *older);
    older->cpuid = 2;
    older->e = u2;
    const struct hs_list *tail = hs_cons(hs_vp(older), NULL);
    struct RData *a = RData_copy(empty_adt()), *b = RData_copy(empty_adt());
    a->log = zmap_set_p(a->log, 5, hs_cons(hs_vp(e1), tail));
    b->log = zmap_set_p(b->log, 5, hs_cons(hs_vp(e2), tail));
    struct diff_out d = diff_states(a, b, 0);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.first, "log[5][0].e.shared.tag");
    assert_string_equal(d.text, "  log[5][0].e.shared.tag: ONPT != OPULL\n");
    free(d.text);

    /* Same constructor, different snapshot: the diff goes inside obj. */
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pud_next = 12;
    struct SharedMemEvent *s3 = hs_alloc(sizeof *s3);
    s3->tag = ONPT;
    s3->obj = n;
    struct MultiOracleEventUnit *u3 = hs_alloc(sizeof *u3);
    u3->tag = TSHARED;
    u3->shared = s3;
    struct MultiOracleEvent *e3 = hs_alloc(sizeof *e3);
    e3->cpuid = 1;
    e3->e = u3;
    b->log = zmap_set_p(b->log, 5, hs_cons(hs_vp(e3), tail));
    d = diff_states(a, b, 0);
    assert_string_equal(d.text, "  log[5][0].e.shared.obj.pt_pud_next: 0 != 12\n");
    free(d.text);

    /* A list one element longer: its length, then the shifted elements. */
    b->log = zmap_set_p(b->log, 5, hs_cons(hs_vp(e1), hs_cons(hs_vp(e1), tail)));
    d = diff_states(a, b, 0);
    assert_int_equal(d.count, 3);
    assert_string_equal(d.text, "  log[5].length: 2 != 3\n"
                                "  log[5][1].cpuid: 2 != 1\n"
                                "  log[5][1].e.shared.tag: OPULL != ONPT\n");
    free(d.text);
}

static void test_diff_nested_maps_enums(void **state)
{
    (void)state;
    struct NPT *n = NPT_copy(empty_NPT());
    const struct zmap *inner = zmap_set(zmap_get_p(n->pud_t, 1), 2, hs_vz(1));
    n->pud_t = zmap_set_p(n->pud_t, 1, inner);
    const struct zmap *m2 = zmap_set(zmap_get_p(zmap_get_p(n->pmd_t, -1), 0), 8, hs_vz(1));
    n->pmd_t = zmap_set_p(n->pmd_t, -1, zmap_set_p(zmap_get_p(n->pmd_t, -1), 0, m2));
    struct RData *a = (struct RData *)with_npt(empty_adt(), 0, n);
    a->lock = zmap_set(a->lock, 3, hs_vz(LockOwnTrue));
    a->bars = Barriered;
    a->halt = true;
    struct diff_out d = diff_states(empty_adt(), a, 0);
    assert_int_equal(d.count, 5);
    assert_string_equal(d.first, "halt");
    assert_string_equal(d.text, "  halt: false != true\n"
                                "  lock[3]: LockFalse != LockOwnTrue\n"
                                "  bars: BarrierValid != Barriered\n"
                                "  shared.npts[0].pud_t[1][2]: false != true\n"
                                "  shared.npts[0].pmd_t[-1][0][8]: false != true\n");
    free(d.text);
}

static void test_diff_map_default_and_variant(void **state)
{
    (void)state;
    struct RData *a = RData_copy(empty_adt());
    a->data_log = zmap_set_z(zmap_init(&hs_type_z, hs_vz(7)), 2, 0);
    struct NPT *n = NPT_copy(empty_NPT()), *m = NPT_copy(empty_NPT());
    struct NPT_UPDATE *u1 = hs_alloc(sizeof *u1), *u2 = hs_alloc(sizeof *u2);
    u1->tag = u2->tag = UPDATE_PTE;
    u1->addr = 1;
    u2->addr = 2;
    n->pt_updates = hs_cons(hs_vp(u1), NULL);
    m->pt_updates = hs_cons(hs_vp(u2), NULL);
    const struct RData *x = with_npt(a, 1, n), *y = with_npt(empty_adt(), 1, m);
    struct diff_out d = diff_states(x, y, 0);
    /* Key 2 holds 0 on both sides (an entry on the left, the default on the right). */
    assert_int_equal(d.count, 2);
    assert_string_equal(d.text, "  data_log.default: 7 != 0\n"
                                "  shared.npts[1].pt_updates[0].addr: 1 != 2\n");
    free(d.text);
}

static void test_diff_limit(void **state)
{
    (void)state;
    struct CtxtRegs *r = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    r->x0 = 1;
    r->x1 = 2;
    r->x2 = 3;
    r->x3 = 4;
    r->x4 = 5;
    r->x5 = 6;
    r->x6 = 7;
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_regs = r;
    struct RData *a = RData_copy(empty_adt());
    a->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 2, c);
    struct diff_out d = diff_states(empty_adt(), a, 3);
    assert_int_equal(d.count, 7);
    assert_string_equal(d.first, "shadow_ctxts[2].ctxt_regs.x0");
    assert_string_equal(d.text, "  shadow_ctxts[2].ctxt_regs.x0: 0 != 1\n"
                                "  shadow_ctxts[2].ctxt_regs.x1: 0 != 2\n"
                                "  shadow_ctxts[2].ctxt_regs.x2: 0 != 3\n"
                                "  ... 4 more\n");
    free(d.text);

    /* Only counting: no output at all. */
    struct hs_diff q;
    hs_diff_init(&q, NULL, "a", "b");
    assert_false(RData_diff(&q, empty_adt(), a));
    hs_diff_finish(&q);
    assert_int_equal(q.count, 7);
    assert_string_equal(q.first_path, "shadow_ctxts[2].ctxt_regs.x0");

    /* Counting across fields and maps gives the count and first path of the
     * printed diff (which formats every difference). */
    struct RData *a2 = RData_copy(a);
    a2->halt = true;
    a2->data_log = zmap_set_z(a2->data_log, 5, 3);
    a2->core_data_log = zmap_set_z(a2->core_data_log, 9, 4);
    struct diff_out loud = diff_states(empty_adt(), a2, 100);
    hs_diff_init(&q, NULL, "a", "b");
    assert_false(RData_diff(&q, empty_adt(), a2));
    assert_int_equal(q.count, 10);
    assert_int_equal(loud.count, 10);
    assert_string_equal(q.first_path, loud.first);
    free(loud.text);

    /* A custom note counts and prints like a leaf. */
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    hs_diff_init(&q, f, "a", "b");
    hs_diff_note(&q, "relate_npt.pool", "x", "y");
    fclose(f);
    assert_int_equal(q.count, 1);
    assert_string_equal(q.first_path, "relate_npt.pool");
    assert_string_equal(text, "  relate_npt.pool: x != y\n");
    free(text);
}

/* Equality is extensional: what matters is the value, not how it was built. */
static void test_extensional(void **state)
{
    (void)state;
    struct RData *a = RData_copy(empty_adt());
    struct Shared *s = Shared_copy(a->shared);
    s->flatmem = zmap_set_z(zmap_set_z(s->flatmem, 5, 9), 5, 0);
    a->shared = s;
    assert_true(RData_eq(a, empty_adt()));

    /* An entry equal to the default, in a fresh record, is no entry. */
    const struct RData *b = with_npt(empty_adt(), 3, NPT_copy(empty_NPT()));
    assert_true(RData_eq(b, empty_adt()));
    assert_int_equal(zmap_count(b->shared->npts), 0);

    /* A record rebuilt field by field equals the shared one. */
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_regs = CtxtRegs_copy(c->ctxt_regs);
    struct RData *d = RData_copy(empty_adt());
    d->regs = c;
    assert_true(RData_eq(d, empty_adt()));

    /* Lists equal element by element, not by cells. */
    struct NPT_UPDATE *u1 = hs_alloc(sizeof *u1), *u2 = hs_alloc(sizeof *u2);
    u1->tag = u2->tag = UPDATE_PGD;
    u1->val = u2->val = 77;
    const struct hs_list *l1 = hs_cons(hs_vp(u1), NULL), *l2 = hs_cons(hs_vp(u2), NULL);
    assert_true(hs_val_eq(&hs_type_list_NPT_UPDATE, hs_vp(l1), hs_vp(l2)));
    u2->val = 78;
    assert_false(hs_val_eq(&hs_type_list_NPT_UPDATE, hs_vp(l1), hs_vp(l2)));
    assert_false(hs_val_eq(&hs_type_list_NPT_UPDATE, hs_vp(l1), hs_vp(NULL)));

    /* Variants compare only the fields of their constructor. */
    struct SharedMemEvent p1 = { OPULL, 4, empty_NPT() }, p2 = { OPULL, 4, NULL };
    assert_true(hs_val_eq(&hs_type_SharedMemEvent, hs_vp(&p1), hs_vp(&p2)));
    p2.id = 5;
    assert_false(hs_val_eq(&hs_type_SharedMemEvent, hs_vp(&p1), hs_vp(&p2)));

    /* Maps of maps: an inner map emptied again equals the default. */
    struct NPT *n = NPT_copy(empty_NPT());
    const struct zmap *in = zmap_set(zmap_get_p(n->pud_t, 4), 1, hs_vz(1));
    in = zmap_set(in, 1, hs_vz(0));
    n->pud_t = zmap_set_p(n->pud_t, 4, in);
    assert_true(hs_val_eq(&hs_type_NPT, hs_vp(n), hs_vp(empty_NPT())));
}

/* Random states: equal to themselves and to copies, unequal after one change. */
static void test_random_eq(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        struct rr r = { seed, 5 };
        const struct RData *a = rr_state(&r);
        struct RData *b = RData_copy(a);
        assert_true(RData_eq(a, b));
        struct Shared *s = Shared_copy(b->shared);
        hs_z old = zmap_get_z(s->flatmem, 123456789);
        s->flatmem = zmap_set_z(s->flatmem, 123456789, old == 1 ? 2 : 1);
        b->shared = s;
        assert_false(RData_eq(a, b));
        struct diff_out d = diff_states(a, b, 0);
        assert_int_equal(d.count, 1);
        assert_string_equal(d.first, "shared.flatmem[123456789]");
        free(d.text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor_layout),
        cmocka_unit_test(test_descriptor_fields),
        cmocka_unit_test(test_empty_adt),
        cmocka_unit_test(test_empty_survives_release),
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_diff_deep_map),
        cmocka_unit_test(test_diff_regs),
        cmocka_unit_test(test_diff_log_tag),
        cmocka_unit_test(test_diff_nested_maps_enums),
        cmocka_unit_test(test_diff_map_default_and_variant),
        cmocka_unit_test(test_diff_limit),
        cmocka_unit_test(test_extensional),
        cmocka_unit_test(test_random_eq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
