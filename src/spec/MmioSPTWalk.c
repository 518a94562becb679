/* Layer MmioSPTWalk: the specs of dev_load_ref and dev_store_ref (a guest's
 * access to an emulated device register, passed on to the machine's raw
 * device access). */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* VRM MmioSPTWalkSpec: dev_load_ref_spec */
bool dev_load_ref_spec(hs_z gfn, hs_z reg, hs_z cbndx, hs_z index, const struct RData *adt,
                       const struct RData **out)
{
    /* the access is the raw one of the machine below */
    return dev_load_raw_spec(gfn, reg, cbndx, index, adt, out);
}

/* VRM MmioSPTWalkSpec: dev_store_ref_spec */
bool dev_store_ref_spec(hs_z gfn, hs_z reg, hs_z cbndx, hs_z index, const struct RData *adt,
                        const struct RData **out)
{
    /* the access is the raw one of the machine below */
    return dev_store_raw_spec(gfn, reg, cbndx, index, adt, out);
}
