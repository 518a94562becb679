# Tests of the installed library (label install, tests/install/): install into
# a temporary prefix (moved afterwards: relocatable), a plain cc program built
# with pkg-config, the out-of-tree example built with find_package and run,
# the example with a planted bug (must fail with a diff), the configure-time
# message of a blocked layer, the exported symbols against docs/api.md, and
# the adapter generator (install.adapter).
# Not when cross-compiling or sanitizing: the example and plain.c are built
# and run natively, without the sanitizers' runtime.
if(NOT CMAKE_CROSSCOMPILING AND NOT HS_SANITIZE)
  set(HS_INSTALL_TEST ${CMAKE_CURRENT_SOURCE_DIR}/install/install_test.py ${CMAKE_COMMAND}
      ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/install-work)
  add_test(NAME install.prefix COMMAND Python3::Interpreter ${HS_INSTALL_TEST} prefix)
  set_tests_properties(install.prefix PROPERTIES LABELS install FIXTURES_SETUP hs_installed)
  foreach(case pkgconfig static blocked_message example example_bug layers)
    add_test(NAME install.${case} COMMAND Python3::Interpreter ${HS_INSTALL_TEST} ${case})
    set_tests_properties(install.${case} PROPERTIES LABELS install
      FIXTURES_REQUIRED hs_installed SKIP_RETURN_CODE 77 TIMEOUT 900)
  endforeach()
  add_test(NAME install.exports
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/install/check_exports.py
            $<TARGET_FILE:hypsec-spec-shared> ${CMAKE_SOURCE_DIR}/docs/api.md
            ${CMAKE_SOURCE_DIR}/src/prims.tbl ${CMAKE_SOURCE_DIR}/src/layers.tbl)
  set_tests_properties(install.exports PROPERTIES LABELS install)
  # the adapter generator, and a generated adapter run end to end on reduced tables
  add_test(NAME install.adapter
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/install/adapter_test.py
            ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/gen $<TARGET_FILE:hypsec-spec>
            ${CMAKE_CURRENT_BINARY_DIR}/adapter-work ${CMAKE_C_COMPILER})
  set_tests_properties(install.adapter PROPERTIES LABELS install TIMEOUT 900)
endif()
