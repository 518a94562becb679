/* The command line of the refinement oracle, shared by hypsec-check and by
 * the refinement tests that hypsec_add_refinement_test builds: option
 * parsing, the run over the selected layers, replay, and the reports. */
#ifndef HYPSEC_CLI_H
#define HYPSEC_CLI_H

/* Who runs the command line. */
struct hypsec_cli {
    const char *prog;             /* the program's name in usage, messages and replay hints */
    const char *layer;            /* NULL: every layer of the registry; else the only layer */
    void (*register_impls)(void); /* installs the implementations under test (hs_prim_set_impl) */
};

/* Runs the oracle as argv asks (the options of hypsec-check --help); the exit status: 0 no failure, 1 a check failed, 2 usage error or bad vector. */
int hypsec_main(int argc, char **argv, const struct hypsec_cli *cli);

#endif
