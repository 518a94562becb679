/* Layer 21, BootOps: the specs of the primitives the VCPU layers call —
 * search_load_info (where a guest address lies in the VM's loaded images),
 * set_vcpu_active / set_vcpu_inactive (a vCPU's run state under the VM
 * info lock) and is_inc_exe (whether the VM runs an incremental image). */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"
#include "hypsec/npt.h"

/* VRM BootOpsSpec: search_load_info_loop */
bool search_load_info_loop(hs_z n, hs_z idx, hs_z addr, hs_z ret, const struct BootInfo *binfo,
                           hs_z *idx_out, hs_z *ret_out)
{
    /* the recursion looks at idx, idx + 1, ... in turn: a loop from idx */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        hs_z base = zmap_get_z(binfo->vm_load_addr, idx);
        hs_z size = zmap_get_z(binfo->vm_load_size, idx);
        hs_z remap = zmap_get_z(binfo->vm_remap_addr, idx);
        if (!is_addr(base) || !is_addr(size) || !is_addr(remap))
            return false; /* rely: each image lies in the address space */
        if (!hs_z_leb(hs_z_add(remap, size), KVM_ADDR_SPACE))
            return false; /* rely: its remapped copy too */
        if (hs_z_geb(addr, base) && hs_z_ltb(addr, hs_z_add(base, size)))
            ret = hs_z_add(hs_z_sub(addr, base), remap);
        idx = hs_z_add(idx, 1);
    }
    *idx_out = idx;
    *ret_out = ret;
    return true;
}

bool hs_search_load_info_step(hs_z vmid, hs_z addr, const struct RData *adt,
                              const struct RData **out, hs_z *found)
{
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z num = st.info->VB->vm_next_load_info;
    if (!(hs_z_leb(0, num) && hs_z_leb(num, MAX_LOAD_INFO_NUM)))
        return false; /* rely: at most MAX_LOAD_INFO_NUM images */
    hs_z idx;
    if (!search_load_info_loop(num, 0, addr, 0, st.info->VB, &idx, found))
        return false;
    *out = hs_vminfo_commit(adt, &st, st.info);
    return true;
}

/* VRM BootOpsSpec: search_load_info_spec */
bool search_load_info_spec(hs_z vmid, hs_z addr, const struct RData *adt, const struct RData **out,
                           hs_z *ret)
{
    if (!is_vmid(vmid) || !is_int64(addr))
        return false; /* rely: a VM id and a 64-bit address */
    /* a halted machine finds nothing */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    return hs_search_load_info_step(vmid, addr, adt, out, ret);
}

/* info with vcpuid's run state set to state. */
static const struct VMInfo *with_vcpu_state(const struct VMInfo *info, hs_z vcpuid, hs_z state)
{
    struct StateInfo *vs = StateInfo_copy(info->VS);
    vs->vm_vcpu_state = zmap_set_z(info->VS->vm_vcpu_state, vcpuid, state);
    struct VMInfo *i = VMInfo_copy(info);
    i->VS = vs;
    return i;
}

/* VRM BootOpsSpec: set_vcpu_active_spec */
bool set_vcpu_active_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                          const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vms = st.info->VS->vm_state;
    hs_z vcpus = zmap_get_z(st.info->VS->vm_vcpu_state, vcpuid);
    if (!is_int(vms) || !is_int(vcpus))
        return false; /* rely: the states are 32-bit values */
    if (hs_z_eqb(vms, VERIFIED) && hs_z_eqb(vcpus, READY)) {
        *out = hs_vminfo_commit(adt, &st, with_vcpu_state(st.info, vcpuid, ACTIVE));
        return true;
    }
    /* only a ready vCPU of a verified VM may run: halt with the lock held */
    *out = hs_vminfo_halt(adt, &st);
    return true;
}

/* VRM BootOpsSpec: set_vcpu_inactive_spec */
bool set_vcpu_inactive_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                            const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vcpus = zmap_get_z(st.info->VS->vm_vcpu_state, vcpuid);
    if (!is_int(vcpus))
        return false; /* rely: the state is a 32-bit value */
    if (hs_z_eqb(vcpus, ACTIVE)) {
        *out = hs_vminfo_commit(adt, &st, with_vcpu_state(st.info, vcpuid, READY));
        return true;
    }
    /* only a running vCPU may stop: halt with the lock held */
    *out = hs_vminfo_halt(adt, &st);
    return true;
}

/* VRM BootOpsSpec: is_inc_exe_spec */
bool is_inc_exe_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    const struct RData *adt1, *adt2;
    hs_z inc_exe, r;
    if (!acquire_lock_vm_spec(vmid, adt, &adt1))
        return false;
    if (!get_vm_inc_exe_spec(vmid, adt1, &inc_exe))
        return false;
    if (!is_int(inc_exe))
        return false; /* rely: a 32-bit flag */
    if (!release_lock_vm_spec(vmid, adt1, &adt2))
        return false;
    if (!check_spec(inc_exe, adt2, &r))
        return false;
    *out = adt2;
    *ret = r;
    return true;
}

/* VRM BootOpsSpec: save_encrypted_vcpu_spec */
bool save_encrypted_vcpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                              const struct RData **out)
{
    const struct RData *adt1;
    if (!encrypt_gp_regs_spec(vmid, vcpuid, adt, &adt1))
        return false;
    return encrypt_sys_regs_spec(vmid, vcpuid, adt1, out);
}

/* VRM BootOpsSpec: load_encrypted_vcpu_spec */
bool load_encrypted_vcpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                              const struct RData **out)
{
    const struct RData *adt1, *adt2, *adt3, *adt4;
    hs_z vm_state, vcpu_state;
    if (!acquire_lock_vm_spec(vmid, adt, &adt1))
        return false;
    if (!get_vm_state_spec(vmid, adt1, &vm_state))
        return false;
    if (!is_int(vm_state))
        return false; /* rely: a 32-bit state */
    if (!get_vcpu_state_spec(vmid, vcpuid, adt1, &vcpu_state))
        return false;
    if (!is_int(vcpu_state))
        return false; /* rely: a 32-bit state */
    if (!(hs_z_eqb(vm_state, READY) && hs_z_eqb(vcpu_state, READY))) {
        /* only a ready vCPU of a ready VM may be loaded: panic, then release */
        if (!panic_spec(adt1, &adt2))
            return false;
        return release_lock_vm_spec(vmid, adt2, out);
    }
    if (!decrypt_gp_regs_spec(vmid, vcpuid, adt1, &adt2))
        return false;
    if (!decrypt_sys_regs_spec(vmid, vcpuid, adt2, &adt3))
        return false;
    if (!set_vm_inc_exe_spec(vmid, 1, adt3, &adt4))
        return false;
    return release_lock_vm_spec(vmid, adt4, out);
}

/* info with vcpuid's shared page vcpu and run state READY. */
static const struct VMInfo *with_new_vcpu(const struct VMInfo *info, hs_z vcpuid, hs_z vcpu)
{
    struct StateInfo *vs = StateInfo_copy(info->VS);
    vs->vm_vcpu = zmap_set_z(info->VS->vm_vcpu, vcpuid, vcpu);
    vs->vm_vcpu_state = zmap_set_z(info->VS->vm_vcpu_state, vcpuid, READY);
    struct VMInfo *i = VMInfo_copy(info);
    i->VS = vs;
    return i;
}

/* adt with the dirty mask of shadow context ctxtid (as adt had it) set to dirty. */
static const struct RData *with_ctxt_dirty(const struct RData *adt, const struct Ctxt *ctxt,
                                           hs_z ctxtid, hs_z dirty)
{
    struct CtxtStates *cs = CtxtStates_copy(ctxt->ctxt_states);
    cs->dirty = dirty;
    struct Ctxt *c = Ctxt_copy(ctxt);
    c->ctxt_states = cs;
    struct RData *a = RData_copy(adt);
    a->shadow_ctxts = zmap_set_p(adt->shadow_ctxts, ctxtid, c);
    return a;
}

/* VRM BootOpsSpec: register_vcpu_spec */
bool register_vcpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vms = st.info->VS->vm_state;
    hs_z vcpus = zmap_get_z(st.info->VS->vm_vcpu_state, vcpuid);
    if (!is_int(vms) || !is_int(vcpus))
        return false; /* rely: the states are 32-bit values */
    if (!(hs_z_eqb(vms, READY) && hs_z_eqb(vcpus, UNUSED))) {
        /* only an unused vCPU of a ready VM may be registered: halt with the lock held */
        *out = hs_vminfo_halt(adt, &st);
        return true;
    }
    hs_z vcpu = shared_vcpu(vmid, vcpuid);
    if (!is_int64(vcpu))
        return false; /* rely: a 64-bit address */
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    /* the context is the one before the step (the step does not touch it) */
    const struct Ctxt *ctxt = zmap_get_p(adt->shadow_ctxts, ctxtid);
    const struct RData *a = hs_vminfo_commit(adt, &st, with_new_vcpu(st.info, vcpuid, vcpu));
    *out = with_ctxt_dirty(a, ctxt, ctxtid, INVALID64);
    return true;
}

/* Take lock id: it must be free, and the oracle's events over its log must
 * replay to a lock nobody holds; false is None. */
static bool lock_open(const struct RData *adt, hs_z id, struct pull *p)
{
    if (hs_lock_of(adt, id) != LockFalse)
        return false;
    pull_of(adt, id, p);
    return ends_released(adt->curid, p->orac_l0);
}

/* adt {shared: {core_data: core}} {log: # CORE_ID == l} {lock: # CORE_ID == lk} */
static const struct RData *with_core(const struct RData *adt, const struct CoreData *core,
                                     const struct hs_list *l, int lk)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->core_data = core;
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, CORE_ID, l), CORE_ID, lk));
    a->shared = s;
    return a;
}

/* core with next_vmid set to v. */
static const struct CoreData *with_next_vmid(const struct CoreData *core, hs_z v)
{
    struct CoreData *c = CoreData_copy(core);
    c->next_vmid = v;
    return c;
}

/* info with the VM's shared kvm page kvm and state READY. */
static const struct VMInfo *with_kvm_ready(const struct VMInfo *info, hs_z kvm)
{
    struct StateInfo *vs = StateInfo_copy(info->VS);
    vs->vm_kvm = kvm;
    vs->vm_state = READY;
    struct VMInfo *i = VMInfo_copy(info);
    i->VS = vs;
    return i;
}

/* VRM BootOpsSpec: register_kvm_spec */
bool register_kvm_spec(const struct RData *adt, const struct RData **out, hs_z *ret)
{
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    struct pull cs;
    if (!lock_open(adt, CORE_ID, &cs))
        return false;
    const struct CoreData *core = CalCoreData(adt->shared->core_data, cs.orac);
    hs_z vmid = core->next_vmid;
    if (!is_vmid(vmid))
        return false; /* rely: the next VM id is a VM id */
    if (!hs_z_ltb(vmid, COREVISOR)) {
        /* no VM id left: halt holding the core lock */
        struct RData *a = RData_copy(with_core(adt, core, cs.log1, LockOwnTrue));
        a->halt = true;
        a->tstate = 0;
        *out = a;
        *ret = 0;
        return true;
    }
    const struct CoreData *core2 = with_next_vmid(core, hs_z_add(vmid, 1));
    const struct hs_list *cl2 = pull_released(adt->curid, &cs, OCORE_DATA, core2);
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vms = st.info->VS->vm_state;
    if (!is_int(vms))
        return false; /* rely: a 32-bit state */
    if (!hs_z_eqb(vms, UNUSED)) {
        /* the id is taken already: halt holding the info lock (the core lock is released) */
        *out = with_core(hs_vminfo_halt(adt, &st), core2, cl2, LockFalse);
        *ret = 0;
        return true;
    }
    hs_z kvm = shared_kvm(vmid);
    if (!is_int64(kvm))
        return false; /* rely: a 64-bit address */
    const struct RData *a = hs_vminfo_commit(adt, &st, with_kvm_ready(st.info, kvm));
    *out = with_core(a, core2, cl2, LockFalse);
    *ret = vmid;
    return true;
}

/* info with image load_idx (address load_addr, size size, remapped at remap,
 * no page mapped) added and vm_next_load_info load_idx + 1. */
static const struct VMInfo *with_image(const struct VMInfo *info, hs_z load_idx, hs_z load_addr,
                                       hs_z size, hs_z remap)
{
    struct BootInfo *vb = BootInfo_copy(info->VB);
    vb->vm_next_load_info = hs_z_add(load_idx, 1);
    vb->vm_load_addr = zmap_set_z(info->VB->vm_load_addr, load_idx, load_addr);
    vb->vm_load_size = zmap_set_z(info->VB->vm_load_size, load_idx, size);
    vb->vm_remap_addr = zmap_set_z(info->VB->vm_remap_addr, load_idx, remap);
    vb->vm_mapped_pages = zmap_set_z(info->VB->vm_mapped_pages, load_idx, 0);
    struct VMInfo *i = VMInfo_copy(info);
    i->VB = vb;
    return i;
}

/* info with only vm_next_load_info set to n. */
static const struct VMInfo *with_next_load_info(const struct VMInfo *info, hs_z n)
{
    struct BootInfo *vb = BootInfo_copy(info->VB);
    vb->vm_next_load_info = n;
    struct VMInfo *i = VMInfo_copy(info);
    i->VB = vb;
    return i;
}

/* core with next_remap_ptr set to p. */
static const struct CoreData *with_next_remap_ptr(const struct CoreData *core, hs_z p)
{
    struct CoreData *c = CoreData_copy(core);
    c->next_remap_ptr = p;
    return c;
}

/* VRM BootOpsSpec: set_boot_info_spec */
bool set_boot_info_spec(hs_z vmid, hs_z load_addr, hs_z size, const struct RData *adt,
                        const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid) || !is_addr(load_addr) || !is_addr(size))
        return false; /* rely: a VM id, an address and a size in the address space */
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    struct pull cs;
    struct hs_vminfo_step st;
    if (!lock_open(adt, CORE_ID, &cs) || !hs_vminfo_open(adt, vmid, &st))
        return false;
    const struct CoreData *core = CalCoreData(adt->shared->core_data, cs.orac);
    hs_z state = st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: a 32-bit state */
    if (!hs_z_eqb(state, READY)) {
        /* only a ready VM takes images: halt holding the info lock */
        *out = hs_vminfo_halt(adt, &st);
        *ret = 0;
        return true;
    }
    hs_z load_idx = st.info->VB->vm_next_load_info;
    if (!is_int(load_idx))
        return false; /* rely: a 32-bit count */
    if (!hs_z_ltb(load_idx, MAX_LOAD_INFO_NUM)) {
        /* no room for another image: publish the info unchanged */
        *out = hs_vminfo_commit(adt, &st, st.info);
        *ret = load_idx;
        return true;
    }
    hs_z pgnum = hs_z_div(hs_z_add(size, 4095), PAGE_SIZE);
    hs_z remap = core->next_remap_ptr;
    if (!is_addr(remap) || !is_gfn(pgnum))
        return false; /* rely: the remap pointer and the page count are in range */
    hs_z end = hs_z_add(remap, hs_z_mul(pgnum, PAGE_SIZE));
    if (!hs_z_ltb(end, REMAP_END)) {
        /* the remap region is full: halt holding both locks, the count already bumped */
        struct hs_vminfo_step st2 = st;
        st2.info = with_next_load_info(st.info, hs_z_add(load_idx, 1));
        *out = with_core(hs_vminfo_halt(adt, &st2), core, cs.log1, LockOwnTrue);
        *ret = 0;
        return true;
    }
    const struct CoreData *core2 = with_next_remap_ptr(core, end);
    const struct VMInfo *info2 = with_image(st.info, load_idx, load_addr, size, remap);
    const struct RData *a = hs_vminfo_commit(adt, &st, info2);
    *out = with_core(a, core2, pull_released(adt->curid, &cs, OCORE_DATA, core2), LockFalse);
    *ret = load_idx;
    return true;
}

/* adt {shared: {npts: # vmid == npt}} {log: # id == l} {lock: # id == lk} */
static const struct RData *with_npt_lock(const struct RData *adt, hs_z vmid,
                                         const struct NPT *npt, hs_z id,
                                         const struct hs_list *l, int lk)
{
    return hs_with_npt(hs_with_lock(hs_with_log(adt, id, l), id, lk), vmid, npt);
}

/* info with image load_idx's mapped page count set to n. */
static const struct VMInfo *with_mapped_pages(const struct VMInfo *info, hs_z load_idx, hs_z n)
{
    struct BootInfo *vb = BootInfo_copy(info->VB);
    vb->vm_mapped_pages = zmap_set_z(info->VB->vm_mapped_pages, load_idx, n);
    struct VMInfo *i = VMInfo_copy(info);
    i->VB = vb;
    return i;
}

/* VRM BootOpsSpec: remap_vm_image_spec */
bool remap_vm_image_spec(hs_z vmid, hs_z pfn, hs_z load_idx, const struct RData *adt,
                         const struct RData **out)
{
    if (!is_vmid(vmid) || !is_load_idx(load_idx) || !is_pfn(pfn))
        return false; /* rely: a VM id, an image index and a frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ptid = hs_z_add(NPT_ID, COREVISOR);
    struct pull ps;
    struct hs_vminfo_step st;
    if (!lock_open(adt, ptid, &ps) || !hs_vminfo_open(adt, vmid, &st))
        return false;
    const struct NPT *npt = CalNPT(hs_npt_of(adt, COREVISOR), ps.orac);
    hs_z state = st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: a 32-bit state */
    if (!hs_z_eqb(state, READY)) {
        /* only a ready VM's images are remapped: halt holding the info lock */
        *out = hs_vminfo_halt(adt, &st);
        return true;
    }
    hs_z cnt = st.info->VB->vm_next_load_info;
    if (!is_int(cnt))
        return false; /* rely: a 32-bit count */
    if (!hs_z_ltb(load_idx, cnt)) {
        /* no such image: publish the info unchanged */
        *out = hs_vminfo_commit(adt, &st, st.info);
        return true;
    }
    hs_z size = zmap_get_z(st.info->VB->vm_load_size, load_idx);
    hs_z remap = zmap_get_z(st.info->VB->vm_remap_addr, load_idx);
    hs_z mapped = zmap_get_z(st.info->VB->vm_mapped_pages, load_idx);
    if (!is_addr(size) || !is_addr(mapped) || !is_addr(remap))
        return false; /* rely: the image's size, count and remap address are in range */
    hs_z pgnum = hs_z_div(hs_z_add(size, 4095), PAGE_SIZE);
    hs_z target = hs_z_add(remap, hs_z_mul(mapped, PAGE_SIZE));
    if (!is_addr(target))
        return false; /* rely: the next page's remap address is in range */
    if (!hs_z_ltb(mapped, pgnum)) {
        /* every page is mapped already: publish the info unchanged */
        *out = hs_vminfo_commit(adt, &st, st.info);
        return true;
    }
    hs_z pte = hs_z_lor(hs_z_mul(pfn, PAGE_SIZE), PAGE_HYP);
    bool halt2;
    const struct NPT *npt2;
    if (!local_mmap(COREVISOR, target, 3, pte, npt, &halt2, &npt2))
        return false;
    if (halt2) {
        /* the core's table cannot take the page: halt holding both locks */
        *out = with_npt_lock(hs_vminfo_halt(adt, &st), COREVISOR, npt2, ptid, ps.log1, LockOwnTrue);
        return true;
    }
    const struct VMInfo *info2 = with_mapped_pages(st.info, load_idx, hs_z_add(mapped, 1));
    const struct RData *a = hs_vminfo_commit(adt, &st, info2);
    const struct hs_list *pl = pull_released(adt->curid, &ps, ONPT, npt2);
    *out = with_npt_lock(a, COREVISOR, npt2, ptid, pl, LockFalse);
    return true;
}

/* ---- map_io ---- */

/* adt with s2page s2p and vmid's table npt (NULL: left as it is). */
static const struct RData *bo_with_tables(const struct RData *adt, hs_z vmid,
                                          const struct zmap *s2p, const struct NPT *npt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p;
    if (npt)
        s->npts = zmap_set_p(adt->shared->npts, vmid, npt);
    return hs_with_shared(adt, s);
}

/* VRM BootOpsSpec: map_io_spec */
bool map_io_spec(hs_z vmid, hs_z gpa, hs_z pa, const struct RData *adt, const struct RData **out)
{
    if (!is_vmid(vmid) || !is_addr(gpa) || !is_addr(pa))
        return false; /* rely: a VM id and two addresses */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    hs_z ptid = hs_z_add(NPT_ID, vmid);
    /* the step takes the VM info, s2page and VM table locks: all free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse || hs_lock_of(adt, ptid) != LockFalse)
        return false;
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    struct pull sp, pp;
    pull_of(adt, S2PAGE_ID, &sp);
    pull_of(adt, ptid, &pp);
    if (!ends_released(cpu, sp.orac_l0) || !ends_released(cpu, pp.orac_l0))
        return false;
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    const struct NPT *npt = CalNPT(hs_npt_of(adt, vmid), pp.orac);
    hs_z state = st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: the VM state is a 32-bit value */
    /* only a VM still being set up may get device mappings: else halt */
    if (!hs_z_eqb(state, READY)) {
        *out = hs_vminfo_halt(adt, &st);
        return true;
    }
    hs_z pfn = hs_z_div(pa, PAGE_SIZE);
    hs_z pte = hs_z_lor(phys_page(pa), hs_z_lor(PAGE_S2_DEVICE, S2_RDWR));
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner))
        return false; /* rely: the owner is a 32-bit value */
    if (!hs_z_eqb(page->s2_owner, INVALID)) {
        /* memory someone owns is not mapped as a device: only s2page published */
        const struct RData *a = bo_with_tables(adt, vmid, s2p, NULL);
        a = hs_with_lock(hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p)),
                         S2PAGE_ID, LockFalse);
        *out = hs_vminfo_commit(a, &st, st.info);
        return true;
    }
    bool h;
    const struct NPT *npt2;
    if (!local_mmap(vmid, gpa, 3, pte, npt, &h, &npt2))
        return false;
    const struct RData *a = bo_with_tables(adt, vmid, s2p, npt2);
    if (h) {
        /* halted inside the step: the three locks stay held, nothing published */
        a = hs_with_lock(hs_with_log(a, S2PAGE_ID, sp.log1), S2PAGE_ID, LockOwnTrue);
        a = hs_with_lock(hs_with_log(a, ptid, pp.log1), ptid, LockOwnTrue);
        *out = hs_vminfo_halt(a, &st);
        return true;
    }
    a = hs_with_lock(hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p)), S2PAGE_ID,
                     LockFalse);
    a = hs_with_lock(hs_with_log(a, ptid, pull_released(cpu, &pp, ONPT, npt2)), ptid, LockFalse);
    *out = hs_vminfo_commit(a, &st, st.info);
    return true;
}

/* ---- the s2page accessors of PageManager, for the buffer specs ---- */

/* The s2page entry of pfn. */
static const struct S2Page *s2page_of(const struct RData *adt, hs_z pfn)
{
    return zmap_get_p(adt->shared->s2page, pfn);
}

/* adt {shared: {s2page: # pfn == page}} */
static const struct RData *with_s2page(const struct RData *adt, hs_z pfn,
                                       const struct S2Page *page)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = zmap_set_p(adt->shared->s2page, pfn, page);
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

/* VRM PageManagerSpec: get_pfn_owner_spec */
static bool get_pfn_owner_specx(hs_z pfn, const struct RData *adt, hs_z *ret)
{
    if (!is_gfn(pfn))
        return false; /* rely: a frame number */
    /* a halted machine answers 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    /* the s2page lock must be held for writing */
    if (hs_lock_of(adt, S2PAGE_ID) != LockOwnTrue)
        return false;
    hs_z owner = s2page_of(adt, pfn)->s2_owner;
    if (!is_int(owner))
        return false; /* rely: a 32-bit owner */
    *ret = owner;
    return true;
}

/* The field of an S2Page a PageManager setter writes. */
enum s2page_field { S2_OWNER, S2_COUNT, S2_GFN };

/* The body the PageManager setters share: field f of pfn's record set to v
 * under the s2page lock, with rely on v when given; a halted machine and a
 * page owned by nobody (INVALID) are left alone. */
static bool set_pfn_field(hs_z pfn, enum s2page_field f, hs_z v, bool (*rely)(hs_z),
                          const struct RData *adt, const struct RData **out)
{
    if (!is_gfn(pfn))
        return false; /* rely: a frame number */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (hs_lock_of(adt, S2PAGE_ID) != LockOwnTrue)
        return false; /* the s2page lock must be held for writing */
    const struct S2Page *page = s2page_of(adt, pfn);
    /* a page owned by nobody (INVALID) is left alone */
    if (hs_z_eqb(page->s2_owner, INVALID)) {
        *out = adt;
        return true;
    }
    if (rely && !rely(v))
        return false;
    struct S2Page *p = S2Page_copy(page);
    if (f == S2_OWNER)
        p->s2_owner = v;
    else if (f == S2_COUNT)
        p->s2_count = v;
    else
        p->s2_gfn = v;
    *out = with_s2page(adt, pfn, p);
    return true;
}

/* VRM PageManagerSpec: set_pfn_owner_spec */
static bool set_pfn_owner_specx(hs_z pfn, hs_z vmid, const struct RData *adt,
                                const struct RData **out)
{
    /* rely: the new owner is a VM or the host */
    return set_pfn_field(pfn, S2_OWNER, vmid, is_vmid, adt, out);
}

/* VRM PageManagerSpec: set_pfn_count_spec */
static bool set_pfn_count_specx(hs_z pfn, hs_z count, const struct RData *adt,
                                const struct RData **out)
{
    return set_pfn_field(pfn, S2_COUNT, count, NULL, adt, out);
}

/* VRM PageManagerSpec: set_pfn_map_spec */
static bool set_pfn_map_specx(hs_z pfn, hs_z gfn, const struct RData *adt,
                              const struct RData **out)
{
    return set_pfn_field(pfn, S2_GFN, gfn, NULL, adt, out);
}

/* VRM BootOpsSpec: save_encrypt_buf_spec */
bool save_encrypt_buf_spec(hs_z vmid, hs_z inbuf, hs_z outbuf, const struct RData *adt,
                           const struct RData **out)
{
    hs_z inpfn = hs_z_div(inbuf, PAGE_SIZE);
    hs_z outpfn = hs_z_div(outbuf, PAGE_SIZE);
    const struct RData *adt1, *adt2;
    hs_z inowner, outowner;
    if (!acquire_lock_s2page_spec(adt, &adt1))
        return false;
    if (!get_pfn_owner_specx(inpfn, adt1, &inowner))
        return false;
    if (!is_int(inowner))
        return false; /* rely: a 32-bit owner */
    if (!get_pfn_owner_specx(outpfn, adt1, &outowner))
        return false;
    if (!is_int(outowner))
        return false; /* rely: a 32-bit owner */
    if (hs_z_eqb(inowner, vmid) && hs_z_eqb(outowner, HOSTVISOR)) {
        if (!encrypt_mem_buf_spec(vmid, inbuf, outbuf, adt1, &adt2))
            return false;
        return release_lock_s2page_spec(adt2, out);
    }
    /* the source must be the VM's and the target the host's: panic, then release */
    if (!panic_spec(adt1, &adt2))
        return false;
    return release_lock_s2page_spec(adt2, out);
}

/* load_decrypt_buf_spec with the VM lock held and the VM ready: the frame
 * moves from the host to the VM under the s2page lock, then is decrypted. */
static bool load_decrypt_buf_ready(hs_z vmid, hs_z inbuf, hs_z pfn, const struct RData *adt1,
                                   const struct RData **out)
{
    const struct RData *adt2, *adt3, *adt4, *adt5, *adt6, *adt7, *adt8;
    hs_z owner;
    if (!acquire_lock_s2page_spec(adt1, &adt2))
        return false;
    if (!get_pfn_owner_specx(pfn, adt2, &owner))
        return false;
    if (!is_int(owner))
        return false; /* rely: a 32-bit owner */
    if (!hs_z_eqb(owner, HOSTVISOR)) {
        /* only a host page can be handed to the VM: panic, then release both locks */
        if (!panic_spec(adt2, &adt3))
            return false;
        if (!release_lock_s2page_spec(adt3, &adt4))
            return false;
        return release_lock_vm_spec(vmid, adt4, out);
    }
    if (!set_pfn_owner_specx(pfn, vmid, adt2, &adt3))
        return false;
    if (!set_pfn_count_specx(pfn, 0, adt3, &adt4))
        return false;
    if (!set_pfn_map_specx(pfn, INVALID64, adt4, &adt5))
        return false;
    if (!clear_pfn_host_spec(pfn, adt5, &adt6))
        return false;
    if (!decrypt_mem_buf_spec(vmid, inbuf, adt6, &adt7))
        return false;
    if (!release_lock_s2page_spec(adt7, &adt8))
        return false;
    return release_lock_vm_spec(vmid, adt8, out);
}

/* VRM BootOpsSpec: load_decrypt_buf_spec */
bool load_decrypt_buf_spec(hs_z vmid, hs_z inbuf, const struct RData *adt,
                           const struct RData **out)
{
    const struct RData *adt1, *adt2;
    hs_z state;
    if (!acquire_lock_vm_spec(vmid, adt, &adt1))
        return false;
    hs_z pfn = hs_z_div(inbuf, PAGE_SIZE);
    if (!get_vm_state_spec(vmid, adt1, &state))
        return false;
    if (!is_int(state))
        return false; /* rely: a 32-bit state */
    if (hs_z_eqb(state, READY))
        return load_decrypt_buf_ready(vmid, inbuf, pfn, adt1, out);
    /* only a ready VM takes a buffer: panic, then release */
    if (!panic_spec(adt1, &adt2))
        return false;
    return release_lock_vm_spec(vmid, adt2, out);
}

/* ---- verify_and_load_images and the BootAux step it runs ---- */

/* The position unmap_and_load_loop carries: the block start, the target
 * and remap addresses, and the state. */
struct unmap_pos {
    hs_z start, target, remap;
    const struct RData *adt;
};

/* One step of unmap_and_load_loop from pos; false is None. */
static bool unmap_and_load_step(hs_z vmid, struct unmap_pos *pos)
{
    hs_z start = pos->start, target = pos->target, remap = pos->remap;
    if (!is_addr(start) || !is_addr(target) || !is_addr(remap))
        return false; /* rely: the three addresses are in the address space */
    if (!hs_z_geb(hs_z_add(start, PMD_SIZE), target))
        return false; /* rely: the target lies within the block */
    const struct RData *adt1, *adt2;
    hs_z pte;
    if (!walk_s2pt_spec(COREVISOR, remap, pos->adt, &adt1, &pte))
        return false;
    if (!is_int64(pte))
        return false; /* rely: a 64-bit entry */
    hs_z pfn = hs_z_mul(hs_z_div(phys_page(pte), PMD_SIZE), PTRS_PER_PMD);
    hs_z gfn = hs_z_div(start, PAGE_SIZE);
    if (hs_z_eqb(pfn, 0)) {
        /* the image is not remapped there: panic */
        if (!panic_spec(adt1, &adt2))
            return false;
    } else {
        if (!prot_and_map_vm_s2pt_spec(vmid, hs_z_mul(gfn, PAGE_SIZE), hs_z_mul(pfn, PAGE_SIZE),
                                       2, adt1, &adt2))
            return false;
    }
    hs_z next = hs_z_add(start, PMD_SIZE);
    pos->start = next;
    pos->target = next;
    pos->remap = hs_z_add(remap, hs_z_sub(next, target));
    pos->adt = adt2;
    return true;
}

/* VRM BootAuxSpec: unmap_and_load_loop */
static bool unmap_and_load_loop(hs_z n, hs_z vmid, struct unmap_pos *pos)
{
    /* the recursion runs its steps from the base case up: a loop of n steps */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1))
        if (!unmap_and_load_step(vmid, pos))
            return false;
    return true;
}

/* VRM BootAuxSpec: unmap_and_load_vm_image_spec */
static bool unmap_and_load_vm_image_specx(hs_z vmid, hs_z target_addr, hs_z remap_addr,
                                          hs_z num, const struct RData *adt,
                                          const struct RData **out)
{
    if (!is_addr(target_addr) || !is_addr(remap_addr) || !is_gfn(num) || !is_vm(vmid))
        return false; /* rely: two addresses, a page count and a VM */
    hs_z start = hs_z_mul(hs_z_div(target_addr, PMD_SIZE), PMD_SIZE);
    hs_z end = hs_z_add(target_addr, hs_z_mul(num, PAGE_SIZE));
    if (!hs_z_geb(end, start))
        return false; /* rely: the image ends after its first block starts */
    hs_z blocks = hs_z_div(hs_z_add(hs_z_sub(end, start), 2097151), PMD_SIZE);
    if (!is_int64(blocks))
        return false; /* rely: a 64-bit block count */
    struct unmap_pos pos = { start, target_addr, remap_addr, adt };
    if (!unmap_and_load_loop(blocks, vmid, &pos))
        return false;
    if (!is_int64(pos.start) || !is_int64(pos.target) || !is_int64(pos.remap))
        return false; /* rely: the final addresses are 64-bit */
    *out = pos.adt;
    return true;
}

/* One step of verify_and_load_loop: load image *idx and verify it; false is None. */
static bool verify_and_load_step(hs_z vmid, hs_z *idx, const struct RData **adt)
{
    hs_z i = *idx;
    if (!is_load_idx(i))
        return false; /* rely: an image index */
    hs_z load_addr, remap_addr, mapped, valid;
    if (!get_vm_load_addr_spec(vmid, i, *adt, &load_addr))
        return false;
    if (!get_vm_remap_addr_spec(vmid, i, *adt, &remap_addr))
        return false;
    if (!get_vm_mapped_pages_spec(vmid, i, *adt, &mapped))
        return false;
    if (!is_addr(load_addr) || !is_addr(remap_addr) || !is_addr(mapped))
        return false; /* rely: the image's addresses and count are in range */
    const struct RData *adt1, *adt2;
    if (!unmap_and_load_vm_image_specx(vmid, load_addr, remap_addr, mapped, *adt, &adt1))
        return false;
    if (!verify_image_spec(vmid, remap_addr, adt1, &valid))
        return false;
    if (!is_int(valid))
        return false; /* rely: a 32-bit verdict */
    if (hs_z_eqb(valid, 0)) {
        /* a bad signature: panic */
        if (!panic_spec(adt1, &adt2))
            return false;
    } else {
        adt2 = adt1;
    }
    *idx = hs_z_add(i, 1);
    *adt = adt2;
    return true;
}

/* VRM BootOpsSpec: verify_and_load_loop */
static bool verify_and_load_loop(hs_z n, hs_z vmid, hs_z load_idx, const struct RData *adt,
                                 hs_z *idx_out, const struct RData **adt_out)
{
    /* the recursion runs its steps from the base case up: a loop of n steps */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1))
        if (!verify_and_load_step(vmid, &load_idx, &adt))
            return false;
    *idx_out = load_idx;
    *adt_out = adt;
    return true;
}

/* VRM BootOpsSpec: verify_and_load_images_spec */
bool verify_and_load_images_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    const struct RData *adt1, *adt2, *adt3;
    hs_z state, cnt, idx;
    if (!acquire_lock_vm_spec(vmid, adt, &adt1))
        return false;
    if (!get_vm_state_spec(vmid, adt1, &state))
        return false;
    if (!is_int(state))
        return false; /* rely: a 32-bit state */
    if (!hs_z_eqb(state, READY)) {
        /* only a ready VM is verified: panic, then release */
        if (!panic_spec(adt1, &adt2))
            return false;
        return release_lock_vm_spec(vmid, adt2, out);
    }
    if (!get_vm_next_load_idx_spec(vmid, adt1, &cnt))
        return false;
    if (!is_int(cnt))
        return false; /* rely: a 32-bit count */
    /* Z.to_nat: a negative count runs no step */
    if (!verify_and_load_loop(hs_z_max(cnt, 0), vmid, 0, adt1, &idx, &adt2))
        return false;
    if (!is_int(idx))
        return false; /* rely: a 32-bit index */
    if (!set_vm_state_spec(vmid, VERIFIED, adt2, &adt3))
        return false;
    return release_lock_vm_spec(vmid, adt3, out);
}
