# End-to-end: real binaries started by scripts/up, driven by the real CLI.
if(TARGET seccoord-policyd AND TARGET seccoord)
  add_test(NAME policy_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/policy_e2e.sh)
  set_tests_properties(policy_e2e PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR}")
endif()
