/* The stage-2 fault path below VCPUOpsAux as SeKVM's C does it (VRM
 * MemoryOpsCode: prot_and_map_vm_s2pt; MemManagerCode: assign_pfn_to_vm,
 * map_pfn_vm), over the PageManager accessors of the s2page records, the
 * s2page lock, the data-oracle copy into flat memory, and the image's own
 * NPTOps implementation (clear_pfn_host, map_s2pt) on the real pools.
 *
 * The s2page records and the flat memory are keyed by page frame; a frame
 * space of 2^28 pages does not fit the image, so both are open-addressing
 * tables of EL2_PAGE_SLOTS frames (el2.h): a frame that is not in a table
 * holds the empty record (owner 0, count 0, gfn 0) or the word 0. */
#include "el2.h"
#include "hypsec/sekvm.h"

static struct page_tables pt_;

struct page_tables *page_tables(void)
{
    return &pt_;
}

void pages_reset(void)
{
    memset(&pt_, 0, sizeof pt_);
}

/* ---- the tables ---- */

/* The slot of pfn in a table of keys (pfn + 1; 0 is a free slot): its own,
 * or the free one where it goes; -1 when the table is full. */
static long slot_of(const u64 *keys, u64 pfn)
{
    u64 h = (pfn * 0x9e3779b97f4a7c15ULL) >> 52;
    for (u64 i = 0; i < EL2_PAGE_SLOTS; i++) {
        u64 s = (h + i) % EL2_PAGE_SLOTS;
        if (keys[s] == pfn + 1 || keys[s] == 0)
            return (long)s;
    }
    return -1;
}

/* The s2page record of pfn for reading (the empty record when absent). */
static const struct el2_s2page *s2page_get(u64 pfn)
{
    static const struct el2_s2page empty;
    long s = slot_of(pt_.s2page_key, pfn);
    if (s < 0 || pt_.s2page_key[s] == 0)
        return &empty;
    return &pt_.s2page[s];
}

/* The s2page record of pfn for writing (made when absent). */
static struct el2_s2page *s2page_put(const char *prim, u64 pfn)
{
    long s = slot_of(pt_.s2page_key, pfn);
    if (s < 0)
        am_stuck(prim, "the s2page table of the image is full");
    if (pt_.s2page_key[s] == 0) {
        pt_.s2page_key[s] = pfn + 1;
        memset(&pt_.s2page[s], 0, sizeof pt_.s2page[s]);
    }
    return &pt_.s2page[s];
}

bool el2_s2page_set(u64 pfn, u64 owner, u64 count, u64 gfn)
{
    long s = slot_of(pt_.s2page_key, pfn);
    if (s < 0)
        return false;
    pt_.s2page_key[s] = pfn + 1;
    pt_.s2page[s].owner = owner;
    pt_.s2page[s].count = count;
    pt_.s2page[s].gfn = gfn;
    return true;
}

bool el2_flatmem_set(u64 pfn, u64 value)
{
    long s = slot_of(pt_.flat_key, pfn);
    if (s < 0)
        return false;
    pt_.flat_key[s] = pfn + 1;
    pt_.flat[s] = value;
    return true;
}

u64 el2_flatmem_get(u64 pfn)
{
    long s = slot_of(pt_.flat_key, pfn);
    if (s < 0 || pt_.flat_key[s] == 0)
        return 0;
    return pt_.flat[s];
}

const struct el2_s2page *el2_s2page_get(u64 pfn)
{
    return s2page_get(pfn);
}

/* ---- Locks: the s2page lock ---- */

/* VRM LocksSpec: acquire_lock_s2page_spec */
void acquire_lock_s2page(void)
{
    if (am_state()->halt)
        return;
    am_lock_take("acquire_lock_s2page", S2PAGE_ID);
}

/* VRM LocksSpec: release_lock_s2page_spec */
void release_lock_s2page(void)
{
    if (am_state()->halt)
        return;
    am_lock_give("release_lock_s2page", S2PAGE_ID);
}

/* ---- PageManager ---- */

/* The relies of the accessors: a guest-sized frame and the s2page lock held. */
static void page_relies(const char *prim, u64 pfn)
{
    if (pfn >= KVM_GFN_SPACE)
        am_stuck(prim, "frame out of range");
    if (am_state()->lock[S2PAGE_ID] != EL2_LockOwnTrue)
        am_stuck(prim, "the s2page lock is not held");
}

/* VRM PageManagerSpec: get_pfn_owner_spec */
static u32 get_pfn_owner(u64 pfn)
{
    if (am_state()->halt)
        return 0;
    page_relies("get_pfn_owner", pfn);
    return (u32)s2page_get(pfn)->owner;
}

/* VRM PageManagerSpec: set_pfn_owner_spec */
static void set_pfn_owner(u64 pfn, u32 vmid)
{
    if (am_state()->halt)
        return;
    page_relies("set_pfn_owner", pfn);
    /* a page without an owner (INVALID) keeps its record */
    if (s2page_get(pfn)->owner == INVALID)
        return;
    s2page_put("set_pfn_owner", pfn)->owner = vmid;
}

/* VRM PageManagerSpec: get_pfn_count_spec */
static u32 get_pfn_count(u64 pfn)
{
    if (am_state()->halt)
        return 0;
    page_relies("get_pfn_count", pfn);
    return (u32)s2page_get(pfn)->count;
}

/* VRM PageManagerSpec: set_pfn_count_spec */
static void set_pfn_count(u64 pfn, u32 count)
{
    if (am_state()->halt)
        return;
    page_relies("set_pfn_count", pfn);
    if (s2page_get(pfn)->owner == INVALID)
        return;
    s2page_put("set_pfn_count", pfn)->count = count;
}

/* VRM PageManagerSpec: get_pfn_map_spec */
static u64 get_pfn_map(u64 pfn)
{
    if (am_state()->halt)
        return 0;
    page_relies("get_pfn_map", pfn);
    return s2page_get(pfn)->gfn;
}

/* VRM PageManagerSpec: set_pfn_map_spec */
static void set_pfn_map(u64 pfn, u64 gfn)
{
    if (am_state()->halt)
        return;
    page_relies("set_pfn_map", pfn);
    if (s2page_get(pfn)->owner == INVALID)
        return;
    s2page_put("set_pfn_map", pfn)->gfn = gfn;
}

/* ---- AbstractMachine: the data oracle's copy into flat memory ---- */

/* VRM AbstractMachineSpec: fetch_from_doracle_spec */
void fetch_from_doracle(u32 vmid, u64 pfn, u64 pgnum)
{
    struct vcpu_machine *m = vcpu_machine();
    if (am_state()->halt)
        return;
    if (vmid > COREVISOR || pfn >= KVM_PFN_SPACE || pgnum >= KVM_PFN_SPACE ||
        pfn + pgnum < 1 || pfn + pgnum - 1 >= KVM_PFN_SPACE)
        am_stuck("fetch_from_doracle", "vmid or frames out of range");
    /* page pfn + i gets the oracle's value at the log position logn + i */
    for (u64 i = 0; i < pgnum; i++) {
        if (!el2_flatmem_set(pfn + i, el2_data_oracle(m->doracle, vmid, m->data_log[vmid])))
            am_stuck("fetch_from_doracle", "the flat memory table of the image is full");
        m->data_log[vmid]++;
    }
}

/* ---- MemManager ---- */

/* VRM MemManagerCode: assign_pfn_to_vm */
static void assign_pfn_to_vm(u32 vmid, u64 gfn, u64 pfn)
{
    u64 map;
    u32 owner, count;

    acquire_lock_s2page();
    owner = get_pfn_owner(pfn);
    count = get_pfn_count(pfn);
    if (owner == HOSTVISOR) {
        /* a host page nobody shares becomes the guest's, with its contents */
        if (count == 0U) {
            clear_pfn_host(pfn);
            set_pfn_owner(pfn, vmid);
            set_pfn_map(pfn, gfn);
            fetch_from_doracle(vmid, pfn, 1UL);
        } else {
            panic();
        }
    } else if (owner == vmid) {
        /* the guest's own page: mapped again at its gfn */
        map = get_pfn_map(pfn);
        if (map == INVALID64 || gfn == map) {
            if (map == INVALID64)
                set_pfn_map(pfn, gfn);
            if (count == INVALID)
                set_pfn_count(pfn, 0U);
        } else {
            panic();
        }
    } else {
        panic();
    }
    release_lock_s2page();
}

/* VRM MemManagerCode: map_pfn_vm */
static void map_pfn_vm(u32 vmid, u64 addr, u64 pte, u32 level)
{
    u64 paddr, perm;

    paddr = pte & 0x0000FFFFFFFFFFFFUL & 0x0FFFFFFFFFFFF000UL;
    perm = PAGE_S2_KERNEL;
    if (level == 2U) {
        /* a block entry has the table bit cleared */
        pte = paddr | perm;
        pte = pte & NOT_PMD_TABLE_BIT;
        map_s2pt(vmid, addr, 2U, pte);
    } else {
        pte = paddr | perm;
        map_s2pt(vmid, addr, 3U, pte);
    }
}

/* ---- MemoryOps ---- */

/* VRM MemoryOpsCode: prot_and_map_vm_s2pt */
void prot_and_map_vm_s2pt(u32 vmid, u64 addr, u64 pte, u32 level)
{
    u64 target, pfn, gfn, num;

    target = pte & 0x0000FFFFFFFFFFFFUL & 0x0FFFFFFFFFFFF000UL;
    pfn = target / PAGE_SIZE;
    gfn = addr / PAGE_SIZE;
    if (level == 2U) {
        /* a 2MB block: the 512 frames from the block's first guest frame */
        gfn = (gfn / PTRS_PER_PMD) * PTRS_PER_PMD;
        num = PMD_PAGE_NUM;
        while (num > 0UL) {
            assign_pfn_to_vm(vmid, gfn, pfn);
            gfn = gfn + 1UL;
            pfn = pfn + 1UL;
            num = num - 1UL;
        }
    } else {
        assign_pfn_to_vm(vmid, gfn, pfn);
        level = 3U;
    }
    map_pfn_vm(vmid, addr, pte, level);
}
