# Unit tests of seccoord_common: dates, wareki and fiscal years, UTF-8, text width.
foreach(unit civil_date wareki utf8 text_width)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_common
    LABELS unit)
endforeach()
