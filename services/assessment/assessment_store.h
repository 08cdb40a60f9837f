// AssessmentStore: the only place with SQL for the assessment service.
//
// Schema (component "assessment"):
//   assessment_checklists   one row per checklist version: its content hash,
//                           whether it is the default, and the checklist as
//                           base64 of its serialized proto. Content never
//                           changes once stored (the loader refuses a file
//                           that differs); only is_default moves;
//   assessments             one row per assessment: the columns lists filter
//                           and order on (organization, fiscal_year, round,
//                           state), the etag and version used by conditional
//                           writes, and the whole assessment (answers
//                           included) as base64 proto, which reads return;
//                           (organization, fiscal_year, round) is unique;
//   assessment_submissions  one immutable row per submission: its SHA-256 and
//                           the snapshot (base64 proto);
//   assessment_advice       one row per advice item (number orders them),
//                           with its thread inside the body;
//   assessment_events       the watch stream: one row per event, sequence =
//                           resume token;
//   assessment_counters     named counters: "events", "advice";
//   assessment_status       the summary row of each (organization, fiscal
//                           year): the latest assessment's figures, written
//                           in the same transaction as every change of it
//                           or its advice (base64 proto), so status reads
//                           touch one row per organisation and no answers;
//   assessment_peer_facts   what the background refresh read from the
//                           peers: a findings summary per organisation, the
//                           policy documents; with the time of the last
//                           successful read and whether the last try failed.
// Written once in portable SQL for both drivers.
//
// The domain runs its rules inside one transaction through an
// AssessmentStore::Tx: typed reads and writes, no SQL outside this file.
// Updates carry the etag the domain read, so a concurrent change turns into
// ABORTED rather than a lost update; counters are bumped by one UPDATE …
// RETURNING, which serialises writers on PostgreSQL so sequences follow
// commit order.
//
// Thread-safety: AssessmentStore is safe from many threads; a Tx belongs to
// the thread running the Read callback or the mutation body.
#ifndef SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_
#define SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "seccoord/v1/assessment.pb.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::assessment {

// Schema of the assessment service (component "assessment").
std::vector<db::Migration> AssessmentMigrations();

// The change channel a commit that appended assessment events signals, so
// replicas sharing a PostgreSQL database wake their watchers.
inline constexpr char kAssessmentEventsChannel[] = "seccoord_assessment_events";

// "ADV-000012" for 12.
std::string FormatAdviceId(int64_t number);
// 12 for "ADV-000012"; nullopt unless the id is "ADV-" and six or more digits.
std::optional<int64_t> ParseAdviceId(const std::string& id);

// Filters of an assessment list; "" / 0 / UNSPECIFIED = any.
struct AssessmentFilter {
  std::string organization;
  int fiscal_year = 0;
  v1::AssessmentState state = v1::ASSESSMENT_STATE_UNSPECIFIED;
};

// Where a page of assessments starts: after this (organization, fiscal
// year, round), in that order.
struct AssessmentKey {
  std::string organization;
  int fiscal_year = 0;
  int round = 0;
};

// Filters of an advice list; "" / UNSPECIFIED = any.
struct AdviceFilter {
  std::string assessment_id;
  std::string organization;
  v1::AdviceState state = v1::ADVICE_STATE_UNSPECIFIED;
};

// One point of a trend, read from the summary row's columns (no decoding).
struct TrendRow {
  std::string organization;
  int fiscal_year = 0;
  v1::AssessmentState state = v1::ASSESSMENT_STATE_UNSPECIFIED;
  bool has_rate = false;
  double implementation_rate = 0;  // stored in parts per million
};

class AssessmentStore {
 public:
  // Typed access within one transaction.
  class Tx {
   public:
    // `dialect` is that of the Database `tx` belongs to (LockStatus).
    Tx(db::Transaction& tx, db::Dialect dialect) : tx_(tx), dialect_(dialect) {}

    // ---- checklists
    absl::StatusOr<std::optional<v1::Checklist>> GetChecklist(const std::string& version);
    // Every checklist, without items, newest version first.
    absl::StatusOr<std::vector<v1::Checklist>> ListChecklists();
    // The version marked default ("" when none).
    absl::StatusOr<std::string> DefaultChecklistVersion();
    // Stores a new checklist; does nothing when the version is already
    // stored (a replica starting at the same time stored it first: the
    // caller compares what is stored).
    absl::Status InsertChecklist(const v1::Checklist& checklist, int64_t time_us);
    // Marks `version` as the only default.
    absl::Status SetDefaultChecklist(const std::string& version);

    // ---- assessments
    absl::StatusOr<std::optional<v1::Assessment>> GetAssessment(const std::string& id);
    // Highest round of the organisation's fiscal year (0 when none).
    absl::StatusOr<int> MaxRound(const std::string& organization, int fiscal_year);
    // The organisation's assessment of the highest round of a fiscal year,
    // if any.
    absl::StatusOr<std::optional<v1::Assessment>> LatestAssessment(
        const std::string& organization, int fiscal_year);
    // The (organisation, fiscal year) pairs with more than one round.
    absl::StatusOr<std::vector<std::pair<std::string, int>>> YearsOfManyRounds();
    // True for the one caller that claims the once-only recount of
    // migration 6 (RecountYearsOfManyRounds); false when it was claimed
    // before, by this process or a replica.
    absl::StatusOr<bool> ClaimRoundsRecount();
    // The organisation's assessments of a fiscal year that are not ACCEPTED.
    absl::StatusOr<std::vector<v1::Assessment>> OpenAssessments(const std::string& organization,
                                                                int fiscal_year);
    // The organisation's ACCEPTED assessment of the latest fiscal year and
    // round, if any.
    absl::StatusOr<std::optional<v1::Assessment>> LastAccepted(const std::string& organization);
    // Assessments matching `filter` after `after`, ordered by organization,
    // fiscal year and round, at most `limit`.
    absl::StatusOr<std::vector<v1::Assessment>> ListAssessments(const AssessmentFilter& filter,
                                                                const AssessmentKey& after,
                                                                int limit);
    // Inserts a new assessment at `version`. ALREADY_EXISTS when its id or
    // its (organization, fiscal year, round) is taken.
    absl::Status InsertAssessment(const v1::Assessment& assessment, int64_t version);
    // Replaces the row if its etag is still expected_etag; ABORTED otherwise.
    absl::Status UpdateAssessment(const v1::Assessment& assessment, int64_t version,
                                  const std::string& expected_etag);
    // The stored version of an assessment (0 when none).
    absl::StatusOr<int64_t> AssessmentVersion(const std::string& id);

    // ---- submissions (immutable)
    absl::Status InsertSubmission(const std::string& assessment_id, const v1::SubmissionRef& ref,
                                  const v1::Assessment& snapshot);
    absl::StatusOr<std::optional<v1::Assessment>> GetSubmission(const std::string& assessment_id,
                                                                int64_t number);

    // ---- advice
    // The next advice number (ADV-000001, …).
    absl::StatusOr<int64_t> NextAdviceNumber();
    absl::Status InsertAdvice(const v1::Advice& advice, int64_t number);
    absl::StatusOr<std::optional<v1::Advice>> GetAdvice(const std::string& id);
    // Replaces the row if its etag is still expected_etag; ABORTED otherwise.
    absl::Status UpdateAdvice(const v1::Advice& advice, const std::string& expected_etag);
    // Advice matching `filter` with number > after_number, ascending, at
    // most `limit`.
    absl::StatusOr<std::vector<v1::Advice>> ListAdvice(const AdviceFilter& filter,
                                                       int64_t after_number, int limit);
    // The advice on every round of the organisation's fiscal year, ascending
    // by number, at most `limit`.
    absl::StatusOr<std::vector<v1::Advice>> ListAdviceOfYear(const std::string& organization,
                                                             int fiscal_year, int limit);

    // ---- events
    // Appends an event; returns it with its sequence set. Signals
    // kAssessmentEventsChannel on commit.
    absl::StatusOr<v1::AssessmentEvent> AppendEvent(v1::AssessmentEvent event);
    // Events with sequence > after ("" organization = all, else only that
    // organisation's), ascending, at most limit. *scanned_to (optional) is
    // set to the highest sequence examined, so a filtered reader moves on
    // past events it may not see.
    absl::StatusOr<std::vector<v1::AssessmentEvent>> EventsAfter(int64_t after,
                                                                 const std::string& organization,
                                                                 int limit, int64_t* scanned_to);

    // ---- status (summary rows)
    // Holds the summary row of (organization, fiscal_year) until the
    // transaction ends, so that each writer of the row computes its figures
    // after the writer before it committed. On PostgreSQL a read-write
    // transaction runs READ COMMITTED: without the lock, two concurrent
    // changes of one year that share no other lock (an edit of returned
    // answers and an advice closed) could each read what the other had not
    // committed yet, and the later write would keep figures missing the
    // other's change. SELECT ... FOR UPDATE; nothing on
    // SQLite, whose writers are serialised. A row not written yet holds
    // nothing: only the year's first assessment writes it, and no other
    // change of that year can exist before it commits.
    // True when other writers may have committed since this transaction's
    // earlier reads (PostgreSQL), which the caller must then read again.
    absl::StatusOr<bool> LockStatus(const std::string& organization, int fiscal_year);
    // Writes the row and advances the status version (StatusVersion).
    absl::Status UpsertStatus(const v1::OrganizationStatus& status);
    // A number that every committed UpsertStatus has advanced: equal
    // versions, read in two snapshots, mean the same summary rows. One row
    // (assessment_counters), so a cached federation page is validated by
    // one point read.
    absl::StatusOr<int64_t> StatusVersion();
    absl::StatusOr<std::optional<v1::OrganizationStatus>> GetStatus(const std::string& organization,
                                                                    int fiscal_year);
    // The rows of `fiscal_year` of the organisations in [from_org, to_org]
    // ("" = unbounded), by organisation, without their chapters (the row as
    // a federation page shows it).
    absl::StatusOr<std::vector<v1::OrganizationStatus>> ListStatusOfYear(
        int fiscal_year, const std::string& from_org = "", const std::string& to_org = "");
    // The state and 実施率 of every row of fiscal years first..last, by
    // organisation and year, from an index only (status_trend).
    absl::StatusOr<std::vector<TrendRow>> ListTrend(int first_fiscal_year, int last_fiscal_year,
                                                    const std::string& from_org = "",
                                                    const std::string& to_org = "");
    // Every organisation with a summary row.
    absl::StatusOr<std::vector<std::string>> StatusOrganizations();
    // True when the organisation has a summary row of any year (an index
    // lookup).
    absl::StatusOr<bool> HasStatus(const std::string& organization);
    // Up to `limit` organisations with a summary row after `after`, in order
    // (an index range, however many organisations there are).
    absl::StatusOr<std::vector<std::string>> StatusOrganizationsAfter(const std::string& after,
                                                                      int limit);

    // ---- peer facts
    struct PeerFact {
      bool ok = false;         // the last try succeeded
      int64_t as_of_us = 0;    // the last successful read (0 = never)
      std::string body;        // what was read (serialized proto), "" = never
    };
    // Records a read: ok with its body, or a failed try (the body and as-of
    // time of the last success are kept).
    absl::Status RecordPeerFact(const std::string& kind, const std::string& key, bool ok,
                                int64_t time_us, const std::string& body);
    absl::StatusOr<std::optional<PeerFact>> GetPeerFact(const std::string& kind,
                                                        const std::string& key);
    // Every fact of a kind with a key in [from_key, to_key] ("" =
    // unbounded), by key.
    absl::StatusOr<std::vector<std::pair<std::string, PeerFact>>> ListPeerFacts(
        const std::string& kind, const std::string& from_key = "",
        const std::string& to_key = "");

   private:
    absl::StatusOr<int64_t> NextCounter(const std::string& name);

    db::Transaction& tx_;
    db::Dialect dialect_;
  };

  explicit AssessmentStore(db::Database& db) : db_(db) {}

  // The database, for runtime::RunMutation (which opens the write
  // transaction a mutation, its request log record and its audit entry
  // share); reads and writes go through Tx.
  db::Database& database() { return db_; }

  // Runs fn in a read-only transaction (kReadOnly: one snapshot for all its
  // statements; kReadOnlyPerStatement: each statement its own, for reads
  // whose statements need not agree).
  absl::Status Read(const std::function<absl::Status(Tx&)>& fn,
                    db::TxMode mode = db::TxMode::kReadOnly);
  // Runs fn in a read-write transaction and commits it (start-up work such
  // as storing checklists; mutations go through RunMutation).
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn);

 private:
  db::Database& db_;
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_
