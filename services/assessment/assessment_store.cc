#include "services/assessment/assessment_store.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "services/runtime/db/proto_column.h"

namespace seccoord::assessment {
namespace {

// Appends " AND column >= $k AND column <= $k+1" for the bounds that are set.
void AddRange(const char* column, const std::string& from, const std::string& to,
              std::string* sql, db::Params* params) {
  if (!from.empty()) {
    params->push_back(from);
    absl::StrAppend(sql, " AND ", column, " >= $", params->size());
  }
  if (!to.empty()) {
    params->push_back(to);
    absl::StrAppend(sql, " AND ", column, " <= $", params->size());
  }
}

using db::DecodeProtoColumn;
using db::EncodeProtoColumn;

constexpr char kEventColumns[] =
    "sequence, type, assessment_id, organization, fiscal_year, advice_id, submission_number,"
    " actor, time_us";

v1::AssessmentEvent EventFromRow(const db::Row& row) {
  v1::AssessmentEvent e;
  e.set_sequence(row.Int(0));
  e.set_type(static_cast<v1::AssessmentEventType>(row.Int(1)));
  e.set_assessment_id(row.Text(2));
  e.set_organization(row.Text(3));
  e.set_fiscal_year(static_cast<int32_t>(row.Int(4)));
  e.set_advice_id(row.Text(5));
  e.set_submission_number(row.Int(6));
  e.set_actor(row.Text(7));
  e.set_time_us(row.Int(8));
  return e;
}

template <typename Message>
absl::StatusOr<std::vector<Message>> DecodeAll(const std::vector<db::Row>& rows, const char* what) {
  std::vector<Message> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    Message m;
    SECCOORD_RETURN_IF_ERROR(DecodeProtoColumn(row.Text(0), &m, what));
    out.push_back(std::move(m));
  }
  return out;
}

template <typename Message>
absl::StatusOr<std::optional<Message>> DecodeFirst(const std::vector<db::Row>& rows,
                                                   const char* what) {
  if (rows.empty()) return std::nullopt;
  Message m;
  SECCOORD_RETURN_IF_ERROR(DecodeProtoColumn(rows[0].Text(0), &m, what));
  return m;
}

}  // namespace

std::string FormatAdviceId(int64_t number) { return absl::StrFormat("ADV-%06d", number); }

std::optional<int64_t> ParseAdviceId(const std::string& id) {
  if (id.size() < 10 || id.size() > 22 || id.rfind("ADV-", 0) != 0) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 4; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    n = n * 10 + (id[i] - '0');
  }
  return n;
}

std::vector<db::Migration> AssessmentMigrations() {
  return {
      {1,
       "checklists, assessments, submissions, advice, events, counters",
       {
           "CREATE TABLE assessment_checklists ("
           " version TEXT PRIMARY KEY,"
           " content_hash TEXT NOT NULL,"
           " is_default INTEGER NOT NULL,"
           " load_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL)",
           "CREATE TABLE assessments ("
           " id TEXT PRIMARY KEY,"
           " organization TEXT NOT NULL,"
           " fiscal_year INTEGER NOT NULL,"
           " round INTEGER NOT NULL,"
           " state INTEGER NOT NULL,"
           " version BIGINT NOT NULL,"
           " etag TEXT NOT NULL,"
           " update_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL,"
           " UNIQUE (organization, fiscal_year, round))",
           "CREATE INDEX assessments_by_year ON assessments (fiscal_year, organization, round)",
           "CREATE TABLE assessment_submissions ("
           " assessment_id TEXT NOT NULL,"
           " number BIGINT NOT NULL,"
           " sha256 TEXT NOT NULL,"
           " submitted_by TEXT NOT NULL,"
           " submit_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL,"
           " PRIMARY KEY (assessment_id, number))",
           "CREATE TABLE assessment_advice ("
           " id TEXT PRIMARY KEY,"
           " number BIGINT NOT NULL UNIQUE,"
           " assessment_id TEXT NOT NULL,"
           " organization TEXT NOT NULL,"
           " state INTEGER NOT NULL,"
           " etag TEXT NOT NULL,"
           " update_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL)",
           "CREATE INDEX advice_by_assessment ON assessment_advice (assessment_id, number)",
           "CREATE INDEX advice_by_organization ON assessment_advice (organization, number)",
           "CREATE TABLE assessment_events ("
           " sequence BIGINT PRIMARY KEY,"
           " type INTEGER NOT NULL,"
           " assessment_id TEXT NOT NULL,"
           " organization TEXT NOT NULL,"
           " fiscal_year INTEGER NOT NULL,"
           " advice_id TEXT NOT NULL,"
           " submission_number BIGINT NOT NULL,"
           " actor TEXT NOT NULL,"
           " time_us BIGINT NOT NULL)",
           "CREATE INDEX events_by_organization ON assessment_events (organization, sequence)",
           "CREATE TABLE assessment_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
           "INSERT INTO assessment_counters (name, value) VALUES ('events', 0), ('advice', 0)",
       }},
      {2,
       "status summary rows and peer facts",
       {
           "CREATE TABLE assessment_status ("
           " organization TEXT NOT NULL,"
           " fiscal_year INTEGER NOT NULL,"
           " assessment_id TEXT NOT NULL,"
           " state INTEGER NOT NULL,"
           " has_rate INTEGER NOT NULL,"
           " rate_ppm BIGINT NOT NULL,"
           " update_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL,"
           " PRIMARY KEY (organization, fiscal_year))",
           "CREATE INDEX status_by_year ON assessment_status (fiscal_year, organization)",
           "CREATE TABLE assessment_peer_facts ("
           " kind TEXT NOT NULL,"
           " fact_key TEXT NOT NULL,"
           " ok INTEGER NOT NULL,"
           " as_of_us BIGINT NOT NULL,"
           " try_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL,"
           " PRIMARY KEY (kind, fact_key))",
       }},
      {3,
       "federation rows: trend index, row bodies, organisations",
       {
           // ListTrend reads only these columns: a federation page's trend
           // is then an index range, never a fetch of the rows' bodies.
           "CREATE INDEX status_trend ON assessment_status"
           " (organization, fiscal_year, state, has_rate, rate_ppm)",
           // The row as a federation page shows it (no chapters): a page
           // decodes 100 of these, not 100 whole statuses. '' in rows
           // written before this migration: ListStatusOfYear falls back to
           // the body.
           "ALTER TABLE assessment_status ADD COLUMN row_body TEXT NOT NULL DEFAULT ''",
           // One row per organisation with a summary row: a page's
           // organisations are an index range of it, not a DISTINCT over
           // every year's rows.
           "CREATE TABLE assessment_status_organizations (organization TEXT PRIMARY KEY)",
           "INSERT INTO assessment_status_organizations (organization)"
           " SELECT DISTINCT organization FROM assessment_status",
       }},
      {4,
       "status version",
       {
           // Advanced by every UpsertStatus (StatusVersion): what a cached
           // federation page is checked against.
           "INSERT INTO assessment_counters (name, value) VALUES ('status', 0)",
       }},
      {5,
       "status organisations in byte order",
       {},
       {
           // A federation page merges the configured organisations with
           // those that have rows in byte order (std::string) and then
           // reads its rows as a range from its first to its last one. On
           // a PostgreSQL database of a linguistic collation (glibc's
           // ja_JP.UTF-8 or en_US.UTF-8 ignore '-' at first: there
           // "kamiamakusa-city" < "kami-town") that range and the cursor
           // of the next page would follow another order and miss rows.
           // SQLite compares text bytewise already.
           "ALTER TABLE assessment_status ALTER COLUMN organization TYPE TEXT COLLATE \"C\"",
           "ALTER TABLE assessment_status_organizations"
           " ALTER COLUMN organization TYPE TEXT COLLATE \"C\"",
       }},
      {6,
       "status rows count the open advice of every round",
       {
           // Rows of a year with more than one round counted the latest
           // round's advice only; they are written again once, at the first
           // start of a binary with this schema (RecountYearsOfManyRounds).
           "INSERT INTO assessment_counters (name, value) VALUES ('status_rounds_recounted', 0)",
       }},
  };
}

// ---- checklists

absl::StatusOr<std::optional<v1::Checklist>> AssessmentStore::Tx::GetChecklist(
    const std::string& version) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body, is_default FROM assessment_checklists WHERE version = $1",
                           {version}));
  SECCOORD_ASSIGN_OR_RETURN(auto checklist, DecodeFirst<v1::Checklist>(rows, "checklist"));
  if (checklist) checklist->set_is_default(rows[0].Int(1) != 0);
  return checklist;
}

absl::StatusOr<std::vector<v1::Checklist>> AssessmentStore::Tx::ListChecklists() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query("SELECT body, is_default FROM assessment_checklists ORDER BY version DESC"));
  SECCOORD_ASSIGN_OR_RETURN(auto out, DecodeAll<v1::Checklist>(rows, "checklist"));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].set_is_default(rows[i].Int(1) != 0);
    out[i].set_item_count(out[i].items_size());
    out[i].clear_items();
  }
  return out;
}

absl::StatusOr<std::string> AssessmentStore::Tx::DefaultChecklistVersion() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT version FROM assessment_checklists WHERE is_default = 1"
                           " ORDER BY version DESC LIMIT 1"));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

absl::Status AssessmentStore::Tx::InsertChecklist(const v1::Checklist& checklist,
                                                  int64_t time_us) {
  v1::Checklist stored = checklist;
  stored.clear_is_default();  // a column of its own: the only part that moves
  return tx_
      .Execute("INSERT INTO assessment_checklists (version, content_hash, is_default,"
               " load_time_us, body) VALUES ($1, $2, 0, $3, $4)"
               " ON CONFLICT (version) DO NOTHING",
               {checklist.version(), checklist.content_hash(), time_us,
                EncodeProtoColumn(stored)})
      .status();
}

absl::Status AssessmentStore::Tx::SetDefaultChecklist(const std::string& version) {
  return tx_
      .Execute("UPDATE assessment_checklists SET is_default ="
               " CASE WHEN version = $1 THEN 1 ELSE 0 END",
               {version})
      .status();
}

// ---- assessments

absl::StatusOr<std::optional<v1::Assessment>> AssessmentStore::Tx::GetAssessment(
    const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(auto rows,
                            tx_.Query("SELECT body FROM assessments WHERE id = $1", {id}));
  return DecodeFirst<v1::Assessment>(rows, "assessment");
}

absl::StatusOr<int> AssessmentStore::Tx::MaxRound(const std::string& organization,
                                                  int fiscal_year) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT COALESCE(MAX(round), 0) FROM assessments"
                           " WHERE organization = $1 AND fiscal_year = $2",
                           {organization, static_cast<int64_t>(fiscal_year)}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

absl::StatusOr<std::optional<v1::Assessment>> AssessmentStore::Tx::LatestAssessment(
    const std::string& organization, int fiscal_year) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body FROM assessments WHERE organization = $1"
                           " AND fiscal_year = $2 ORDER BY round DESC LIMIT 1",
                           {organization, static_cast<int64_t>(fiscal_year)}));
  return DecodeFirst<v1::Assessment>(rows, "assessment");
}

absl::StatusOr<std::vector<std::pair<std::string, int>>>
AssessmentStore::Tx::YearsOfManyRounds() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT DISTINCT organization, fiscal_year FROM assessments"
                           " WHERE round > 1 ORDER BY organization, fiscal_year"));
  std::vector<std::pair<std::string, int>> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.emplace_back(row.Text(0), static_cast<int>(row.Int(1)));
  return out;
}

absl::StatusOr<bool> AssessmentStore::Tx::ClaimRoundsRecount() {
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE assessment_counters SET value = 1 WHERE name = $1 AND value = 0",
                  {std::string("status_rounds_recounted")}));
  return changed > 0;
}

absl::StatusOr<std::vector<v1::Assessment>> AssessmentStore::Tx::OpenAssessments(
    const std::string& organization, int fiscal_year) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body FROM assessments WHERE organization = $1"
                           " AND fiscal_year = $2 AND state <> $3 ORDER BY round",
                           {organization, static_cast<int64_t>(fiscal_year),
                            static_cast<int64_t>(v1::ASSESSMENT_STATE_ACCEPTED)}));
  return DecodeAll<v1::Assessment>(rows, "assessment");
}

absl::StatusOr<std::optional<v1::Assessment>> AssessmentStore::Tx::LastAccepted(
    const std::string& organization) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body FROM assessments WHERE organization = $1 AND state = $2"
                           " ORDER BY fiscal_year DESC, round DESC LIMIT 1",
                           {organization, static_cast<int64_t>(v1::ASSESSMENT_STATE_ACCEPTED)}));
  return DecodeFirst<v1::Assessment>(rows, "assessment");
}

absl::StatusOr<std::vector<v1::Assessment>> AssessmentStore::Tx::ListAssessments(
    const AssessmentFilter& filter, const AssessmentKey& after, int limit) {
  // Keyset paging on (organization, fiscal_year, round); only the filters
  // that are set become conditions, each with its own placeholder.
  std::string sql =
      "SELECT body FROM assessments WHERE (organization > $1 OR (organization = $1 AND"
      " (fiscal_year > $2 OR (fiscal_year = $2 AND round > $3))))";
  db::Params params = {after.organization, static_cast<int64_t>(after.fiscal_year),
                       static_cast<int64_t>(after.round)};
  auto add = [&](const char* column, db::Value value) {
    params.push_back(std::move(value));
    absl::StrAppend(&sql, " AND ", column, " = $", params.size());
  };
  if (!filter.organization.empty()) add("organization", filter.organization);
  if (filter.fiscal_year != 0) add("fiscal_year", static_cast<int64_t>(filter.fiscal_year));
  if (filter.state != v1::ASSESSMENT_STATE_UNSPECIFIED) {
    add("state", static_cast<int64_t>(filter.state));
  }
  params.push_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY organization, fiscal_year, round LIMIT $", params.size());
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  return DecodeAll<v1::Assessment>(rows, "assessment");
}

absl::Status AssessmentStore::Tx::InsertAssessment(const v1::Assessment& a, int64_t version) {
  return tx_
      .Execute("INSERT INTO assessments (id, organization, fiscal_year, round, state, version,"
               " etag, update_time_us, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
               {a.id(), a.organization(), static_cast<int64_t>(a.fiscal_year()),
                static_cast<int64_t>(a.round()), static_cast<int64_t>(a.state()), version,
                a.etag(), a.update_time_us(), EncodeProtoColumn(a)})
      .status();
}

absl::Status AssessmentStore::Tx::UpdateAssessment(const v1::Assessment& a, int64_t version,
                                                   const std::string& expected_etag) {
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE assessments SET state = $2, version = $3, etag = $4,"
                  " update_time_us = $5, body = $6 WHERE id = $1 AND etag = $7",
                  {a.id(), static_cast<int64_t>(a.state()), version, a.etag(),
                   a.update_time_us(), EncodeProtoColumn(a), expected_etag}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat("etag: assessment ", a.id(),
                                           " was changed concurrently; read it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> AssessmentStore::Tx::AssessmentVersion(const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(auto rows,
                            tx_.Query("SELECT version FROM assessments WHERE id = $1", {id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

// ---- submissions

absl::Status AssessmentStore::Tx::InsertSubmission(const std::string& assessment_id,
                                                   const v1::SubmissionRef& ref,
                                                   const v1::Assessment& snapshot) {
  return tx_
      .Execute("INSERT INTO assessment_submissions (assessment_id, number, sha256,"
               " submitted_by, submit_time_us, body) VALUES ($1, $2, $3, $4, $5, $6)",
               {assessment_id, ref.number(), ref.sha256(), ref.submitted_by(),
                ref.submit_time_us(), EncodeProtoColumn(snapshot)})
      .status();
}

absl::StatusOr<std::optional<v1::Assessment>> AssessmentStore::Tx::GetSubmission(
    const std::string& assessment_id, int64_t number) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body FROM assessment_submissions"
                           " WHERE assessment_id = $1 AND number = $2",
                           {assessment_id, number}));
  return DecodeFirst<v1::Assessment>(rows, "submission");
}

// ---- advice

absl::StatusOr<int64_t> AssessmentStore::Tx::NextCounter(const std::string& name) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("UPDATE assessment_counters SET value = value + 1 WHERE name = $1"
                           " RETURNING value",
                           {name}));
  if (rows.empty()) return absl::InternalError(absl::StrCat("counter ", name, " missing"));
  return rows[0].Int(0);
}

absl::StatusOr<int64_t> AssessmentStore::Tx::NextAdviceNumber() { return NextCounter("advice"); }

absl::Status AssessmentStore::Tx::InsertAdvice(const v1::Advice& advice, int64_t number) {
  return tx_
      .Execute("INSERT INTO assessment_advice (id, number, assessment_id, organization, state,"
               " etag, update_time_us, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
               {advice.id(), number, advice.assessment_id(), advice.organization(),
                static_cast<int64_t>(advice.state()), advice.etag(), advice.update_time_us(),
                EncodeProtoColumn(advice)})
      .status();
}

absl::StatusOr<std::optional<v1::Advice>> AssessmentStore::Tx::GetAdvice(const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(auto rows,
                            tx_.Query("SELECT body FROM assessment_advice WHERE id = $1", {id}));
  return DecodeFirst<v1::Advice>(rows, "advice");
}

absl::Status AssessmentStore::Tx::UpdateAdvice(const v1::Advice& advice,
                                               const std::string& expected_etag) {
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE assessment_advice SET state = $2, etag = $3, update_time_us = $4,"
                  " body = $5 WHERE id = $1 AND etag = $6",
                  {advice.id(), static_cast<int64_t>(advice.state()), advice.etag(),
                   advice.update_time_us(), EncodeProtoColumn(advice), expected_etag}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat("etag: advice ", advice.id(),
                                           " was changed concurrently; read it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Advice>> AssessmentStore::Tx::ListAdvice(const AdviceFilter& filter,
                                                                        int64_t after_number,
                                                                        int limit) {
  std::string sql = "SELECT body FROM assessment_advice WHERE number > $1";
  db::Params params = {after_number};
  auto add = [&](const char* column, db::Value value) {
    params.push_back(std::move(value));
    absl::StrAppend(&sql, " AND ", column, " = $", params.size());
  };
  if (!filter.assessment_id.empty()) add("assessment_id", filter.assessment_id);
  if (!filter.organization.empty()) add("organization", filter.organization);
  if (filter.state != v1::ADVICE_STATE_UNSPECIFIED) {
    add("state", static_cast<int64_t>(filter.state));
  }
  params.push_back(static_cast<int64_t>(limit));
  absl::StrAppend(&sql, " ORDER BY number LIMIT $", params.size());
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  return DecodeAll<v1::Advice>(rows, "advice");
}

absl::StatusOr<std::vector<v1::Advice>> AssessmentStore::Tx::ListAdviceOfYear(
    const std::string& organization, int fiscal_year, int limit) {
  // The year's assessments by their unique (organization, fiscal_year,
  // round) index, then each one's advice by advice_by_assessment.
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query("SELECT v.body FROM assessments a JOIN assessment_advice v"
                " ON v.assessment_id = a.id WHERE a.organization = $1 AND a.fiscal_year = $2"
                " ORDER BY v.number LIMIT $3",
                {organization, static_cast<int64_t>(fiscal_year), static_cast<int64_t>(limit)}));
  return DecodeAll<v1::Advice>(rows, "advice");
}

// ---- events

absl::StatusOr<v1::AssessmentEvent> AssessmentStore::Tx::AppendEvent(v1::AssessmentEvent event) {
  SECCOORD_ASSIGN_OR_RETURN(int64_t sequence, NextCounter("events"));
  event.set_sequence(sequence);
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute(absl::StrCat("INSERT INTO assessment_events (", kEventColumns,
                               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
                  {event.sequence(), static_cast<int64_t>(event.type()), event.assessment_id(),
                   event.organization(), static_cast<int64_t>(event.fiscal_year()),
                   event.advice_id(), event.submission_number(), event.actor(), event.time_us()})
          .status());
  SECCOORD_RETURN_IF_ERROR(tx_.NotifyOnCommit(kAssessmentEventsChannel));
  return event;
}

absl::StatusOr<std::vector<v1::AssessmentEvent>> AssessmentStore::Tx::EventsAfter(
    int64_t after, const std::string& organization, int limit, int64_t* scanned_to) {
  std::vector<db::Row> rows;
  if (organization.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(
        rows, tx_.Query(absl::StrCat("SELECT ", kEventColumns,
                                     " FROM assessment_events WHERE sequence > $1"
                                     " ORDER BY sequence LIMIT $2"),
                        {after, static_cast<int64_t>(limit)}));
  } else {
    SECCOORD_ASSIGN_OR_RETURN(
        rows, tx_.Query(absl::StrCat("SELECT ", kEventColumns,
                                     " FROM assessment_events WHERE organization = $1"
                                     " AND sequence > $2 ORDER BY sequence LIMIT $3"),
                        {organization, after, static_cast<int64_t>(limit)}));
  }
  std::vector<v1::AssessmentEvent> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(EventFromRow(row));
  if (scanned_to != nullptr) {
    *scanned_to = out.empty() ? after : out.back().sequence();
  }
  return out;
}

// ---- status

absl::Status AssessmentStore::Tx::UpsertStatus(const v1::OrganizationStatus& status) {
  v1::OrganizationStatus row = status;
  row.clear_chapters();
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("INSERT INTO assessment_status (organization, fiscal_year, assessment_id,"
                  " state, has_rate, rate_ppm, update_time_us, body, row_body)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                  " ON CONFLICT (organization, fiscal_year) DO UPDATE SET"
                  " assessment_id = excluded.assessment_id, state = excluded.state,"
                  " has_rate = excluded.has_rate, rate_ppm = excluded.rate_ppm,"
                  " update_time_us = excluded.update_time_us, body = excluded.body,"
                  " row_body = excluded.row_body",
                  {status.organization(), static_cast<int64_t>(status.fiscal_year()),
                   status.assessment_id(), static_cast<int64_t>(status.state()),
                   static_cast<int64_t>(status.counts().has_rate() ? 1 : 0),
                   static_cast<int64_t>(std::llround(status.counts().implementation_rate() * 1e6)),
                   status.update_time_us(), EncodeProtoColumn(status), EncodeProtoColumn(row)})
          .status());
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("INSERT INTO assessment_status_organizations (organization) VALUES ($1)"
                  " ON CONFLICT (organization) DO NOTHING",
                  {status.organization()})
          .status());
  return NextCounter("status").status();
}

absl::StatusOr<int64_t> AssessmentStore::Tx::StatusVersion() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT value FROM assessment_counters WHERE name = 'status'"));
  if (rows.empty()) return absl::InternalError("counter status missing");
  return rows[0].Int(0);
}

absl::StatusOr<bool> AssessmentStore::Tx::LockStatus(const std::string& organization,
                                                     int fiscal_year) {
  if (dialect_ != db::Dialect::kPostgres) return false;
  SECCOORD_RETURN_IF_ERROR(
      tx_.Query("SELECT 1 FROM assessment_status WHERE organization = $1 AND fiscal_year = $2"
                " FOR UPDATE",
                {organization, static_cast<int64_t>(fiscal_year)})
          .status());
  return true;
}

absl::StatusOr<std::optional<v1::OrganizationStatus>> AssessmentStore::Tx::GetStatus(
    const std::string& organization, int fiscal_year) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT body FROM assessment_status WHERE organization = $1"
                           " AND fiscal_year = $2",
                           {organization, static_cast<int64_t>(fiscal_year)}));
  return DecodeFirst<v1::OrganizationStatus>(rows, "status");
}

absl::StatusOr<std::vector<v1::OrganizationStatus>> AssessmentStore::Tx::ListStatusOfYear(
    int fiscal_year, const std::string& from_org, const std::string& to_org) {
  // fiscal_year = $1 and an organisation range: the status_by_year index.
  std::string sql =
      "SELECT CASE WHEN row_body = '' THEN body ELSE row_body END"
      " FROM assessment_status WHERE fiscal_year = $1";
  db::Params params = {static_cast<int64_t>(fiscal_year)};
  AddRange("organization", from_org, to_org, &sql, &params);
  sql += " ORDER BY organization";
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  return DecodeAll<v1::OrganizationStatus>(rows, "status");
}

absl::StatusOr<std::vector<TrendRow>> AssessmentStore::Tx::ListTrend(int first_fiscal_year,
                                                                     int last_fiscal_year,
                                                                     const std::string& from_org,
                                                                     const std::string& to_org) {
  std::string sql = "SELECT organization, fiscal_year, state, has_rate, rate_ppm"
                    " FROM assessment_status WHERE fiscal_year >= $1 AND fiscal_year <= $2";
  db::Params params = {static_cast<int64_t>(first_fiscal_year),
                       static_cast<int64_t>(last_fiscal_year)};
  AddRange("organization", from_org, to_org, &sql, &params);
  sql += " ORDER BY organization, fiscal_year";
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  std::vector<TrendRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    TrendRow t;
    t.organization = row.Text(0);
    t.fiscal_year = static_cast<int>(row.Int(1));
    t.state = static_cast<v1::AssessmentState>(row.Int(2));
    t.has_rate = row.Int(3) != 0;
    t.implementation_rate = static_cast<double>(row.Int(4)) / 1e6;
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> AssessmentStore::Tx::StatusOrganizations() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query("SELECT organization FROM assessment_status_organizations ORDER BY organization"));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.Text(0));
  return out;
}

absl::StatusOr<bool> AssessmentStore::Tx::HasStatus(const std::string& organization) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT 1 FROM assessment_status_organizations WHERE organization = $1",
                           {organization}));
  return !rows.empty();
}

absl::StatusOr<std::vector<std::string>> AssessmentStore::Tx::StatusOrganizationsAfter(
    const std::string& after, int limit) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT organization FROM assessment_status_organizations"
                           " WHERE organization > $1 ORDER BY organization LIMIT $2",
                           {after, static_cast<int64_t>(limit)}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.Text(0));
  return out;
}

// ---- peer facts

absl::Status AssessmentStore::Tx::RecordPeerFact(const std::string& kind, const std::string& key,
                                                 bool ok, int64_t time_us,
                                                 const std::string& body) {
  if (ok) {
    return tx_
        .Execute("INSERT INTO assessment_peer_facts (kind, fact_key, ok, as_of_us, try_time_us,"
                 " body) VALUES ($1, $2, 1, $3, $3, $4) ON CONFLICT (kind, fact_key) DO UPDATE"
                 " SET ok = 1, as_of_us = excluded.as_of_us, try_time_us = excluded.try_time_us,"
                 " body = excluded.body",
                 {kind, key, time_us, body})
        .status();
  }
  return tx_
      .Execute("INSERT INTO assessment_peer_facts (kind, fact_key, ok, as_of_us, try_time_us,"
               " body) VALUES ($1, $2, 0, 0, $3, '') ON CONFLICT (kind, fact_key) DO UPDATE"
               " SET ok = 0, try_time_us = excluded.try_time_us",
               {kind, key, time_us})
      .status();
}

absl::StatusOr<std::optional<AssessmentStore::Tx::PeerFact>> AssessmentStore::Tx::GetPeerFact(
    const std::string& kind, const std::string& key) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT ok, as_of_us, body FROM assessment_peer_facts"
                           " WHERE kind = $1 AND fact_key = $2",
                           {kind, key}));
  if (rows.empty()) return std::nullopt;
  PeerFact f;
  f.ok = rows[0].Int(0) != 0;
  f.as_of_us = rows[0].Int(1);
  f.body = rows[0].Text(2);
  return f;
}

absl::StatusOr<std::vector<std::pair<std::string, AssessmentStore::Tx::PeerFact>>>
AssessmentStore::Tx::ListPeerFacts(const std::string& kind, const std::string& from_key,
                                   const std::string& to_key) {
  std::string sql = "SELECT fact_key, ok, as_of_us, body FROM assessment_peer_facts"
                    " WHERE kind = $1";
  db::Params params = {kind};
  AddRange("fact_key", from_key, to_key, &sql, &params);
  sql += " ORDER BY fact_key";
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  std::vector<std::pair<std::string, PeerFact>> out;
  for (const auto& row : rows) {
    PeerFact f;
    f.ok = row.Int(1) != 0;
    f.as_of_us = row.Int(2);
    f.body = row.Text(3);
    out.emplace_back(row.Text(0), std::move(f));
  }
  return out;
}

absl::Status AssessmentStore::Read(const std::function<absl::Status(Tx&)>& fn, db::TxMode mode) {
  SECCOORD_ASSIGN_OR_RETURN(auto tx, db_.Begin(mode));
  Tx typed(*tx, db_.dialect());
  return fn(typed);
}

absl::Status AssessmentStore::Write(const std::function<absl::Status(Tx&)>& fn) {
  SECCOORD_ASSIGN_OR_RETURN(auto tx, db_.Begin(db::TxMode::kReadWrite));
  Tx typed(*tx, db_.dialect());
  SECCOORD_RETURN_IF_ERROR(fn(typed));
  return tx->Commit();
}

}  // namespace seccoord::assessment
