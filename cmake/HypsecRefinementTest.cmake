# hypsec_add_refinement_test(<name> LAYER <L> SOURCES <file>... [ARGS <arg>...])
#
# Builds the executable <name> that checks an implementation of the fresh
# primitives of layer L (the C files SOURCES, in SeKVM's signatures, calling
# the primitives of the layer below through hypsec/sekvm.h) against L's spec,
# over libhypsec-spec's specs of the layer below (hypsec::adapter-<L>). The
# sources are compiled with -include hypsec/rename/<L>.h, which renames their
# definitions of L's primitives to hs_impl_NAME; hypsec_register_<L>()
# installs exactly those. The executable takes the options of hypsec-check
# (--count, --seed, --prim, --json, --replay, --vector-dir, --no-shrink,
# --help). It is also added as a test (add_test) run with ARGS.
#
# A layer whose lower interface still has a primitive without a spec in the
# library cannot be checked: the call then stops the configuration and names
# those primitives (adapters-missing.txt next to this file lists them all).

function(hypsec_add_refinement_test name)
  cmake_parse_arguments(PARSE_ARGV 1 HS "" "LAYER" "SOURCES;ARGS")
  set(where "hypsec_add_refinement_test(${name})")
  if(HS_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unexpected arguments: ${HS_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT HS_LAYER)
    message(FATAL_ERROR "${where}: LAYER <layer> is required")
  endif()
  if(NOT HS_SOURCES)
    message(FATAL_ERROR "${where}: SOURCES <file>... is required (the implementation of ${HS_LAYER})")
  endif()

  # HYPSEC_ADAPTER_LAYERS, HYPSEC_BLOCKED_LAYERS, HYPSEC_LOWER_<L>,
  # HYPSEC_FRESH_<L>, HYPSEC_MISSING_<L> of the installed library
  include(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/adapters.cmake)
  set(layer ${HS_LAYER})
  set(known ${HYPSEC_ADAPTER_LAYERS} ${HYPSEC_BLOCKED_LAYERS})
  if(NOT layer IN_LIST known)
    string(REPLACE ";" ", " names "${known}")
    message(FATAL_ERROR "${where}: no layer \"${layer}\" runs over a layer of libhypsec-spec "
                        "(layers: ${names})")
  endif()
  set(lower ${HYPSEC_LOWER_${layer}})
  if(layer IN_LIST HYPSEC_BLOCKED_LAYERS)
    list(LENGTH HYPSEC_MISSING_${layer} n)
    string(REPLACE ";" " " names "${HYPSEC_MISSING_${layer}}")
    message(FATAL_ERROR
      "${where}: layer ${layer} cannot be checked yet: ${n} primitives of the interface "
      "of ${lower} (the layer ${layer} runs over) have no spec in libhypsec-spec "
      "${hypsec-spec_VERSION}, so its adapter hypsec::adapter-${layer} does not exist. "
      "Missing: ${names}")
  endif()
  if(NOT HYPSEC_FRESH_${layer})
    message(FATAL_ERROR "${where}: layer ${layer} has no primitive an implementation can "
                        "provide in libhypsec-spec")
  endif()
  if(NOT TARGET hypsec::adapter-${layer})
    message(FATAL_ERROR "${where}: hypsec::adapter-${layer} is missing from the installed "
                        "package (reinstall libhypsec-spec)")
  endif()

  get_target_property(incs hypsec::spec INTERFACE_INCLUDE_DIRECTORIES)
  list(GET incs 0 inc)
  set(rename ${inc}/hypsec/rename/${layer}.h)
  if(NOT EXISTS ${rename})
    message(FATAL_ERROR "${where}: ${rename} is missing (reinstall libhypsec-spec)")
  endif()

  set(HS_NAME ${name})
  set(HS_LAYER ${layer})
  set(main ${CMAKE_CURRENT_BINARY_DIR}/${name}-main.c)
  configure_file(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/hypsec-refinement-main.c.in ${main} @ONLY)

  add_executable(${name} ${main} ${HS_SOURCES})
  # the forced include renames the definitions of the layer's primitives only
  target_compile_options(${name} PRIVATE -include ${rename})
  target_compile_features(${name} PRIVATE c_std_11)
  target_link_libraries(${name} PRIVATE hypsec::adapter-${layer})
  add_test(NAME ${name} COMMAND ${name} ${HS_ARGS})
endfunction()
