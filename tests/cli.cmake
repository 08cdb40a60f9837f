# The seccoord CLI: config and profiles, output rendering, commands (request
# builders, hash verification, and the binary path against fake services
# over TLS with the development certificates).
#
# seccoord_test_files (tests/support/test_files.h): the source tree's files,
# for any test. seccoord_cli_test_support (tests/support/cli_test_support.h):
# what the CLI tests share — layout checks and the fake-service server.
add_library(seccoord_test_files STATIC ${CMAKE_SOURCE_DIR}/tests/support/test_files.cc)
add_library(seccoord_cli_test_support STATIC
  ${CMAKE_SOURCE_DIR}/tests/support/cli_test_support.cc)
target_link_libraries(seccoord_cli_test_support PUBLIC
  seccoord_test_files seccoord_cli_lib GTest::gtest gRPC::grpc++ absl::strings)

foreach(unit cli_config cli_output cli_commands cli_asset cli_assessment)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_cli_lib seccoord_cli_test_support
    LABELS unit)
endforeach()

# The .xlsx report, checked with openpyxl; its sample messages are also what
# the status tests' fake service serves for `assessment report`.
include(${CMAKE_CURRENT_LIST_DIR}/report.cmake)
seccoord_add_test(cli_status_test
  SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/cli_status_test.cc
  LIBS seccoord_cli_lib seccoord_cli_test_support seccoord_sample_report
  LABELS unit)
