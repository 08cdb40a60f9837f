// The PostgreSQL driver of Database (libpq).
//
// Keeps a pool of connections (client_encoding UTF8). Statements run through
// PQexecParams with text-format parameters: int64_t is sent as decimal text
// typed int8, std::string untyped (the server infers the type, as for a
// literal), NULL as NULL. Result columns of integer types (int2/int4/int8/
// oid), bool (as 0/1) and integral numeric (e.g. SUM) come back as int64_t,
// everything else as text, SQL NULL as std::monostate.
// kReadOnly: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
// kReadWrite: BEGIN ISOLATION LEVEL READ COMMITTED;
// kReadOnlyPerStatement: each statement as BEGIN ... READ ONLY, the
// statement, ROLLBACK.
// Round trips: BEGIN travels with the transaction's first statement (libpq
// pipeline mode; the snapshot is the first statement's either way), a
// transaction that ran nothing sends nothing, and the ROLLBACK that ends a
// transaction without a commit is not waited for (its answer is read when
// the connection is next taken from the pool). So a read-only transaction
// of one statement costs one round trip, and a kReadOnlyPerStatement
// statement one round trip and one wake-up of the server; COMMIT is always
// waited for. Statements (BEGIN included) are prepared once per connection
// (named, up to 256 per connection), the preparation riding in the same
// round trip; a statement run with other parameter types than it was
// prepared with runs unnamed.
// A connection that broke is closed and dropped from the pool; the first
// statement of a transaction is retried once on a fresh connection when a
// pooled one turns out to be dead before BEGIN took effect.
//
// Thread-safety: as Database.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_POSTGRES_DATABASE_H_
#define SECCOORD_SERVICES_RUNTIME_DB_POSTGRES_DATABASE_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/runtime/db/database.h"

namespace seccoord::db {

// Opens a pool on the server named by a libpq connection URI
// (postgresql://user[:password]@host:port/dbname?param=value). Makes the first
// connection now: UNAVAILABLE if the server cannot be reached.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(
    std::string_view conninfo);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_POSTGRES_DATABASE_H_
