/* Layer MmioRaw: the spec of smmu_init_pte (an SMMU page-table entry built
 * from a physical address and its protection bits). */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* VRM MmioRawSpec: smmu_init_pte_spec */
bool smmu_init_pte_spec(hs_z prot, hs_z addr, const struct RData *adt, hs_z *ret)
{
    (void)adt;
    if (!is_addr(addr) || !hs_z_ltb(prot, 9223372036854775807LL))
        return false; /* rely: an address and protection bits below 2^63 - 1 */
    /* the entry is always marked accessed and inner shareable */
    *ret = hs_z_lor(addr, hs_z_lor(prot, PTE_AF_OR_SH_IS));
    return true;
}
