# Cross-build determinism (label cross): hypsec-check prints the same figures
# on x86-64 and on AArch64. Enabled in the host build when it is given the
# directory of an AArch64 build (cmake/aarch64-linux-gnu.cmake):
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#   cmake --build build-arm64 -j2 --target hypsec-check
#   cmake -S . -B build -DHS_CROSS_BUILD_DIR=$PWD/build-arm64
# The test runs `hypsec-check --json --count 2000 --seed 7` of both builds,
# the AArch64 one under qemu-aarch64, and requires byte-identical output and
# the same exit status. This file is also the test's script (cmake -P).
# qemu-aarch64 (Debian qemu-user) must be installed.

if(CMAKE_SCRIPT_MODE_FILE)
  # Script mode: HOST_CHECK, CROSS_CHECK, RUN_AARCH64 (the launcher of the
  # AArch64 build: qemu-aarch64 with the right loader and libc) and WORK.
  set(args --json --count 2000 --seed 7 --vector-dir failures)
  if(NOT EXISTS "${CROSS_CHECK}")
    message(FATAL_ERROR "no AArch64 hypsec-check at ${CROSS_CHECK}: build it first "
            "(cmake --build <cross build dir> --target hypsec-check)")
  endif()
  # Each run in a directory of its own, so that any vector file path a
  # failure prints is the same relative path on both.
  file(REMOVE_RECURSE "${WORK}/x86-64" "${WORK}/aarch64")
  file(MAKE_DIRECTORY "${WORK}/x86-64" "${WORK}/aarch64")
  execute_process(COMMAND "${HOST_CHECK}" ${args}
    WORKING_DIRECTORY "${WORK}/x86-64"
    OUTPUT_FILE "${WORK}/x86-64.json" RESULT_VARIABLE host_rc)
  execute_process(COMMAND "${RUN_AARCH64}" "${CROSS_CHECK}" ${args}
    WORKING_DIRECTORY "${WORK}/aarch64"
    OUTPUT_FILE "${WORK}/aarch64.json" RESULT_VARIABLE cross_rc)
  file(READ "${WORK}/x86-64.json" host_out)
  file(READ "${WORK}/aarch64.json" cross_out)
  string(LENGTH "${host_out}" host_len)
  if(host_len EQUAL 0)
    message(FATAL_ERROR "hypsec-check printed nothing on x86-64 (exit ${host_rc})")
  endif()
  if(NOT host_out STREQUAL cross_out)
    message(FATAL_ERROR "hypsec-check --json differs between x86-64 and AArch64:\n"
            "  ${WORK}/x86-64.json\n  ${WORK}/aarch64.json")
  endif()
  if(NOT host_rc STREQUAL cross_rc)
    message(FATAL_ERROR "exit status ${host_rc} on x86-64, ${cross_rc} on AArch64")
  endif()
  message(STATUS "x86-64 and AArch64 agree byte for byte (${host_len} bytes, exit ${host_rc})")
  return()
endif()

if(NOT HS_CROSS_BUILD_DIR)
  return()
endif()
find_program(HS_QEMU_AARCH64 qemu-aarch64 REQUIRED)
add_test(NAME cross.determinism
  COMMAND ${CMAKE_COMMAND}
          -DHOST_CHECK=$<TARGET_FILE:hypsec-check>
          -DCROSS_CHECK=${HS_CROSS_BUILD_DIR}/hypsec-check
          -DRUN_AARCH64=${CMAKE_SOURCE_DIR}/cmake/aarch64-run.sh
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/cross-work
          -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(cross.determinism PROPERTIES LABELS cross TIMEOUT 1800)
