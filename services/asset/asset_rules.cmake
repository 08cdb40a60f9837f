# seccoord_asset_rules: the pure unit of the asset service — the compliance
# rule table (compliance_rules). No database, no gRPC server: the asset logic
# and the tests link it. The inventory's CSV form, which the CLI shares, is
# common/asset_csv (seccoord_asset_csv), linked with it for the asset logic.
# Included by services/asset/CMakeLists.txt and, until that exists, by
# tests/asset_rules.cmake; both guard with if(NOT TARGET seccoord_asset_rules).
add_library(seccoord_asset_rules STATIC
  ${CMAKE_CURRENT_LIST_DIR}/compliance_rules.cc)
target_link_libraries(seccoord_asset_rules PUBLIC
  seccoord_asset_csv seccoord_proto seccoord_common absl::strings absl::str_format)
