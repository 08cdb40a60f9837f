# seccoord_runtime: server plumbing shared by all services — identity and
# roles (auth/), the audit chain and its gRPC service (audit/), per-call
# authorization, request logging and the bootstrap (server/).
# Included from services/runtime/CMakeLists.txt.
add_library(seccoord_runtime STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/auth/principal.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/auth/permissions.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/auth/access_policy.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/auth/caller.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/audit/audit_log.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/audit/audit_service.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/enum_fields.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/rpc_guard.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/rpc_log.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/serve.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/server_main.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/health_monitor.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/server/work_pool.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/event_notifier.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/paging.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/clock.cc)
target_link_libraries(seccoord_runtime
  PUBLIC seccoord_db seccoord_common seccoord_proto
         gRPC::grpc++ gRPC::grpc++_reflection
         absl::status absl::statusor absl::strings absl::str_format absl::time
         absl::flags absl::flags_parse absl::flags_reflection absl::flags_usage
  PRIVATE yaml-cpp OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
