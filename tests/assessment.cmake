# Assessment service: the workflow rules (pure), the domain over the real
# store on SQLite and PostgreSQL with in-memory peers, and the three real
# services in-process over real mTLS.
if(TARGET seccoord_assessment_core)
  seccoord_add_test(workflow_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/workflow_test.cc
    LIBS seccoord_assessment_core
    LABELS unit)
  seccoord_add_test(status_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/status_test.cc
    LIBS seccoord_assessment_core
    LABELS unit)
  seccoord_add_test(assessment_store_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/assessment_store_test.cc
    LIBS seccoord_assessment_core seccoord_test_support
    LABELS unit store)
  seccoord_add_test(peer_facts_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/peer_facts_test.cc
    LIBS seccoord_assessment_core seccoord_test_support
    LABELS unit store)
  seccoord_add_test(assessment_logic_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/assessment_logic_test.cc
    LIBS seccoord_assessment_core seccoord_test_support
    LABELS unit store)
endif()

if(TARGET seccoord_assessment_service AND TARGET seccoord_policy_service AND TARGET seccoord_asset_service)
  seccoord_add_test(assessment_service_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/assessment_service_test.cc
    LIBS seccoord_assessment_service seccoord_policy_service seccoord_asset_service
         seccoord_test_support seccoord_test_support_server seccoord_test_files
    LABELS integration)
  seccoord_use_dev_certs(assessment_service_test)
endif()
