# seccoord_assessment_rules: the pure units of the assessment service — the
# vocabulary of results, states, severities and event types with the
# implementation rate (assessment_vocab), and the answer sheet's CSV form
# (answer_sheet). No database, no gRPC server: the assessment logic, the CLI
# and the tests link it. Included by services/assessment/CMakeLists.txt and,
# until that exists, by tests/assessment_rules.cmake; both guard with
# if(NOT TARGET seccoord_assessment_rules).
add_library(seccoord_assessment_rules STATIC
  ${CMAKE_CURRENT_LIST_DIR}/assessment_vocab.cc
  ${CMAKE_CURRENT_LIST_DIR}/answer_sheet.cc)
# CSV decoding and CP932 (glibc iconv) come with seccoord_common (common/csv.h).
target_link_libraries(seccoord_assessment_rules PUBLIC
  seccoord_proto seccoord_common seccoord_proto_convert absl::strings absl::str_format)
