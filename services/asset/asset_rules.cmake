# seccoord_asset_rules: the pure units of the asset service — the compliance
# rule table (compliance_rules) and the inventory's CSV form (asset_csv). No
# database, no gRPC server: the asset logic, the CLI and the tests link it.
# Included by services/asset/CMakeLists.txt and, until that exists, by
# tests/asset_rules.cmake; both guard with if(NOT TARGET seccoord_asset_rules).
add_library(seccoord_asset_rules STATIC
  ${CMAKE_CURRENT_LIST_DIR}/compliance_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/asset_csv.cc)
# CP932 decoding uses glibc's iconv (part of libc: nothing more to link).
target_link_libraries(seccoord_asset_rules PUBLIC
  seccoord_proto seccoord_common seccoord_proto_convert absl::strings absl::str_format)
