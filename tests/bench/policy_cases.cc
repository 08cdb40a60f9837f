// The policy cases of seccoord-bench (DESIGN.md "Performance targets"):
// the real policy service (RunningServer::Start(PolicyServerSpec(), …)) on
// SQLite in the temp dir, and on PostgreSQL too when --pg URL is given (a
// fresh database there, dropped at the end), with the basic policy
// (data/basic-policy-r8.txt) drafted by staff1, submitted, approved and
// published by admin1 through the real RPCs.
//
// Cases, each with the echo sized like it (bench_harness.h): a read in
// alternating rounds with its own echo (MeasureReadAgainstEcho), the write
// after it:
//   echo.<driver>.<read>, echo.acknowledge   the baselines;
//   <driver>.get_revision    GetRevision(basic-policy, in force today) as
//                            mito-member1 — the read the DESIGN targets;
//   <driver>.list_documents  ListDocuments as mito-member1;
//   <driver>.acknowledge     AcknowledgeRevision(basic-policy, revision 1) as
//                            mito-member1 with a fresh request_id per call —
//                            the durable-write case: every call commits a
//                            transaction (request-log row for idempotency and
//                            an audit-chain entry; the acknowledgement row
//                            itself is inserted once, ON CONFLICT DO NOTHING)
//                            before it is answered. (CreateRevision is not
//                            used: concurrent drafts of one document need a
//                            fresh base each and would mostly measure ABORTED.)
// The reads are compared with the target >= 0.8 x echo.
//
// Then the resident memory of this process (client, echo and in-process
// servers together, for information), and the real binary:
// build/bin/seccoord-policyd (--policyd) as a child process with the dev
// certificates and a fresh SQLite database: time to a SERVING health answer
// (target <= 300 ms); seeded like above and loaded with the three cases for
// --child_seconds each, its VmHWM (target <= 64 MiB); then SIGTERM,
// expecting exit code 0. Report member "policyd".
//
// Thread-safety: run by bench_main's thread; the load runs on the harness's
// client threads, which only read what the cases captured.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "services/policy/policy_server.h"
#include "tests/bench/bench_harness.h"
#include "tests/bench/case_sets.h"
#include "tests/support/test_database.h"

ABSL_FLAG(std::string, policyd, "",
          "seccoord-policyd binary for time to SERVING and memory under load "
          "(default: next to seccoord-bench); \"none\" skips that part");

namespace seccoord::bench {
namespace {

std::string SeedId(const char* what) {
  static std::atomic<int> n{0};
  return absl::StrCat("bench-seed-", RunNonce(), "-", what, "-", n.fetch_add(1));
}

// The effective date to publish with: 2026-04-01 (the basic policy's 施行日)
// when that is at least a day past, else yesterday, so the revision is in
// force today in any time zone.
v1::Date SeedEffectiveDate() {
  const absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 1;
  const absl::CivilDay target(2026, 4, 1);
  const absl::CivilDay day = std::min(target, yesterday);
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace

absl::StatusOr<int64_t> SeedBasicPolicy(const std::string& address) {
  absl::StatusOr<std::string> text =
      ReadFile(SourcePath("data/basic-policy-r8.txt"));
  if (!text.ok()) return text.status();
  absl::StatusOr<PolicyText> policy = ParsePolicyText(*text);
  if (!policy.ok()) return policy.status();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> staff = Channel(address, "staff1");
  if (!staff.ok()) return staff.status();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> admin = Channel(address, "admin1");
  if (!admin.ok()) return admin.status();
  auto staff_stub = v1::PolicyService::NewStub(*staff);
  auto admin_stub = v1::PolicyService::NewStub(*admin);
  auto context = [](grpc::ClientContext* c) {
    c->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  };
  auto failed = [](const char* step, const grpc::Status& status) {
    return absl::InternalError(absl::StrCat("seeding the basic policy: ", step, " failed: ",
                                            StatusText(status)));
  };

  v1::CreateRevisionRequest create;
  create.set_request_id(SeedId("create"));
  create.set_document_id("basic-policy");
  create.set_base_revision(0);
  create.set_title(policy->title);
  SetArticles(*policy, create.mutable_articles());
  create.set_change_summary("令和8年4月1日施行の基本方針（初版）");
  v1::Revision draft;
  {
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = staff_stub->CreateRevision(&c, create, &draft);
    if (!s.ok()) return failed("CreateRevision as staff1", s);
  }
  v1::TransitionRevisionRequest transition;
  transition.set_document_id("basic-policy");
  transition.set_number(draft.number());
  v1::Revision out;
  {
    transition.set_request_id(SeedId("submit"));
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = staff_stub->SubmitRevision(&c, transition, &out);
    if (!s.ok()) return failed("SubmitRevision as staff1", s);
  }
  {
    transition.set_request_id(SeedId("approve"));
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = admin_stub->ApproveRevision(&c, transition, &out);
    if (!s.ok()) return failed("ApproveRevision as admin1", s);
  }
  {
    v1::PublishRevisionRequest publish;
    publish.set_request_id(SeedId("publish"));
    publish.set_document_id("basic-policy");
    publish.set_number(draft.number());
    *publish.mutable_effective_date() = SeedEffectiveDate();
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = admin_stub->PublishRevision(&c, publish, &out);
    if (!s.ok()) return failed("PublishRevision as admin1", s);
  }
  return draft.number();
}


namespace {

// One measured kind of call against a policy server.
struct PolicyCase {
  std::string key;    // get_revision, list_documents, acknowledge
  std::string label;  // shown in the table
  bool is_read = false;
  MakeCall make;
  MessageSizes sizes;  // of one request and its response (from a probe call)
};

// The three policy cases against `address`, probed (sizes known).
// `tag` (two characters, so every server's request ids are the same size)
// keeps the request ids of different servers apart.
absl::StatusOr<std::vector<PolicyCase>> PolicyCases(const std::string& address,
                                                    int64_t revision, const std::string& tag) {
  using Stub = v1::PolicyService::Stub;
  std::vector<PolicyCase> cases;

  PolicyCase get;
  get.key = "get_revision";
  get.label = "policy.GetRevision (in force today)";
  get.is_read = true;
  v1::GetRevisionRequest get_request;
  get_request.set_document_id("basic-policy");
  get.make = UnaryCall<v1::PolicyService>(address, kReader, get_request, "GetRevision");
  absl::StatusOr<MessageSizes> sizes =
      Probe<Stub>(address, kReader, get_request, &Stub::GetRevision, get.label);
  if (!sizes.ok()) return sizes.status();
  get.sizes = *sizes;
  cases.push_back(std::move(get));

  PolicyCase list;
  list.key = "list_documents";
  list.label = "policy.ListDocuments";
  list.is_read = true;
  v1::ListDocumentsRequest list_request;
  list.make = UnaryCall<v1::PolicyService>(address, kReader, list_request, "ListDocuments");
  sizes = Probe<Stub>(address, kReader, list_request, &Stub::ListDocuments, list.label);
  if (!sizes.ok()) return sizes.status();
  list.sizes = *sizes;
  cases.push_back(std::move(list));

  PolicyCase ack;
  ack.key = "acknowledge";
  ack.label = "policy.AcknowledgeRevision (durable)";
  v1::AcknowledgeRevisionRequest ack_request;
  ack_request.set_document_id("basic-policy");
  ack_request.set_number(revision);
  // Fresh ids per call; same length as the probe's so the sizes match.
  const std::string prefix = absl::StrCat("bench-", RunNonce(), "-", tag);
  ack_request.set_request_id(absl::StrFormat("%s-p-%02d-%010d", prefix, 0, 0));
  ack.make = UnaryCall<v1::PolicyService>(
      address, kReader, ack_request, "AcknowledgeRevision",
      [prefix](int thread, int64_t n, v1::AcknowledgeRevisionRequest* request) {
        request->set_request_id(absl::StrFormat("%s-t-%02d-%010d", prefix, thread, n));
        return true;
      });
  sizes = Probe<Stub>(address, kReader, ack_request, &Stub::AcknowledgeRevision, ack.label);
  if (!sizes.ok()) return sizes.status();
  ack.sizes = *sizes;
  cases.push_back(std::move(ack));
  return cases;
}

absl::StatusOr<CaseResult> MeasurePolicyCase(const std::string& id, const PolicyCase& c,
                                             double seconds, double warmup) {
  return Measure(id, c.label, c.is_read ? "read" : "write", c.make, c.sizes, seconds, warmup);
}

// The in-process policy service on one driver.
struct PolicyUnderTest {
  std::string driver;
  std::unique_ptr<testing::TestDatabase> db;
  std::unique_ptr<runtime::RunningServer> server;
  std::vector<PolicyCase> cases;
};

absl::StatusOr<PolicyUnderTest> StartPolicy(const std::string& driver) {
  PolicyUnderTest p;
  p.driver = driver;
  absl::StatusOr<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::Create(driver);
  if (!db.ok()) return Annotate(db.status(), absl::StrCat("creating the ", driver, " database"));
  p.db = *std::move(db);
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server = StartInProcessServer(
      policy::PolicyServerSpec(), "policyd", p.db->db(), absl::StrCat("policyd-", driver, "-rpc.log"));
  if (!server.ok()) return Annotate(server.status(), absl::StrCat("on ", driver));
  p.server = *std::move(server);
  absl::StatusOr<int64_t> revision = SeedBasicPolicy(p.server->address());
  if (!revision.ok()) return revision.status();
  absl::StatusOr<std::vector<PolicyCase>> cases =
      PolicyCases(p.server->address(), *revision, driver.substr(0, 2));
  if (!cases.ok()) return cases.status();
  p.cases = *std::move(cases);
  return p;
}

// seccoord-policyd on a fresh SQLite database in `dir`, seeded and loaded
// like the in-process server.
ChildResult MeasurePolicydProcess(const std::string& binary, const std::string& dir) {
  ChildSpec spec;
  spec.binary = binary;
  spec.log_name = "policyd.log";
  spec.health_service = "seccoord.v1.PolicyService";
  spec.args = [dir](const std::string& address, int attempt) {
    return std::vector<std::string>{
        "--listen", address,
        "--db", absl::StrCat("sqlite:", dir, "/policyd-", attempt, ".db"),
        "--tls_cert", CertPath("policyd", ".crt"),
        "--tls_key", CertPath("policyd", ".key"),
        "--tls_ca", CertPath("ca", ".crt"),
        "--access_policy", SourcePath("deploy/access-policy.yaml"),
        "--drain_timeout_ms", "5000"};
  };
  ChildResult child = MeasureChild(
      spec, dir, [](const std::string& address) -> absl::StatusOr<std::vector<CaseResult>> {
        absl::StatusOr<int64_t> revision = SeedBasicPolicy(address);
        if (!revision.ok()) return revision.status();
        absl::StatusOr<std::vector<PolicyCase>> cases = PolicyCases(address, *revision, "ch");
        if (!cases.ok()) return cases.status();
        std::vector<CaseResult> measured;
        for (const PolicyCase& c : *cases) {
          absl::StatusOr<CaseResult> result =
              MeasurePolicyCase(absl::StrCat("policyd.", c.key), c, settings().child_seconds,
                                std::min(settings().warmup, 0.5));
          if (!result.ok()) return result.status();
          measured.push_back(*std::move(result));
        }
        return measured;
      });
  child.database = "fresh SQLite";
  return child;
}

void PrintPolicyHeader() {
  std::cout << "\npolicy cases (each thread its own connection and client certificate):\n"
               "  *.get_revision    GetRevision(basic-policy, in force today) as mito-member1\n"
               "  *.list_documents  ListDocuments as mito-member1\n"
               "  *.acknowledge     AcknowledgeRevision(basic-policy) as mito-member1, a fresh\n"
               "                    request_id per call: one durable commit per call\n"
               "  echo.*            the bare echo service, request and reply sized like *\n\n";
  PrintTableHeader();
}

absl::Status RunPolicyCases(EchoBaseline& echo, Report& report) {
  const Settings& s = settings();
  std::vector<std::string> drivers = {"sqlite"};
  if (!s.pg_url.empty()) drivers.push_back("postgres");
  std::vector<PolicyUnderTest> servers;
  for (const std::string& driver : drivers) {
    absl::StatusOr<PolicyUnderTest> p = StartPolicy(driver);
    if (!p.ok()) return p.status();
    servers.push_back(*std::move(p));
  }

  PrintPolicyHeader();
  // For each kind of call: a read on each driver in rounds against its own
  // echo (MeasureReadAgainstEcho); a write after the echo sized like it
  // (a write's requests are used up, so it does not run in slices).
  const std::vector<PolicyCase>& shapes = servers.front().cases;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const PolicyCase& shape = shapes[i];
    if (shape.is_read) {
      for (PolicyUnderTest& p : servers) {
        const PolicyCase& c = p.cases[i];
        absl::StatusOr<PairedResult> paired =
            MeasureReadAgainstEcho(echo, absl::StrCat(p.driver, ".", c.key), c.label, c.make,
                                   c.sizes, s.seconds, s.warmup);
        if (!paired.ok()) return paired.status();
        PrintAndReport(*std::move(paired), report);
      }
      continue;
    }
    absl::StatusOr<CaseResult> base = echo.MeasureLike(shape.key, shape.sizes, s.seconds, s.warmup);
    if (!base.ok()) return base.status();
    PrintCaseRow(*base);
    report.AddCase(*base);
    for (PolicyUnderTest& p : servers) {
      const PolicyCase& c = p.cases[i];
      absl::StatusOr<CaseResult> measured =
          MeasurePolicyCase(absl::StrCat(p.driver, ".", c.key), c, s.seconds, s.warmup);
      if (!measured.ok()) return measured.status();
      CompareWithEcho(&*measured, *base, c.is_read);
      PrintCaseRow(*measured);
      report.AddCase(*std::move(measured));
    }
  }
  const Memory self = ReadMemory("self");
  std::cout << absl::StrFormat(
      "\nthis process after the load (client threads + echo + in-process servers): VmRSS %s, "
      "VmHWM %s (information; the per-server target is measured on seccoord-policyd below)\n",
      Mib(self.rss_kib), Mib(self.hwm_kib));

  // Stop the in-process servers before the child runs, so it has the
  // machine to itself.
  for (PolicyUnderTest& p : servers) p.server->Shutdown(absl::Seconds(2));
  servers.clear();

  std::string binary = absl::GetFlag(FLAGS_policyd);
  if (binary.empty()) binary = s.binary_dir + "/seccoord-policyd";
  ChildResult child;
  child.binary = binary;
  if (binary != "none") {
    child = MeasurePolicydProcess(binary, s.temp_dir + "/policyd-child");
    PrintChild(absl::StrCat("seccoord-policyd as a process (", binary, ", fresh SQLite)"), child);
    if (!child.error.empty()) report.AddFailure(absl::StrCat("seccoord-policyd: ", child.error));
  }
  report.AddChild("policyd", std::move(child));
  return absl::OkStatus();
}

}  // namespace

CaseSet PolicyCaseSet() {
  CaseSet set;
  set.name = "policy";
  set.check_flags = [] { return absl::OkStatus(); };
  set.run = RunPolicyCases;
  return set;
}

}  // namespace seccoord::bench
