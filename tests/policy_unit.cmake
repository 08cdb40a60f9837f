# Policy service: domain rules over the real store, on SQLite and PostgreSQL.
seccoord_add_test(policy_logic_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/policy_logic_test.cc
  LIBS seccoord_policy_core seccoord_test_support
  LABELS unit store)
