# Tests of services/runtime (auth, audit chain, guard, bootstrap), the
# development certificates, and the in-process server fixture
# (tests/support/test_server.h) that every integration test uses.

# Development certificates for tests, made by deploy/certs/make-dev-certs in
# ${CMAKE_BINARY_DIR}/certs (remade when the script changes). Tests find them
# through SECCOORD_CERT_DIR or ${SECCOORD_BINARY_DIR}/certs.
set(SECCOORD_TEST_CERT_DIR ${CMAKE_BINARY_DIR}/certs)
add_custom_command(
  OUTPUT ${SECCOORD_TEST_CERT_DIR}/ca.crt
  COMMAND ${CMAKE_SOURCE_DIR}/deploy/certs/make-dev-certs --force ${SECCOORD_TEST_CERT_DIR}
  DEPENDS ${CMAKE_SOURCE_DIR}/deploy/certs/make-dev-certs
  COMMENT "Making development certificates in ${SECCOORD_TEST_CERT_DIR}"
  VERBATIM)
add_custom_target(seccoord_dev_certs DEPENDS ${SECCOORD_TEST_CERT_DIR}/ca.crt)

# seccoord_use_dev_certs(TEST_TARGET): the test needs the certificates; builds
# them first and tells the test where they are.
function(seccoord_use_dev_certs name)
  add_dependencies(${name} seccoord_dev_certs)
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
    "SECCOORD_CERT_DIR=${SECCOORD_TEST_CERT_DIR}")
endfunction()

# In-process servers over real mTLS (RunningServer + dev certificates).
# Linking it makes a test depend on the certificates.
add_library(seccoord_test_support_server STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/support/test_server.cc)
target_link_libraries(seccoord_test_support_server
  PUBLIC seccoord_runtime gRPC::grpc++ GTest::gtest absl::status absl::statusor
         absl::strings absl::time)
add_dependencies(seccoord_test_support_server seccoord_dev_certs)

seccoord_add_test(runtime_auth_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/permissions_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/unit/principal_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/unit/access_policy_test.cc
  LIBS seccoord_runtime seccoord_test_support_server
  LABELS unit)
seccoord_use_dev_certs(runtime_auth_test)

seccoord_add_test(audit_log_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/audit_log_test.cc
  LIBS seccoord_runtime seccoord_test_support
  LABELS unit store)

seccoord_add_test(rpc_guard_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/rpc_guard_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/unit/rpc_log_test.cc
  LIBS seccoord_runtime seccoord_test_support seccoord_test_support_server
  LABELS unit)
seccoord_use_dev_certs(rpc_guard_test)

seccoord_add_test(work_pool_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/work_pool_test.cc
  LIBS seccoord_runtime
  LABELS unit)

seccoord_add_test(audit_service_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/audit_service_test.cc
  LIBS seccoord_runtime seccoord_test_support seccoord_test_support_server
  LABELS integration)
seccoord_use_dev_certs(audit_service_test)

# The smallest server (bootstrap + AuditService), started as a process by
# server_main_test: flags, config file, readiness, SIGTERM drain, exit codes.
add_executable(seccoord-runtime-testd ${CMAKE_CURRENT_SOURCE_DIR}/support/runtime_testd_main.cc)
target_link_libraries(seccoord-runtime-testd PRIVATE seccoord_runtime)
set_target_properties(seccoord-runtime-testd PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

seccoord_add_test(server_main_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/server_main_test.cc
  LIBS seccoord_runtime seccoord_test_support seccoord_test_support_server
  LABELS unit)
target_compile_definitions(server_main_test PRIVATE
  SECCOORD_RUNTIME_TESTD="$<TARGET_FILE:seccoord-runtime-testd>")
add_dependencies(server_main_test seccoord-runtime-testd)
seccoord_use_dev_certs(server_main_test)

# The example configurations under deploy/config load without error.
seccoord_add_test(deploy_config_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/deploy_config_test.cc
  LIBS seccoord_runtime
  LABELS unit)
# assessmentd's config names its own flags (peers, checklists) too.
if(TARGET seccoord_assessment_flags)
  target_link_libraries(deploy_config_test PRIVATE seccoord_assessment_flags)
endif()

# Health follows the database: a read-only SQLite file, a stopped PostgreSQL.
seccoord_add_test(health_monitor_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/health_monitor_test.cc
  LIBS seccoord_runtime seccoord_test_support seccoord_test_support_server
  LABELS integration)
seccoord_use_dev_certs(health_monitor_test)

# Checks every request gets from the shared serve path and paging helpers:
# enum fields (enum_fields.h) and page tokens bound to their query (paging.h).
seccoord_add_test(runtime_request_checks_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/enum_fields_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/unit/paging_test.cc
  LIBS seccoord_runtime
  LABELS unit)
