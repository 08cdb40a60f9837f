// Health follows the database: a real server whose SQLite file becomes
// unwritable, and one whose PostgreSQL server stops, reports NOT_SERVING and
// refuses writes with UNAVAILABLE naming the cause; both come back to SERVING
// once the database works again.
#include "services/runtime/server/health_monitor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/runtime/db/database.h"
#include "services/runtime/server/server_main.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace seccoord::runtime {
namespace {

namespace fs = std::filesystem;

// Runs a shell command; its exit code.
int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The health of `server` for "" as seen over the wire, or -1.
int HealthOf(seccoord::testing::TestServer& server) {
  auto stub = grpc::health::v1::Health::NewStub(server.ChannelAs("admin1"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, {}, &response);
  return status.ok() ? response.status() : -1;
}

// Waits (up to 15 s) until the health of `server` is `want`.
bool WaitForHealth(seccoord::testing::TestServer& server, int want) {
  for (int i = 0; i < 300; ++i) {
    if (HealthOf(server) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

constexpr int kServing = grpc::health::v1::HealthCheckResponse::SERVING;
constexpr int kNotServing = grpc::health::v1::HealthCheckResponse::NOT_SERVING;

seccoord::testing::TestServerOptions FastProbe() {
  seccoord::testing::TestServerOptions options;
  options.health_probe_interval = absl::Milliseconds(100);
  return options;
}

ServerSpec Spec() {
  ServerSpec spec;
  spec.name = "policyd";
  return spec;
}

using seccoord::testing::TempDir;

// The immutable flag makes a file unwritable even for root (tests run as
// root in CI, where file modes do not stop a write).
class ImmutableFile {
 public:
  explicit ImmutableFile(std::string path) : path_(std::move(path)) {
    set_ = Shell("chattr +i '" + path_ + "' 2>/dev/null") == 0;
  }
  ~ImmutableFile() { Clear(); }
  bool set() const { return set_; }
  void Clear() {
    if (set_) Shell("chattr -i '" + path_ + "'");
    set_ = false;
  }

 private:
  std::string path_;
  bool set_ = false;
};

TEST(HealthMonitorTest, ReadOnlySqliteFileIsNotServingAndWritesAreUnavailable) {
  TempDir dir;
  const std::string file = dir.path() + "/health.db";
  const std::string url = "sqlite:" + file;
  {  // a migrated database, closed (its WAL checkpointed into the file)
    auto db = db::OpenDatabase(url);
    ASSERT_TRUE(db.ok()) << db.status();
    auto server = seccoord::testing::TestServer::Start(Spec(), **db);
    ASSERT_TRUE(server.ok()) << server.status();
  }
  ImmutableFile immutable(file);
  if (!immutable.set()) GTEST_SKIP() << "chattr +i is not available on this file system";

  auto db = db::OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = seccoord::testing::TestServer::Start(Spec(), **db, FastProbe());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(WaitForHealth(**server, kNotServing)) << "health stayed SERVING on a read-only file";

  absl::Status write = ProbeDatabase(**db);
  EXPECT_EQ(write.code(), absl::StatusCode::kUnavailable) << write;
  EXPECT_NE(write.message().find("cannot be written"), std::string::npos) << write;

  immutable.Clear();
  EXPECT_TRUE(WaitForHealth(**server, kServing)) << "health did not recover";
  EXPECT_TRUE(ProbeDatabase(**db).ok());
}

TEST(HealthMonitorTest, StoppedPostgresIsNotServingUntilItIsBack) {
  const char* source = std::getenv("SECCOORD_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "SECCOORD_SOURCE_DIR is not set";
  const std::string script = std::string(source) + "/scripts/pg-test-cluster";
  char pattern[] = "/tmp/seccoord-health-pg-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::permissions(pattern, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const std::string cluster = std::string(pattern) + "/c";
  const std::string url_file = std::string(pattern) + "/url";
  if (Shell(absl::StrCat("'", script, "' start '", cluster, "' > '", url_file,
                         "' 2>/dev/null")) != 0) {
    Shell(absl::StrCat("rm -rf '", pattern, "'"));
    if (std::getenv("SECCOORD_REQUIRE_PG") != nullptr) FAIL() << "cannot start PostgreSQL";
    GTEST_SKIP() << "PostgreSQL is not available";
  }
  struct Cleanup {
    std::string command;
    ~Cleanup() { Shell(command); }
  } cleanup{absl::StrCat("'", script, "' stop '", cluster, "' >/dev/null 2>&1; rm -rf '",
                         pattern, "'")};
  std::string url;
  {
    std::ifstream in(url_file);
    std::getline(in, url);
  }
  ASSERT_FALSE(url.empty());

  auto db = db::OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = seccoord::testing::TestServer::Start(Spec(), **db, FastProbe());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(HealthOf(**server), kServing);

  ASSERT_EQ(Shell(absl::StrCat("'", script, "' halt '", cluster, "' >/dev/null 2>&1")), 0);
  EXPECT_TRUE(WaitForHealth(**server, kNotServing)) << "health stayed SERVING without PostgreSQL";
  absl::Status write = ProbeDatabase(**db);
  EXPECT_EQ(write.code(), absl::StatusCode::kUnavailable) << write;

  ASSERT_EQ(Shell(absl::StrCat("'", script, "' resume '", cluster, "' >/dev/null 2>&1")), 0);
  EXPECT_TRUE(WaitForHealth(**server, kServing)) << "health did not recover";
}

}  // namespace
}  // namespace seccoord::runtime
