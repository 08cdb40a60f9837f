// In-process seccoord servers over real mTLS, for integration tests.
//
//   auto db = seccoord::testing::TestDatabase::Create("sqlite");
//   auto server = seccoord::testing::TestServer::Start(
//       PolicyServerSpec(), (*db)->db());        // 127.0.0.1, free port
//   auto stub = v1::PolicyService::NewStub(
//       (*server)->ChannelAs("mito-member1"));  // dev cert of that principal
//
// The server is the real bootstrap (RunningServer::Start): TLS requiring
// client certificates of the development CA, the access policy
// deploy/access-policy.yaml, migrations, AuditService, health, reflection,
// request logging. Only flags and signals are left out.
//
// Certificates come from the directory TestCertDir() names (made by the
// seccoord_dev_certs build target, see tests/runtime.cmake); cert names are
// the file stems of deploy/certs/make-dev-certs: policyd assetd assessmentd
// staff1 admin1 admin2 advisor1 mito-member1 shirosato-member1, and
// "intruder" (signed by an unrelated CA: refused at the handshake).
//
// Thread-safety: a TestServer is started and stopped by one thread; channels
// and the server itself serve any number of threads.
#ifndef SECCOORD_TESTS_SUPPORT_TEST_SERVER_H_
#define SECCOORD_TESTS_SUPPORT_TEST_SERVER_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/runtime/db/database.h"
#include "services/runtime/server/server_main.h"

namespace seccoord::testing {

// $SECCOORD_CERT_DIR, else $SECCOORD_BINARY_DIR/certs, else ./certs.
std::string TestCertDir();
// $SECCOORD_SOURCE_DIR/deploy/access-policy.yaml.
std::string TestAccessPolicyPath();

// Client credentials of a dev certificate: the dev CA as root, and the
// certificate and key of `cert_name` ("" = no client certificate).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TestCredentials(
    const std::string& cert_name);

// A channel to `address` as `cert_name` (TLS target name "localhost", which
// every service certificate carries; its own subchannel pool, so channels
// with different identities never share a connection). A missing certificate
// file fails the test that asked and returns a channel that cannot connect.
std::shared_ptr<grpc::Channel> TestChannel(const std::string& address,
                                           const std::string& cert_name);

struct TestServerOptions {
  // Port on 127.0.0.1; 0 = a free one. A fixed port lets a test restart a
  // stopped server where its clients (a peer service) still dial.
  int port = 0;
  // Accept clients without a certificate (anonymous role).
  bool allow_anonymous = false;
  // Access policy file; "" = TestAccessPolicyPath().
  std::string access_policy;
  // Dev certificate the server presents; "" = the spec's name when a
  // certificate of that name exists (policyd, assetd, assessmentd), else
  // "policyd".
  std::string server_cert;
  // Drain on Shutdown (short: tests should not wait).
  absl::Duration drain_timeout = absl::Milliseconds(200);
  int max_message_bytes = runtime::kDefaultMaxMessageBytes;
  // Per-RPC log lines; nullptr = stderr.
  runtime::LogSink rpc_log_sink;
  // How often health follows the database; zero = not at all (the server's
  // default is runtime::ServerOptions's).
  absl::Duration health_probe_interval = absl::Seconds(2);
};

class TestServer {
 public:
  // Starts `spec` on `db` (which must outlive the server) listening on
  // 127.0.0.1 with a free port.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      const runtime::ServerSpec& spec, db::Database& db,
      TestServerOptions options = {});

  ~TestServer();

  // "127.0.0.1:<port>".
  std::string address() const { return server_->address(); }
  int port() const { return server_->port(); }

  // A channel to this server as `cert_name` ("" = no client certificate,
  // "intruder" = the other CA's certificate).
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& cert_name) const {
    return TestChannel(address(), cert_name);
  }

  runtime::RunningServer& server() { return *server_; }
  runtime::ServerEnv& env() { return server_->env(); }

  // Stops the server (also done by the destructor).
  void Shutdown();

 private:
  explicit TestServer(std::unique_ptr<runtime::RunningServer> server)
      : server_(std::move(server)) {}

  std::unique_ptr<runtime::RunningServer> server_;
};

// Calls unary method `full_method` on `channel` with `request` as its raw
// bytes (a request no client library would send: one that does not parse),
// with a 10 s deadline, and returns the status.
grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& full_method, const std::string& request);

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_SUPPORT_TEST_SERVER_H_
