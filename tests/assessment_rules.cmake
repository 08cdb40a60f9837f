# Unit tests of the shared CSV reader/writer and coded values (common/csv.h,
# common/code_values.h), and of the self-inspection's vocabulary and answer
# sheet (common/assessment_vocab.h, common/answer_sheet.h).
foreach(unit csv code_values)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_common
    LABELS unit)
endforeach()

foreach(unit assessment_vocab answer_sheet)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_assessment_vocab
    LABELS unit)
endforeach()
