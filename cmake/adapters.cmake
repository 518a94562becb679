# Per-layer adapter libraries: libhypsec-adapter-<L>.a gives, under their
# SeKVM names and C signatures, every primitive of the interface of the layer
# below L (src/interfaces.tbl), each running its spec on the current state,
# plus hypsec_register_<L>(), the registration of a user's implementation of
# L's fresh primitives. They are what hypsec_add_refinement_test links; never
# part of libhypsec-spec itself.
#
# scripts/genprims.py decides which layers have an adapter (every primitive of
# the lower interface must have a spec in src/prims.tbl) and lists the others
# in gen/adapters-missing.txt; it runs once at configure time so that the
# targets are known, and CMake configures again when a table changes.

set(HS_TABLES ${CMAKE_SOURCE_DIR}/src/prims.tbl ${CMAKE_SOURCE_DIR}/src/interfaces.tbl
    ${CMAKE_SOURCE_DIR}/src/layers.tbl)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${HS_TABLES} ${CMAKE_SOURCE_DIR}/scripts/genprims.py)

execute_process(
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/genprims.py
          ${CMAKE_SOURCE_DIR}/src/prims.tbl ${HS_GEN}
  RESULT_VARIABLE hs_genprims_rc
  ERROR_VARIABLE hs_genprims_err)
if(NOT hs_genprims_rc EQUAL 0)
  message(FATAL_ERROR "scripts/genprims.py failed:\n${hs_genprims_err}")
endif()
include(${HS_GEN}/adapters.cmake)

foreach(layer ${HYPSEC_BLOCKED_LAYERS})
  list(LENGTH HYPSEC_MISSING_${layer} hs_nmissing)
  message(STATUS "hypsec adapter ${layer}: blocked, ${hs_nmissing} primitives of "
                 "${HYPSEC_LOWER_${layer}} without a spec (gen/adapters-missing.txt)")
endforeach()

set(HS_ADAPTER_TARGETS)
set(HS_ADAPTER_OUT)
foreach(layer ${HYPSEC_ADAPTER_LAYERS})
  list(APPEND HS_ADAPTER_OUT ${HS_GEN}/adapters/${layer}.c ${HS_GEN}/adapters/${layer}_register.c)
endforeach()

if(HS_ADAPTER_OUT)
  # After hs_gen, so that the two runs of the generator never write at once.
  add_custom_command(
    OUTPUT ${HS_ADAPTER_OUT}
    COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/genprims.py
            ${CMAKE_SOURCE_DIR}/src/prims.tbl ${HS_GEN}
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/genprims.py ${HS_TABLES} hs_gen
    COMMENT "Generating the adapters of ${HYPSEC_ADAPTER_LAYERS}")
endif()

foreach(layer ${HYPSEC_ADAPTER_LAYERS})
  set(t hypsec-adapter-${layer})
  add_library(${t} STATIC ${HS_GEN}/adapters/${layer}.c ${HS_GEN}/adapters/${layer}_register.c)
  add_dependencies(${t} hs_gen)
  target_include_directories(${t} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${HS_GEN}>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${t} PUBLIC hypsec-spec-shared)
  set_target_properties(${t} PROPERTIES EXPORT_NAME adapter-${layer})
  list(APPEND HS_ADAPTER_TARGETS ${t})
endforeach()
