# seccoord_test_support: fresh databases on both drivers for store tests
# (tests/support/test_database.h). Other test helpers may add sources to it
# with target_sources(seccoord_test_support PRIVATE ...).
add_library(seccoord_test_support STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/support/test_database.cc)
target_link_libraries(seccoord_test_support
  PUBLIC seccoord_db GTest::gtest absl::status absl::statusor
  PRIVATE PostgreSQL::PostgreSQL absl::strings absl::str_format)

seccoord_add_test(db_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/db_test.cc
          ${CMAKE_CURRENT_SOURCE_DIR}/unit/migrations_test.cc
  LIBS seccoord_db seccoord_test_support
  LABELS unit store)

# The clean-close stamp that lets an unchanged SQLite file skip its check.
seccoord_add_test(sqlite_close_stamp_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/sqlite_close_stamp_test.cc
  LIBS seccoord_db
  LABELS unit store)

# Change signals between replicas (LISTEN/NOTIFY) and the notifier that
# follows them.
seccoord_add_test(change_listener_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/change_listener_test.cc
  LIBS seccoord_runtime seccoord_test_support
  LABELS unit store)

# Group commit of the SQLite driver on real files (batches, failures within
# a batch, a COMMIT that fails, a writing process that dies). SQLite itself
# for the VFS that makes WAL writes fail.
seccoord_add_test(sqlite_group_commit_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/sqlite_group_commit_test.cc
  LIBS seccoord_db SQLite::SQLite3
  LABELS unit store)
