// AuditService in-process over real mTLS, with several principals: who may
// list and verify the chain, that denials land in it, that callers without a
// certificate or with one from another CA are refused, and that the server
// reports SERVING and logs one JSON line per RPC.
#include "services/runtime/audit/audit_service.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "seccoord/v1/audit.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace seccoord::runtime {
namespace {

using seccoord::testing::TestServer;

constexpr char kListMethod[] = "/seccoord.v1.AuditService/ListAuditEntries";

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  return context;
}

class AuditServiceTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    StartServer(/*allow_anonymous=*/false);
  }

  void StartServer(bool allow_anonymous) {
    server_.reset();
    ServerSpec spec;
    spec.name = "audit-test";  // only the AuditService every server has
    seccoord::testing::TestServerOptions options;
    options.allow_anonymous = allow_anonymous;
    options.rpc_log_sink = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_lines_.emplace_back(line);
    };
    absl::StatusOr<std::unique_ptr<TestServer>> server =
        TestServer::Start(spec, db(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<v1::AuditService::Stub> StubAs(const std::string& cert) {
    return v1::AuditService::NewStub(server_->ChannelAs(cert));
  }

  grpc::Status List(const std::string& cert, v1::ListAuditEntriesResponse* response,
                    const v1::ListAuditEntriesRequest& request = {}) {
    auto context = Context();
    return StubAs(cert)->ListAuditEntries(context.get(), request, response);
  }

  grpc::Status Verify(const std::string& cert,
                      v1::VerifyAuditChainResponse* response) {
    auto context = Context();
    return StubAs(cert)->VerifyAuditChain(context.get(), {}, response);
  }

  // Denied entries as admin1 sees them.
  std::vector<v1::AuditEntry> DeniedEntries() {
    v1::ListAuditEntriesRequest request;
    request.set_outcome(v1::AUDIT_OUTCOME_DENIED);
    v1::ListAuditEntriesResponse response;
    grpc::Status status = List("admin1", &response, request);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  std::vector<std::string> LogLines() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_lines_;
  }

  std::mutex log_mu_;
  std::vector<std::string> log_lines_;
  std::unique_ptr<TestServer> server_;
};

TEST_P(AuditServiceTest, AdminAndAdvisorListAndVerify) {
  for (const char* cert : {"admin1", "advisor1"}) {
    v1::ListAuditEntriesResponse list;
    grpc::Status status = List(cert, &list);
    EXPECT_TRUE(status.ok()) << cert << ": " << status.error_message();
    v1::VerifyAuditChainResponse verify;
    status = Verify(cert, &verify);
    ASSERT_TRUE(status.ok()) << cert << ": " << status.error_message();
    EXPECT_TRUE(verify.intact());
    EXPECT_EQ(verify.first_bad_sequence(), 0);
  }
}

TEST_P(AuditServiceTest, StaffAndMemberAreDeniedAndTheDenialIsChained) {
  for (const char* cert : {"staff1", "mito-member1"}) {
    v1::ListAuditEntriesResponse list;
    grpc::Status status = List(cert, &list);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << cert;
    EXPECT_NE(status.error_message().find("lacks permission read_audit for method " +
                                          std::string(kListMethod)),
              std::string::npos)
        << status.error_message();
    v1::VerifyAuditChainResponse verify;
    EXPECT_EQ(Verify(cert, &verify).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << cert;
  }
  std::vector<v1::AuditEntry> denied = DeniedEntries();
  ASSERT_EQ(denied.size(), 4u);
  EXPECT_EQ(denied[0].principal(), "seccoord://kasama-union/staff1");
  EXPECT_EQ(denied[0].method(), kListMethod);
  EXPECT_EQ(denied[0].status_code(), "PERMISSION_DENIED");
  EXPECT_EQ(denied[0].outcome(), v1::AUDIT_OUTCOME_DENIED);
  EXPECT_EQ(denied[1].method(), "/seccoord.v1.AuditService/VerifyAuditChain");
  EXPECT_EQ(denied[2].principal(), "seccoord://mito-city/member1");
  EXPECT_EQ(denied[1].previous_hash(), denied[0].hash());

  v1::VerifyAuditChainResponse verify;
  ASSERT_TRUE(Verify("advisor1", &verify).ok());
  EXPECT_TRUE(verify.intact());
  EXPECT_EQ(verify.entries_checked(), 4);
  EXPECT_EQ(verify.head_hash(), denied[3].hash());
}

TEST_P(AuditServiceTest, TamperingIsReportedByVerify) {
  v1::ListAuditEntriesResponse list;
  for (int i = 0; i < 3; ++i) List("mito-member1", &list);
  {
    auto tx = db().Begin(db::TxMode::kReadWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Execute("UPDATE audit_entries SET principal = 'x'"
                               " WHERE sequence = 2")
                    .ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  v1::VerifyAuditChainResponse verify;
  ASSERT_TRUE(Verify("admin1", &verify).ok());
  EXPECT_FALSE(verify.intact());
  EXPECT_EQ(verify.first_bad_sequence(), 2);
  EXPECT_EQ(verify.problem(), "hash mismatch (entry altered)");
}

TEST_P(AuditServiceTest, PagesThroughTheChain) {
  v1::ListAuditEntriesResponse ignored;
  for (int i = 0; i < 5; ++i) List("staff1", &ignored);

  std::vector<int64_t> sequences;
  v1::ListAuditEntriesRequest request;
  request.set_page_size(2);
  for (int page = 0; page < 10; ++page) {
    v1::ListAuditEntriesResponse response;
    grpc::Status status = List("admin1", &response, request);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::AuditEntry& entry : response.entries()) {
      sequences.push_back(entry.sequence());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(sequences, (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST_P(AuditServiceTest, ValidatesTheRequestNamingTheField) {
  v1::ListAuditEntriesResponse response;
  v1::ListAuditEntriesRequest request;
  request.set_page_size(1001);
  grpc::Status status = List("admin1", &response, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("page_size:", 0), 0u) << status.error_message();

  request.set_page_size(-1);
  EXPECT_EQ(List("admin1", &response, request).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  request = {};
  request.set_page_token("not-a-token");
  status = List("admin1", &response, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("page_token:", 0), 0u) << status.error_message();

  // A token made for another filter.
  request = {};
  request.set_page_token(EncodeAuditPageToken({3, v1::AUDIT_OUTCOME_OK}));
  request.set_outcome(v1::AUDIT_OUTCOME_DENIED);
  status = List("admin1", &response, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  request = {};
  request.set_after_sequence(-5);
  status = List("admin1", &response, request);
  EXPECT_EQ(status.error_message().rfind("after_sequence:", 0), 0u);
}

TEST_P(AuditServiceTest, NoClientCertificateIsUnauthenticated) {
  v1::ListAuditEntriesResponse response;
  grpc::Status status = List("", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
  EXPECT_EQ(status.error_message(), "client certificate required");
  std::vector<v1::AuditEntry> denied = DeniedEntries();
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].principal(), "anonymous");
  EXPECT_EQ(denied[0].status_code(), "UNAUTHENTICATED");
}

TEST_P(AuditServiceTest, AnonymousCallersGetOnlyTheAnonymousRole) {
  StartServer(/*allow_anonymous=*/true);
  v1::ListAuditEntriesResponse response;
  grpc::Status status = List("", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("anonymous (roles: anonymous)"),
            std::string::npos)
      << status.error_message();
}

TEST_P(AuditServiceTest, CertificateFromAnotherCaFailsTheHandshake) {
  for (bool allow_anonymous : {false, true}) {
    StartServer(allow_anonymous);
    v1::ListAuditEntriesResponse response;
    grpc::Status status = List("intruder", &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << "allow_anonymous=" << allow_anonymous << ": "
        << status.error_message();
    // Nothing reached a handler, so nothing was chained.
    v1::VerifyAuditChainResponse verify;
    ASSERT_TRUE(Verify("admin1", &verify).ok());
    EXPECT_EQ(verify.entries_checked(), 0);
  }
}

// grpc.health.v1.Health/Check over the generic stub: the request is
// HealthCheckRequest{service = 1}, the response HealthCheckResponse{status =
// 1} with SERVING = 1, NOT_SERVING = 2 — encoded by hand, no health.proto
// needed.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                 const std::string& service) {
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes.push_back(0x0a);
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  auto context = Context();
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/grpc.health.v1.Health/Check",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return -static_cast<int>(status.error_code());
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return -100;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (bytes.size() != 2 || bytes[0] != 0x08) return -101;
  return bytes[1];
}

TEST_P(AuditServiceTest, HealthReportsServing) {
  auto channel = server_->ChannelAs("admin1");
  EXPECT_EQ(HealthStatus(channel, ""), 1);
  EXPECT_EQ(HealthStatus(channel, "seccoord.v1.AuditService"), 1);
  EXPECT_EQ(HealthStatus(channel, "seccoord.v1.NoSuchService"),
            -static_cast<int>(grpc::StatusCode::NOT_FOUND));
  server_->Shutdown();
  EXPECT_NE(HealthStatus(channel, ""), 1);
}

// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with a
// hand-encoded ServerReflectionRequest{list_services = "*"} (field 7); the
// answer holds the service names as plain strings.
std::string ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(channel);
  auto context = Context();
  auto call = stub.PrepareCall(
      context.get(),
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&cq](auto&& op) {
    void* tag = nullptr;
    bool ok = false;
    op(reinterpret_cast<void*>(1));
    return cq.Next(&tag, &ok) && ok;
  };
  std::string request_bytes = std::string("\x3a\x01*", 3);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  std::string text;
  if (step([&](void* tag) { call->StartCall(tag); }) &&
      step([&](void* tag) { call->Write(request, tag); }) &&
      step([&](void* tag) { call->WritesDone(tag); }) &&
      step([&](void* tag) { call->Read(&response, tag); })) {
    std::vector<grpc::Slice> slices;
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        text.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  step([&](void* tag) { call->Finish(&status, tag); });
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return text;
}

TEST_P(AuditServiceTest, ReflectionListsTheServices) {
  std::string services = ReflectionListServices(server_->ChannelAs("mito-member1"));
  EXPECT_NE(services.find("seccoord.v1.AuditService"), std::string::npos) << services;
  EXPECT_NE(services.find("grpc.health.v1.Health"), std::string::npos) << services;
}

TEST_P(AuditServiceTest, LogsOneJsonLinePerRpc) {
  v1::ListAuditEntriesResponse response;
  {
    grpc::ClientContext context;
    context.AddMetadata("seccoord-request-id", "trace-42");
    ASSERT_TRUE(StubAs("advisor1")
                    ->ListAuditEntries(&context, {}, &response)
                    .ok());
    // The guard hands principal and request id back as trailing metadata.
    auto trailing = context.GetServerTrailingMetadata();
    auto principal = trailing.find("seccoord-principal");
    ASSERT_NE(principal, trailing.end());
    EXPECT_EQ(std::string(principal->second.data(), principal->second.size()),
              "seccoord://kasama-city/advisor1");
  }
  List("mito-member1", &response);
  server_->Shutdown();  // all lines written

  std::vector<std::string> lines = LogLines();
  ASSERT_GE(lines.size(), 2u);
  const std::string& ok = lines[lines.size() - 2];
  EXPECT_NE(ok.find("\"method\":\"/seccoord.v1.AuditService/ListAuditEntries\""),
            std::string::npos) << ok;
  EXPECT_NE(ok.find("\"principal\":\"seccoord://kasama-city/advisor1\""),
            std::string::npos) << ok;
  EXPECT_NE(ok.find("\"code\":\"OK\""), std::string::npos) << ok;
  EXPECT_NE(ok.find("\"request_id\":\"trace-42\""), std::string::npos) << ok;
  EXPECT_NE(ok.find("\"latency_ms\":"), std::string::npos) << ok;
  const std::string& denied = lines.back();
  EXPECT_NE(denied.find("\"principal\":\"seccoord://mito-city/member1\""),
            std::string::npos) << denied;
  EXPECT_NE(denied.find("\"code\":\"PERMISSION_DENIED\""), std::string::npos)
      << denied;
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AuditServiceTest);

}  // namespace
}  // namespace seccoord::runtime
