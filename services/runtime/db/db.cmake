# seccoord_db: the Database interface, its SQLite and PostgreSQL drivers, and
# versioned migrations. Included from services/runtime/CMakeLists.txt.
add_library(seccoord_db STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/db/database.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/db/sqlite_database.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/db/sqlite_close_stamp.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/db/postgres_database.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/db/migrations.cc)
target_link_libraries(seccoord_db
  PUBLIC seccoord_common absl::status absl::statusor absl::strings absl::time
  PRIVATE SQLite::SQLite3 PostgreSQL::PostgreSQL Threads::Threads)
