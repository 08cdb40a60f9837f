# Unit tests of the assessment service's checklist loader, including the
# shipped default checklist data/checklists/2026.1.yaml against the seed basic
# policy data/basic-policy-r8.txt and the asset service's rule table.
if(TARGET seccoord_assessment_checklist)
  if(NOT TARGET seccoord_asset_rules)
    include(${CMAKE_SOURCE_DIR}/services/asset/asset_rules.cmake)
  endif()
  seccoord_add_test(checklist_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/checklist_test.cc
    LIBS seccoord_assessment_checklist seccoord_asset_rules
    LABELS unit)
  # Fallback for running the binary by hand (ctest sets SECCOORD_SOURCE_DIR).
  target_compile_definitions(checklist_test PRIVATE
    SECCOORD_SOURCE_DIR_DEFAULT="${CMAKE_SOURCE_DIR}")
endif()
