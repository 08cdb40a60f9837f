# The .xlsx report of `seccoord assessment report` (clients/seccoord/
# report.h), opened the way a reader would: write_sample_report writes a
# workbook from hand-made messages (tests/report/sample_report.h), then
# check_report.py opens it with python3-openpyxl and checks sheets, cover,
# items, chapter summary, advice, the trend chart and the A4 page setup.
# Included by tests/cli.cmake (it needs seccoord_cli_lib).
add_library(seccoord_sample_report STATIC ${CMAKE_SOURCE_DIR}/tests/report/sample_report.cc)
target_link_libraries(seccoord_sample_report PUBLIC seccoord_proto)

add_executable(write_sample_report ${CMAKE_SOURCE_DIR}/tests/report/write_sample_report.cc)
target_link_libraries(write_sample_report PRIVATE seccoord_cli_lib seccoord_sample_report)
set_target_properties(write_sample_report PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

# The interpreter that has openpyxl: Debian's python3-openpyxl is installed
# for /usr/bin/python3, which a python3 earlier on PATH (pyenv, a venv) may
# lack.
find_package(Python3 COMPONENTS Interpreter)
set(SECCOORD_REPORT_PYTHON "")
foreach(candidate /usr/bin/python3 ${Python3_EXECUTABLE})
  if(NOT SECCOORD_REPORT_PYTHON AND EXISTS ${candidate})
    execute_process(COMMAND ${candidate} -c "import openpyxl"
      RESULT_VARIABLE no_openpyxl OUTPUT_QUIET ERROR_QUIET)
    if(no_openpyxl EQUAL 0)
      set(SECCOORD_REPORT_PYTHON ${candidate})
    endif()
  endif()
endforeach()
if(NOT SECCOORD_REPORT_PYTHON)
  # Registered all the same: it fails saying openpyxl is missing (scripts/setup).
  set(SECCOORD_REPORT_PYTHON python3)
endif()

set(SECCOORD_SAMPLE_REPORT ${CMAKE_BINARY_DIR}/tests/report_sample.xlsx)
add_test(NAME report_write_sample
  COMMAND write_sample_report ${SECCOORD_SAMPLE_REPORT})
set_tests_properties(report_write_sample PROPERTIES
  LABELS unit FIXTURES_SETUP seccoord_sample_report)
add_test(NAME report_openpyxl
  COMMAND ${SECCOORD_REPORT_PYTHON} ${CMAKE_SOURCE_DIR}/tests/report/check_report.py
          ${SECCOORD_SAMPLE_REPORT})
set_tests_properties(report_openpyxl PROPERTIES
  LABELS unit FIXTURES_REQUIRED seccoord_sample_report)
