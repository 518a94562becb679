# The EL2 core (option HS_EL2), included by the top-level CMakeLists.txt:
# el2/ is built as a project of its own with the AArch64 toolchain (whatever
# this build's own compiler is), and ctest boots its images under
# qemu-system-aarch64 (label el2):
#   el2-core          the core on cortex-a57: every vector agrees, >= 1000
#                     replayed, >= 1000 hardware translations, no mismatch
#   el2-core-corrupt  the test-only image that overwrites one stage-2 entry:
#                     it must report that translation and fail
#   el2-core-vcpu-bug the test-only image whose restore_sysregs forgets
#                     far_el2: the vCPU vectors must catch it there only
#   el2-core-max      the core on -cpu max (48-bit IPAs: the hardware check
#                     reaches the IPAs above cortex-a57's 44 bits)
#   el2-core-exception  the test-only image that reads an unmapped address:
#                     the EL2 vectors report ESR/ELR/FAR and exit with 4
#   el2-core-wrong-el the core on a board without virtualization (entered at
#                     EL1): it refuses to run (exit 3)
include(ExternalProject)
find_program(HS_QEMU_SYSTEM_AARCH64 qemu-system-aarch64 REQUIRED)
set(HS_EL2_BUILD ${CMAKE_BINARY_DIR}/el2)
ExternalProject_Add(el2
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/el2
  BINARY_DIR ${HS_EL2_BUILD}
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake
             -DHS_SOURCE_DIR=${CMAKE_SOURCE_DIR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND "")

set(HS_EL2_CHECK ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/el2/tools/el2_check.py
    --qemu ${HS_QEMU_SYSTEM_AARCH64} --expected ${HS_EL2_BUILD}/el2_expected.txt --timeout 600)
add_test(NAME el2-core COMMAND ${HS_EL2_CHECK} --cpu cortex-a57
  --image ${HS_EL2_BUILD}/hypsec-el2-image.elf --log ${HS_EL2_BUILD}/el2-core.log)
add_test(NAME el2-core-corrupt COMMAND ${HS_EL2_CHECK} --cpu cortex-a57 --expect-corruption
  --image ${HS_EL2_BUILD}/hypsec-el2-corrupt-image.elf --log ${HS_EL2_BUILD}/el2-core-corrupt.log)
add_test(NAME el2-core-vcpu-bug COMMAND ${HS_EL2_CHECK} --cpu cortex-a57 --expect-vcpu-bug far_el2
  --image ${HS_EL2_BUILD}/hypsec-el2-vcpu-bug-image.elf --log ${HS_EL2_BUILD}/el2-core-vcpu-bug.log)
add_test(NAME el2-core-max COMMAND ${HS_EL2_CHECK} --cpu max
  --image ${HS_EL2_BUILD}/hypsec-el2-image.elf --log ${HS_EL2_BUILD}/el2-core-max.log)
add_test(NAME el2-core-exception COMMAND ${HS_EL2_CHECK} --expect-exception 0x123456789000
  --image ${HS_EL2_BUILD}/hypsec-el2-exception-image.elf)
add_test(NAME el2-core-wrong-el COMMAND ${HS_EL2_CHECK} --no-virtualization --expect-wrong-el
  --image ${HS_EL2_BUILD}/hypsec-el2-image.elf)
set_tests_properties(el2-core el2-core-corrupt el2-core-vcpu-bug el2-core-max el2-core-exception
  el2-core-wrong-el
  PROPERTIES LABELS el2 TIMEOUT 900)
