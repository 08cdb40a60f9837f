#include "services/runtime/db/postgres_database.h"

#include <libpq-fe.h>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
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
// Statements prepared per connection; later ones run unnamed.
constexpr size_t kMaxPrepared = 256;
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

// A pooled connection and what the driver knows about its session.
struct Session {
  explicit Session(Conn c) : conn(std::move(c)) {}
  Conn conn;
  // The ROLLBACK that ended the last transaction was sent without waiting
  // for its answer; it is read before the connection is used again.
  bool rollback_pending = false;
  // Statements prepared on this session (named, parsed and planned once by
  // the server), by SQL text, with the parameter types they were prepared
  // with. Prepared statements outlive transactions, rolled back or not.
  struct Prepared {
    std::string name;
    std::vector<Oid> types;
  };
  std::map<std::string, Prepared, std::less<>> prepared;
  int64_t prepared_count = 0;  // names ever given: s1, s2, ...
};
using SessionPtr = std::unique_ptr<Session>;

// Reads the results of a pipeline up to its sync point. Returns false when
// the sync did not come (the connection broke); *results holds the results
// that came, one per statement.
bool ReadPipeline(PGconn* conn, std::vector<Result>* results) {
  // Each statement gives one result followed by a null; then the sync.
  for (int reads = 0; reads < 32; ++reads) {
    PGresult* r = PQgetResult(conn);
    if (r == nullptr) {
      if (PQstatus(conn) != CONNECTION_OK) return false;
      continue;
    }
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      return PQexitPipelineMode(conn) == 1;
    }
    results->emplace_back(r);
  }
  return false;
}

class PostgresDatabase;

// A transaction begins lazily: BEGIN goes to the server in one round trip
// (libpq pipeline mode) with the transaction's first statement — the
// snapshot of REPEATABLE READ is taken at the first statement anyway — and
// a transaction that ran nothing sends nothing. Its end without a commit
// sends ROLLBACK without waiting for the answer (read when the connection
// is next taken from the pool), so a read costs one round trip.
class PostgresTransaction : public Transaction {
 public:
  PostgresTransaction(PostgresDatabase* owner, SessionPtr session, const char* begin,
                      bool per_statement, bool fresh)
      : owner_(owner), session_(std::move(session)), begin_(begin),
        per_statement_(per_statement), fresh_(fresh) {}
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
    if (!begun_) {
      // Nothing ran: there is nothing to commit.
      ended_ = absl::FailedPreconditionError("postgres: transaction already committed");
      End();
      return absl::OkStatus();
    }
    Result res(PQexec(conn(), "COMMIT"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      bool broken = false;
      absl::Status error = PgError(conn(), res.get(), "commit", "", &broken);
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
  PGconn* conn() const { return session_->conn.get(); }

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
    const char* const* param_values = n ? values.data() : nullptr;
    Result res;
    const Session::Prepared* ready = nullptr;
    auto found = session_->prepared.find(sql);
    if (found != session_->prepared.end() && found->second.types == types) {
      ready = &found->second;
    }
    if (begun_ && ready != nullptr && !per_statement_) {
      res.reset(PQexecPrepared(conn(), ready->name.c_str(), n, param_values, nullptr, nullptr,
                               /*resultFormat=*/0));
    } else {
      SECCOORD_ASSIGN_OR_RETURN(res, RunPipeline(text, types, param_values));
    }
    const ExecStatusType status = PQresultStatus(res.get());
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT ||
        status == PGRES_COPY_BOTH) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
                      "postgres: COPY is not supported in: ", SqlSnippet(sql))),
                  /*broken=*/true);
    }
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      bool broken = false;
      absl::Status error = PgError(conn(), res.get(), "execute", sql, &broken);
      ForgetIfStale(sql, res.get());
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

  // Runs a statement in one round trip (libpq pipeline mode) together with
  // what has to go with it: BEGIN for the transaction's first statement (for
  // every statement of a per-statement read, and ROLLBACK after it), and the
  // preparation of any of these this session has not prepared yet (while it
  // holds fewer than kMaxPrepared). Returns the statement's result. Before
  // BEGIN took effect, a pooled connection that turns out to be dead is
  // replaced by a fresh one, once.
  absl::StatusOr<Result> RunPipeline(const std::string& sql, const std::vector<Oid>& types,
                                     const char* const* values);

  // A statement prepared on the session whose plan the server no longer
  // accepts (its tables changed shape, SQLSTATE 0A000) or that the server
  // forgot (26000) is prepared afresh under a new name next time.
  void ForgetIfStale(std::string_view sql, const PGresult* res) {
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (state == nullptr || session_ == nullptr) return;
    if (std::strcmp(state, "0A000") == 0 || std::strcmp(state, "26000") == 0) {
      auto it = session_->prepared.find(sql);
      if (it != session_->prepared.end()) session_->prepared.erase(it);
    }
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
  SessionPtr session_;
  const char* const begin_;  // the BEGIN statement of the mode
  // kReadOnlyPerStatement: every statement goes as BEGIN, statement,
  // ROLLBACK; no transaction stays open between statements.
  const bool per_statement_;
  bool fresh_;               // the connection was opened for this transaction
  bool begun_ = false;       // BEGIN has reached the server
  absl::Status ended_;       // OK while the transaction is open
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
    idle_.push_back(std::make_unique<Session>(std::move(conn)));
    open_ = 1;
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<ChangeListener>> Listen(std::string_view channel) override;

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kReadWrite
                            ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                            : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    bool fresh = false;
    SECCOORD_ASSIGN_OR_RETURN(SessionPtr session, AcquireConn(false, &fresh));
    return std::unique_ptr<Transaction>(new PostgresTransaction(
        this, std::move(session), begin, mode == TxMode::kReadOnlyPerStatement, fresh));
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  // Returns a connection to the pool; a broken one is closed, and then the
  // idle ones too (they most likely broke the same way). A connection is
  // pooled idle, or with the ROLLBACK that ended its transaction pending.
  void ReleaseConn(SessionPtr session, bool reusable) {
    std::vector<SessionPtr> to_close;  // closed after the lock is released
    {
      std::lock_guard<std::mutex> lock(mu_);
      const PGTransactionStatusType state = PQtransactionStatus(session->conn.get());
      const bool settled = session->rollback_pending ? state == PQTRANS_ACTIVE
                                                     : state == PQTRANS_IDLE;
      if (reusable && PQstatus(session->conn.get()) == CONNECTION_OK && settled &&
          idle_.size() < kMaxIdle) {
        idle_.push_back(std::move(session));
      } else {
        to_close.push_back(std::move(session));
        --open_;
        if (!reusable) {
          for (SessionPtr& c : idle_) to_close.push_back(std::move(c));
          open_ -= static_cast<int>(idle_.size());
          idle_.clear();
        }
      }
    }
    cv_.notify_all();
  }

  // An idle connection, or a new one if `fresh` or none is idle (waiting
  // while kMaxOpen are in use). *opened tells whether it is new. A pending
  // ROLLBACK is read first; a connection where it failed is dropped.
  absl::StatusOr<SessionPtr> AcquireConn(bool fresh, bool* opened) {
    for (int attempt = 0;; ++attempt) {
      SessionPtr session;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (!cv_.wait_for(lock, kPoolWait, [&] {
              return (!fresh && !idle_.empty()) || open_ < kMaxOpen;
            })) {
          return absl::UnavailableError(absl::StrCat(
              "postgres: all ", kMaxOpen, " connections are busy"));
        }
        if (!fresh && !idle_.empty()) {
          session = std::move(idle_.back());
          idle_.pop_back();
        } else {
          ++open_;
        }
      }
      if (session == nullptr) break;  // open a new one below
      if (!session->rollback_pending || Settle(*session)) {
        *opened = false;
        return session;
      }
      // Its session is gone (or in a state we cannot trust): drop it and
      // the idle ones, and take a fresh connection.
      ReleaseConn(std::move(session), /*reusable=*/false);
      fresh = true;
    }
    absl::StatusOr<Conn> conn = Connect();
    if (!conn.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
      }
      cv_.notify_all();
      return conn.status();
    }
    *opened = true;
    return std::make_unique<Session>(*std::move(conn));
  }

 private:
  // Reads the answer to a pending ROLLBACK; true if the connection is idle
  // and usable again.
  static bool Settle(Session& session) {
    PGconn* conn = session.conn.get();
    bool ok = true;
    for (int reads = 0; reads < 8; ++reads) {
      PGresult* r = PQgetResult(conn);
      if (r == nullptr) break;
      if (PQresultStatus(r) != PGRES_COMMAND_OK) ok = false;
      PQclear(r);
    }
    session.rollback_pending = false;
    return ok && PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  }

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

  const std::string conninfo_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SessionPtr> idle_;  // guarded by mu_
  int open_ = 0;                  // guarded by mu_
};

absl::StatusOr<Result> PostgresTransaction::RunPipeline(const std::string& sql,
                                                        const std::vector<Oid>& types,
                                                        const char* const* values) {
  static const std::string* const kRollback = new std::string("ROLLBACK");
  static const std::vector<Oid>* const kNoTypes = new std::vector<Oid>();
  const std::string begin(begin_);
  for (int attempt = 0;; ++attempt) {
    PGconn* c = conn();
    Session& session = *session_;
    // The statements of the pipeline: BEGIN for the first statement of a
    // transaction, the statement, and for a per-statement read its ROLLBACK.
    struct Step {
      const std::string* sql;
      const std::vector<Oid>* types;
      const char* const* values;
      const Session::Prepared* ready = nullptr;  // prepared before
      std::string prepare_as;                    // prepared now, under this name
      const PGresult* prepare_result = nullptr;
      const PGresult* result = nullptr;
    };
    const bool with_begin = !begun_;
    std::vector<Step> steps;
    steps.reserve(3);
    if (with_begin) steps.push_back({&begin, kNoTypes, nullptr});
    const size_t main = steps.size();
    steps.push_back({&sql, &types, values});
    if (per_statement_) steps.push_back({kRollback, kNoTypes, nullptr});

    bool sent = PQenterPipelineMode(c) == 1;
    size_t expected = 0;
    for (Step& step : steps) {
      const int n = static_cast<int>(step.types->size());
      const Oid* param_types = n ? step.types->data() : nullptr;
      auto found = session.prepared.find(*step.sql);
      if (found != session.prepared.end() && found->second.types == *step.types) {
        step.ready = &found->second;
      } else if (found == session.prepared.end() &&
                 session.prepared.size() < kMaxPrepared) {
        // Prepared only when the session has room, and never twice under
        // one text (a call with other parameter types runs unnamed).
        step.prepare_as = absl::StrCat("s", ++session.prepared_count);
        if (sent) {
          sent = PQsendPrepare(c, step.prepare_as.c_str(), step.sql->c_str(), n,
                               param_types) == 1;
        }
        ++expected;
      }
      if (sent) {
        if (step.ready != nullptr || !step.prepare_as.empty()) {
          const char* name =
              step.ready != nullptr ? step.ready->name.c_str() : step.prepare_as.c_str();
          sent = PQsendQueryPrepared(c, name, n, step.values, nullptr, nullptr, 0) == 1;
        } else {
          sent = PQsendQueryParams(c, step.sql->c_str(), n, param_types, step.values, nullptr,
                                   nullptr, 0) == 1;
        }
      }
      ++expected;
    }
    sent = sent && PQpipelineSync(c) == 1;
    std::vector<Result> results;
    const bool synced = sent && ReadPipeline(c, &results);

    // Pair the results with the steps; a preparation that worked is kept.
    size_t next = 0;
    for (Step& step : steps) {
      if (!step.prepare_as.empty()) {
        step.prepare_result = next < results.size() ? results[next++].get() : nullptr;
        if (step.prepare_result != nullptr &&
            PQresultStatus(step.prepare_result) == PGRES_COMMAND_OK) {
          session.prepared[*step.sql] = Session::Prepared{step.prepare_as, *step.types};
        }
      }
      step.result = next < results.size() ? results[next++].get() : nullptr;
    }
    auto ok = [](const PGresult* r) {
      return r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    };
    // Hands over the result `r` (one of `results`).
    auto take = [&results](const PGresult* r) -> Result {
      for (Result& result : results) {
        if (result.get() == r) return std::move(result);
      }
      return Result();
    };
    auto prepared_ok = [&](const Step& step) {
      return step.prepare_as.empty() || ok(step.prepare_result);
    };
    const Step& statement = steps[main];
    const bool begin_ok = !with_begin || (prepared_ok(steps[0]) && ok(steps[0].result));
    if (with_begin && begin_ok && !per_statement_) begun_ = true;
    if (synced && results.size() == expected && begin_ok && prepared_ok(statement) &&
        (!per_statement_ || (prepared_ok(steps.back()) && ok(steps.back().result)))) {
      return take(statement.result);
    }

    bool broken = !synced || PQstatus(c) != CONNECTION_OK;
    if (!begin_ok) {
      const PGresult* failed =
          !prepared_ok(steps[0]) ? steps[0].prepare_result : steps[0].result;
      absl::Status error = PgError(c, failed, "begin", "", &broken);
      if (broken && !fresh_ && attempt == 0) {
        // A pooled connection died since it was last used (server restart,
        // idle timeout): once more on a fresh connection.
        owner_->ReleaseConn(std::move(session_), /*reusable=*/false);
        bool opened = false;
        absl::StatusOr<SessionPtr> fresh = owner_->AcquireConn(true, &opened);
        if (!fresh.ok()) {
          ended_ = absl::FailedPreconditionError(absl::StrCat(
              "transaction ended by an earlier error: ",
              Av(StatusCodeName(fresh.status().code())), ": ", fresh.status().message()));
          return fresh.status();
        }
        session_ = *std::move(fresh);
        fresh_ = true;
        continue;
      }
      if (!broken && PQpipelineStatus(c) != PQ_PIPELINE_OFF) broken = true;
      return Fail(std::move(error), broken);
    }
    if (!prepared_ok(statement)) {
      // As if the statement itself had failed to parse.
      absl::Status error = PgError(c, statement.prepare_result, "execute", sql, &broken);
      if (!broken && PQpipelineStatus(c) != PQ_PIPELINE_OFF) broken = true;
      return Fail(std::move(error), broken);
    }
    // BEGIN (if any) took effect: the statement's own outcome is the
    // answer; a connection that broke now is not retried, as the statement
    // may have run.
    if (statement.result == nullptr) {
      absl::Status error = PgError(c, nullptr, "execute", sql, &broken);
      return Fail(std::move(error), true);
    }
    const ExecStatusType status = PQresultStatus(statement.result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      // The statement ran but the pipeline did not end cleanly (the
      // connection broke, or a per-statement read's ROLLBACK failed): the
      // answer stands, the connection is not used again.
      broken_ = true;
    }
    // A failed statement is reported by Run, which ends the transaction.
    return take(statement.result);
  }
}

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
  if (session_ == nullptr) return;
  PGconn* c = conn();
  bool reusable = !broken_ && PQstatus(c) == CONNECTION_OK &&
                  PQpipelineStatus(c) == PQ_PIPELINE_OFF;
  if (reusable && PQtransactionStatus(c) != PQTRANS_IDLE) {
    // Not waited for: the pool reads the answer before the next use.
    reusable = PQsendQuery(c, "ROLLBACK") == 1;
    session_->rollback_pending = reusable;
  }
  owner_->ReleaseConn(std::move(session_), reusable);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(
    std::string_view conninfo) {
  auto db = std::make_unique<PostgresDatabase>(std::string(conninfo));
  SECCOORD_RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace seccoord::db
