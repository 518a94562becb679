/* The layers the oracle knows, bottom to top; each src/check/<Layer>.c
 * provides its hs_check_<Layer>. */
#include <string.h>

#include "hypsec/check.h"

extern const struct hs_layer_check hs_check_PTAlloc, hs_check_PTWalk, hs_check_NPTWalk,
    hs_check_NPTOps;
extern const struct hs_layer_check hs_check_VCPUOpsAux, hs_check_VCPUOps, hs_check_CtxtSwitch;

const struct hs_layer_check *const hs_layer_checks[] = {
    &hs_check_PTAlloc,
    &hs_check_PTWalk,
    &hs_check_NPTWalk,
    &hs_check_NPTOps,
    &hs_check_VCPUOpsAux,
    &hs_check_VCPUOps,
    &hs_check_CtxtSwitch,
};

const int hs_nlayer_checks = (int)(sizeof hs_layer_checks / sizeof hs_layer_checks[0]);

const struct hs_layer_check *hs_layer_check_find(const char *layer)
{
    if (!layer)
        return NULL;
    for (int i = 0; i < hs_nlayer_checks; i++)
        if (strcmp(hs_layer_checks[i]->layer, layer) == 0)
            return hs_layer_checks[i];
    return NULL;
}
