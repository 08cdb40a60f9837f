# Unit tests of the shared CSV reader/writer and coded values (common/csv.h,
# common/code_values.h), and of the assessment service's pure units: the
# vocabulary and the answer sheet.
foreach(unit csv code_values)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_common
    LABELS unit)
endforeach()

if(TARGET seccoord_assessment_rules)
  foreach(unit assessment_vocab answer_sheet)
    seccoord_add_test(${unit}_test
      SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
      LIBS seccoord_assessment_rules
      LABELS unit)
  endforeach()
endif()
