# Asset service: domain rules over the real store on SQLite and PostgreSQL,
# and the service in-process over real mTLS on both drivers.
if(TARGET seccoord_asset_core)
  seccoord_add_test(asset_logic_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/asset_logic_test.cc
    LIBS seccoord_asset_core seccoord_test_support
    LABELS unit store)
endif()

if(TARGET seccoord_asset_service)
  seccoord_add_test(asset_service_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/asset_service_test.cc
    LIBS seccoord_asset_service seccoord_test_support seccoord_test_support_server
    LABELS integration)
  seccoord_use_dev_certs(asset_service_test)
endif()
