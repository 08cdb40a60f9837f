# Policy service in-process over real mTLS, on both drivers.
seccoord_add_test(policy_service_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/policy_service_test.cc
  LIBS seccoord_policy_service seccoord_test_support seccoord_test_support_server
  LABELS integration)
seccoord_use_dev_certs(policy_service_test)
