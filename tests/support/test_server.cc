#include "tests/support/test_server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/channel_arguments.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace seccoord::testing {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::string(value);
}

bool FileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

absl::StatusOr<std::string> ReadCertFile(const std::string& file) {
  std::string path = absl::StrCat(TestCertDir(), "/", file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read ", path,
        " (build the seccoord_dev_certs target, or set SECCOORD_CERT_DIR)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string TestCertDir() {
  const char* dir = std::getenv("SECCOORD_CERT_DIR");
  if (dir != nullptr && *dir != '\0') return dir;
  return EnvOr("SECCOORD_BINARY_DIR", ".") + "/certs";
}

std::string TestAccessPolicyPath() {
  return EnvOr("SECCOORD_SOURCE_DIR", ".") + "/deploy/access-policy.yaml";
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TestCredentials(
    const std::string& cert_name) {
  grpc::SslCredentialsOptions tls;
  absl::StatusOr<std::string> ca = ReadCertFile("ca.crt");
  if (!ca.ok()) return ca.status();
  tls.pem_root_certs = *ca;
  if (!cert_name.empty()) {
    absl::StatusOr<std::string> cert = ReadCertFile(cert_name + ".crt");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadCertFile(cert_name + ".key");
    if (!key.ok()) return key.status();
    tls.pem_cert_chain = *cert;
    tls.pem_private_key = *key;
  }
  return grpc::SslCredentials(tls);
}

std::shared_ptr<grpc::Channel> TestChannel(const std::string& address,
                                           const std::string& cert_name) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      TestCredentials(cert_name);
  if (!credentials.ok()) {
    ADD_FAILURE() << credentials.status();
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, *credentials, args);
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(
    const runtime::ServerSpec& spec, db::Database& db,
    TestServerOptions options) {
  std::string server_cert = options.server_cert;
  if (server_cert.empty()) {
    server_cert = FileExists(absl::StrCat(TestCertDir(), "/", spec.name, ".crt"))
                      ? spec.name
                      : "policyd";
  }
  runtime::ServerOptions server_options;
  server_options.listen = absl::StrCat("127.0.0.1:", options.port);
  server_options.tls_cert = absl::StrCat(TestCertDir(), "/", server_cert, ".crt");
  server_options.tls_key = absl::StrCat(TestCertDir(), "/", server_cert, ".key");
  server_options.tls_ca = absl::StrCat(TestCertDir(), "/ca.crt");
  server_options.access_policy = options.access_policy.empty()
                                     ? TestAccessPolicyPath()
                                     : options.access_policy;
  server_options.allow_anonymous = options.allow_anonymous;
  server_options.drain_timeout = options.drain_timeout;
  server_options.max_message_bytes = options.max_message_bytes;
  server_options.rpc_log_sink = options.rpc_log_sink;
  server_options.health_probe_interval = options.health_probe_interval;

  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server =
      runtime::RunningServer::Start(spec, server_options, db);
  if (!server.ok()) return server.status();
  return std::unique_ptr<TestServer>(new TestServer(*std::move(server)));
}

TestServer::~TestServer() { Shutdown(); }

void TestServer::Shutdown() {
  if (server_ != nullptr) server_->Shutdown();
}

grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& full_method, const std::string& request) {
  grpc::Slice slice(request.data(), request.size());
  grpc::ByteBuffer bytes(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, full_method, grpc::StubOptions(), &bytes, &response,
                 [&](grpc::Status status) { done.set_value(status); });
  return done.get_future().get();
}

}  // namespace seccoord::testing
