// AuditLog: a server's hash-chained audit log, stored in its own database.
//
// Every server appends one entry for each mutation (whatever its outcome) and
// each denial (DESIGN.md "Audit chain"). Entries are numbered 1, 2, … without
// gaps, and each entry's hash covers the previous entry's hash, so an entry
// that is altered, removed or reordered breaks the chain from that point on;
// Verify() recomputes the chain and names the first bad entry.
//
// Canonical encoding (what is hashed; changing it breaks every stored chain):
//
//   field(s)  = decimal byte length of s, ":", the bytes of s, ","
//               (a netstring: unambiguous for any content)
//   canonical = field("seccoord-audit-v1")
//               field(decimal sequence)        e.g. "7"
//               field(decimal time_us)         e.g. "1775001600000000"
//               field(principal)               e.g. "seccoord://kasama-union/admin1"
//               field(method)                  e.g. "/seccoord.v1.PolicyService/PublishRevision"
//               field(target)                  e.g. "documents/basic-policy/revisions/2"
//               field(outcome name)            "OK", "DENIED" or "FAILED"
//               field(status_code)             e.g. "PERMISSION_DENIED"
//               field(detail)
//   hash      = lowercase hex SHA-256( field(previous_hash) ‖ canonical )
//
// where previous_hash is the previous entry's hash as its 64 hex characters
// ("" for entry 1). Decimal numbers have no sign (all are ≥ 0) and no leading
// zeros. Strings are stored and hashed as given after Sanitize (valid UTF-8
// without NUL, bounded length), so what is stored is exactly what was hashed.
//
// Storage (migrations of component "audit"):
//   audit_entries(sequence BIGINT PRIMARY KEY, time_us, principal, method,
//                 target, outcome TEXT, status_code, detail, previous_hash, hash)
//   audit_head(id = 1, last_sequence, last_hash): one row. An appender first
//   runs UPDATE audit_head SET last_sequence = last_sequence + 1 ... RETURNING,
//   so on PostgreSQL concurrent appenders (threads or replicas) serialise on
//   that row's lock until they commit, and on SQLite the single writer does
//   the same. The head also lets Verify notice the removal of the last
//   entries, which leaves no gap behind.
//
// Thread-safety: safe to use from many threads; the Database serialises
// appends as described above.
#ifndef SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_LOG_H_
#define SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::runtime {

// What happened to the call an entry records (mirrors seccoord.v1.AuditOutcome).
enum class AuditOutcome {
  // The mutation was committed.
  kOk,
  // The call was refused (PERMISSION_DENIED or UNAUTHENTICATED), at the door
  // or by a per-object check.
  kDenied,
  // The mutation failed (validation, state, conflict); nothing changed.
  kFailed,
};

// "OK", "DENIED", "FAILED": the stored and hashed spelling.
std::string_view AuditOutcomeName(AuditOutcome outcome);
std::optional<AuditOutcome> ParseAuditOutcome(std::string_view name);

// What a caller asks to record; the log adds sequence, time and hashes.
struct AuditRecord {
  // Principal URI, "anonymous" (no certificate) or "unidentified" (a
  // certificate without a usable identity).
  std::string principal;
  // Fully qualified RPC method.
  std::string method;
  // The object acted on ("" when unknown, e.g. a denial at the door).
  std::string target;
  AuditOutcome outcome = AuditOutcome::kOk;
  // Canonical status code name, e.g. "OK", "PERMISSION_DENIED".
  std::string status_code;
  // Short detail: the error message for failures and denials.
  std::string detail;
};

// A stored entry.
struct AuditEntry {
  int64_t sequence = 0;
  int64_t time_us = 0;
  std::string principal;
  std::string method;
  std::string target;
  AuditOutcome outcome = AuditOutcome::kOk;
  std::string status_code;
  std::string detail;
  std::string previous_hash;
  std::string hash;
};

// One page of List().
struct AuditPage {
  std::vector<AuditEntry> entries;
  // True when entries after the last one returned exist (matching the filter).
  bool more = false;
};

// Result of Verify().
struct AuditVerification {
  bool intact = true;
  // Entries examined (up to and including the first bad one).
  int64_t entries_checked = 0;
  // The first entry found altered, removed or reordered; 0 when intact.
  int64_t first_bad_sequence = 0;
  // Why, e.g. "hash mismatch (entry altered)"; "" when intact.
  std::string problem;
  // Hash of the last entry checked ("" for an empty chain).
  std::string head_hash;
};

// Length bounds applied by Sanitize (bytes).
inline constexpr size_t kMaxAuditPrincipalBytes = 256;
inline constexpr size_t kMaxAuditMethodBytes = 256;
inline constexpr size_t kMaxAuditTargetBytes = 512;
inline constexpr size_t kMaxAuditDetailBytes = 1024;
inline constexpr int kMaxAuditPageSize = 1000;

// The canonical encoding of `entry` (without previous_hash; see above).
std::string CanonicalAuditEntry(const AuditEntry& entry);
// lowercase hex SHA-256(field(previous_hash) ‖ CanonicalAuditEntry(entry)).
std::string AuditEntryHash(std::string_view previous_hash,
                           const AuditEntry& entry);

class AuditLog {
 public:
  // Microseconds since the Unix epoch; replaceable for tests.
  using Clock = std::function<int64_t()>;

  // `db` must outlive the log and have Migrations() applied.
  explicit AuditLog(db::Database& db, Clock clock = nullptr);

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Component name under which Migrations() are recorded.
  static constexpr std::string_view kMigrationComponent = "audit";
  // The schema: audit_entries and audit_head.
  static const std::vector<db::Migration>& Migrations();

  // Appends `record` in a transaction of its own and commits it; retries a
  // few times when the database reports ABORTED (write conflict). Must not
  // be called on a thread that holds an open kReadWrite transaction.
  absl::StatusOr<AuditEntry> Append(const AuditRecord& record);

  // Appends `record` within the caller's read-write transaction, so the
  // entry commits (or rolls back) with the caller's change. Call it last in
  // the transaction: on PostgreSQL it holds the chain head's row lock until
  // the commit, and taking it last keeps lock order the same everywhere.
  absl::StatusOr<AuditEntry> AppendIn(db::Transaction& tx,
                                      const AuditRecord& record);

  // Entries with sequence > after, in sequence order, at most page_size
  // (1..kMaxAuditPageSize), only those with `outcome` when given.
  absl::StatusOr<AuditPage> List(int64_t after, int page_size,
                                 std::optional<AuditOutcome> outcome =
                                     std::nullopt);

  // Recomputes the whole chain in one consistent snapshot and names the
  // first bad entry: a sequence gap (entry removed), a previous_hash that
  // does not link (entries reordered, or the previous one's hash rewritten),
  // a hash that does not match the content (entry altered), or a chain that
  // ends before or after its recorded head (last entries removed, entries
  // inserted).
  absl::StatusOr<AuditVerification> Verify();

  // Makes `record` storable: invalid UTF-8 bytes become '?', NUL bytes are
  // dropped, fields are cut to their bounds on a character boundary.
  static AuditRecord Sanitize(AuditRecord record);

 private:
  db::Database& db_;
  Clock clock_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUDIT_AUDIT_LOG_H_
