/* Layer NPTOps, implementation: the stage-2 table operations under the VM's
 * table lock (VRM NPTOpsCode). */
#include "hypsec/sekvm.h"

/* VRM NPTOpsCode: get_level_s2pt */
u32 get_level_s2pt(u32 vmid, u64 addr)
{
    u32 ret;

    acquire_lock_pt(vmid);
    ret = get_npt_level(vmid, addr);
    release_lock_pt(vmid);
    return check(ret);
}

/* VRM NPTOpsCode: walk_s2pt */
u64 walk_s2pt(u32 vmid, u64 addr)
{
    u64 ret;

    acquire_lock_pt(vmid);
    ret = walk_npt(vmid, addr);
    release_lock_pt(vmid);
    return check64(ret);
}

/* VRM NPTOpsCode: map_s2pt */
void map_s2pt(u32 vmid, u64 addr, u32 level, u64 pte)
{
    acquire_lock_pt(vmid);
    set_npt(vmid, addr, level, pte);
    release_lock_pt(vmid);
}

/* VRM NPTOpsCode: clear_pfn_host */
void clear_pfn_host(u64 pfn)
{
    u32 level;

    acquire_lock_pt(0U);
    level = get_npt_level(0U, pfn * PAGE_SIZE);
    if (level != 0U)
        set_npt(0U, pfn * PAGE_SIZE, 3U, PAGE_GUEST);
    release_lock_pt(0U);
}
