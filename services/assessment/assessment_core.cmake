# seccoord_assessment_core: store, workflow rules, peers and logic;
# seccoord_assessment_service: handlers and the ServerSpec; the binary.
add_library(seccoord_assessment_core STATIC
  ${CMAKE_CURRENT_LIST_DIR}/assessment_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/workflow.cc
  ${CMAKE_CURRENT_LIST_DIR}/peers.cc
  ${CMAKE_CURRENT_LIST_DIR}/peer_facts.cc
  ${CMAKE_CURRENT_LIST_DIR}/status_reply_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/status.cc
  ${CMAKE_CURRENT_LIST_DIR}/assessment_logic.cc
  ${CMAKE_CURRENT_LIST_DIR}/assessment_status.cc
  ${CMAKE_CURRENT_LIST_DIR}/peer_refresher.cc)
target_link_libraries(seccoord_assessment_core PUBLIC
  seccoord_assessment_vocab seccoord_assessment_checklist seccoord_runtime
  seccoord_proto seccoord_proto_convert seccoord_common seccoord_db seccoord_request_log
  gRPC::grpc++)

add_library(seccoord_assessment_service STATIC
  ${CMAKE_CURRENT_LIST_DIR}/assessment_service.cc
  ${CMAKE_CURRENT_LIST_DIR}/assessment_server.cc)
target_link_libraries(seccoord_assessment_service PUBLIC seccoord_assessment_core seccoord_runtime)

# The service's own flags (an object library: linked whole, so the flags
# exist wherever it is linked, also in the test of the example configs).
add_library(seccoord_assessment_flags OBJECT ${CMAKE_CURRENT_LIST_DIR}/assessment_flags.cc)
target_link_libraries(seccoord_assessment_flags PUBLIC seccoord_assessment_service absl::flags)

add_executable(seccoord-assessmentd ${CMAKE_CURRENT_LIST_DIR}/assessmentd_main.cc)
target_link_libraries(seccoord-assessmentd PRIVATE seccoord_assessment_flags seccoord_assessment_service)
