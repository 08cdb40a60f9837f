#include "services/runtime/db/sqlite_database.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/db/sql_util.h"
#include "services/runtime/db/sqlite_close_stamp.h"

namespace seccoord::db {
namespace {

// How long a writer waits for the write lock (in this process: the write
// gate; across processes: SQLite's busy handler), and a reader for a
// connection of the single-connection in-memory database.
constexpr int kBusyTimeoutMs = 30000;
constexpr std::chrono::milliseconds kWaitTimeout(kBusyTimeoutMs);
// Idle connections kept per database; more are closed when released.
constexpr size_t kMaxIdleConnections = 8;
// Prepared statements cached per connection; the cache is emptied when full.
constexpr size_t kMaxCachedStatements = 256;

using internal::Av;
using internal::SqlSnippet;

// What a failed call says about the database file itself.
enum class FileTrouble {
  kNone,
  kReadOnly,    // SQLITE_READONLY: the file cannot be written
  kDamaged,     // SQLITE_CORRUPT / SQLITE_NOTADB: malformed pages
  kIoError,     // SQLITE_IOERR
  kCannotOpen,  // SQLITE_CANTOPEN
};

FileTrouble FileTroubleOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_READONLY: return FileTrouble::kReadOnly;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return FileTrouble::kDamaged;
    case SQLITE_IOERR: return FileTrouble::kIoError;
    case SQLITE_CANTOPEN: return FileTrouble::kCannotOpen;
    default: return FileTrouble::kNone;
  }
}

// The tail of an error message saying what the operator must do.
std::string_view FileTroubleHint(FileTrouble trouble) {
  switch (trouble) {
    case FileTrouble::kReadOnly:
      return ": the database file cannot be written (read-only file, directory or file system)";
    case FileTrouble::kDamaged:
      return ": the database file is damaged; restore it from a backup";
    case FileTrouble::kIoError:
      return ": the database file cannot be read or written (I/O error)";
    case FileTrouble::kCannotOpen:
    case FileTrouble::kNone:
      return "";
  }
  return "";
}

// Builds the status for a failed SQLite call on `db`. Reads the error text of
// the connection, so call it before any further call on that connection.
// `beginning`: the failure happened while starting a transaction, where a
// busy database means "locked by someone else for too long".
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what,
                         std::string_view sql = {}, bool beginning = false) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((ext & 0xff) != (rc & 0xff)) ext = rc;  // errcode of an older call
  const char* text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  absl::StatusCode code = absl::StatusCode::kInternal;
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      code = absl::StatusCode::kAlreadyExists;
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      code = absl::StatusCode::kFailedPrecondition;
      break;
    default:
      switch (ext & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
          code = beginning ? absl::StatusCode::kUnavailable
                           : absl::StatusCode::kAborted;
          break;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_READONLY:
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
          code = absl::StatusCode::kUnavailable;
          break;
        case SQLITE_FULL:
          code = absl::StatusCode::kResourceExhausted;
          break;
        default:
          break;
      }
  }
  std::string message = absl::StrCat("sqlite: ", Av(what), ": ", text ? text : "",
                                     " (code ", ext, ")");
  // Say what the operator must do about a database that cannot work.
  message.append(FileTroubleHint(FileTroubleOf(ext)));
  if (!sql.empty()) absl::StrAppend(&message, " in: ", SqlSnippet(sql));
  return absl::Status(code, message);
}

// The write gate of the in-memory database (file databases have their
// GroupWriter): a binary semaphore that, unlike std::mutex, may be released
// by a thread other than the one that took it, and whose wait can time out.
class WriteGate {
 public:
  bool Acquire(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return !held_; })) return false;
    held_ = true;
    return true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
};

// A prepared statement with what its placeholders are, worked out once.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  // True when the placeholders are exactly $1..$n (n = index.size()): a
  // call with n parameters binds params[k-1] at index[k-1] without looking
  // the names up again. Otherwise (or for any other count) Bind checks the
  // names and says what is wrong, as for a new statement.
  bool dense = false;
  std::vector<int> index;  // index[k-1]: the bind index of $k
};

// One sqlite3 connection with its statement cache. Used by one thread at a
// time (the pool hands it out), hence SQLITE_OPEN_NOMUTEX. The cache is
// looked up by the SQL text without copying it (transparent comparator).
struct Conn {
  sqlite3* db = nullptr;
  std::map<std::string, Statement, std::less<>> statements;
  // Set by Run when a statement met a read-only or damaged file or an I/O
  // error: the connection is closed instead of pooled (a new one sees the
  // file as it is now, e.g. writable again). `damage` holds the error when
  // the file itself is damaged.
  bool discard = false;
  std::string damage;
  // Called (from the connection's thread) when it first meets damage: the
  // file's group writer then removes the file's stamp and writes no more
  // (sqlite_close_stamp.h). Empty for the in-memory database.
  std::function<void()> on_damage;

  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    for (auto& entry : statements) sqlite3_finalize(entry.second.stmt);
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

// Fills statement->dense and ->index from the statement's placeholders.
void Describe(Statement* statement) {
  const int count = sqlite3_bind_parameter_count(statement->stmt);
  statement->index.assign(static_cast<size_t>(count), 0);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(statement->stmt, i);
    int k = 0;
    if (name == nullptr || name[0] != '$' || !absl::SimpleAtoi(name + 1, &k) || k < 1 ||
        k > count || statement->index[static_cast<size_t>(k - 1)] != 0) {
      statement->dense = false;
      statement->index.clear();
      return;
    }
    statement->index[static_cast<size_t>(k - 1)] = i;
  }
  // count distinct names, each $k with 1 <= k <= count and no two alike:
  // exactly $1..$count.
  statement->dense = true;
}

// Resets a statement (and forgets its bindings) when leaving scope, so a
// cached statement never stays "in progress" and blocks COMMIT.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StatementReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

// Marks `conn` for closing after an error that says the file cannot work
// (read-only, damaged, I/O), and remembers damage.
void NoteFileTrouble(Conn& conn, int rc, const absl::Status& error) {
  const FileTrouble trouble = FileTroubleOf(rc);
  if (trouble == FileTrouble::kNone) return;
  conn.discard = true;
  if (trouble == FileTrouble::kDamaged) {
    conn.damage = std::string(error.message());
    if (conn.on_damage) conn.on_damage();
  }
}

absl::StatusOr<const Statement*> Prepare(Conn& conn, std::string_view sql) {
  auto it = conn.statements.find(sql);
  if (it != conn.statements.end()) return &it->second;

  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(conn.db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) {
    absl::Status error = SqliteError(conn.db, rc, "prepare", sql);
    NoteFileTrouble(conn, rc, error);
    return error;
  }
  if (stmt == nullptr) {
    return absl::InvalidArgumentError("sqlite: empty statement");
  }
  // Only blanks and comments may follow the statement.
  const char* end = sql.data() + sql.size();
  while (tail != nullptr && tail < end) {
    sqlite3_stmt* next = nullptr;
    const char* next_tail = nullptr;
    rc = sqlite3_prepare_v2(conn.db, tail, static_cast<int>(end - tail), &next,
                            &next_tail);
    if (rc != SQLITE_OK || next != nullptr) {
      sqlite3_finalize(next);
      sqlite3_finalize(stmt);
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: one statement per call, got more in: ", SqlSnippet(sql)));
    }
    if (next_tail == tail) break;
    tail = next_tail;
  }
  if (conn.statements.size() >= kMaxCachedStatements) {
    for (auto& entry : conn.statements) sqlite3_finalize(entry.second.stmt);
    conn.statements.clear();
  }
  Statement statement;
  statement.stmt = stmt;
  Describe(&statement);
  return &conn.statements.emplace(std::string(sql), std::move(statement)).first->second;
}

// Binds one value at `index` (the parameter $k named `k`).
absl::Status BindValue(Conn& conn, sqlite3_stmt* stmt, std::string_view sql, int index,
                       size_t k, const Value& value) {
  int rc = SQLITE_OK;
  if (const int64_t* n = std::get_if<int64_t>(&value)) {
    rc = sqlite3_bind_int64(stmt, index, *n);
  } else if (const std::string* s = std::get_if<std::string>(&value)) {
    if (s->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("sqlite: text parameter $", k, " contains a NUL byte"));
    }
    // The params outlive the execution of the statement: no copy needed.
    rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC,
                             SQLITE_UTF8);
  } else {
    rc = sqlite3_bind_null(stmt, index);
  }
  if (rc != SQLITE_OK) return SqliteError(conn.db, rc, "bind", sql);
  return absl::OkStatus();
}

// Binds params[k-1] to $k. Every parameter the statement names must be $k
// with 1 <= k <= params.size(), and every $k must be used.
absl::Status Bind(Conn& conn, const Statement& statement, std::string_view sql,
                  const Params& params) {
  sqlite3_stmt* const stmt = statement.stmt;
  if (statement.dense && statement.index.size() == params.size()) {
    for (size_t k = 1; k <= params.size(); ++k) {
      SECCOORD_RETURN_IF_ERROR(
          BindValue(conn, stmt, sql, statement.index[k - 1], k, params[k - 1]));
    }
    return absl::OkStatus();
  }
  const int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    int k = 0;
    if (name == nullptr || name[0] != '$' || !absl::SimpleAtoi(name + 1, &k) ||
        k < 1 || static_cast<size_t>(k) > params.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: statement uses parameter ", name ? name : "?", " but ",
          params.size(), " were given (placeholders are $1, $2, ...) in: ",
          SqlSnippet(sql)));
    }
  }
  for (size_t k = 1; k <= params.size(); ++k) {
    const std::string name = absl::StrCat("$", k);
    const int index = sqlite3_bind_parameter_index(stmt, name.c_str());
    if (index == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: parameter ", name, " is not used in: ", SqlSnippet(sql)));
    }
    SECCOORD_RETURN_IF_ERROR(BindValue(conn, stmt, sql, index, k, params[k - 1]));
  }
  return absl::OkStatus();
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT: {
      const double d = sqlite3_column_double(stmt, i);
      if (std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18) {
        return static_cast<int64_t>(d);
      }
      return absl::StrCat(d);
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(stmt, i);
      const int size = sqlite3_column_bytes(stmt, i);
      if (data == nullptr || size == 0) return std::string();
      return std::string(static_cast<const char*>(data), size);
    }
    default:
      return std::monostate();
  }
}

// Runs one statement on `conn`, collecting rows into `rows` (if not null) and
// the number of rows it changed into `changes` (if not null).
absl::Status Run(Conn& conn, std::string_view sql, const Params& params,
                 bool read_only, std::vector<Row>* rows, int64_t* changes,
                 bool beginning = false) {
  SECCOORD_ASSIGN_OR_RETURN(const Statement* statement, Prepare(conn, sql));
  sqlite3_stmt* const stmt = statement->stmt;
  StatementReset reset(stmt);
  if (read_only && !sqlite3_stmt_readonly(stmt)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite: write in a read-only transaction: ", SqlSnippet(sql)));
  }
  SECCOORD_RETURN_IF_ERROR(Bind(conn, *statement, sql, params));
  const sqlite3_int64 total_before = sqlite3_total_changes64(conn.db);
  const int columns = sqlite3_column_count(stmt);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      absl::Status error = SqliteError(conn.db, rc, "step", sql, beginning);
      NoteFileTrouble(conn, rc, error);
      return error;
    }
    if (rows != nullptr) {
      std::vector<Value> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) values.push_back(ColumnValue(stmt, i));
      rows->emplace_back(std::move(values));
    }
  }
  if (changes != nullptr) {
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so
    // a statement that changed nothing (DDL, SELECT, no match) reports 0.
    *changes = sqlite3_total_changes64(conn.db) == total_before
                   ? 0
                   : sqlite3_changes64(conn.db);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Conn>> OpenConn(const std::string& path,
                                               bool memory) {
  auto conn = std::make_unique<Conn>();
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(memory ? ":memory:" : path.c_str(), &conn->db,
                                 flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status error = SqliteError(conn->db, rc, "open");
    return absl::UnavailableError(
        absl::StrCat(error.message(), " (path ", path, ")"));
  }
  sqlite3_extended_result_codes(conn->db, 1);
  sqlite3_busy_timeout(conn->db, kBusyTimeoutMs);
  for (const char* pragma :
       {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL"}) {
    SECCOORD_RETURN_IF_ERROR(Run(*conn, pragma, {}, false, nullptr, nullptr));
  }
  return conn;
}

// ---------------------------------------------------------------------------
// Group commit of a file database.

// The connection of a file's group writer (GroupWriter below). Its temporary
// files are kept in memory (temp_store = MEMORY): every writer of a batch
// runs in a SAVEPOINT, and SQLite keeps the original of each page a
// savepoint changes in a sub-journal so that the writer alone can be undone.
// With the default, a sub-journal past 64 KiB spills to a temporary file,
// and the bench's 40-item submissions did so inside the serialised write:
// perf stat counted 98 pwrite calls per COMMIT and a temporary file opened
// about every other COMMIT; with the sub-journal in memory, 51 and none.
// In memory a sub-journal lasts only as long as its savepoint (it is
// emptied when the savepoint ends) and holds only the originals of pages
// one writer changes. The price: a write that changes very many pages (a
// migration rewriting a large table) or sorts a large index keeps them in
// memory instead of a temporary file. A bound was tried instead
// (SQLITE_CONFIG_STMTJRNL_SPILL above 64 KiB, in memory up to it, a file
// beyond): SQLite 3.40 failed the write that spilled with SQLITE_FULL.
// Readers keep SQLite's default; they run no savepoints.
//
// `on_commit` replaces SQLite's automatic checkpoint (which is itself a
// WAL hook): it is called after each commit with the log's frames, and
// checkpoints as SQLite's does (see GroupWriter::OnWalCommit) at the
// connection's own threshold, read into *checkpoint_frames first.
absl::StatusOr<std::unique_ptr<Conn>> OpenWriterConn(const std::string& path,
                                                     int (*on_commit)(void*, sqlite3*,
                                                                      const char*, int),
                                                     void* on_commit_arg,
                                                     int* checkpoint_frames) {
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<Conn> conn, OpenConn(path, /*memory=*/false));
  SECCOORD_RETURN_IF_ERROR(Run(*conn, "PRAGMA temp_store = MEMORY", {}, false, nullptr, nullptr));
  std::vector<Row> rows;
  SECCOORD_RETURN_IF_ERROR(Run(*conn, "PRAGMA wal_autocheckpoint", {}, false, &rows, nullptr));
  *checkpoint_frames = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
  sqlite3_wal_hook(conn->db, on_commit, on_commit_arg);
  return conn;
}

// The savepoint each writer of a batch runs in. Writers run one at a time
// and each releases or undoes its savepoint before the next one starts, so
// the one name never nests.
constexpr char kWriterSavepoint[] = "SAVEPOINT seccoord_writer";
constexpr char kReleaseWriter[] = "RELEASE seccoord_writer";
constexpr char kUndoWriter[] = "ROLLBACK TO seccoord_writer";
// Bounds of one batch. A writer leaving the gate hands it on to a waiting
// writer (the batch grows) only while the batch has fewer writers than
// kMaxBatchWriters and its first writer released its work less than
// kMaxBatchDelay ago; otherwise it commits. So grouping delays the first
// writer of a batch by a few milliseconds of its successors' work at most,
// and a steady stream of writers still commits.
constexpr int kMaxBatchWriters = 64;
constexpr std::chrono::milliseconds kMaxBatchDelay(5);

// The outcome of one batch, which every writer that joined it waits for.
struct Batch {
  bool done = false;    // guarded by GroupWriter::mu_
  absl::Status status;  // guarded by GroupWriter::mu_; valid once done
};

// The code a writer gets when its batch was lost by another writer's error
// (SQLite rolled the whole transaction back). Trouble of the file (I/O
// error, full disk, damage) is this writer's trouble too and keeps its code;
// an error of the other writer's own statements says nothing about this
// one, whose work was sound: ABORTED, retry the whole transaction.
absl::StatusCode LostBatchCode(absl::StatusCode cause) {
  switch (cause) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
      return cause;
    default:
      return absl::StatusCode::kAborted;
  }
}

// Group commit for one database file in this process, shared by every
// Database open on the file (so two of them never wait for each other's
// open transaction).
//
// Writers take the gate one at a time and run on the one writer connection,
// which holds a BEGIN IMMEDIATE transaction shared by a batch of writers;
// each writer is a SAVEPOINT in it and sees the released work of the
// writers before it, as it would run after them serially. A writer that
// commits RELEASEs its savepoint and leaves the gate: to the next waiting
// writer while there is one (and the batch is within its bounds), else it
// COMMITs the batch itself — one WAL sync for every writer of the batch —
// and wakes them all with the COMMIT's status. Nobody's Commit returns OK
// before that COMMIT did. A writer that fails or is destroyed uncommitted
// undoes its savepoint only; when SQLite rolled back the whole transaction
// itself (SQLITE_FULL, an I/O error, ...) the batch is lost and each of its
// writers gets an error. leveldb's DBImpl::Write groups its log writes the
// same way.
//
// Thread-safety: mu_ guards the gate, the counters and the outcome of
// batches. The writer connection and the open batch (conn_, open_, batch_*)
// belong to the thread holding the gate, which hands them on with it.
class GroupWriter {
 public:
  explicit GroupWriter(std::string path) : path_(std::move(path)) {}
  // Every writer holds a reference to this object, so none is inside or
  // waiting here; a batch still open ends as if its last writer left.
  ~GroupWriter() {
    if (open_) EndBatch(absl::OkStatus());
  }
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // Takes the gate (waiting up to kWaitTimeout), opens a batch when none is
  // open (BEGIN IMMEDIATE, which waits up to the busy timeout for writers
  // of other processes) and starts the writer's savepoint. On success the
  // caller holds the gate and uses the returned connection until it calls
  // Committed or Abandoned; *batch is the batch it joined.
  absl::StatusOr<Conn*> Enter(std::shared_ptr<Batch>* batch);
  // The caller released its savepoint: leaves the gate and waits until the
  // COMMIT of `batch` is done; that COMMIT's status.
  absl::Status Committed(const std::shared_ptr<Batch>& batch);
  // Undoes the caller's savepoint and leaves the gate. `cause`: the error
  // that ended the writer (OK when it is destroyed without commit), which
  // the batch's other writers are told about if their work is lost too.
  void Abandoned(const absl::Status& cause);

  // The first damage the writer connection met ("" if none).
  std::string Damage() const {
    std::lock_guard<std::mutex> lock(mu_);
    return damage_;
  }
  // The file was opened (again), and is `identity` (FileIdentity) as the
  // open leaves it: stamp it after the next commit (sqlite_close_stamp.h,
  // RecordRunningStamp), if it is still that file then.
  // `frames`: the committed frames of its log (ReadWal).
  void Opened(const std::string& identity, int64_t frames) {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    expected_identity_ = identity;
    stamp_due_ = true;
    if (distrusted_) return;
    // Stamped at once when its last change is old enough, so a server
    // killed before its first write starts again without the check; and
    // again after the first commit, whose frames the log then holds.
    log_frames_ = frames;
    RecordRunningStamp(path_, expected_identity_, log_frames_);
  }
  // A connection met damage in the file, its check at open failed, or it
  // was written by someone else: removes its stamp and writes none while
  // this writer lives.
  void Distrust() {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    distrusted_ = true;
    RemoveStamp(path_);
  }
  // Another Database opened the file (and took its stamp): stamp it again
  // after the next commit.
  void StampAgain() { stamp_due_ = true; }
  // Whether the file is as this writer last left it (no one else wrote it).
  bool FileIsAsLeft() {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    return !distrusted_ && FileIdentity(path_) == expected_identity_;
  }
  // A checkpoint wrote the file: it is `identity` now, and stamped again
  // after a later commit.
  void Checkpointed(const std::string& identity) {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    expected_identity_ = identity;
    stamp_due_ = true;
  }
  bool Distrusted() {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    return distrusted_;
  }
  // What a connection to this writer's file calls when it meets damage.
  static std::function<void()> DistrustOnDamage(const std::shared_ptr<GroupWriter>& writer) {
    return [weak = std::weak_ptr<GroupWriter>(writer)] {
      if (std::shared_ptr<GroupWriter> w = weak.lock()) w->Distrust();
    };
  }
  SqliteWriteStats Stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    SqliteWriteStats stats;
    stats.commits = commits_;
    stats.committed_writes = committed_writes_;
    stats.waiting_writers = waiting_;
    return stats;
  }

 private:
  // Leaves the gate after the holder's savepoint is released or undone:
  // hands it on to a waiting writer, or ends the batch first.
  void Leave();
  // Ends the open batch: COMMITs it when `lost` is OK and a writer waits
  // for it, else rolls it back; wakes its writers with the outcome.
  void EndBatch(absl::Status lost);
  void ReleaseGate() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    gate_cv_.notify_one();
  }
  // The writer connection's WAL hook, after each commit (by the gate
  // holder, inside COMMIT): notes the log's frames and checkpoints once it
  // holds checkpoint_frames_, as SQLite's automatic checkpoint does
  // (PASSIVE: it copies what no reader still needs and never waits). The
  // checkpoint wrote the file: what it left is what the next stamp may
  // name, and the stamp is due. Damage met by the checkpoint distrusts the
  // file.
  static int OnWalCommit(void* arg, sqlite3* db, const char* name, int frames) {
    auto* self = static_cast<GroupWriter*>(arg);
    {
      std::lock_guard<std::mutex> lock(self->stamp_mu_);
      // Fewer frames than before: the log restarted (new salts), and the
      // stamp names the old one.
      if (frames < self->log_frames_) self->stamp_due_ = true;
      self->log_frames_ = frames;
    }
    if (self->checkpoint_frames_ > 0 && frames >= self->checkpoint_frames_) {
      // Only checkpoints write the file: one that finds it changed since
      // the last one (or the open) finds someone else's write, which the
      // checkpoint must not make look like this driver's.
      const bool as_left = self->FileIsAsLeft();
      const int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                               nullptr);
      if (!as_left || FileTroubleOf(rc) == FileTrouble::kDamaged) {
        self->Distrust();
      } else {
        self->Checkpointed(FileIdentity(self->path_));
      }
    }
    return SQLITE_OK;
  }
  // Remembers damage the writer connection met, for DamageSeen.
  void NoteDamage() {
    if (conn_ == nullptr || conn_->damage.empty()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (damage_.empty()) damage_ = conn_->damage;
  }

  const std::string path_;
  mutable std::mutex mu_;
  std::condition_variable gate_cv_;  // the gate became free
  std::condition_variable done_cv_;  // a batch ended
  bool held_ = false;                // guarded by mu_
  int waiting_ = 0;                  // guarded by mu_: writers waiting for the gate
  int64_t commits_ = 0;              // guarded by mu_
  int64_t committed_writes_ = 0;     // guarded by mu_
  std::string damage_;               // guarded by mu_
  // The file's stamp names it as it was before a checkpoint (or the open),
  // or names no log while the log has frames: set by Opened and
  // Checkpointed, cleared by the gate holder once RecordRunningStamp
  // stamped the file and its log after a commit.
  std::atomic<bool> stamp_due_{false};
  // Serialises stamping with Distrust, so no stamp follows damage.
  std::mutex stamp_mu_;
  bool distrusted_ = false;         // guarded by stamp_mu_
  std::string expected_identity_;   // guarded by stamp_mu_: the file as last left
  int64_t log_frames_ = 0;          // guarded by stamp_mu_: committed frames of the log
  // Owned by the gate holder: the writer connection's checkpoint threshold
  // (PRAGMA wal_autocheckpoint, read when it opens).
  int checkpoint_frames_ = 0;

  // Owned by the gate holder. Opened at the first write; closed after a
  // batch whose statements met a read-only or damaged file or an I/O
  // error, so the next batch sees the file as it is then.
  std::unique_ptr<Conn> conn_;
  bool open_ = false;  // conn_ is in the batch's transaction
  std::shared_ptr<Batch> batch_;
  int batch_writers_ = 0;  // writers that entered the open batch
  int batch_members_ = 0;  // of them, those that released their savepoint
  std::chrono::steady_clock::time_point first_release_;  // of the first member
};

absl::StatusOr<Conn*> GroupWriter::Enter(std::shared_ptr<Batch>* batch) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    const bool free = gate_cv_.wait_for(lock, kWaitTimeout, [this] { return !held_; });
    --waiting_;
    if (!free) {
      return absl::UnavailableError(
          "sqlite: timed out waiting for the write lock (another write "
          "transaction is open)");
    }
    held_ = true;
  }
  if (!open_) {
    if (conn_ == nullptr) {
      absl::StatusOr<std::unique_ptr<Conn>> opened =
          OpenWriterConn(path_, &OnWalCommit, this, &checkpoint_frames_);
      if (!opened.ok()) {
        ReleaseGate();
        return opened.status();
      }
      conn_ = std::move(*opened);
      conn_->on_damage = [this] { Distrust(); };
    }
    absl::Status begun = Run(*conn_, "BEGIN IMMEDIATE", {}, false, nullptr, nullptr,
                             /*beginning=*/true);
    if (!begun.ok()) {
      NoteDamage();
      if (conn_->discard) conn_.reset();
      ReleaseGate();
      return begun;
    }
    open_ = true;
    batch_ = std::make_shared<Batch>();
    batch_writers_ = 0;
    batch_members_ = 0;
  }
  absl::Status saved = Run(*conn_, kWriterSavepoint, {}, false, nullptr, nullptr);
  if (!saved.ok()) {
    // Nothing of this writer to undo; the batch survives unless SQLite
    // rolled it back.
    if (sqlite3_get_autocommit(conn_->db)) EndBatch(saved);
    Leave();
    return saved;
  }
  ++batch_writers_;
  *batch = batch_;
  return conn_.get();
}

absl::Status GroupWriter::Committed(const std::shared_ptr<Batch>& batch) {
  if (batch_members_++ == 0) first_release_ = std::chrono::steady_clock::now();
  Leave();
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&batch] { return batch->done; });
  return batch->status;
}

void GroupWriter::Abandoned(const absl::Status& cause) {
  absl::Status lost;
  if (sqlite3_get_autocommit(conn_->db)) {
    // SQLite rolled back the whole transaction itself: the released work
    // of the batch's other writers went with it.
    lost = cause.ok() ? absl::InternalError("sqlite: the transaction was rolled back") : cause;
  } else {
    lost = Run(*conn_, kUndoWriter, {}, false, nullptr, nullptr);
    if (lost.ok()) lost = Run(*conn_, kReleaseWriter, {}, false, nullptr, nullptr);
    // If this writer's work cannot be taken out, the batch cannot commit.
  }
  if (!lost.ok()) EndBatch(std::move(lost));
  Leave();
}

void GroupWriter::Leave() {
  NoteDamage();
  if (open_) {
    {
      // Deciding and freeing the gate under one lock: a waiter counted here
      // cannot time out before it sees the gate free, so the batch always
      // has a holder that will end it.
      std::lock_guard<std::mutex> lock(mu_);
      if (waiting_ > 0 && batch_writers_ < kMaxBatchWriters &&
          (batch_members_ == 0 ||
           std::chrono::steady_clock::now() - first_release_ < kMaxBatchDelay)) {
        held_ = false;
        gate_cv_.notify_one();
        return;
      }
    }
    EndBatch(absl::OkStatus());
  }
  ReleaseGate();
}

void GroupWriter::EndBatch(absl::Status lost) {
  absl::Status status = std::move(lost);
  const bool commit = status.ok() && batch_members_ > 0;
  if (commit) {
    status = Run(*conn_, "COMMIT", {}, false, nullptr, nullptr);
    if (!status.ok()) {
      status = absl::Status(status.code(),
                            absl::StrCat(status.message(), " (the COMMIT of a group of ",
                                         batch_members_, " writes: none of them is committed)"));
    }
  } else if (!status.ok()) {
    status = absl::Status(
        LostBatchCode(status.code()),
        absl::StrCat("sqlite: this write was rolled back with the group commit it joined, "
                     "after another write of the group failed: ",
                     status.message()));
  }
  // An empty batch, a lost one SQLite left open, or a failed COMMIT.
  if (!sqlite3_get_autocommit(conn_->db)) {
    Run(*conn_, "ROLLBACK", {}, false, nullptr, nullptr).IgnoreError();
  }
  NoteDamage();
  // After a commit the file and its log are as this writer left them; the
  // stamp says so once a checkpoint (or the open) made it out of date.
  if (commit && status.ok() && stamp_due_) {
    std::unique_lock<std::mutex> lock(stamp_mu_);
    if (distrusted_) {
      stamp_due_ = false;
    } else {
      switch (RecordRunningStamp(path_, expected_identity_, log_frames_)) {
        case RunningStampResult::kWritten:
          // A stamp of a log without committed frames says "no log": the
          // first commit that writes frames must stamp again.
          stamp_due_ = log_frames_ == 0;
          break;
        case RunningStampResult::kTooRecent:
          break;
        case RunningStampResult::kChanged:
          lock.unlock();
          Distrust();
          break;
      }
    }
  }
  // A connection stuck in a transaction is closed (closing rolls back).
  if (conn_->discard || !sqlite3_get_autocommit(conn_->db)) conn_.reset();
  open_ = false;
  const std::shared_ptr<Batch> batch = std::move(batch_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (commit) {
      ++commits_;
      if (status.ok()) committed_writes_ += batch_members_;
    }
    batch->done = true;
    batch->status = status;
  }
  done_cv_.notify_all();
}

// The group writer of the database file at `real_path`, shared by every
// Database open on it in this process.
// *created: whether this call made it (the file's first Database in this
// process).
std::shared_ptr<GroupWriter> WriterForFile(const std::string& real_path, bool* created) {
  *created = false;
  static std::mutex* const mu = new std::mutex;
  static auto* const writers = new std::map<std::string, std::weak_ptr<GroupWriter>>;
  std::lock_guard<std::mutex> lock(*mu);
  for (auto it = writers->begin(); it != writers->end();) {
    it = it->second.expired() ? writers->erase(it) : std::next(it);
  }
  std::weak_ptr<GroupWriter>& slot = (*writers)[real_path];
  std::shared_ptr<GroupWriter> writer = slot.lock();
  if (writer == nullptr) {
    writer = std::make_shared<GroupWriter>(real_path);
    slot = writer;
    *created = true;
  }
  return writer;
}

// ---------------------------------------------------------------------------
// Transactions.

// What both kinds of transaction share: statements on one connection, and
// the end of the transaction after an error.
class SqliteTransactionBase : public Transaction {
 public:
  absl::StatusOr<std::vector<Row>> Query(std::string_view sql,
                                         const Params& params) override {
    SECCOORD_RETURN_IF_ERROR(ended_);
    std::vector<Row> rows;
    absl::Status status = Run(conn(), sql, params, read_only_, &rows, nullptr);
    if (!status.ok()) return Fail(std::move(status));
    return rows;
  }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  const Params& params) override {
    SECCOORD_RETURN_IF_ERROR(ended_);
    int64_t changes = 0;
    absl::Status status = Run(conn(), sql, params, read_only_, nullptr, &changes);
    if (!status.ok()) return Fail(std::move(status));
    return changes;
  }

 protected:
  explicit SqliteTransactionBase(bool read_only) : read_only_(read_only) {}

  virtual Conn& conn() = 0;
  // Ends the transaction without committing it (rolls back its work) and
  // gives back what it holds. `cause` is the error that ended it.
  virtual void Abort(const absl::Status& cause) = 0;

  // Ends the transaction after `error`; later calls fail.
  absl::Status Fail(absl::Status error) {
    EndedBy(error);
    Abort(error);
    return error;
  }
  void EndedBy(const absl::Status& error) {
    ended_ = absl::FailedPreconditionError(absl::StrCat(
        "transaction ended by an earlier error: ",
        Av(StatusCodeName(error.code())), ": ", error.message()));
  }
  void MarkCommitted() {
    ended_ = absl::FailedPreconditionError("sqlite: transaction already committed");
  }

  absl::Status ended_;  // OK while the transaction is open

 private:
  const bool read_only_;
};

class SqliteDatabase;

// A transaction on a connection of the pool: every read, and the writes of
// the in-memory database (under its write gate).
class PooledTransaction : public SqliteTransactionBase {
 public:
  PooledTransaction(SqliteDatabase* owner, std::unique_ptr<Conn> conn, TxMode mode,
                    std::shared_ptr<WriteGate> gate)
      : SqliteTransactionBase(mode != TxMode::kReadWrite), owner_(owner),
        conn_(std::move(conn)), mode_(mode), gate_(std::move(gate)) {}
  ~PooledTransaction() override { End(); }

  absl::Status Commit() override {
    SECCOORD_RETURN_IF_ERROR(ended_);
    if (mode_ != TxMode::kReadOnlyPerStatement) {  // else no transaction is open
      absl::Status status = Run(*conn_, "COMMIT", {}, false, nullptr, nullptr);
      if (!status.ok()) return Fail(std::move(status));
    }
    MarkCommitted();
    End();
    return absl::OkStatus();
  }

 private:
  Conn& conn() override { return *conn_; }
  void Abort(const absl::Status&) override { End(); }
  // Rolls back if still open; hands the connection back; releases the gate.
  void End();

  SqliteDatabase* const owner_;
  std::unique_ptr<Conn> conn_;
  const TxMode mode_;
  std::shared_ptr<WriteGate> gate_;  // held while not null
};

// A write transaction of a file database: one writer of a group commit
// batch (GroupWriter), a savepoint in the batch's transaction.
class GroupWriteTransaction : public SqliteTransactionBase {
 public:
  GroupWriteTransaction(std::shared_ptr<GroupWriter> writer, Conn* conn,
                        std::shared_ptr<Batch> batch)
      : SqliteTransactionBase(/*read_only=*/false), writer_(std::move(writer)), conn_(conn),
        batch_(std::move(batch)) {}
  // Destroyed without Commit: undoes this writer's savepoint only.
  ~GroupWriteTransaction() override { Abort(absl::OkStatus()); }

  absl::Status Commit() override {
    SECCOORD_RETURN_IF_ERROR(ended_);
    // A deferred foreign key still unresolved would fail the COMMIT of the
    // whole batch; serially it fails this transaction's COMMIT only. The
    // writers before this one left none (they were checked here), so any
    // counted now is this writer's.
    int unresolved = 0;
    int high = 0;
    if (sqlite3_db_status(conn_->db, SQLITE_DBSTATUS_DEFERRED_FKS, &unresolved, &high, 0) ==
            SQLITE_OK &&
        unresolved > 0) {
      return Fail(absl::FailedPreconditionError(
          "sqlite: commit: FOREIGN KEY constraint failed (a deferred foreign key of this "
          "transaction is unresolved)"));
    }
    absl::Status released = Run(*conn_, kReleaseWriter, {}, false, nullptr, nullptr);
    if (!released.ok()) return Fail(std::move(released));
    in_gate_ = false;
    absl::Status committed = writer_->Committed(batch_);
    if (committed.ok()) {
      MarkCommitted();
    } else {
      EndedBy(committed);
    }
    return committed;
  }

 private:
  Conn& conn() override { return *conn_; }
  void Abort(const absl::Status& cause) override {
    if (!in_gate_) return;
    in_gate_ = false;
    writer_->Abandoned(cause);
  }

  const std::shared_ptr<GroupWriter> writer_;
  Conn* const conn_;  // the writer connection, used while in_gate_
  const std::shared_ptr<Batch> batch_;
  bool in_gate_ = true;  // holds the gate: not yet committed or abandoned
};

class SqliteDatabase : public Database {
 public:
  // `writer` for a file database; `gate` for the in-memory one.
  // `real_path`: the file's path with symbolic links resolved, which
  // SQLite names its log after and the stamp sits beside ("" in memory).
  SqliteDatabase(std::string path, std::string real_path, bool memory,
                 std::shared_ptr<WriteGate> gate, std::shared_ptr<GroupWriter> writer,
                 std::unique_ptr<Conn> first)
      : path_(std::move(path)), real_path_(std::move(real_path)), memory_(memory),
        gate_(std::move(gate)), writer_(std::move(writer)), max_open_(memory ? 1 : INT_MAX) {
    idle_.push_back(std::move(first));
    open_ = 1;
  }

  // Closes the pooled connections; when that was the file's last close and
  // no statement met damage, stamps the file (sqlite_close_stamp.h) so the
  // next open may skip the integrity check.
  ~SqliteDatabase() override {
    // Damage met by the pool's connections (ReleaseConn keeps the first)
    // or by the writer connection.
    // A file someone else wrote while it was open (the last close's
    // checkpoint would make it look like this driver's) is not stamped.
    bool clean = !memory_ && DamageSeen().ok();
    if (clean && !writer_->FileIsAsLeft()) {
      writer_->Distrust();
      clean = false;
    }
    // Closes the writer connection when this was the file's last Database
    // (it is shared per file), before the file is stamped. A writer that
    // lives on (another Database has the file) owns the file's stamps.
    std::weak_ptr<GroupWriter> shared_writer = writer_;
    writer_.reset();
    clean = clean && shared_writer.expired();
    {
      std::lock_guard<std::mutex> lock(mu_);
      clean = clean && open_ == static_cast<int>(idle_.size());
      idle_.clear();
    }
    if (clean) RecordCleanClose(real_path_);
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    if (mode == TxMode::kReadWrite && writer_ != nullptr) {
      std::shared_ptr<Batch> batch;
      SECCOORD_ASSIGN_OR_RETURN(Conn * conn, writer_->Enter(&batch));
      return std::unique_ptr<Transaction>(
          new GroupWriteTransaction(writer_, conn, std::move(batch)));
    }
    std::shared_ptr<WriteGate> held;
    if (mode == TxMode::kReadWrite) {
      if (!gate_->Acquire(kWaitTimeout)) {
        return absl::UnavailableError(
            "sqlite: timed out waiting for the write lock (another write "
            "transaction is open)");
      }
      held = gate_;
    }
    absl::StatusOr<std::unique_ptr<Conn>> conn = AcquireConn();
    if (!conn.ok()) {
      if (held) held->Release();
      return conn.status();
    }
    // kReadOnlyPerStatement opens no transaction: each statement runs in
    // autocommit, in an implicit read transaction of its own.
    absl::Status status =
        mode == TxMode::kReadOnlyPerStatement
            ? absl::OkStatus()
            : Run(**conn, mode == TxMode::kReadWrite ? "BEGIN IMMEDIATE" : "BEGIN",
                  {}, false, nullptr, nullptr, /*beginning=*/true);
    if (!status.ok()) {
      ReleaseConn(std::move(*conn));
      if (held) held->Release();
      return status;
    }
    return std::unique_ptr<Transaction>(
        new PooledTransaction(this, std::move(*conn), mode, std::move(held)));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  absl::Status DamageSeen() const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!damage_.empty()) return absl::UnavailableError(damage_);
    }
    if (writer_ != nullptr) {
      std::string damage = writer_->Damage();
      if (!damage.empty()) return absl::UnavailableError(damage);
    }
    return absl::OkStatus();
  }

  const GroupWriter* writer() const { return writer_.get(); }
  bool checked_at_open() const { return checked_at_open_; }
  void set_checked_at_open(bool checked) { checked_at_open_ = checked; }

  void ReleaseConn(std::unique_ptr<Conn> conn, bool reusable = true) {
    std::unique_ptr<Conn> to_close;  // closed after the lock is released
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!conn->damage.empty() && damage_.empty()) damage_ = conn->damage;
      if (conn->discard && !memory_) reusable = false;
      // The in-memory database lives on its one connection: always keep it.
      if (memory_ || (reusable && idle_.size() < kMaxIdleConnections)) {
        idle_.push_back(std::move(conn));
      } else {
        to_close = std::move(conn);
        --open_;
      }
    }
    cv_.notify_one();
  }

 private:
  absl::StatusOr<std::unique_ptr<Conn>> AcquireConn() {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, kWaitTimeout, [this] {
            return !idle_.empty() || open_ < max_open_;
          })) {
        return absl::UnavailableError(
            "sqlite: timed out waiting for a connection (the in-memory "
            "database runs one transaction at a time)");
      }
      if (!idle_.empty()) {
        std::unique_ptr<Conn> conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;
    }
    absl::StatusOr<std::unique_ptr<Conn>> conn = OpenConn(path_, memory_);
    if (!conn.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      }
      cv_.notify_one();
    } else if (writer_ != nullptr) {
      (*conn)->on_damage = GroupWriter::DistrustOnDamage(writer_);
    }
    return conn;
  }

  const std::string path_;
  const std::string real_path_;
  const bool memory_;
  bool checked_at_open_ = false;  // set once, before the database is handed out
  const std::shared_ptr<WriteGate> gate_;      // in-memory database only
  std::shared_ptr<GroupWriter> writer_;  // file database only; reset by the destructor
  const int max_open_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
  int open_ = 0;                             // guarded by mu_
  std::string damage_;                       // guarded by mu_; first damage met
};

void PooledTransaction::End() {
  if (conn_ != nullptr) {
    bool reusable = true;
    if (!sqlite3_get_autocommit(conn_->db)) {
      Run(*conn_, "ROLLBACK", {}, false, nullptr, nullptr).IgnoreError();
      // A connection stuck in a transaction is not pooled (closing it rolls
      // back); ReleaseConn keeps the in-memory database's only one regardless.
      reusable = sqlite3_get_autocommit(conn_->db) != 0;
    }
    owner_->ReleaseConn(std::move(conn_), reusable);
  }
  if (gate_ != nullptr) {
    gate_->Release();
    gate_ = nullptr;
  }
}

// DATA_LOSS "sqlite: FILE is damaged (...)" for an error of opening or
// checking an existing file when the statement found the file damaged
// (NoteFileTrouble marked `conn`); other errors as they are.
absl::Status NameDamage(const std::string& file, const Conn& conn, absl::Status error) {
  if (error.ok() || conn.damage.empty()) return error;
  const std::string_view hint = FileTroubleHint(FileTrouble::kDamaged);
  std::string_view detail(error.message().data(), error.message().size());
  detail = detail.substr(0, detail.find(hint));
  return absl::DataLossError(absl::StrCat("sqlite: ", file, " is damaged (", Av(detail),
                                          "): restore it from a backup"));
}

// SQLite's integrity check of the whole file (quick_check: every page and
// b-tree, without matching index entries to table rows). OK or DATA_LOSS
// with the first problems it names.
absl::Status CheckIntegrity(Conn& conn, const std::string& file) {
  std::vector<Row> rows;
  absl::Status ran = Run(conn, "PRAGMA quick_check(5)", {}, false, &rows, nullptr);
  if (!ran.ok()) return NameDamage(file, conn, std::move(ran));
  if (rows.size() == 1 && rows[0].Text(0) == "ok") return absl::OkStatus();
  std::string problems;
  for (const Row& row : rows) {
    absl::StrAppend(&problems, problems.empty() ? "" : "; ", row.Text(0));
  }
  return absl::DataLossError(absl::StrCat("sqlite: ", file,
                                          " fails the integrity check (", problems,
                                          "); restore it from a backup"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(
    std::string_view path, const OpenOptions& options) {
  const bool memory = path == kSqliteMemory;
  std::string file(path);
  bool existed = false;
  if (!memory) {
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0) {
      existed = info.st_size > 0;
      if (info.st_size == 0 && !options.initialize_empty_file) {
        return absl::FailedPreconditionError(absl::StrCat(
            "sqlite: ", file,
            " is an empty file (0 bytes), not a database: refusing to take it for a new, "
            "empty database (was it truncated? restore it from a backup). To create a new "
            "database in it, start once with --initialize_empty_db"));
      }
    }
  }
  // Decided before SQLite opens the file: a file that only this driver
  // wrote since it was last checked needs no second check
  // (sqlite_close_stamp.h). The stamp sits beside the real file.
  std::string real_file;
  if (existed) {
    char* real = ::realpath(file.c_str(), nullptr);
    if (real == nullptr) {
      return absl::UnavailableError(absl::StrCat("sqlite: cannot resolve the path ", file));
    }
    real_file = real;
    ::free(real);
  }
  // The log as SQLite's recovery will take it, read once before SQLite
  // opens the file: the stamp is judged by it, and the writer starts from
  // its committed frames.
  const WalRecovery wal = existed ? ReadWal(real_file) : WalRecovery();
  const bool unchanged = existed && TakeCloseStamp(real_file, wal);
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<Conn> first, OpenConn(file, memory));
  std::shared_ptr<WriteGate> gate;
  std::shared_ptr<GroupWriter> writer;
  if (memory) {
    gate = std::make_shared<WriteGate>();
  } else {
    // WAL is a property of the file: set it once.
    std::vector<Row> rows;
    SECCOORD_RETURN_IF_ERROR(NameDamage(file, *first, Run(*first, "PRAGMA journal_mode = WAL", {},
                                                  false, &rows, nullptr,
                                                  /*beginning=*/true)));
    if (rows.empty() || absl::AsciiStrToLower(rows[0].Text(0)) != "wal") {
      return absl::UnavailableError(absl::StrCat(
          "sqlite: could not switch ", file, " to WAL journal mode"));
    }
    if (real_file.empty()) {
      char* real = ::realpath(file.c_str(), nullptr);
      if (real == nullptr) {
        return absl::UnavailableError(
            absl::StrCat("sqlite: cannot resolve the path ", file));
      }
      real_file = real;
      ::free(real);
    }
    bool first_open = false;
    writer = WriterForFile(real_file, &first_open);
    first->on_damage = GroupWriter::DistrustOnDamage(writer);
    if (existed && !unchanged) {
      absl::Status checked = CheckIntegrity(*first, file);
      if (!checked.ok()) {
        writer->Distrust();
        return checked;
      }
    }
    // The stamp was taken: the file's writer writes a new one. The first
    // open in this process tells it the file and its log as they are now
    // (it stamps at once when it can); a later one shares a writer that may
    // be committing meanwhile, which knows the file better: it only asks it
    // for a new stamp.
    if (first_open) {
      const std::string identity = FileIdentity(real_file);
      writer->Opened(identity, wal.committed_frames);
    } else {
      writer->StampAgain();
    }
  }
  auto db = std::make_unique<SqliteDatabase>(std::move(file), std::move(real_file), memory,
                                             std::move(gate), std::move(writer),
                                             std::move(first));
  db->set_checked_at_open(existed && !memory && !unchanged);
  return std::unique_ptr<Database>(std::move(db));
}

absl::StatusOr<bool> SqliteCheckedAtOpen(const Database& db) {
  const auto* sqlite = dynamic_cast<const SqliteDatabase*>(&db);
  if (sqlite == nullptr || sqlite->writer() == nullptr) {
    return absl::FailedPreconditionError(
        "sqlite: the integrity check at open exists only for a SQLite file database");
  }
  return sqlite->checked_at_open();
}

absl::StatusOr<SqliteWriteStats> SqliteWriteStatsOf(const Database& db) {
  const auto* sqlite = dynamic_cast<const SqliteDatabase*>(&db);
  if (sqlite == nullptr || sqlite->writer() == nullptr) {
    return absl::FailedPreconditionError(
        "sqlite: write statistics exist only for a SQLite file database");
  }
  return sqlite->writer()->Stats();
}

}  // namespace seccoord::db
