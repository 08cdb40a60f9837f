# Civil dates, wareki and fiscal years, UTF-8 checks and display width:
# part of seccoord_common (included by common/CMakeLists.txt).
target_sources(seccoord_common PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/civil_date.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/wareki.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/utf8.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/text_width.cc)
