# libhypsec-spec as an installable library (docs/using.md, docs/api.md):
# static and shared (libhypsec-spec.so.0 -> .so.0.1.0, exporting only the
# names of cmake/hypsec-spec.map), the public and generated headers, the
# adapters of cmake/adapters.cmake, hypsec-check, a pkg-config file and a
# relocatable CMake package with hypsec_add_refinement_test.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The shared library, from the same objects as the static one.
add_library(hypsec-spec-shared SHARED $<TARGET_OBJECTS:hypsec-spec-obj>)
target_include_directories(hypsec-spec-shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${HS_GEN}>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(hypsec-spec-shared PROPERTIES
  OUTPUT_NAME hypsec-spec
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  EXPORT_NAME spec
  LINK_DEPENDS ${CMAKE_SOURCE_DIR}/cmake/hypsec-spec.map)
target_link_options(hypsec-spec-shared PRIVATE
  -Wl,--version-script=${CMAKE_SOURCE_DIR}/cmake/hypsec-spec.map)
if(NOT HS_SANITIZE)
  # every reference resolved inside the library or libc (the sanitizers' runtime is not linked in)
  target_link_options(hypsec-spec-shared PRIVATE -Wl,--no-undefined)
endif()

target_include_directories(hypsec-spec PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(hypsec-spec PROPERTIES EXPORT_NAME spec-static)

set(HS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hypsec-spec)

install(TARGETS hypsec-spec hypsec-spec-shared ${HS_ADAPTER_TARGETS}
  EXPORT hypsec-spec-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS hypsec-check RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers, the generated prototypes, and the rename header of every layer.
# commlib.h, npt.h and vcpu.h are the specs' own helpers: not exported, not installed.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/hypsec
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h"
  PATTERN "commlib.h" EXCLUDE PATTERN "npt.h" EXCLUDE PATTERN "vcpu.h" EXCLUDE)
install(FILES ${HS_GEN}/hypsec/prims.h ${HS_GEN}/hypsec/sekvm.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hypsec)
install(DIRECTORY ${HS_GEN}/rename/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hypsec/rename FILES_MATCHING PATTERN "*.h")

install(EXPORT hypsec-spec-targets NAMESPACE hypsec:: DESTINATION ${HS_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/hypsec-specConfig.cmake.in
  ${CMAKE_BINARY_DIR}/hypsec-specConfig.cmake
  INSTALL_DESTINATION ${HS_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/hypsec-specConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${CMAKE_BINARY_DIR}/hypsec-specConfig.cmake
  ${CMAKE_BINARY_DIR}/hypsec-specConfigVersion.cmake
  ${CMAKE_SOURCE_DIR}/cmake/HypsecRefinementTest.cmake
  ${CMAKE_SOURCE_DIR}/cmake/hypsec-refinement-main.c.in
  ${HS_GEN}/adapters.cmake
  ${HS_GEN}/adapters-missing.txt
  DESTINATION ${HS_CMAKE_DIR})

# pkg-config: paths relative to the .pc file, so the prefix can move.
file(RELATIVE_PATH HS_PC_TO_PREFIX
  ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" HS_PC_TO_PREFIX "${HS_PC_TO_PREFIX}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/hypsec-spec.pc.in ${CMAKE_BINARY_DIR}/hypsec-spec.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/hypsec-spec.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
