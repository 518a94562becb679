# Command-line tests of hypsec-check (label cli): usage errors, the --json
# shape, and replay of good and malformed vector files (tests/data/cli).
set(HS_CLI_CASES
  help unknown_layer unknown_prim prim_not_in_layer bad_numbers e2e_without_stack
  json json_prim text_reproducible
  replay_malformed replay_truncated replay_wrong_argc replay_arg_range
  replay_unknown_prim replay_unknown_layer replay_missing_file
  replay_by_hand replay_disagrees replay_json)
foreach(case ${HS_CLI_CASES})
  add_test(NAME cli.${case}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cli_test.py
            $<TARGET_FILE:hypsec-check> ${CMAKE_CURRENT_SOURCE_DIR}/data/cli
            ${CMAKE_CURRENT_BINARY_DIR}/cli-work ${case})
  set_tests_properties(cli.${case} PROPERTIES LABELS cli)
endforeach()
