# CSV files (decoding with encoding detection, RFC 4180 records, writing,
# CP932 encoding) and the coded values of spreadsheet cells and CLI flags:
# part of seccoord_common (included by common/CMakeLists.txt). CP932 goes
# through glibc's iconv (part of libc: nothing more to link).
target_sources(seccoord_common PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/csv.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/code_values.cc)
target_link_libraries(seccoord_common PUBLIC absl::str_format)
