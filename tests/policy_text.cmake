# Policy text importer, renderer, canonical hash, and article diff.
seccoord_add_test(policy_text_test
  SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/policy_text_test.cc
  LIBS seccoord_common
  LABELS unit)
seccoord_add_test(policy_diff_test
  SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/policy_diff_test.cc
  LIBS seccoord_common
  LABELS unit)
seccoord_add_test(policy_text_forms_test
  SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/policy_text_forms_test.cc
  LIBS seccoord_common
  LABELS unit)
seccoord_add_test(policy_text_property_test
  SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/policy_text_property_test.cc
  LIBS seccoord_common
  LABELS unit)
