#include "services/runtime/db/migrations.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "services/runtime/db/sql_util.h"

namespace seccoord::db {
namespace {

using internal::Av;

// The key of the PostgreSQL advisory lock that serialises migrations of all
// components ("SCMIGRAT" in ASCII).
constexpr int64_t kMigrationLockKey = 0x53434d4947524154;
// Attempts per migration when a concurrent start interferes.
constexpr int kAttempts = 5;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at_us BIGINT NOT NULL,"
    " PRIMARY KEY (component, version))";

// Serialises with other processes migrating the same PostgreSQL database
// (released at the end of the transaction). SQLite's write transaction is
// exclusive already.
absl::Status LockMigrations(Database& db, Transaction& tx) {
  if (db.dialect() != Dialect::kPostgres) return absl::OkStatus();
  return tx.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey})
      .status();
}

absl::Status EnsureTable(Database& db) {
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx,
                            db.Begin(TxMode::kReadWrite));
  SECCOORD_RETURN_IF_ERROR(LockMigrations(db, *tx));
  SECCOORD_RETURN_IF_ERROR(tx->Execute(kCreateTable).status());
  return tx->Commit();
}

absl::Status Prefixed(const absl::Status& status, std::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(Av(prefix), ": ", status.message()));
}

std::string Describe(std::string_view component, const Migration& m) {
  return absl::StrCat("migration ", Av(component), "/", m.version, " (", m.name, ")");
}

absl::Status NameMismatch(std::string_view component, const Migration& m,
                          std::string_view recorded) {
  return absl::FailedPreconditionError(absl::StrCat(
      Describe(component, m), ": the database records version ", m.version,
      " as \"", Av(recorded), "\""));
}

// Applies `m` unless recorded, in one transaction with its record.
absl::Status ApplyOne(Database& db, std::string_view component,
                      const Migration& m) {
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx,
                            db.Begin(TxMode::kReadWrite));
  SECCOORD_RETURN_IF_ERROR(LockMigrations(db, *tx));
  SECCOORD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx->Query("SELECT name FROM schema_migrations"
                " WHERE component = $1 AND version = $2",
                {std::string(component), static_cast<int64_t>(m.version)}));
  if (!rows.empty()) {
    if (rows[0].Text(0) != m.name) return NameMismatch(component, m, rows[0].Text(0));
    return absl::OkStatus();  // applied meanwhile by another process
  }
  std::vector<std::string> statements = m.statements;
  if (db.dialect() == Dialect::kPostgres) {
    statements.insert(statements.end(), m.postgres_statements.begin(),
                      m.postgres_statements.end());
  }
  for (size_t i = 0; i < statements.size(); ++i) {
    absl::Status status = tx->Execute(statements[i]).status();
    if (!status.ok()) {
      return Prefixed(status,
                      absl::StrCat(Describe(component, m), " statement ", i + 1));
    }
  }
  SECCOORD_RETURN_IF_ERROR(
      tx->Execute("INSERT INTO schema_migrations"
                  " (component, version, name, applied_at_us)"
                  " VALUES ($1, $2, $3, $4)",
                  {std::string(component), static_cast<int64_t>(m.version),
                   m.name, absl::ToUnixMicros(absl::Now())})
          .status());
  return tx->Commit();
}

}  // namespace

absl::Status ApplyMigrations(Database& db, std::string_view component,
                             const std::vector<Migration>& migrations) {
  if (component.empty()) {
    return absl::InvalidArgumentError("migrations: empty component");
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version <= 0 ||
        (i > 0 && migrations[i].version <= migrations[i - 1].version)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations of ", Av(component),
          ": versions must be positive and strictly increasing (at ",
          migrations[i].version, ")"));
    }
  }

  // Creating the table may race with another process doing the same.
  absl::Status status;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    status = EnsureTable(db);
    if (status.code() != absl::StatusCode::kAborted &&
        status.code() != absl::StatusCode::kAlreadyExists) {
      break;
    }
  }
  if (!status.ok()) return Prefixed(status, "creating schema_migrations");

  SECCOORD_ASSIGN_OR_RETURN(std::vector<AppliedMigration> applied,
                            ListAppliedMigrations(db, component));
  std::map<int64_t, std::string> recorded;
  for (AppliedMigration& a : applied) recorded[a.version] = std::move(a.name);

  for (const Migration& m : migrations) {
    auto it = recorded.find(m.version);
    if (it != recorded.end()) {
      if (it->second != m.name) return NameMismatch(component, m, it->second);
      continue;
    }
    for (int attempt = 0;; ++attempt) {
      status = ApplyOne(db, component, m);
      if (status.ok()) break;
      const bool retry = status.code() == absl::StatusCode::kAborted ||
                         status.code() == absl::StatusCode::kAlreadyExists;
      if (!retry || attempt + 1 >= kAttempts) return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AppliedMigration>> ListAppliedMigrations(
    Database& db, std::string_view component) {
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx,
                            db.Begin(TxMode::kReadOnly));
  const char* exists_sql =
      db.dialect() == Dialect::kSqlite
          ? "SELECT 1 FROM sqlite_master"
            " WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = current_schema()"
            " AND table_name = 'schema_migrations'";
  SECCOORD_ASSIGN_OR_RETURN(std::vector<Row> exists, tx->Query(exists_sql));
  std::vector<AppliedMigration> out;
  if (exists.empty()) return out;
  SECCOORD_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx->Query("SELECT version, name, applied_at_us FROM schema_migrations"
                " WHERE component = $1 ORDER BY version",
                {std::string(component)}));
  for (const Row& row : rows) {
    out.push_back({row.Int(0), row.Text(1), row.Int(2)});
  }
  return out;
}

}  // namespace seccoord::db
