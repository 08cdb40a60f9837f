# End-to-end: real binaries started by scripts/up, driven by the real CLI.
# scripts/up starts every service, so each e2e test needs all the servers it
# starts; each uses its own state folder and ports (policy 17401-17403, asset
# 17411-17414, assessment 17421-17423, operations 17431-17433) and runs
# alone.
if(TARGET seccoord-policyd AND TARGET seccoord-assetd AND TARGET seccoord)
  add_test(NAME policy_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/policy_e2e.sh)
  set_tests_properties(policy_e2e PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR}")
endif()
if(TARGET seccoord-assetd AND TARGET seccoord)
  add_test(NAME asset_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/asset_e2e.sh)
  set_tests_properties(asset_e2e PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR}")
endif()
if(TARGET seccoord-policyd AND TARGET seccoord-assetd AND TARGET seccoord-assessmentd AND TARGET seccoord)
  add_test(NAME assessment_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/assessment_e2e.sh)
  set_tests_properties(assessment_e2e PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR}")
endif()
if(TARGET seccoord-policyd AND TARGET seccoord-assetd AND TARGET seccoord-assessmentd AND TARGET seccoord)
  add_test(NAME operations_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/e2e/operations_e2e.sh)
  set_tests_properties(operations_e2e PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "SECCOORD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SECCOORD_BINARY_DIR=${CMAKE_BINARY_DIR}")
endif()
