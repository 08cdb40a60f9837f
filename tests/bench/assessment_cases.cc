// The assessment cases of seccoord-bench (DESIGN.md "Performance targets"):
// the three services in-process over the real mTLS — policyd with the basic
// policy published (SeedBasicPolicy), assetd, and assessmentd (its
// ServerSpec, the checklists of data/checklists) reaching both as
// seccoord://service/assessmentd — then seccoord-assessmentd as a process.
//
//   <driver>.submit_assessment   SubmitAssessment of a 40-item DRAFT as
//       staff1 (kasama-union), a fresh request_id and a fresh assessment per
//       call: the durable write (submission snapshot, assessment, event,
//       summary row, request log and audit entry in one commit). Target
//       >= 1,000 calls/s on SQLite; on PostgreSQL too with --pg. staff1 may
//       only create kasama-union's assessments, and a fiscal year's next
//       round only once the last one is ACCEPTED, so CreateAssessment can
//       make ~28 (fiscal years 2000–2027): too few to measure a rate. So one
//       assessment is created and answered through the real RPCs
//       (CreateAssessment, UpdateAnswers of every item), and the supply is
//       seeded from it through AssessmentStore::Tx before assessmentd starts
//       (again) on that database: copies with their own fiscal year (the
//       ones after it, beyond what CreateAssessment accepts, which
//       submission does not check) so that every submission is its year's
//       latest round and writes the summary row, exactly as a real one. The
//       supply is sized by --seconds (kPlannedSubmitsPerSecond); a thread
//       that runs out stops, and the report says so (ran_out). On SQLite
//       the line under it (and "sqlite_group_commit" in the "assessment"
//       member) counts the COMMITs and the writes they carried.
//   sqlite.organization_status / sqlite.federation_status   GetOrganization-
//       Status (the current fiscal year, organisations in turn) and
//       GetFederationStatus (current fiscal year, 5-year trend) as
//       mito-member1 on a "national" database: --national_orgs
//       organisations (default 3,000) x 10 fiscal years x 40 answered items
//       (1.2 M answers), seeded through AssessmentStore::Tx (InsertAssessment
//       + UpsertStatus of SummarizeAssessment's row) in big transactions
//       into a SQLite file of the temp dir before assessmentd starts on it.
//       Measured once the first background refresh of the peer facts (the
//       findings summary of every organisation) is done.
//   *_4_items   the same reads on a database with the same organisations,
//       years and rows but 4 answered items per assessment (1/10 of the
//       answers): the two p50s and p99s agree within noise when no read
//       scans answers (their ratios are printed and in "assessment").
//       Target for both reads: p99 <= 10 ms and >= 0.8 x the echo
//       sized like them, measured in alternating rounds with each read
//       (MeasureReadAgainstEcho: echo.sqlite.organization_status, …). The
//       federation read returns its first page of 100 organisations (37 KB
//       at the default trend), and the echo of that size is its fair
//       comparison.
// Then build/bin/seccoord-assessmentd (--assessmentd) as a process, with
// the in-process policyd and assetd as its peers: time to SERVING on an
// empty database and on the national one (target <= 300 ms each), VmHWM
// after --child_seconds of the reads (target <= 64 MiB), exit 0 on SIGTERM.
// Report members "assessmentd_empty", "assessmentd_national" and
// "assessment" (sizes of the seed, the group commit of the submit case).
//
// Thread-safety: run by bench_main's thread; the load runs on the harness's
// client threads, which share only an atomic index into the supply.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/proto_convert.h"
#include "common/wareki.h"
#include "seccoord/v1/assessment.grpc.pb.h"
#include "services/assessment/assessment_server.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/status.h"
#include "services/asset/asset_server.h"
#include "services/policy/policy_server.h"
#include "services/runtime/clock.h"
#include "services/runtime/db/migrations.h"
#include "services/runtime/db/sqlite_database.h"
#include "tests/bench/bench_harness.h"
#include "tests/bench/case_sets.h"
#include "tests/support/test_database.h"

ABSL_FLAG(std::string, assessmentd, "",
          "seccoord-assessmentd binary for time to SERVING and memory under load "
          "(default: next to seccoord-bench); \"none\" skips that part");
ABSL_FLAG(int32_t, national_orgs, 3000,
          "organisations of the national-scale status database (x 10 fiscal years x 40 "
          "items); bounds the seeding");

namespace seccoord::bench {
namespace {

using Stub = v1::AssessmentService::Stub;

// Targets of DESIGN.md measured here.
constexpr double kSubmitTargetPerSecond = 1000;
constexpr double kStatusP99TargetMs = 10;

// Submissions seeded per planned second of load (warm-up included): above
// what SQLite reaches here, so the supply rarely limits the measurement.
constexpr double kPlannedSubmitsPerSecond = 2500;
constexpr int kMinSubmitSupply = 100;
constexpr int kMaxSubmitSupply = 60'000;
// Rows per seeding transaction.
constexpr int kSeedBatch = 2000;

constexpr int kNationalFiscalYears = 10;
constexpr int kReducedItems = 4;
constexpr int kMaxNationalOrgs = 100'000;
// Bound of the wait for the first background refresh of the peer facts.
constexpr double kRefreshGiveUpSeconds = 120;

constexpr char kUnionStaff[] = "staff1";
constexpr char kUnion[] = "kasama-union";

int CurrentFiscalYear() { return FiscalYearOf(runtime::Clock::System().today()); }

template <typename Request, typename Response>
absl::Status CallOnce(const std::string& address, const std::string& cert_name,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                   Response*),
                      const Request& request, Response* response, const char* what) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, cert_name);
  if (!channel.ok()) return channel.status();
  Stub stub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  grpc::Status status = (stub.*method)(&context, request, response);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat(what, " as ", cert_name, ": ", StatusText(status)));
  }
  return absl::OkStatus();
}

std::string SeedRequestId(const char* what) {
  static std::atomic<int> n{0};
  return absl::StrCat("bench-aseed-", RunNonce(), "-", what, "-", n.fetch_add(1));
}

// ---------------------------------------------------------------------------
// The peers and assessmentd in-process.

struct Peers {
  std::unique_ptr<testing::TestDatabase> policy_db;
  std::unique_ptr<testing::TestDatabase> asset_db;
  std::unique_ptr<runtime::RunningServer> policy;
  std::unique_ptr<runtime::RunningServer> assets;
};

absl::StatusOr<Peers> StartPeers() {
  Peers peers;
  absl::StatusOr<std::unique_ptr<testing::TestDatabase>> db =
      testing::TestDatabase::Create("sqlite");
  if (!db.ok()) return db.status();
  peers.policy_db = *std::move(db);
  db = testing::TestDatabase::Create("sqlite");
  if (!db.ok()) return db.status();
  peers.asset_db = *std::move(db);
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server = StartInProcessServer(
      policy::PolicyServerSpec(), "policyd", peers.policy_db->db(), "peer-policyd-rpc.log");
  if (!server.ok()) return server.status();
  peers.policy = *std::move(server);
  server = StartInProcessServer(asset::AssetServerSpec(), "assetd", peers.asset_db->db(),
                                "peer-assetd-rpc.log");
  if (!server.ok()) return server.status();
  peers.assets = *std::move(server);
  absl::StatusOr<int64_t> revision = SeedBasicPolicy(peers.policy->address());
  if (!revision.ok()) return revision.status();
  return peers;
}

assessment::AssessmentServerConfig ConfigWith(const Peers& peers) {
  assessment::AssessmentServerConfig config;
  config.policy_address = peers.policy->address();
  config.asset_address = peers.assets->address();
  config.checklist_dir = SourcePath("data/checklists");
  return config;
}

absl::StatusOr<std::unique_ptr<runtime::RunningServer>> StartAssessmentd(
    const Peers& peers, db::Database& db, const std::string& log_name) {
  return StartInProcessServer(assessment::AssessmentServerSpec(ConfigWith(peers)), "assessmentd",
                              db, log_name);
}

// ---------------------------------------------------------------------------
// Seeding.

// An assessment created and answered through the real RPCs as staff1: its
// policy binding and answers are what the service makes of them.
struct Template {
  v1::Assessment assessment;  // DRAFT, every item answered
  v1::Checklist checklist;    // the one it answers, with items
};

absl::StatusOr<Template> CreateTemplate(const std::string& address) {
  Template t;
  v1::CreateAssessmentRequest create;
  create.set_request_id(SeedRequestId("create"));
  create.set_fiscal_year(CurrentFiscalYear());
  v1::Assessment created;
  absl::Status s = CallOnce(address, kUnionStaff, &Stub::CreateAssessment, create, &created,
                            "CreateAssessment");
  if (!s.ok()) return s;
  v1::GetChecklistRequest get_checklist;
  get_checklist.set_version(created.checklist_version());
  s = CallOnce(address, kUnionStaff, &Stub::GetChecklist, get_checklist, &t.checklist,
               "GetChecklist");
  if (!s.ok()) return s;
  // 実施 with a note, except one 一部実施 with a remediation plan.
  v1::UpdateAnswersRequest update;
  update.set_request_id(SeedRequestId("answer"));
  update.set_assessment_id(created.id());
  update.set_etag(created.etag());
  for (int i = 0; i < t.checklist.items_size(); ++i) {
    v1::ItemAnswer* answer = update.add_answers();
    answer->set_item_id(t.checklist.items(i).id());
    if (i == 1) {
      answer->set_result(v1::ITEM_RESULT_PARTIAL);
      answer->mutable_remediation()->set_action("連絡体制表を更新する");
      answer->mutable_remediation()->set_owner("総務係");
      *answer->mutable_remediation()->mutable_due() =
          ToProtoDate(FiscalYearEnd(created.fiscal_year()));
    } else {
      answer->set_result(v1::ITEM_RESULT_IMPLEMENTED);
      answer->set_note("確認済み");
    }
  }
  s = CallOnce(address, kUnionStaff, &Stub::UpdateAnswers, update, &t.assessment,
               "UpdateAnswers");
  if (!s.ok()) return s;
  return t;
}

// Writes `count` rows through AssessmentStore::Tx in transactions of
// kSeedBatch; `write_one(tx, i)` writes row i.
absl::Status SeedInBatches(
    db::Database& db, int count,
    const std::function<absl::Status(assessment::AssessmentStore::Tx&, int)>& write_one) {
  assessment::AssessmentStore store(db);
  for (int first = 0; first < count; first += kSeedBatch) {
    const int last = std::min(count, first + kSeedBatch);
    absl::Status written = store.Write([&](assessment::AssessmentStore::Tx& tx) -> absl::Status {
      for (int i = first; i < last; ++i) {
        absl::Status one = write_one(tx, i);
        if (!one.ok()) return one;
      }
      return absl::OkStatus();
    });
    if (!written.ok()) return Annotate(written, "seeding");
  }
  return absl::OkStatus();
}

// Inserts `a` as a new assessment at version 1 with its summary row, as
// CreateAssessment + UpdateAnswers leave them.
absl::Status InsertWithStatus(assessment::AssessmentStore::Tx& tx, const v1::Assessment& a,
                              const v1::Checklist& checklist, int64_t counted_submission) {
  absl::Status inserted = tx.InsertAssessment(a, 1);
  if (!inserted.ok()) return inserted;
  return tx.UpsertStatus(assessment::SummarizeAssessment(a, checklist, a.answers(),
                                                         counted_submission, {}, NowMicros()));
}

// Copies of the template, each its own fiscal year after the template's
// (round 1, etag v1): the supply of SubmitAssessment.
absl::StatusOr<std::vector<std::string>> SeedSubmitSupply(db::Database& db, const Template& t,
                                                          int count) {
  std::vector<std::string> ids(count);
  absl::Status seeded = SeedInBatches(
      db, count, [&](assessment::AssessmentStore::Tx& tx, int i) -> absl::Status {
        v1::Assessment a = t.assessment;
        a.set_fiscal_year(t.assessment.fiscal_year() + 1 + i);
        a.set_round(1);
        a.set_id(absl::StrCat(a.organization(), "-", a.fiscal_year(), "-", a.round()));
        a.set_etag("v1");
        a.set_update_time_us(NowMicros());
        ids[i] = a.id();
        return InsertWithStatus(tx, a, t.checklist, 0);
      });
  if (!seeded.ok()) return seeded;
  return ids;
}

std::string NationalOrg(int i) { return absl::StrFormat("bench-org-%05d", i + 1); }

// A deterministic mix of results: mostly 実施, some 一部実施/未実施 (with a
// plan due at the end of the year) and 該当なし.
void AnswerItem(const v1::ChecklistItem& item, int pattern, int fiscal_year,
                const std::string& answered_by, v1::ItemAnswer* answer) {
  answer->set_item_id(item.id());
  answer->set_answered_by(answered_by);
  answer->set_answer_time_us(NowMicros());
  switch (pattern % 10) {
    case 7:
    case 8:
      answer->set_result(pattern % 10 == 7 ? v1::ITEM_RESULT_PARTIAL
                                           : v1::ITEM_RESULT_NOT_IMPLEMENTED);
      answer->set_note("改善計画あり");
      answer->mutable_remediation()->set_action("手順書を整備する");
      answer->mutable_remediation()->set_owner("情報政策係");
      *answer->mutable_remediation()->mutable_due() = ToProtoDate(FiscalYearEnd(fiscal_year));
      break;
    case 9:
      answer->set_result(v1::ITEM_RESULT_NOT_APPLICABLE);
      answer->set_note("対象システムなし");
      break;
    default:
      answer->set_result(v1::ITEM_RESULT_IMPLEMENTED);
      answer->set_note("確認済み");
  }
}

struct NationalDatabase {
  std::string path;  // SQLite file
  std::unique_ptr<db::Database> db;
  int orgs = 0;
  int items = 0;     // answered items per assessment
  int64_t answers = 0;
  double seed_seconds = 0;
  std::vector<std::string> org_names;
};

// `orgs` organisations x kNationalFiscalYears (ending with the current one)
// x the first `items` items of the template's checklist: ACCEPTED for the
// past years, SUBMITTED for the current one, counted at submission 1.
absl::StatusOr<NationalDatabase> SeedNational(const std::string& path, const Template& t,
                                              int orgs, int items) {
  NationalDatabase n;
  n.path = path;
  n.orgs = orgs;
  n.items = std::min(items, t.checklist.items_size());
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<db::Database>> db = db::OpenDatabase(absl::StrCat("sqlite:", path));
  if (!db.ok()) return db.status();
  n.db = *std::move(db);
  absl::Status migrated =
      db::ApplyMigrations(*n.db, "assessment", assessment::AssessmentMigrations());
  if (!migrated.ok()) return migrated;
  for (int o = 0; o < orgs; ++o) n.org_names.push_back(NationalOrg(o));
  const int last_year = CurrentFiscalYear();
  const int first_year = last_year - kNationalFiscalYears + 1;
  absl::Status seeded = SeedInBatches(
      *n.db, orgs * kNationalFiscalYears,
      [&](assessment::AssessmentStore::Tx& tx, int row) -> absl::Status {
        const int o = row / kNationalFiscalYears;
        const int fy = first_year + row % kNationalFiscalYears;
        const std::string& org = n.org_names[o];
        const std::string staff = absl::StrCat("seccoord://", org, "/staff1");
        v1::Assessment a;
        a.set_organization(org);
        a.set_fiscal_year(fy);
        a.set_round(1);
        a.set_id(absl::StrCat(org, "-", fy, "-1"));
        a.set_checklist_version(t.checklist.version());
        *a.mutable_policy() = t.assessment.policy();
        a.set_state(fy == last_year ? v1::ASSESSMENT_STATE_SUBMITTED
                                    : v1::ASSESSMENT_STATE_ACCEPTED);
        for (int i = 0; i < n.items; ++i) {
          AnswerItem(t.checklist.items(i), o + fy + i, fy, staff, a.add_answers());
        }
        a.set_created_by(staff);
        a.set_create_time_us(NowMicros());
        a.set_update_time_us(NowMicros());
        v1::SubmissionRef* submission = a.add_submissions();
        submission->set_number(1);
        submission->set_submitted_by(staff);
        submission->set_submit_time_us(NowMicros());
        a.set_etag("v1");
        n.answers += n.items;
        return InsertWithStatus(tx, a, t.checklist, 1);
      });
  if (!seeded.ok()) return seeded;
  n.seed_seconds = SecondsSince(start);
  return n;
}

// Waits (bounded) until the federation view shows a findings summary read
// for every organisation, on every page: the first background refresh of
// the peer facts is done and no longer competes with (or, by changing the
// facts, rebuilds the pages of) the measured reads. Its duration.
absl::StatusOr<double> AwaitFirstRefresh(const std::string& address) {
  const Clock::time_point start = Clock::now();
  for (int poll = 0; poll < 100000 && SecondsSince(start) < kRefreshGiveUpSeconds; ++poll) {
    v1::GetFederationStatusRequest request;
    request.set_years(1);
    request.set_page_size(500);
    bool all_read = true;
    int listed = 0;
    for (int page = 0; page < 1000 && all_read; ++page) {
      v1::FederationStatus federation;
      absl::Status s = CallOnce(address, kReader, &Stub::GetFederationStatus, request,
                                &federation, "GetFederationStatus");
      if (!s.ok()) return s;
      listed += federation.organizations_size();
      for (const v1::OrganizationStatus& org : federation.organizations()) {
        if (org.asset_findings_time_us() == 0) all_read = false;
      }
      if (federation.next_page_token().empty()) break;
      request.set_page_token(federation.next_page_token());
    }
    if (all_read && listed > 0) return SecondsSince(start);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "the first refresh of the peer facts did not finish within ", kRefreshGiveUpSeconds, " s"));
}

// ---------------------------------------------------------------------------
// Cases.

struct AssessmentCase {
  std::string key;
  std::string label;
  bool is_read = true;
  MakeCall make;
  MessageSizes sizes;
};

absl::StatusOr<CaseResult> MeasureAssessmentCase(const std::string& id, const AssessmentCase& c,
                                                 double seconds, double warmup) {
  return Measure(id, c.label, c.is_read ? "read" : "write", c.make, c.sizes, seconds, warmup);
}

// SubmitAssessment of ids[0], ids[1], … (the first one by the probe), each
// once, as staff1. `tag` keeps the request ids of servers apart.
absl::StatusOr<AssessmentCase> SubmitCase(const std::string& address,
                                          std::shared_ptr<const std::vector<std::string>> ids,
                                          const std::string& tag) {
  AssessmentCase c;
  c.key = "submit_assessment";
  c.label = "assessment.SubmitAssessment (40 items, durable)";
  c.is_read = false;
  const std::string prefix = absl::StrCat("bench-", RunNonce(), "-", tag);
  v1::SubmitAssessmentRequest request;
  request.set_request_id(absl::StrFormat("%s-p-%02d-%010d", prefix, 0, 0));
  request.set_assessment_id(ids->front());
  request.set_etag("v1");
  absl::StatusOr<MessageSizes> sizes =
      Probe<Stub>(address, kUnionStaff, request, &Stub::SubmitAssessment, c.label);
  if (!sizes.ok()) return sizes.status();
  c.sizes = *sizes;
  auto next = std::make_shared<std::atomic<size_t>>(1);
  c.make = UnaryCall<v1::AssessmentService>(
      address, kUnionStaff, request, "SubmitAssessment",
      [prefix, ids, next](int thread, int64_t n, v1::SubmitAssessmentRequest* r) {
        const size_t i = next->fetch_add(1);
        if (i >= ids->size()) return false;
        r->set_request_id(absl::StrFormat("%s-t-%02d-%010d", prefix, thread, n));
        r->set_assessment_id((*ids)[i]);
        return true;
      });
  return c;
}

// GetOrganizationStatus (current fiscal year) of `orgs` in turn, and
// GetFederationStatus (current fiscal year, default trend), as kReader.
absl::StatusOr<std::vector<AssessmentCase>> StatusCases(const std::string& address,
                                                        std::vector<std::string> orgs,
                                                        const std::string& suffix) {
  std::vector<AssessmentCase> cases;
  auto names = std::make_shared<const std::vector<std::string>>(std::move(orgs));

  AssessmentCase org;
  org.key = absl::StrCat("organization_status", suffix);
  org.label = "assessment.GetOrganizationStatus";
  v1::GetOrganizationStatusRequest org_request;
  org_request.set_organization(names->front());
  absl::StatusOr<MessageSizes> sizes =
      Probe<Stub>(address, kReader, org_request, &Stub::GetOrganizationStatus, org.label);
  if (!sizes.ok()) return sizes.status();
  org.sizes = *sizes;
  org.make = UnaryCall<v1::AssessmentService>(
      address, kReader, org_request, "GetOrganizationStatus",
      [names](int thread, int64_t n, v1::GetOrganizationStatusRequest* r) {
        r->set_organization((*names)[(static_cast<size_t>(thread) * 7919 + n) % names->size()]);
        return true;
      });
  cases.push_back(std::move(org));

  AssessmentCase federation;
  federation.key = absl::StrCat("federation_status", suffix);
  federation.label = "assessment.GetFederationStatus";
  v1::GetFederationStatusRequest federation_request;
  sizes = Probe<Stub>(address, kReader, federation_request, &Stub::GetFederationStatus,
                      federation.label);
  if (!sizes.ok()) return sizes.status();
  federation.sizes = *sizes;
  federation.make =
      UnaryCall<v1::AssessmentService>(address, kReader, federation_request, "GetFederationStatus");
  cases.push_back(std::move(federation));
  return cases;
}

// The p99 target beside the ratio MeasureReadAgainstEcho set.
void SetStatusTarget(CaseResult* c) {
  SetTarget(c, absl::StrFormat("p99 <= %.0f ms", kStatusP99TargetMs),
            c->load.latency.QuantileMs(0.99) <= kStatusP99TargetMs);
}

// ---------------------------------------------------------------------------
// The run.

struct SubmitUnderTest {
  std::string driver;
  std::unique_ptr<testing::TestDatabase> db;
  std::unique_ptr<runtime::RunningServer> server;
  AssessmentCase submit;
  size_t supply = 0;
};

int SubmitSupplySize() {
  const double planned =
      std::ceil(kPlannedSubmitsPerSecond * (settings().seconds + settings().warmup));
  return static_cast<int>(
      std::clamp<double>(planned + 1, kMinSubmitSupply, kMaxSubmitSupply));
}

// assessmentd on a fresh `driver` database with the submit supply seeded.
// The template it was copied from is returned in *t (for the national seed).
absl::StatusOr<SubmitUnderTest> StartSubmit(const Peers& peers, const std::string& driver,
                                            Template* t) {
  SubmitUnderTest s;
  s.driver = driver;
  absl::StatusOr<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::Create(driver);
  if (!db.ok()) return Annotate(db.status(), absl::StrCat("creating the ", driver, " database"));
  s.db = *std::move(db);
  const std::string log = absl::StrCat("assessmentd-", driver, "-rpc.log");
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server =
      StartAssessmentd(peers, s.db->db(), log);
  if (!server.ok()) return server.status();
  absl::StatusOr<Template> created = CreateTemplate((*server)->address());
  if (!created.ok()) return created.status();
  *t = *created;
  (*server)->Shutdown(absl::Seconds(2));
  server->reset();

  absl::StatusOr<std::vector<std::string>> ids =
      SeedSubmitSupply(s.db->db(), *created, SubmitSupplySize());
  if (!ids.ok()) return ids.status();
  s.supply = ids->size();
  server = StartAssessmentd(peers, s.db->db(), log);
  if (!server.ok()) return server.status();
  s.server = *std::move(server);
  absl::StatusOr<AssessmentCase> submit = SubmitCase(
      s.server->address(), std::make_shared<const std::vector<std::string>>(*std::move(ids)),
      driver.substr(0, 2));
  if (!submit.ok()) return submit.status();
  s.submit = *std::move(submit);
  return s;
}

void PrintAssessmentHeader(int orgs) {
  std::cout << absl::StrFormat(
      "\nassessment cases (policyd, assetd and assessmentd in-process on SQLite):\n"
      "  *.submit_assessment   SubmitAssessment of a 40-item DRAFT as staff1, a fresh assessment\n"
      "                        and request_id per call: one durable commit per call\n"
      "  *.organization_status GetOrganizationStatus as mito-member1, organisations in turn,\n"
      "                        on %d organisations x %d fiscal years x 40 answered items\n"
      "  *.federation_status   GetFederationStatus as mito-member1 (every organisation, 5-year\n"
      "                        trend) on the same database\n"
      "  *_4_items             the same reads, same rows, 4 answered items per assessment\n"
      "  echo.*                the bare echo service, request and reply sized like *\n\n",
      orgs, kNationalFiscalYears);
  PrintTableHeader();
}

ChildSpec AssessmentdSpec(const std::string& binary, const Peers& peers,
                          std::function<std::string(int attempt)> database_url,
                          const std::string& log_name) {
  ChildSpec spec;
  spec.binary = binary;
  spec.log_name = log_name;
  spec.health_service = "seccoord.v1.AssessmentService";
  const std::string policy_address = peers.policy->address();
  const std::string asset_address = peers.assets->address();
  spec.args = [=](const std::string& address, int attempt) {
    return std::vector<std::string>{
        "--listen", address,
        "--db", database_url(attempt),
        "--tls_cert", CertPath("assessmentd", ".crt"),
        "--tls_key", CertPath("assessmentd", ".key"),
        "--tls_ca", CertPath("ca", ".crt"),
        "--access_policy", SourcePath("deploy/access-policy.yaml"),
        "--drain_timeout_ms", "5000",
        "--policy_address", policy_address,
        "--asset_address", asset_address,
        "--checklists", SourcePath("data/checklists")};
  };
  return spec;
}

// The status reads against a child, for --child_seconds each.
ChildLoad StatusLoad(const std::vector<std::string>& orgs, const std::string& id_prefix) {
  return [orgs, id_prefix](const std::string& address) -> absl::StatusOr<std::vector<CaseResult>> {
    absl::StatusOr<std::vector<AssessmentCase>> cases = StatusCases(address, orgs, "");
    if (!cases.ok()) return cases.status();
    std::vector<CaseResult> measured;
    for (const AssessmentCase& c : *cases) {
      absl::StatusOr<CaseResult> result =
          MeasureAssessmentCase(absl::StrCat(id_prefix, ".", c.key), c, settings().child_seconds,
                                std::min(settings().warmup, 0.5));
      if (!result.ok()) return result.status();
      measured.push_back(*std::move(result));
    }
    return measured;
  };
}

absl::Status RunAssessmentCases(EchoBaseline& echo, Report& report) {
  const Settings& s = settings();
  const int orgs = absl::GetFlag(FLAGS_national_orgs);
  report.AddTarget("submit_per_second", kSubmitTargetPerSecond);
  report.AddTarget("status_p99_ms", kStatusP99TargetMs);
  absl::StatusOr<Peers> peers = StartPeers();
  if (!peers.ok()) return Annotate(peers.status(), "starting the peers of assessmentd");

  // a. SubmitAssessment on each driver.
  std::vector<std::string> drivers = {"sqlite"};
  if (!s.pg_url.empty()) drivers.push_back("postgres");
  Template t;
  std::vector<SubmitUnderTest> submits;
  for (const std::string& driver : drivers) {
    absl::StatusOr<SubmitUnderTest> submit = StartSubmit(*peers, driver, &t);
    if (!submit.ok()) return Annotate(submit.status(), absl::StrCat("submit case on ", driver));
    submits.push_back(*std::move(submit));
  }
  PrintAssessmentHeader(orgs);
  absl::StatusOr<CaseResult> submit_echo =
      echo.MeasureLike("submit_assessment", submits.front().submit.sizes, s.seconds, s.warmup);
  if (!submit_echo.ok()) return submit_echo.status();
  PrintCaseRow(*submit_echo);
  report.AddCase(*submit_echo);
  std::string supplies;
  std::string group_commit;  // the JSON member, for the SQLite submit case
  for (SubmitUnderTest& submit : submits) {
    // SQLite's group commit: how many writes one COMMIT (one WAL sync)
    // carried, warm-up included (FAILED_PRECONDITION on PostgreSQL).
    const absl::StatusOr<db::SqliteWriteStats> writes_before =
        db::SqliteWriteStatsOf(submit.db->db());
    absl::StatusOr<CaseResult> measured = MeasureAssessmentCase(
        absl::StrCat(submit.driver, ".submit_assessment"), submit.submit, s.seconds, s.warmup);
    if (!measured.ok()) return measured.status();
    const absl::StatusOr<db::SqliteWriteStats> writes_after =
        db::SqliteWriteStatsOf(submit.db->db());
    CompareWithEcho(&*measured, *submit_echo, /*is_read=*/false);
    if (submit.driver == "sqlite") {
      SetTarget(&*measured, absl::StrFormat(">= %.0f calls/s", kSubmitTargetPerSecond),
                measured->load.CallsPerSecond() >= kSubmitTargetPerSecond);
    }
    PrintCaseRow(*measured);
    report.AddCase(*std::move(measured));
    absl::StrAppend(&supplies, supplies.empty() ? "" : ",", runtime::JsonString(submit.driver),
                    ":", submit.supply);
    if (writes_before.ok() && writes_after.ok()) {
      const int64_t commits = writes_after->commits - writes_before->commits;
      const int64_t writes = writes_after->committed_writes - writes_before->committed_writes;
      std::cout << absl::StrFormat(
          "    group commit: %d COMMITs for %d writes, %.2f writes per COMMIT (warm-up "
          "included)\n",
          commits, writes, commits > 0 ? static_cast<double>(writes) / commits : 0.0);
      group_commit = absl::StrCat(",\"sqlite_group_commit\":{\"commits\":", commits,
                                  ",\"writes\":", writes, "}");
    }
    submit.server->Shutdown(absl::Seconds(2));
  }
  submits.clear();

  // b. The status reads at national scale, then on 1/10 of the answers.
  const int items = t.checklist.items_size();
  absl::StatusOr<NationalDatabase> full =
      SeedNational(s.temp_dir + "/national-full.db", t, orgs, items);
  if (!full.ok()) return Annotate(full.status(), "seeding the national database");
  absl::StatusOr<NationalDatabase> reduced =
      SeedNational(s.temp_dir + "/national-4-items.db", t, orgs, kReducedItems);
  if (!reduced.ok()) return Annotate(reduced.status(), "seeding the 4-item database");
  std::cout << absl::StrFormat(
      "  (seeded %d organisations x %d fiscal years: %d answers in %.1f s; 4-item copy: %d "
      "answers in %.1f s)\n",
      orgs, kNationalFiscalYears, full->answers, full->seed_seconds, reduced->answers,
      reduced->seed_seconds);

  std::vector<double> refresh_seconds;
  // Latency quantiles per read, [0] on 40 items, [1] on 4: the p50 is the
  // steadier of the two on a shared machine, the p99 the target's.
  std::vector<double> p50_org, p50_federation, p99_org, p99_federation;
  for (NationalDatabase* national : {&*full, &*reduced}) {
    const std::string suffix = national == &*full ? "" : "_4_items";
    absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server = StartAssessmentd(
        *peers, *national->db, absl::StrCat("assessmentd-national", suffix, "-rpc.log"));
    if (!server.ok()) return server.status();
    absl::StatusOr<double> refreshed = AwaitFirstRefresh((*server)->address());
    if (!refreshed.ok()) return refreshed.status();
    refresh_seconds.push_back(*refreshed);
    absl::StatusOr<std::vector<AssessmentCase>> cases =
        StatusCases((*server)->address(), national->org_names, suffix);
    if (!cases.ok()) return cases.status();
    for (const AssessmentCase& c : *cases) {
      const bool is_org = c.key.rfind("organization_status", 0) == 0;
      absl::StatusOr<PairedResult> paired = MeasureReadAgainstEcho(
          echo, absl::StrCat("sqlite.", c.key), c.label, c.make, c.sizes, s.seconds, s.warmup);
      if (!paired.ok()) return paired.status();
      SetStatusTarget(&paired->measured);
      (is_org ? p50_org : p50_federation)
          .push_back(paired->measured.load.latency.QuantileMs(0.50));
      (is_org ? p99_org : p99_federation)
          .push_back(paired->measured.load.latency.QuantileMs(0.99));
      PrintAndReport(*std::move(paired), report);
    }
    (*server)->Shutdown(absl::Seconds(2));
  }
  std::cout << absl::StrFormat(
      "  on 4 answered items / on 40 (about 1 when no read scans answers): organization_status "
      "p50 %.2f, p99 %.2f; federation_status p50 %.2f, p99 %.2f\n",
      p50_org[1] / p50_org[0], p99_org[1] / p99_org[0], p50_federation[1] / p50_federation[0],
      p99_federation[1] / p99_federation[0]);
  std::cout << absl::StrFormat(
      "  (measured after the first background refresh of the peer facts: %.1f s / %.1f s)\n",
      refresh_seconds[0], refresh_seconds[1]);
  const Memory self = ReadMemory("self");
  std::cout << absl::StrFormat(
      "\nthis process after the load (client threads + echo + in-process servers): VmRSS %s, "
      "VmHWM %s (information)\n",
      Mib(self.rss_kib), Mib(self.hwm_kib));

  std::string section = "{";
  absl::StrAppend(
      &section, "\"national_orgs\":", orgs, ",\"fiscal_years\":", kNationalFiscalYears,
      ",\"items_per_assessment\":", full->items, ",\"answers\":", full->answers,
      ",\"seed_seconds\":", JsonNumber(full->seed_seconds),
      ",\"reduced\":", runtime::JsonString("4 answered items per assessment, same organisations, "
                                           "fiscal years and rows (1/10 of the answers)"),
      ",\"reduced_items_per_assessment\":", reduced->items,
      ",\"reduced_answers\":", reduced->answers,
      ",\"reduced_seed_seconds\":", JsonNumber(reduced->seed_seconds),
      ",\"first_refresh_seconds\":[", JsonNumber(refresh_seconds[0]), ",",
      JsonNumber(refresh_seconds[1]), "]",
      ",\"p99_ratio_4_items_to_40\":{\"organization_status\":",
      JsonNumber(p99_org[1] / p99_org[0]),
      ",\"federation_status\":", JsonNumber(p99_federation[1] / p99_federation[0]), "}",
      ",\"p50_ratio_4_items_to_40\":{\"organization_status\":",
      JsonNumber(p50_org[1] / p50_org[0]),
      ",\"federation_status\":", JsonNumber(p50_federation[1] / p50_federation[0]), "}",
      ",\"submit_supply\":{", supplies, "}", group_commit,
      ",\"submit_seed\":",
      runtime::JsonString("one assessment created and answered through the RPCs as staff1, "
                          "copied through AssessmentStore::Tx with later fiscal years"),
      "}");
  report.AddSection("assessment", section);

  // c. seccoord-assessmentd as a process: on an empty database and on the
  // national one (closed by now, so the child has it to itself).
  full->db.reset();
  reduced->db.reset();
  std::string binary = absl::GetFlag(FLAGS_assessmentd);
  if (binary.empty()) binary = s.binary_dir + "/seccoord-assessmentd";
  ChildResult empty, national, after_kill;
  empty.binary = national.binary = after_kill.binary = binary;
  if (binary != "none") {
    const std::string dir = s.temp_dir + "/assessmentd-child";
    empty = MeasureChild(
        AssessmentdSpec(binary, *peers,
                        [dir](int attempt) {
                          return absl::StrCat("sqlite:", dir, "/empty-", attempt, ".db");
                        },
                        "assessmentd-empty.log"),
        dir, StatusLoad({kUnion}, "assessmentd_empty"));
    empty.database = "fresh SQLite";
    PrintChild(absl::StrCat("seccoord-assessmentd as a process (", binary, ", fresh SQLite)"),
               empty);
    const std::string national_url = absl::StrCat("sqlite:", full->path);
    national = MeasureChild(
        AssessmentdSpec(binary, *peers, [national_url](int) { return national_url; },
                        "assessmentd-national.log"),
        dir, StatusLoad(full->org_names, "assessmentd_national"));
    national.database = absl::StrFormat("national SQLite: %d organisations x %d years, %d answers",
                                        orgs, kNationalFiscalYears, full->answers);
    PrintChild(absl::StrCat("seccoord-assessmentd as a process (", national.database, ")"),
               national);
    // A crash: killed with -9 once SERVING (its start committed, so its
    // log is beside the file), then started again on what it left.
    ChildSpec crashing = AssessmentdSpec(binary, *peers, [national_url](int) { return national_url; },
                                         "assessmentd-national-killed.log");
    crashing.crash = true;
    const ChildResult killed = MeasureChild(crashing, dir, nullptr);
    if (!killed.error.empty()) {
      report.AddFailure(absl::StrCat("seccoord-assessmentd (national, to be killed): ",
                                     killed.error));
    }
    after_kill = MeasureChild(
        AssessmentdSpec(binary, *peers, [national_url](int) { return national_url; },
                        "assessmentd-national-after-kill.log"),
        dir, nullptr);
    after_kill.database = absl::StrCat(national.database, ", after a kill -9");
    PrintChild(absl::StrCat("seccoord-assessmentd as a process (", after_kill.database, ")"),
               after_kill);
    if (!after_kill.error.empty()) {
      report.AddFailure(absl::StrCat("seccoord-assessmentd (national, after kill -9): ",
                                     after_kill.error));
    }
    if (!empty.error.empty()) {
      report.AddFailure(absl::StrCat("seccoord-assessmentd (empty): ", empty.error));
    }
    if (!national.error.empty()) {
      report.AddFailure(absl::StrCat("seccoord-assessmentd (national): ", national.error));
    }
  }
  report.AddChild("assessmentd_empty", std::move(empty));
  report.AddChild("assessmentd_national", std::move(national));
  report.AddChild("assessmentd_national_after_kill", std::move(after_kill));
  peers->assets->Shutdown(absl::Seconds(2));
  peers->policy->Shutdown(absl::Seconds(2));
  return absl::OkStatus();
}

}  // namespace

CaseSet AssessmentCaseSet() {
  CaseSet set;
  set.name = "assessment";
  set.check_flags = []() -> absl::Status {
    const int orgs = absl::GetFlag(FLAGS_national_orgs);
    if (orgs < 1 || orgs > kMaxNationalOrgs) {
      return absl::InvalidArgumentError(
          absl::StrCat("--national_orgs must be 1 to ", kMaxNationalOrgs));
    }
    return absl::OkStatus();
  };
  set.run = RunAssessmentCases;
  return set;
}

}  // namespace seccoord::bench
