// The asset cases of seccoord-bench (DESIGN.md "Performance targets":
// findings summary and export of the asset service cost the same per call at
// 20 and at 20,000 assets, memory flat):
//
//   assetd_<N>.findings_summary   GetFindingsSummary of kasama-union as
//       advisor1: read from the count rows kept per organisation and rule.
//   assetd_<N>.export_page        ExportAssets as advisor1, pages of
//       kExportPageSize assets; each client thread walks the whole file page
//       after page (following next_page_token, from the start again at the
//       end), so pages deep in the inventory are read as often as the first.
//
// N is 20 and 20,000 (--asset_inventory) assets of kasama-union. Each
// inventory is imported through the real ImportAssets RPC as staff1 (in
// files of 5,000 rows, the import's bound) into a SQLite file of the temp
// dir by an in-process assetd, so the stored findings and summary rows are
// the ones the service writes; the rows vary every field a rule reads and
// one in ten is connected to an earlier asset across the segment boundary.
// Then build/bin/seccoord-assetd (--assetd) runs on each file as a process:
// time to SERVING, the two cases for --child_seconds each, VmHWM after them
// (peak resident memory; target <= 64 MiB, and about the same for both N),
// exit 0 on SIGTERM. Every figure is also a ratio to the echo sized like
// the case, measured in alternating rounds with it (MeasureReadAgainstEcho:
// echo.assetd_20.findings_summary, …), and the report's
// "asset" member holds the p99 ratio of N = 20,000 to N = 20 (about 1 when
// no call's cost grows with the inventory) and the time of one whole export
// of the large inventory through the pages.
//
// Thread-safety: run by bench_main's thread; each client thread has its own
// channel, stub and page token.
#include <grpcpp/grpcpp.h>

#include <algorithm>
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
#include "absl/time/time.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "services/asset/asset_server.h"
#include "services/runtime/db/database.h"
#include "services/runtime/request_log.h"
#include "tests/bench/bench_harness.h"
#include "tests/bench/case_sets.h"

ABSL_FLAG(std::string, assetd, "",
          "seccoord-assetd binary for the asset cases (default: next to seccoord-bench); "
          "\"none\" skips them");
ABSL_FLAG(int32_t, asset_inventory, 20000,
          "assets of the large inventory of the asset cases (the small one has 20)");

namespace seccoord::bench {
namespace {

using Stub = v1::AssetService::Stub;

constexpr int kSmallInventory = 20;
constexpr int kMaxInventory = 200'000;
constexpr int kImportRows = 5000;  // the import's bound per file
constexpr int kExportPageSize = 20;
constexpr char kReaderCert[] = "advisor1";
constexpr char kWriterCert[] = "staff1";

// Row `i` (0-based) of the seeded inventory, with explicit id A-<i+1>.
std::string InventoryRow(int i) {
  static const char* kCategories[] = {"NETWORK", "INFORMATION_SYSTEM", "EQUIPMENT",
                                      "STORAGE_MEDIA", "INFORMATION", "SYSTEM_DOCUMENT"};
  static const char* kSegments[] = {"SENSITIVE", "INTERNET", "NONE"};
  static const char* kConfidentiality[] = {"1", "2", "3C", "3B", "3A"};
  static const char* kExternal[] = {"NONE", "CONTRACTED", "TERMS_BASED"};
  std::string connections;
  if (i % 10 == 9) connections = absl::StrFormat("A-%06d", i);  // the row before: i-1, id i
  return absl::StrFormat(
      "A-%06d,資産%d,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s\r\n", i + 1, i + 1,
      kCategories[i % 6], kSegments[i % 3], kConfidentiality[i % 5], 1 + i % 2, 1 + (i / 2) % 2,
      i % 4 == 0 ? "" : "事務所", i % 2 ? "true" : "false", i % 3 ? "true" : "false",
      i % 5 ? "true" : "false", i % 7 ? "true" : "false", kExternal[i % 3],
      i % 3 == 2 ? "クラウド" : "", connections);
}

constexpr char kInventoryHeader[] =
    "id,name,category,segment,confidentiality,integrity,availability,location,mfa,"
    "export_blocked,traffic_monitoring,backup,external_service,external_service_name,"
    "connections\r\n";

// Imports `count` assets through ImportAssets at `address`, 5,000 per file.
absl::Status SeedInventory(const std::string& address, int count) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, kWriterCert);
  if (!channel.ok()) return channel.status();
  Stub stub(*channel);
  for (int first = 0; first < count; first += kImportRows) {
    std::string csv = kInventoryHeader;
    for (int i = first; i < std::min(count, first + kImportRows); ++i) {
      absl::StrAppend(&csv, InventoryRow(i));
    }
    v1::ImportAssetsRequest request;
    request.set_request_id(absl::StrCat("bench-", RunNonce(), "-seed-", first));
    request.set_csv(std::move(csv));
    request.set_encoding(v1::CSV_ENCODING_UTF8);
    v1::ImportAssetsResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    grpc::Status status = stub.ImportAssets(&context, request, &response);
    if (!status.ok()) return absl::InternalError(absl::StrCat("seed import: ", StatusText(status)));
    if (response.errors_size() > 0) {
      return absl::InternalError(absl::StrCat("seed import: line ", response.errors(0).line(),
                                              " ", response.errors(0).column(), ": ",
                                              response.errors(0).reason()));
    }
  }
  return absl::OkStatus();
}

// A SQLite file holding `count` assets written by the service itself.
absl::Status SeedDatabase(const std::string& path, int count) {
  absl::StatusOr<std::unique_ptr<db::Database>> db =
      db::OpenDatabase(absl::StrCat("sqlite:", path));
  if (!db.ok()) return db.status();
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server = StartInProcessServer(
      asset::AssetServerSpec(), "assetd", **db, absl::StrCat("seed-assetd-", count, "-rpc.log"));
  if (!server.ok()) return server.status();
  absl::Status seeded = SeedInventory((*server)->address(), count);
  (*server)->Shutdown(absl::Seconds(2));
  return seeded;
}

struct AssetCase {
  std::string key;
  std::string label;
  MessageSizes sizes;
  MakeCall make;
};

// ExportAssets calls that walk the file page after page, per thread.
MakeCall ExportPages(const std::string& address) {
  // Each thread's next page, kept across the slices it is measured in.
  auto carry = std::make_shared<ThreadCarry<std::string>>();
  return [address, carry](int thread) -> absl::StatusOr<Call> {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, kReaderCert);
    if (!channel.ok()) return channel.status();
    if (!(*channel)->WaitForConnected(std::chrono::system_clock::now() + kConnectDeadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
    }
    // The thread's page token, handed back to `carry` once its load is
    // over (when the Call is destroyed), not on every measured call.
    struct Walk {
      Walk(std::shared_ptr<ThreadCarry<std::string>> carry, int thread)
          : carry(std::move(carry)), thread(thread) {
        request.set_page_size(kExportPageSize);
        request.set_page_token(this->carry->Take(thread));
      }
      ~Walk() { carry->Put(thread, request.page_token()); }
      std::shared_ptr<ThreadCarry<std::string>> carry;
      int thread;
      v1::ExportAssetsRequest request;
    };
    auto stub = std::make_shared<Stub>(*channel);
    auto walk = std::make_shared<Walk>(carry, thread);
    return Call([stub, walk]() -> std::optional<grpc::Status> {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      v1::ExportAssetsResponse response;
      grpc::Status status = stub->ExportAssets(&context, walk->request, &response);
      walk->request.set_page_token(status.ok() ? response.next_page_token() : "");
      return status;
    });
  };
}

absl::StatusOr<std::vector<AssetCase>> AssetCases(const std::string& address) {
  std::vector<AssetCase> cases;
  {
    AssetCase c;
    c.key = "findings_summary";
    c.label = "asset.GetFindingsSummary (kasama-union)";
    v1::GetFindingsSummaryRequest request;
    absl::StatusOr<MessageSizes> sizes =
        Probe<Stub>(address, kReaderCert, request, &Stub::GetFindingsSummary, c.label);
    if (!sizes.ok()) return sizes.status();
    c.sizes = *sizes;
    c.make = UnaryCall<v1::AssetService>(address, kReaderCert, request, "GetFindingsSummary");
    cases.push_back(std::move(c));
  }
  {
    AssetCase c;
    c.key = "export_page";
    c.label = absl::StrFormat("asset.ExportAssets (pages of %d, walked)", kExportPageSize);
    v1::ExportAssetsRequest request;
    request.set_page_size(kExportPageSize);
    absl::StatusOr<MessageSizes> sizes =
        Probe<Stub>(address, kReaderCert, request, &Stub::ExportAssets, c.label);
    if (!sizes.ok()) return sizes.status();
    c.sizes = *sizes;
    c.make = ExportPages(address);
    cases.push_back(std::move(c));
  }
  return cases;
}

// One whole export through every page: seconds and bytes.
struct WholeExport {
  double seconds = 0;
  int64_t bytes = 0;
  int pages = 0;
  int rows = 0;
};
absl::StatusOr<WholeExport> ExportEverything(const std::string& address) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, kReaderCert);
  if (!channel.ok()) return channel.status();
  Stub stub(*channel);
  v1::ExportAssetsRequest request;  // default pages (500 assets)
  WholeExport whole;
  const Clock::time_point start = Clock::now();
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::ExportAssetsResponse page;
    grpc::Status status = stub.ExportAssets(&context, request, &page);
    if (!status.ok()) return absl::InternalError(absl::StrCat("export: ", StatusText(status)));
    whole.bytes += static_cast<int64_t>(page.csv().size());
    whole.rows += page.rows();
    ++whole.pages;
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  whole.seconds = SecondsSince(start);
  return whole;
}

ChildSpec AssetdSpec(const std::string& binary, const std::string& database_url,
                     const std::string& log_name) {
  ChildSpec spec;
  spec.binary = binary;
  spec.log_name = log_name;
  spec.health_service = "seccoord.v1.AssetService";
  spec.args = [database_url](const std::string& address, int) {
    return std::vector<std::string>{
        "--listen", address,
        "--db", database_url,
        "--tls_cert", CertPath("assetd", ".crt"),
        "--tls_key", CertPath("assetd", ".key"),
        "--tls_ca", CertPath("ca", ".crt"),
        "--access_policy", SourcePath("deploy/access-policy.yaml"),
        "--drain_timeout_ms", "5000"};
  };
  return spec;
}

void PrintAssetHeader(int large) {
  std::cout << absl::StrFormat(
      "\nasset cases (seccoord-assetd as a process on SQLite, %d and %d assets imported "
      "through ImportAssets):\n"
      "  assetd_<N>.findings_summary  GetFindingsSummary of kasama-union as advisor1\n"
      "  assetd_<N>.export_page       ExportAssets as advisor1, pages of %d assets, each thread\n"
      "                               walking the whole file page after page\n"
      "  echo.*                       the bare echo service, request and reply sized like *\n\n",
      kSmallInventory, large, kExportPageSize);
  PrintTableHeader();
}

absl::Status RunAssetCases(EchoBaseline& echo, Report& report) {
  const Settings& s = settings();
  std::string binary = absl::GetFlag(FLAGS_assetd);
  if (binary.empty()) binary = s.binary_dir + "/seccoord-assetd";
  if (binary == "none") return absl::OkStatus();
  const int large = absl::GetFlag(FLAGS_asset_inventory);
  const std::vector<int> sizes = {kSmallInventory, large};
  std::vector<std::string> paths;
  std::vector<double> seed_seconds;
  for (int n : sizes) {
    paths.push_back(absl::StrCat(s.temp_dir, "/assets-", n, ".db"));
    const Clock::time_point start = Clock::now();
    absl::Status seeded = SeedDatabase(paths.back(), n);
    if (!seeded.ok()) return Annotate(seeded, absl::StrCat("seeding ", n, " assets"));
    seed_seconds.push_back(SecondsSince(start));
  }
  PrintAssetHeader(large);

  std::vector<std::vector<double>> p99(2);  // [case][inventory]
  std::optional<WholeExport> whole;
  const std::string dir = s.temp_dir + "/assetd-child";
  for (size_t k = 0; k < sizes.size(); ++k) {
    const std::string prefix = absl::StrCat("assetd_", k == 0 ? "20" : "large");
    const bool is_large = k == 1;
    ChildResult child = MeasureChild(
        AssetdSpec(binary, absl::StrCat("sqlite:", paths[k]), prefix + ".log"), dir,
        [&](const std::string& address) -> absl::StatusOr<std::vector<CaseResult>> {
          absl::StatusOr<std::vector<AssetCase>> cases = AssetCases(address);
          if (!cases.ok()) return cases.status();
          std::vector<CaseResult> measured;
          for (size_t i = 0; i < cases->size(); ++i) {
            const AssetCase& c = (*cases)[i];
            absl::StatusOr<PairedResult> paired = MeasureReadAgainstEcho(
                echo, absl::StrCat(prefix, ".", c.key), c.label, c.make, c.sizes,
                s.child_seconds, std::min(s.warmup, 0.5));
            if (!paired.ok()) return paired.status();
            // The server's CPU is the child's, not this process's.
            paired->measured.server_in_this_process = false;
            PrintCaseRow(paired->echo);
            PrintCaseRow(paired->measured);
            report.AddCase(std::move(paired->echo));
            p99[i].push_back(paired->measured.load.latency.QuantileMs(0.99));
            measured.push_back(std::move(paired->measured));
          }
          if (is_large) {
            absl::StatusOr<WholeExport> w = ExportEverything(address);
            if (!w.ok()) return w.status();
            whole = *w;
          }
          return measured;
        });
    child.database = absl::StrFormat("SQLite, %d assets", sizes[k]);
    PrintChild(absl::StrCat("seccoord-assetd as a process (", child.database, ")"), child);
    if (!child.error.empty()) {
      report.AddFailure(absl::StrCat("seccoord-assetd (", sizes[k], " assets): ", child.error));
    }
    report.AddChild(prefix, std::move(child));
  }

  std::string section = "{";
  absl::StrAppend(&section, "\"inventories\":[", sizes[0], ",", sizes[1], "]",
                  ",\"seed_seconds\":[", JsonNumber(seed_seconds[0]), ",",
                  JsonNumber(seed_seconds[1]), "]", ",\"export_page_size\":", kExportPageSize);
  const char* keys[] = {"findings_summary", "export_page"};
  absl::StrAppend(&section, ",\"p99_ratio_large_to_20\":{");
  for (size_t i = 0; i < 2; ++i) {
    const bool have = p99[i].size() == 2 && p99[i][0] > 0;
    absl::StrAppend(&section, i ? "," : "", "\"", keys[i],
                    "\":", have ? JsonNumber(p99[i][1] / p99[i][0]) : "null");
    if (have) {
      std::cout << absl::StrFormat("  p99 at %d assets / p99 at %d: %s %.2f\n", sizes[1],
                                   sizes[0], keys[i], p99[i][1] / p99[i][0]);
    }
  }
  absl::StrAppend(&section, "}");
  if (whole.has_value()) {
    absl::StrAppend(&section, ",\"whole_export\":{\"rows\":", whole->rows,
                    ",\"pages\":", whole->pages, ",\"bytes\":", whole->bytes,
                    ",\"seconds\":", JsonNumber(whole->seconds), "}");
    std::cout << absl::StrFormat(
        "  one whole export of %d assets: %d pages of up to 500, %.1f MiB in %.2f s\n",
        whole->rows, whole->pages, whole->bytes / 1048576.0, whole->seconds);
  }
  absl::StrAppend(&section, "}");
  report.AddSection("asset", section);
  return absl::OkStatus();
}

}  // namespace

CaseSet AssetCaseSet() {
  CaseSet set;
  set.name = "asset";
  set.check_flags = []() -> absl::Status {
    const int n = absl::GetFlag(FLAGS_asset_inventory);
    if (n < kSmallInventory || n > kMaxInventory) {
      return absl::InvalidArgumentError(
          absl::StrCat("--asset_inventory must be ", kSmallInventory, " to ", kMaxInventory));
    }
    return absl::OkStatus();
  };
  set.run = RunAssetCases;
  return set;
}

}  // namespace seccoord::bench
