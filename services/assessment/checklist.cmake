# seccoord_assessment_checklist: the server's loader of the versioned
# self-inspection checklists (data/checklists/*.yaml), their content hash and
# the check of their articles against a basic-policy revision. Included by
# services/assessment/CMakeLists.txt.
add_library(seccoord_assessment_checklist STATIC
  ${CMAKE_CURRENT_LIST_DIR}/checklist.cc)
target_link_libraries(seccoord_assessment_checklist PUBLIC
  seccoord_proto seccoord_common yaml-cpp absl::strings absl::str_format OpenSSL::Crypto)
