// Versioned schema migrations, applied when a service starts.
//
// Each component (e.g. "policy", "audit") owns a list of migrations with
// increasing versions; several components may share one database. Applied
// migrations are recorded in
//   schema_migrations(component TEXT, version BIGINT, name TEXT,
//                     applied_at_us BIGINT, PRIMARY KEY (component, version))
// Each pending migration runs in its own read-write transaction together with
// its record, so a failing migration leaves neither partial schema nor record
// (DDL is transactional on both drivers). Migrations are never edited once
// released: add a new version instead.
//
// Concurrency: processes starting at once serialise on an advisory lock on
// PostgreSQL (on the write lock on SQLite) and re-check inside the
// transaction, so each migration is applied exactly once; should a record of
// the same version appear concurrently anyway, the check is simply repeated.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_MIGRATIONS_H_
#define SECCOORD_SERVICES_RUNTIME_DB_MIGRATIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/runtime/db/database.h"

namespace seccoord::db {

struct Migration {
  int version;                          // > 0, strictly increasing in a list
  std::string name;                     // short description, recorded
  std::vector<std::string> statements;  // one SQL statement each, no params
  // Run after `statements` on PostgreSQL only, in the same transaction: what
  // SQLite has by itself or cannot say (e.g. a column's collation; SQLite
  // compares text bytewise unless told otherwise).
  std::vector<std::string> postgres_statements = {};
};

// Applies the migrations of `component` that are not yet recorded, in version
// order. OK if all are applied (now or before). INVALID_ARGUMENT for an empty
// component or versions that are not positive and strictly increasing;
// FAILED_PRECONDITION if a recorded version has another name than the one in
// `migrations` (two different migrations claim one version). Versions
// recorded but not in the list (a newer binary migrated) are left alone. A
// failing statement returns its error code with the message prefixed by
// "migration COMPONENT/VERSION (NAME) statement I: "; nothing of that
// migration is kept, and the migrations before it stay applied.
absl::Status ApplyMigrations(Database& db, std::string_view component,
                             const std::vector<Migration>& migrations);

// One row of schema_migrations.
struct AppliedMigration {
  int64_t version;
  std::string name;
  int64_t applied_at_us;
};

// The recorded migrations of `component`, by version (empty if none or if
// schema_migrations does not exist yet).
absl::StatusOr<std::vector<AppliedMigration>> ListAppliedMigrations(
    Database& db, std::string_view component);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_MIGRATIONS_H_
