# Unit tests of the asset service's pure units: the compliance rule table and
# the CSV form of the inventory, including the sample inventory in data/.
if(NOT TARGET seccoord_asset_rules)
  include(${CMAKE_SOURCE_DIR}/services/asset/asset_rules.cmake)
endif()

foreach(unit compliance_rules asset_csv)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_asset_rules
    LABELS unit)
  # Fallback for running the binary by hand (ctest sets SECCOORD_SOURCE_DIR).
  target_compile_definitions(${unit}_test PRIVATE
    SECCOORD_SOURCE_DIR_DEFAULT="${CMAKE_SOURCE_DIR}")
endforeach()
