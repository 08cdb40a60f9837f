# The seccoord CLI: config and profiles, output rendering, commands (request
# builders, hash verification, and the binary path against fake services
# over TLS with the development certificates).
foreach(unit cli_config cli_output cli_commands cli_asset cli_assessment)
  seccoord_add_test(${unit}_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/${unit}_test.cc
    LIBS seccoord_cli_lib
    LABELS unit)
endforeach()
