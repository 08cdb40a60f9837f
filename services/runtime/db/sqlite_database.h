// The SQLite driver of Database (sqlite3 C API).
//
// A file database runs in WAL mode with synchronous=FULL (a commit is on disk
// before Commit returns), foreign_keys=ON and a busy timeout. Writers are
// serialised: kReadWrite takes a process-wide write gate for the file (shared
// by every Database open on the same file in this process), then BEGIN
// IMMEDIATE (which waits, up to the busy timeout, for writers in other
// processes). Readers use their own pooled connections and proceed
// concurrently under WAL. Each connection caches its prepared statements.
//
// Opening an existing file runs SQLite's integrity check (PRAGMA
// quick_check: every page and b-tree of the file, without cross-checking
// index contents against their tables) and refuses a damaged file, so damage
// is found at start, not by the first write that touches it. A statement
// that later meets damage (SQLITE_CORRUPT/NOTADB) or a read-only file
// returns UNAVAILABLE; its connection is closed rather than pooled, and
// damage is remembered (DamageSeen) for the health monitor.
//
// The in-memory database (kSqliteMemory) lives on one connection, so its
// transactions run one at a time; it disappears with the Database object.
//
// Thread-safety: as Database.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/runtime/db/database.h"

namespace seccoord::db {

// The path that selects a private in-memory database.
inline constexpr std::string_view kSqliteMemory = ":memory:";

// Opens (creating if missing) the SQLite database at `path`, or a private
// in-memory database for kSqliteMemory. UNAVAILABLE if it cannot be opened;
// FAILED_PRECONDITION for an existing empty file (unless
// options.initialize_empty_file); DATA_LOSS when an existing file fails
// SQLite's integrity check. Both name the file.
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(
    std::string_view path, const OpenOptions& options = {});

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_
