#include "services/runtime/db/postgres_database.h"

#include <libpq-fe.h>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/db/sql_util.h"

namespace seccoord::db {
namespace {

using internal::Av;
using internal::SqlSnippet;
using internal::StartsWith;

// Pool limits: at most kMaxOpen connections; at most kMaxIdle kept idle.
constexpr int kMaxOpen = 32;
constexpr size_t kMaxIdle = 16;
constexpr std::chrono::seconds kPoolWait(30);

// Type OIDs (server/catalog/pg_type_d.h, stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

void IgnoreNotice(void*, const char*) {}

// The first line of a libpq message, without trailing blanks. Server errors
// keep their DETAIL (which may quote values) on later lines.
std::string FirstLine(const char* text) {
  if (text == nullptr) return "";
  std::string s(text);
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

absl::StatusCode CodeForSqlState(std::string_view state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (state == "23503") return absl::StatusCode::kFailedPrecondition;
  if (state == "25006") return absl::StatusCode::kFailedPrecondition;
  // The server refuses a parameter list that does not match the statement
  // ("bind message supplies 1 parameters, but ... requires 2") as a protocol
  // violation; the connection stays usable.
  // Likewise a parameter the statement never uses ("could not determine
  // data type of parameter $2"), as SQLite reports it.
  if (state == "08P01" || state == "42P18") {
    return absl::StatusCode::kInvalidArgument;
  }
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return absl::StatusCode::kAborted;
  }
  if (StartsWith(state, "08") || state == "57P01" || state == "57P02" ||
      state == "57P03" || state == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  if (state == "53100") return absl::StatusCode::kResourceExhausted;
  return absl::StatusCode::kInternal;
}

// The status of a failed command. Sets *broken when the connection is gone.
absl::Status PgError(PGconn* conn, const PGresult* res, std::string_view what,
                     std::string_view sql, bool* broken) {
  *broken = PQstatus(conn) != CONNECTION_OK;
  const char* state_field =
      res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field != nullptr ? state_field : "";
  std::string text;
  if (StartsWith(state, "22")) {
    // Data exceptions quote the offending value (e.g. invalid input syntax
    // for type bigint: "..."), which may be a secret: keep the SQLSTATE only.
    text = "data exception (value not shown)";
  } else if (res != nullptr &&
             PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != nullptr) {
    text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  } else if (res != nullptr && *PQresultErrorMessage(res) != '\0') {
    text = FirstLine(PQresultErrorMessage(res));
  } else {
    text = FirstLine(PQerrorMessage(conn));
  }
  absl::StatusCode code = CodeForSqlState(state);
  if (*broken) code = absl::StatusCode::kUnavailable;
  std::string message = absl::StrCat("postgres: ", Av(what), ": ", text);
  if (!state.empty()) absl::StrAppend(&message, " (SQLSTATE ", state, ")");
  if (*broken) absl::StrAppend(&message, " (connection lost)");
  if (!sql.empty()) absl::StrAppend(&message, " in: ", SqlSnippet(sql));
  return absl::Status(code, message);
}

Value ColumnValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate();
  const char* text = PQgetvalue(res, row, col);
  const int length = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t n = 0;
      if (absl::SimpleAtoi(absl::string_view(text, length), &n)) return n;
      break;
    }
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kNumericOid: {  // SUM(bigint), etc.: integral values as integers
      int64_t n = 0;
      if (absl::SimpleAtoi(absl::string_view(text, length), &n)) return n;
      break;
    }
    default:
      break;
  }
  return std::string(text, length);
}

class PostgresDatabase;

class PostgresTransaction : public Transaction {
 public:
  PostgresTransaction(PostgresDatabase* owner, Conn conn)
      : owner_(owner), conn_(std::move(conn)) {}
  ~PostgresTransaction() override { End(); }

  absl::StatusOr<std::vector<Row>> Query(std::string_view sql,
                                         const Params& params) override {
    std::vector<Row> rows;
    SECCOORD_RETURN_IF_ERROR(Run(sql, params, &rows, nullptr));
    return rows;
  }

  absl::StatusOr<int64_t> Execute(std::string_view sql,
                                  const Params& params) override {
    int64_t changes = 0;
    SECCOORD_RETURN_IF_ERROR(Run(sql, params, nullptr, &changes));
    return changes;
  }

  absl::Status NotifyOnCommit(std::string_view channel) override {
    if (!IsValidChannelName(channel)) {
      return absl::InvalidArgumentError("postgres: invalid change channel name");
    }
    // NOTIFY inside a transaction is delivered when, and only if, it commits.
    return Query("SELECT pg_notify($1, '')", {std::string(channel)}).status();
  }

  absl::Status Commit() override {
    SECCOORD_RETURN_IF_ERROR(ended_);
    Result res(PQexec(conn_.get(), "COMMIT"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      bool broken = false;
      absl::Status error = PgError(conn_.get(), res.get(), "commit", "", &broken);
      if (broken) {
        // The outcome is unknown: the server may or may not have committed.
        error = absl::UnavailableError(absl::StrCat(
            error.message(), "; the outcome of the commit is unknown"));
      }
      return Fail(std::move(error), broken);
    }
    // COMMIT of a transaction the server had already aborted says ROLLBACK.
    if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0) {
      return Fail(absl::AbortedError(
                      "postgres: commit: the server rolled the transaction back"),
                  false);
    }
    ended_ = absl::FailedPreconditionError(
        "postgres: transaction already committed");
    End();
    return absl::OkStatus();
  }

 private:
  absl::Status Run(std::string_view sql, const Params& params,
                   std::vector<Row>* rows, int64_t* changes) {
    SECCOORD_RETURN_IF_ERROR(ended_);
    const int n = static_cast<int>(params.size());
    std::vector<std::string> numbers(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (const int64_t* v = std::get_if<int64_t>(&value)) {
        numbers[i] = absl::StrCat(*v);
        values[i] = numbers[i].c_str();
        types[i] = kInt8Oid;
      } else if (const std::string* s = std::get_if<std::string>(&value)) {
        if (s->find('\0') != std::string::npos) {
          return Fail(absl::InvalidArgumentError(absl::StrCat(
                          "postgres: text parameter $", i + 1,
                          " contains a NUL byte")),
                      false);
        }
        values[i] = s->c_str();  // type 0: inferred by the server
      }
    }
    const std::string text(sql);
    Result res(PQexecParams(conn_.get(), text.c_str(), n,
                            n ? types.data() : nullptr,
                            n ? values.data() : nullptr, nullptr, nullptr,
                            /*resultFormat=*/0));
    const ExecStatusType status = PQresultStatus(res.get());
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT ||
        status == PGRES_COPY_BOTH) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
                      "postgres: COPY is not supported in: ", SqlSnippet(sql))),
                  /*broken=*/true);
    }
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      bool broken = false;
      absl::Status error = PgError(conn_.get(), res.get(), "execute", sql, &broken);
      return Fail(std::move(error), broken);
    }
    if (rows != nullptr) {
      const int nrows = PQntuples(res.get());
      const int ncols = PQnfields(res.get());
      rows->reserve(nrows);
      for (int r = 0; r < nrows; ++r) {
        std::vector<Value> row;
        row.reserve(ncols);
        for (int c = 0; c < ncols; ++c) row.push_back(ColumnValue(res.get(), r, c));
        rows->emplace_back(std::move(row));
      }
    }
    if (changes != nullptr) {
      int64_t count = 0;
      const char* tuples = PQcmdTuples(res.get());
      if (tuples == nullptr || !absl::SimpleAtoi(tuples, &count)) count = 0;
      // A query changes nothing (libpq counts the rows it returned).
      if (status == PGRES_TUPLES_OK &&
          StartsWith(PQcmdStatus(res.get()), "SELECT")) {
        count = 0;
      }
      *changes = count;
    }
    return absl::OkStatus();
  }

  // Ends the transaction after an error (rolled back at once, as the server
  // refuses everything but ROLLBACK afterwards anyway). Later calls fail.
  absl::Status Fail(absl::Status error, bool broken) {
    ended_ = absl::FailedPreconditionError(absl::StrCat(
        "transaction ended by an earlier error: ", Av(StatusCodeName(error.code())),
        ": ", error.message()));
    if (broken) broken_ = true;
    End();
    return error;
  }

  void End();

  PostgresDatabase* const owner_;
  Conn conn_;
  absl::Status ended_;  // OK while the transaction is open
  bool broken_ = false;
};

class PostgresDatabase : public Database {
 public:
  explicit PostgresDatabase(std::string conninfo)
      : conninfo_(std::move(conninfo)) {}

  // Makes the first connection (validates the URL and reachability).
  absl::Status Init() {
    SECCOORD_ASSIGN_OR_RETURN(Conn conn, Connect());
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
    open_ = 1;
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<ChangeListener>> Listen(std::string_view channel) override;

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kReadOnly
                            ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                            : "BEGIN ISOLATION LEVEL READ COMMITTED";
    // A pooled connection may have died since it was last used (server
    // restart, idle timeout): then retry once on a fresh connection.
    for (int attempt = 0;; ++attempt) {
      bool fresh = false;
      SECCOORD_ASSIGN_OR_RETURN(Conn conn, AcquireConn(attempt > 0, &fresh));
      Result res(PQexec(conn.get(), begin));
      if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) {
        return std::unique_ptr<Transaction>(
            new PostgresTransaction(this, std::move(conn)));
      }
      bool broken = false;
      absl::Status error = PgError(conn.get(), res.get(), "begin", "", &broken);
      res.reset();
      ReleaseConn(std::move(conn), !broken);
      if (!broken || fresh || attempt > 0) return error;
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  // Returns a connection to the pool; a broken one is closed, and then the
  // idle ones too (they most likely broke the same way).
  void ReleaseConn(Conn conn, bool reusable) {
    std::vector<Conn> to_close;  // closed after the lock is released
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (reusable && PQstatus(conn.get()) == CONNECTION_OK &&
          PQtransactionStatus(conn.get()) == PQTRANS_IDLE &&
          idle_.size() < kMaxIdle) {
        idle_.push_back(std::move(conn));
      } else {
        to_close.push_back(std::move(conn));
        --open_;
        if (!reusable) {
          for (Conn& c : idle_) to_close.push_back(std::move(c));
          open_ -= static_cast<int>(idle_.size());
          idle_.clear();
        }
      }
    }
    cv_.notify_all();
  }

 private:
  absl::StatusOr<Conn> Connect() {
    // Later keywords override earlier ones, and the expanded URL overrides
    // the defaults before it: connect_timeout and application_name can be set
    // in the URL; client_encoding is always UTF8.
    const char* const keys[] = {"connect_timeout", "application_name", "dbname",
                                "client_encoding", nullptr};
    const char* const values[] = {"10", "seccoord", conninfo_.c_str(), "UTF8",
                                  nullptr};
    Conn conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (conn == nullptr) {
      return absl::ResourceExhaustedError("postgres: connect: out of memory");
    }
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      // libpq's message names host and port, never the password.
      return absl::UnavailableError(absl::StrCat(
          "postgres: cannot connect: ", FirstLine(PQerrorMessage(conn.get()))));
    }
    PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
    return conn;
  }

  // An idle connection, or a new one if `fresh` or none is idle (waiting
  // while kMaxOpen are in use). *opened tells whether it is new.
  absl::StatusOr<Conn> AcquireConn(bool fresh, bool* opened) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, kPoolWait, [&] {
            return (!fresh && !idle_.empty()) || open_ < kMaxOpen;
          })) {
        return absl::UnavailableError(absl::StrCat(
            "postgres: all ", kMaxOpen, " connections are busy"));
      }
      if (!fresh && !idle_.empty()) {
        Conn conn = std::move(idle_.back());
        idle_.pop_back();
        *opened = false;
        return conn;
      }
      ++open_;
    }
    absl::StatusOr<Conn> conn = Connect();
    if (!conn.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      }
      cv_.notify_all();
    }
    *opened = true;
    return conn;
  }

  const std::string conninfo_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn> idle_;  // guarded by mu_
  int open_ = 0;            // guarded by mu_
};

// LISTEN on a dedicated connection (never pooled: a listening session must
// stay open between waits).
class PostgresChangeListener : public ChangeListener {
 public:
  explicit PostgresChangeListener(Conn conn) : conn_(std::move(conn)) {}

  absl::StatusOr<bool> Wait(std::chrono::milliseconds timeout) override {
    if (Drain()) return true;
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    if (fd.fd < 0) return absl::UnavailableError("postgres: listener connection lost");
    int ready = poll(&fd, 1, static_cast<int>(timeout.count()));
    if (ready < 0 && errno != EINTR) {
      return absl::UnavailableError("postgres: listener poll failed");
    }
    if (ready > 0 && PQconsumeInput(conn_.get()) == 0) {
      return absl::UnavailableError(absl::StrCat(
          "postgres: listener connection lost: ", FirstLine(PQerrorMessage(conn_.get()))));
    }
    return Drain();
  }

 private:
  // Takes every notification already received; true if there was any.
  bool Drain() {
    bool any = false;
    while (PGnotify* notify = PQnotifies(conn_.get())) {
      any = true;
      PQfreemem(notify);
    }
    return any;
  }

  Conn conn_;
};

absl::StatusOr<std::unique_ptr<ChangeListener>> PostgresDatabase::Listen(
    std::string_view channel) {
  if (!IsValidChannelName(channel)) {
    return absl::InvalidArgumentError("postgres: invalid change channel name");
  }
  SECCOORD_ASSIGN_OR_RETURN(Conn conn, Connect());
  // The channel is an identifier (it cannot be a bound parameter); its name
  // was checked to be [a-z0-9_] above, so quoting it is safe.
  const std::string sql = absl::StrCat("LISTEN \"", std::string(channel), "\"");
  Result res(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    return absl::UnavailableError(absl::StrCat(
        "postgres: LISTEN failed: ", FirstLine(PQerrorMessage(conn.get()))));
  }
  return std::unique_ptr<ChangeListener>(new PostgresChangeListener(std::move(conn)));
}

void PostgresTransaction::End() {
  if (conn_ == nullptr) return;
  bool reusable = !broken_ && PQstatus(conn_.get()) == CONNECTION_OK;
  if (reusable && PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
    Result res(PQexec(conn_.get(), "ROLLBACK"));
    reusable = PQresultStatus(res.get()) == PGRES_COMMAND_OK &&
               PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  }
  owner_->ReleaseConn(std::move(conn_), reusable);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(
    std::string_view conninfo) {
  auto db = std::make_unique<PostgresDatabase>(std::string(conninfo));
  SECCOORD_RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace seccoord::db
