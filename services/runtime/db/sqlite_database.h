// The SQLite driver of Database (sqlite3 C API).
//
// A file database runs in WAL mode with synchronous=FULL (a commit is on disk
// before Commit returns), foreign_keys=ON and a busy timeout.
//
// Writers are serialised and their commits grouped (group commit, as
// leveldb's DBImpl::Write): a process-wide write gate for the file (shared
// by every Database open on the same file in this process) lets one writer
// at a time run, on one writer connection that holds a BEGIN IMMEDIATE
// transaction (which waits, up to the busy timeout, for writers in other
// processes) shared by a batch of writers. Each kReadWrite transaction is a
// SAVEPOINT in it and sees the work of the writers before it in the batch,
// as if they had run serially (the writer connection keeps the savepoints'
// journals in memory, temp_store = MEMORY: no temporary file inside the
// serialised write). Its Commit releases the savepoint and hands
// the gate to the next waiting writer; the writer that leaves the gate when
// none waits (or when the batch reached 64 writers, or 5 ms since its first
// writer released its work) COMMITs the batch, one WAL sync for all of
// them. Every Commit of the batch returns
// only then, with that COMMIT's status: OK only once the COMMIT covering it
// succeeded, an error for every writer of the batch when it failed or when
// SQLite rolled the whole transaction back after an error (a full disk, an
// I/O error). A transaction that fails or is destroyed without Commit
// undoes its own savepoint only. Readers use their own pooled connections,
// proceed concurrently under WAL and see a batch once it is committed. Each
// connection caches its prepared statements.
//
// Opening an existing file runs SQLite's integrity check (PRAGMA
// quick_check: every page and b-tree of the file, without cross-checking
// index contents against their tables) and refuses a damaged file, so damage
// is found at start, not by the first write that touches it. A statement
// that later meets damage (SQLITE_CORRUPT/NOTADB) or a read-only file
// returns UNAVAILABLE; its connection is closed rather than pooled (the
// writer connection: when its batch ends), and damage is remembered
// (DamageSeen) for the health monitor.
//
// The in-memory database (kSqliteMemory) lives on one connection, so its
// transactions run one at a time, each write with a COMMIT of its own; it
// disappears with the Database object.
//
// Thread-safety: as Database.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_

#include <cstdint>
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

// What the group commit of a file has done since it was first opened in this
// process (by any Database on it), for tests and diagnostics.
struct SqliteWriteStats {
  int64_t commits = 0;           // COMMITs issued, each one WAL sync
  int64_t committed_writes = 0;  // write transactions acknowledged by them
  int64_t waiting_writers = 0;   // writers waiting for the write gate now
};

// The statistics of the file under `db`; FAILED_PRECONDITION when `db` is
// not a SQLite file database.
absl::StatusOr<SqliteWriteStats> SqliteWriteStatsOf(const Database& db);

// Whether opening `db` ran SQLite's integrity check of the whole file
// (false: a new file, or one its stamp proved untouched; see
// sqlite_close_stamp.h); FAILED_PRECONDITION when `db` is not a SQLite file
// database. For tests and diagnostics.
absl::StatusOr<bool> SqliteCheckedAtOpen(const Database& db);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQLITE_DATABASE_H_
