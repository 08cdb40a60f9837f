#include "services/runtime/audit/audit_log.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "services/runtime/internal/views.h"

namespace seccoord::runtime {
namespace {

constexpr std::string_view kCanonicalTag = "seccoord-audit-v1";
// Appends on their own transaction retry this often on ABORTED.
constexpr int kAppendAttempts = 5;
// Verify reads the chain in pages of this many entries.
constexpr int kVerifyPageSize = 1000;

using internal::Av;

constexpr char kEntryColumns[] =
    "sequence, time_us, principal, method, target, outcome, status_code, "
    "detail, previous_hash, hash";

void AppendField(std::string* out, std::string_view field) {
  absl::StrAppend(out, field.size(), ":", Av(field), ",");
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto continuation = [&](size_t k) {
    return k < s.size() && (byte(k) & 0xC0) == 0x80;
  };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!continuation(i + 1) || !continuation(i + 2)) return 0;
    unsigned char c1 = byte(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) {
      return 0;
    }
    unsigned char c1 = byte(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

// Valid UTF-8 without NUL, at most max_bytes, cut on a character boundary.
std::string CleanText(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  size_t i = 0;
  while (i < s.size()) {
    size_t n = Utf8SequenceLength(s, i);
    std::string_view piece = n == 0 ? std::string_view("?") : s.substr(i, n);
    if (n == 0) n = 1;
    if (piece == std::string_view("\0", 1)) {
      i += n;
      continue;
    }
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += n;
  }
  return out;
}

absl::StatusOr<AuditEntry> EntryFromRow(const db::Row& row) {
  AuditEntry entry;
  entry.sequence = row.Int(0);
  entry.time_us = row.Int(1);
  entry.principal = row.Text(2);
  entry.method = row.Text(3);
  entry.target = row.Text(4);
  std::optional<AuditOutcome> outcome = ParseAuditOutcome(row.Text(5));
  // An unknown outcome is kept as kFailed for listing; Verify still catches
  // it, because the stored text no longer hashes to the stored hash.
  entry.outcome = outcome.value_or(AuditOutcome::kFailed);
  entry.status_code = row.Text(6);
  entry.detail = row.Text(7);
  entry.previous_hash = row.Text(8);
  entry.hash = row.Text(9);
  return entry;
}

// The hash as stored rows have it, from the raw outcome text (so an altered
// outcome column is detected even if it no longer names an outcome).
std::string HashOfRow(const db::Row& row) {
  std::string canonical;
  AppendField(&canonical, kCanonicalTag);
  AppendField(&canonical, absl::StrCat(row.Int(0)));
  AppendField(&canonical, absl::StrCat(row.Int(1)));
  for (size_t column = 2; column <= 7; ++column) {
    AppendField(&canonical, row.Text(column));
  }
  std::string hashed;
  AppendField(&hashed, row.Text(8));
  hashed.append(canonical);
  return Sha256Hex(hashed);
}

}  // namespace

std::string_view AuditOutcomeName(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::kOk: return "OK";
    case AuditOutcome::kDenied: return "DENIED";
    case AuditOutcome::kFailed: return "FAILED";
  }
  return "FAILED";
}

std::optional<AuditOutcome> ParseAuditOutcome(std::string_view name) {
  if (name == "OK") return AuditOutcome::kOk;
  if (name == "DENIED") return AuditOutcome::kDenied;
  if (name == "FAILED") return AuditOutcome::kFailed;
  return std::nullopt;
}

std::string CanonicalAuditEntry(const AuditEntry& entry) {
  std::string out;
  AppendField(&out, kCanonicalTag);
  AppendField(&out, absl::StrCat(entry.sequence));
  AppendField(&out, absl::StrCat(entry.time_us));
  AppendField(&out, entry.principal);
  AppendField(&out, entry.method);
  AppendField(&out, entry.target);
  AppendField(&out, AuditOutcomeName(entry.outcome));
  AppendField(&out, entry.status_code);
  AppendField(&out, entry.detail);
  return out;
}

std::string AuditEntryHash(std::string_view previous_hash,
                           const AuditEntry& entry) {
  std::string hashed;
  AppendField(&hashed, previous_hash);
  hashed.append(CanonicalAuditEntry(entry));
  return Sha256Hex(hashed);
}

AuditLog::AuditLog(db::Database& db, Clock clock)
    : db_(db), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return absl::ToUnixMicros(absl::Now()); };
}

const std::vector<db::Migration>& AuditLog::Migrations() {
  static const auto* const migrations = new std::vector<db::Migration>{
      {1,
       "audit chain",
       {"CREATE TABLE audit_entries ("
        " sequence BIGINT PRIMARY KEY,"
        " time_us BIGINT NOT NULL,"
        " principal TEXT NOT NULL,"
        " method TEXT NOT NULL,"
        " target TEXT NOT NULL,"
        " outcome TEXT NOT NULL,"
        " status_code TEXT NOT NULL,"
        " detail TEXT NOT NULL,"
        " previous_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL)",
        // The chain head: the one row appenders serialise on.
        "CREATE TABLE audit_head ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " last_sequence BIGINT NOT NULL,"
        " last_hash TEXT NOT NULL)",
        "INSERT INTO audit_head (id, last_sequence, last_hash) VALUES (1, 0, '')"}},
  };
  return *migrations;
}

AuditRecord AuditLog::Sanitize(AuditRecord record) {
  record.principal = CleanText(record.principal, kMaxAuditPrincipalBytes);
  record.method = CleanText(record.method, kMaxAuditMethodBytes);
  record.target = CleanText(record.target, kMaxAuditTargetBytes);
  record.status_code = CleanText(record.status_code, kMaxAuditMethodBytes);
  record.detail = CleanText(record.detail, kMaxAuditDetailBytes);
  return record;
}

absl::StatusOr<AuditEntry> AuditLog::AppendIn(db::Transaction& tx,
                                              const AuditRecord& record) {
  AuditRecord clean = Sanitize(record);
  // Taking the next sequence updates the head row first, which is what
  // serialises concurrent appenders (see the header).
  SECCOORD_ASSIGN_OR_RETURN(
      std::vector<db::Row> head,
      tx.Query("UPDATE audit_head SET last_sequence = last_sequence + 1"
               " WHERE id = 1 RETURNING last_sequence, last_hash"));
  if (head.size() != 1) {
    return absl::FailedPreconditionError(
        "audit chain head missing (audit migrations not applied?)");
  }
  AuditEntry entry;
  entry.sequence = head[0].Int(0);
  entry.previous_hash = head[0].Text(1);
  entry.time_us = clock_();
  entry.principal = std::move(clean.principal);
  entry.method = std::move(clean.method);
  entry.target = std::move(clean.target);
  entry.outcome = clean.outcome;
  entry.status_code = std::move(clean.status_code);
  entry.detail = std::move(clean.detail);
  entry.hash = AuditEntryHash(entry.previous_hash, entry);

  SECCOORD_RETURN_IF_ERROR(
      tx.Execute("UPDATE audit_head SET last_hash = $1 WHERE id = 1",
                 {entry.hash})
          .status());
  SECCOORD_RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("INSERT INTO audit_entries (", kEntryColumns,
                              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                              " $10)"),
                 {entry.sequence, entry.time_us, entry.principal, entry.method,
                  entry.target, std::string(AuditOutcomeName(entry.outcome)),
                  entry.status_code, entry.detail, entry.previous_hash,
                  entry.hash})
          .status());
  return entry;
}

absl::StatusOr<AuditEntry> AuditLog::Append(const AuditRecord& record) {
  absl::Status last_error;
  for (int attempt = 0; attempt < kAppendAttempts; ++attempt) {
    SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<db::Transaction> tx,
                              db_.Begin(db::TxMode::kReadWrite));
    absl::StatusOr<AuditEntry> entry = AppendIn(*tx, record);
    absl::Status status = entry.ok() ? tx->Commit() : entry.status();
    if (status.ok()) return entry;
    if (status.code() != absl::StatusCode::kAborted) return status;
    last_error = status;
  }
  return last_error;
}

absl::StatusOr<AuditPage> AuditLog::List(int64_t after, int page_size,
                                         std::optional<AuditOutcome> outcome) {
  if (page_size < 1 || page_size > kMaxAuditPageSize) {
    return InvalidField("page_size", absl::StrCat("must be between 1 and ",
                                                  kMaxAuditPageSize));
  }
  if (after < 0) return InvalidField("after_sequence", "must not be negative");
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<db::Transaction> tx,
                            db_.Begin(db::TxMode::kReadOnly));
  // One row more than asked tells whether another page exists.
  const int64_t limit = static_cast<int64_t>(page_size) + 1;
  absl::StatusOr<std::vector<db::Row>> rows =
      outcome.has_value()
          ? tx->Query(absl::StrCat("SELECT ", kEntryColumns,
                                   " FROM audit_entries WHERE sequence > $1"
                                   " AND outcome = $3 ORDER BY sequence"
                                   " LIMIT $2"),
                      {after, limit, std::string(AuditOutcomeName(*outcome))})
          : tx->Query(absl::StrCat("SELECT ", kEntryColumns,
                                   " FROM audit_entries WHERE sequence > $1"
                                   " ORDER BY sequence LIMIT $2"),
                      {after, limit});
  if (!rows.ok()) return rows.status();
  AuditPage page;
  for (const db::Row& row : *rows) {
    if (page.entries.size() == static_cast<size_t>(page_size)) {
      page.more = true;
      break;
    }
    SECCOORD_ASSIGN_OR_RETURN(AuditEntry entry, EntryFromRow(row));
    page.entries.push_back(std::move(entry));
  }
  return page;
}

absl::StatusOr<AuditVerification> AuditLog::Verify() {
  // One read-only transaction: a consistent snapshot of head and entries
  // even while other threads append.
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<db::Transaction> tx,
                            db_.Begin(db::TxMode::kReadOnly));
  SECCOORD_ASSIGN_OR_RETURN(
      std::vector<db::Row> head,
      tx->Query("SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"));
  if (head.size() != 1) {
    return absl::FailedPreconditionError(
        "audit chain head missing (audit migrations not applied?)");
  }
  const int64_t head_sequence = head[0].Int(0);
  const std::string head_hash = head[0].Text(1);

  AuditVerification result;
  auto fail = [&result](int64_t sequence, std::string problem) {
    result.intact = false;
    result.first_bad_sequence = sequence;
    result.problem = std::move(problem);
    return result;
  };

  int64_t expected_sequence = 1;
  std::string expected_previous;  // "" before entry 1
  for (;;) {
    SECCOORD_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        tx->Query(absl::StrCat("SELECT ", kEntryColumns,
                               " FROM audit_entries WHERE sequence >= $1"
                               " ORDER BY sequence LIMIT $2"),
                  {expected_sequence, int64_t{kVerifyPageSize}}));
    for (const db::Row& row : rows) {
      const int64_t sequence = row.Int(0);
      ++result.entries_checked;
      if (sequence != expected_sequence) {
        return fail(expected_sequence,
                    absl::StrCat("sequence gap (entry ", expected_sequence,
                                 " removed)"));
      }
      if (row.Text(8) != expected_previous) {
        return fail(sequence,
                    "previous_hash does not link (entries reordered, or the "
                    "previous entry's hash rewritten)");
      }
      if (HashOfRow(row) != row.Text(9)) {
        return fail(sequence, "hash mismatch (entry altered)");
      }
      expected_previous = row.Text(9);
      result.head_hash = expected_previous;
      ++expected_sequence;
    }
    if (rows.size() < static_cast<size_t>(kVerifyPageSize)) break;
  }

  const int64_t last_sequence = expected_sequence - 1;
  if (last_sequence < head_sequence) {
    return fail(last_sequence + 1,
                absl::StrCat("sequence gap (entry ", last_sequence + 1,
                             " removed: the chain ends before its head ",
                             head_sequence, ")"));
  }
  if (last_sequence > head_sequence) {
    return fail(head_sequence + 1,
                absl::StrCat("entry ", head_sequence + 1,
                             " is beyond the chain head (entry inserted)"));
  }
  if (last_sequence > 0 && expected_previous != head_hash) {
    return fail(last_sequence,
                "hash does not match the chain head (entry replaced)");
  }
  return result;
}

}  // namespace seccoord::runtime
