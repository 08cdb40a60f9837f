// Database: the narrow storage interface every store is written against.
//
// Two drivers implement it, SQLite (embedded default) and PostgreSQL (libpq),
// so a store is written once in portable SQL:
//   - placeholders are $1, $2, ... (both drivers bind them; a number may repeat);
//   - types: INTEGER/BIGINT and TEXT only; timestamps are UTC microseconds in
//     BIGINT; hashes are lowercase hex TEXT; booleans are INTEGER 0/1;
//   - ON CONFLICT and RETURNING are available on both.
// Parameters are always bound, never spliced into SQL text.
//
// Parameters: int64_t, std::string (must not contain NUL bytes) or NULL
// (std::monostate). Every $k for k in 1..params.size() must occur in the
// statement, and the statement may use no other parameter (SQLite checks
// this strictly; PostgreSQL mostly does). One statement per call.
//
// Errors map to canonical codes: a unique/primary-key violation is
// ALREADY_EXISTS, a write conflict, deadlock, serialization failure or lock
// timeout is ABORTED (retry the whole transaction), a lost/unreachable server
// (or, on SQLite, a database locked by another process past the busy timeout,
// an I/O error) is UNAVAILABLE, a foreign-key violation or a write inside a
// kReadOnly transaction is FAILED_PRECONDITION, a malformed parameter list is
// INVALID_ARGUMENT, a database that cannot do its job — read-only or damaged
// file, I/O error — UNAVAILABLE with a message saying which, anything else
// INTERNAL. Messages carry the SQLSTATE or the
// SQLite error text and never parameter values (PostgreSQL "data exception"
// messages, which quote the offending value, are reduced to their SQLSTATE).
//
// Any error from Query/Execute ends the transaction on both drivers (it is
// rolled back at once, like PostgreSQL does): later calls return
// FAILED_PRECONDITION. Handle expected conflicts with ON CONFLICT instead of
// catching ALREADY_EXISTS and carrying on.
//
// Isolation: kReadOnly sees one snapshot (SQLite read transaction under WAL;
// PostgreSQL REPEATABLE READ READ ONLY). kReadOnlyPerStatement gives each
// statement a read-only snapshot of its own. kReadWrite on SQLite is serialised
// (one writer at a time; a file database commits concurrent writers in groups,
// each writer seeing the work of those before it, see sqlite_database.h);
// on PostgreSQL it is READ COMMITTED, so read-modify-write must
// be written as one statement (UPDATE t SET n = n + 1 ...), use
// SELECT ... FOR UPDATE, or rely on unique constraints.
//
// Thread-safety: Database is safe to use from many threads (drivers keep a
// connection pool). A Transaction belongs to the thread that began it and must
// be destroyed before its Database. Do not begin a second kReadWrite
// transaction on a thread that still holds one (SQLite would wait for
// itself until the busy timeout and return UNAVAILABLE), and do not wait,
// while holding one, for another thread's Commit: on SQLite that Commit may
// be waiting for the COMMIT of a group that this transaction must end first.
// A write is acknowledged (Commit returns OK) only after it is durably
// committed; on SQLite its Commit returns the status of the COMMIT that
// covered it, possibly one shared with concurrent writers.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_DATABASE_H_
#define SECCOORD_SERVICES_RUNTIME_DB_DATABASE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace seccoord::db {

// A bound parameter or a column value: NULL, a 64-bit integer or text.
using Value = std::variant<std::monostate, int64_t, std::string>;

// One result row. Columns are addressed by position in the SELECT list.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const;
  // The integer in column i; 0 for NULL. A text value holding a decimal
  // integer is parsed (0 if it is not one).
  int64_t Int(size_t i) const;
  // The text in column i; "" for NULL and for integer values.
  const std::string& Text(size_t i) const;
  const Value& value(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Params = std::vector<Value>;

// Which driver a Database is; stores rarely need it (DDL differences only).
enum class Dialect {
  kSqlite,
  kPostgres,
};

// "sqlite" or "postgres".
std::string_view DialectName(Dialect dialect);

// A unit of work. Rolled back on destruction unless Commit() succeeded.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs a statement returning rows (SELECT or ... RETURNING).
  virtual absl::StatusOr<std::vector<Row>> Query(std::string_view sql,
                                                 const Params& params = {}) = 0;
  // Runs a statement; returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> Execute(std::string_view sql,
                                          const Params& params = {}) = 0;
  // Durably commits: returns OK only once the work is on disk (SQLite: the
  // COMMIT of the group this writer joined). After an error the transaction
  // is rolled back. Commit is called at most once; nothing may be run after it.
  virtual absl::Status Commit() = 0;
  // Signals `channel` to listeners in other processes (replicas sharing a
  // PostgreSQL database) when — and only when — this transaction commits.
  // A no-op on SQLite, whose single writer process wakes its own watchers.
  // `channel` is [a-z0-9_]{1,63}.
  virtual absl::Status NotifyOnCommit(std::string_view channel) { return absl::OkStatus(); }
};

// Waits for the signals that committed transactions sent on one channel
// (PostgreSQL LISTEN/NOTIFY). Owned by one thread.
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Blocks until at least one signal has arrived since the last call (true)
  // or `timeout` passes (false). UNAVAILABLE when the connection was lost;
  // the caller may Listen again.
  virtual absl::StatusOr<bool> Wait(std::chrono::milliseconds timeout) = 0;
};

enum class TxMode {
  kReadOnly,   // sees a consistent snapshot; writes are refused
  kReadWrite,  // takes the write lock up front on SQLite (BEGIN IMMEDIATE)
  // Read-only, without a snapshot shared by the statements: each statement
  // runs in a read-only transaction of its own that begins and ends with it
  // (PostgreSQL: BEGIN, the statement and ROLLBACK in one round trip;
  // SQLite: the implicit read transaction of a statement in autocommit).
  // Writes are refused as in kReadOnly; Commit ends it. For a read of one
  // statement, or of one statement plus rows that never change.
  kReadOnlyPerStatement,
};

class Database {
 public:
  virtual ~Database() = default;
  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  virtual Dialect dialect() const = 0;
  // A listener on `channel` on its own connection, or nullptr when the
  // driver needs none (SQLite: one writer process, see NotifyOnCommit).
  virtual absl::StatusOr<std::unique_ptr<ChangeListener>> Listen(std::string_view channel) {
    return std::unique_ptr<ChangeListener>();
  }
  // OK, or UNAVAILABLE naming the damage a statement has met since the
  // database was opened (SQLite: a malformed page, SQLITE_CORRUPT /
  // SQLITE_NOTADB). Damage does not heal while the file is open: the
  // operator restores the file and restarts the server. Health follows it
  // (health_monitor.h).
  virtual absl::Status DamageSeen() const { return absl::OkStatus(); }
};

// What OpenDatabase may do with what it finds (SQLite files; ignored for
// the other drivers).
struct OpenOptions {
  // An existing file of 0 bytes is refused (FAILED_PRECONDITION naming it):
  // a database that was truncated must not come back as a new, empty one.
  // True takes such a file for a new database (the server's
  // --initialize_empty_db).
  bool initialize_empty_file = false;
};

// True when `channel` is a valid change channel name: [a-z0-9_]{1,63}.
bool IsValidChannelName(std::string_view channel);

// Opens a database from a URL:
//   sqlite:PATH             file database (created if missing; an existing
//                           empty file is refused unless
//                           options.initialize_empty_file; an existing file
//                           that fails SQLite's integrity check (quick_check)
//                           is DATA_LOSS naming the file); also
//                           sqlite:///ABSOLUTE/PATH
//   sqlite::memory:         private in-memory database (tests); one per
//                           Database object, on a single connection, so
//                           its transactions run one at a time
//   postgresql://...        libpq connection URI (also postgres://)
// An unknown scheme is INVALID_ARGUMENT; an unreachable server or a file
// that cannot be opened is UNAVAILABLE (the first connection is made here).
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                                       const OpenOptions& options = {});

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_DATABASE_H_
