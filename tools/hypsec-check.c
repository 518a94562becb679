/* hypsec-check: run the refinement oracle over the layers of the registry, or
 * replay test vectors. Exit status: 0 when no check failed, 1 on failures,
 * 2 on usage errors and unreadable vectors. The command line itself is
 * hypsec_main (src/check/cli.c), shared with the refinement tests that
 * hypsec_add_refinement_test builds. */
#include "hypsec/cli.h"
#include "hypsec/prim.h"

int main(int argc, char **argv)
{
    const struct hypsec_cli cli = {"hypsec-check", NULL, hs_register_impls};
    return hypsec_main(argc, argv, &cli);
}
