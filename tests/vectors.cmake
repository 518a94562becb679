# Replay of the vectors generated from the Coq extraction (vectors/*.jsonl,
# scripts/regen-vectors), label "vectors". A layer with a refinement oracle
# (src/check/<Layer>.c) replays through hypsec-check --replay: the C spec
# against the expected outcome, then the implementation where the spec is
# SOME. The others (AbstractMachine, Locks) replay through the C spec only
# (tests/vector_spec_replay.c). With coqc and ocamlfind installed, the
# committed vectors are also checked against a fresh extraction.
add_executable(vector-spec-replay ${CMAKE_CURRENT_SOURCE_DIR}/vector_spec_replay.c)
target_link_libraries(vector-spec-replay PRIVATE hypsec-impl hypsec-spec)

file(GLOB HS_VECTOR_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/vectors/*.jsonl)
foreach(file ${HS_VECTOR_FILES})
  get_filename_component(layer ${file} NAME_WE)
  if(EXISTS ${CMAKE_SOURCE_DIR}/src/check/${layer}.c)
    set(tool hypsec-check)
    add_test(NAME vectors.${layer} COMMAND hypsec-check --replay ${file})
    # the C spec alone, independently of the implementation
    add_test(NAME vectors.spec.${layer} COMMAND vector-spec-replay ${file})
    set_tests_properties(vectors.spec.${layer} PROPERTIES LABELS vectors TIMEOUT 1800)
  else()
    set(tool vector-spec-replay)
    add_test(NAME vectors.${layer} COMMAND vector-spec-replay ${file})
  endif()
  # an altered expected value fails naming file:line; a cut line is one error line
  add_test(NAME vectors.tamper.${layer}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/vectors_tamper.py
            $<TARGET_FILE:${tool}> ${file} ${CMAKE_CURRENT_BINARY_DIR}/vectors-tamper)
  set_tests_properties(vectors.${layer} vectors.tamper.${layer}
    PROPERTIES LABELS vectors TIMEOUT 1800)
endforeach()

find_program(HS_COQC coqc)
find_program(HS_OCAMLFIND ocamlfind)
if(HS_COQC AND HS_OCAMLFIND AND HS_VECTOR_FILES)
  add_test(NAME vectors.regen_check
    COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/regen-vectors --check
            --cache ${CMAKE_BINARY_DIR}/vecgen-cache)
  # the extracted model against hand-computed outcomes, the driver's input
  # errors, the generator's determinism and --check on a tampered copy
  add_test(NAME vectors.vecgen
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/vecgen_test.py ${CMAKE_SOURCE_DIR}
            ${CMAKE_BINARY_DIR}/vecgen-cache ${CMAKE_CURRENT_BINARY_DIR}/vecgen-work)
  set_tests_properties(vectors.regen_check vectors.vecgen PROPERTIES LABELS "vectors;coq"
    TIMEOUT 1800 RESOURCE_LOCK vecgen-cache)
endif()
