// The bootstrap: config file and flags, and a real server process
// (seccoord-runtime-testd) that becomes SERVING, answers over mTLS, logs JSON
// lines and exits 0 after draining on SIGTERM.
#include "services/runtime/server/server_main.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "services/runtime/event_notifier.h"
#include "services/runtime/server/serve.h"
#include "absl/strings/str_cat.h"
#include <grpcpp/generic/generic_stub.h>

namespace seccoord::runtime {
namespace {

namespace fs = std::filesystem;

using seccoord::testing::TempDir;

TEST(ConfigFileTest, SetsFlagsByNameAndTheSpecFillsDefaults) {
  absl::FlagSaver restore_flags_afterwards;
  TempDir dir;
  std::string config = dir.Write("c.yaml",
                                 "listen: 127.0.0.1:9001\n"
                                 "allow_anonymous: true\n"
                                 "drain_timeout_ms: 1500\n"
                                 "max_message_bytes: 65536\n");
  ASSERT_TRUE(ApplyConfigFile(config).ok());
  ServerSpec spec;
  spec.name = "policyd";
  spec.default_listen = "127.0.0.1:7401";
  ServerOptions options = OptionsFromFlags(spec);
  EXPECT_EQ(options.listen, "127.0.0.1:9001");
  EXPECT_TRUE(options.allow_anonymous);
  EXPECT_EQ(options.drain_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(options.max_message_bytes, 65536);
  EXPECT_EQ(options.db_url, "sqlite:./var/policyd.db");
  EXPECT_EQ(options.tls_cert, "certs/policyd.crt");
  EXPECT_EQ(options.tls_key, "certs/policyd.key");
  EXPECT_EQ(options.tls_ca, "certs/ca.crt");
  EXPECT_EQ(options.access_policy, "deploy/access-policy.yaml");
}

TEST(ConfigFileTest, DefaultsWithoutConfig) {
  absl::FlagSaver restore_flags_afterwards;
  ServerSpec spec;
  spec.name = "assetd";
  spec.default_listen = "127.0.0.1:7402";
  ServerOptions options = OptionsFromFlags(spec);
  EXPECT_EQ(options.listen, "127.0.0.1:7402");
  EXPECT_FALSE(options.allow_anonymous);
  EXPECT_EQ(options.max_message_bytes, 4 << 20);
  EXPECT_EQ(options.db_url, "sqlite:./var/assetd.db");
}

TEST(ConfigFileTest, RefusesUnknownKeysAndBadValuesNamingThem) {
  absl::FlagSaver restore_flags_afterwards;
  TempDir dir;
  absl::Status status = ApplyConfigFile(dir.Write("a.yaml", "lisen: x\n"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("lisen: unknown setting"),
            std::string::npos)
      << status;
  status = ApplyConfigFile(dir.Write("b.yaml", "drain_timeout_ms: soon\n"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("drain_timeout_ms"),
            std::string::npos)
      << status;
  status = ApplyConfigFile(dir.Write("c.yaml", "listen: [a, b]\n"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = ApplyConfigFile(dir.Write("d.yaml", "config: other.yaml\n"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyConfigFile(dir.path() + "/missing.yaml").code(),
            absl::StatusCode::kNotFound);
}

// A PolicyService whose GetRevision takes its time (or waits to be
// cancelled), to watch a shutdown drain it.
class SlowPolicyService : public v1::PolicyService::Service {
 public:
  explicit SlowPolicyService(RpcGuard& guard) : guard_(guard) {}

  grpc::Status GetRevision(grpc::ServerContext* context,
                           const v1::GetRevisionRequest* request,
                           v1::Revision* response) override {
    absl::StatusOr<Caller> caller =
        guard_.Authorize(context, "/seccoord.v1.PolicyService/GetRevision");
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    entered_ = true;
    // document_id "wait" = until cancelled; otherwise 300 ms of work.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (request->document_id() == "wait" ? !context->IsCancelled()
                                            : std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    response->set_document_id(request->document_id());
    return grpc::Status::OK;
  }

  // A watch of no events, run by the shared watch loop.
  grpc::Status WatchRevisionEvents(grpc::ServerContext* context,
                                   const v1::WatchRevisionEventsRequest* request,
                                   grpc::ServerWriter<v1::RevisionEvent>* writer) override {
    absl::StatusOr<Caller> caller =
        guard_.Authorize(context, "/seccoord.v1.PolicyService/WatchRevisionEvents");
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    watching_ = true;
    return StreamEventRows<v1::RevisionEvent>(
        guard_, context, writer, notifier_, request->since_sequence(), request->backlog_only(),
        [](int64_t after, int64_t* scanned_to) {
          *scanned_to = after;
          return std::vector<v1::RevisionEvent>();
        },
        [](const absl::Status& status) { return ToGrpcStatus(status); });
  }

  std::atomic<bool> entered_{false};
  std::atomic<bool> watching_{false};

 private:
  RpcGuard& guard_;
  EventNotifier notifier_;
};

// The lines a server logged, captured.
class LogCapture {
 public:
  LogSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    };
  }
  // The newest line of `method` that contains `containing`, waited for up
  // to 10 s (the line is written as the call ends, on gRPC's thread); when
  // none comes, the newest line of `method` (or ""), for the failure message.
  std::string LineOf(const std::string& method, const std::string& containing = "") {
    const std::string key = "\"method\":\"" + method + "\"";
    std::string newest;
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        newest.clear();
        for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
          if (it->find(key) == std::string::npos) continue;
          if (newest.empty()) newest = *it;
          if (it->find(containing) != std::string::npos) return *it;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return newest;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class DrainTest : public ::testing::Test {
 protected:
  void Start(absl::Duration drain, LogSink log_sink = nullptr) {
    absl::StatusOr<std::unique_ptr<seccoord::testing::TestDatabase>> db =
        seccoord::testing::TestDatabase::Create("sqlite");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ServerSpec spec;
    spec.name = "policyd";
    spec.grpc_services = {"seccoord.v1.PolicyService"};
    spec.register_services = [this](ServerEnv& env,
                                     grpc::ServerBuilder& builder) {
      service_ = env.Own(std::make_unique<SlowPolicyService>(env.guard()));
      builder.RegisterService(service_);
      return absl::OkStatus();
    };
    seccoord::testing::TestServerOptions options;
    options.drain_timeout = drain;
    options.rpc_log_sink = std::move(log_sink);
    absl::StatusOr<std::unique_ptr<seccoord::testing::TestServer>> server =
        seccoord::testing::TestServer::Start(spec, db_->db(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Starts GetRevision(document_id) as mito-member1 in the background and
  // waits until the handler runs.
  std::future<grpc::Status> CallInBackground(const std::string& document_id) {
    auto stub = v1::PolicyService::NewStub(server_->ChannelAs("mito-member1"));
    auto result = std::async(std::launch::async, [stub = std::move(stub), document_id] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::GetRevisionRequest request;
      request.set_document_id(document_id);
      v1::Revision response;
      return stub->GetRevision(&context, request, &response);
    });
    while (!service_->entered_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return result;
  }

  // Waits (up to 10 s) until the shutdown begun on another thread has
  // stopped the guard from accepting calls: the drain has started.
  void WaitUntilDraining() {
    for (int i = 0; i < 5000 && server_->env().guard().accepting(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_FALSE(server_->env().guard().accepting()) << "the shutdown never began";
  }

  std::unique_ptr<seccoord::testing::TestDatabase> db_;
  std::unique_ptr<seccoord::testing::TestServer> server_;
  SlowPolicyService* service_ = nullptr;
};

TEST_F(DrainTest, InFlightCallFinishesAndNewCallsAreRefused) {
  Start(absl::Seconds(5));
  std::future<grpc::Status> slow = CallInBackground("basic-policy");
  auto idle_stub = v1::PolicyService::NewStub(server_->ChannelAs("mito-member1"));
  auto start = std::chrono::steady_clock::now();
  std::thread stopper([this] { server_->Shutdown(); });
  // While draining, a new call on a fresh connection does not get served.
  WaitUntilDraining();
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::Revision response;
    grpc::Status status = idle_stub->GetRevision(&context, {}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
  }
  EXPECT_TRUE(slow.get().ok());
  stopper.join();
  auto took = std::chrono::steady_clock::now() - start;
  // The drain timeout is 5 s: a call refused at once ends well before it.
  EXPECT_LT(took, std::chrono::milliseconds(4500)) << "waited for the whole drain";
}

TEST_F(DrainTest, CallStillRunningAtTheDeadlineIsCancelled) {
  Start(absl::Milliseconds(200));
  std::future<grpc::Status> stuck = CallInBackground("wait");
  auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_FALSE(stuck.get().ok());
}

// Opens WatchRevisionEvents as mito-member1 and waits until the handler
// runs; *context may be set up (deadline) by `prepare` before the call.
struct OpenWatch {
  std::unique_ptr<v1::PolicyService::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::RevisionEvent>> reader;
};

std::unique_ptr<OpenWatch> StartWatch(seccoord::testing::TestServer& server,
                                      SlowPolicyService& service,
                                      std::chrono::milliseconds deadline) {
  auto watch = std::make_unique<OpenWatch>();
  // Connected (TLS handshake done) before the deadline starts counting, so
  // a short deadline is the watch's own and not the connection's.
  std::shared_ptr<grpc::Channel> channel = server.ChannelAs("mito-member1");
  EXPECT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  watch->stub = v1::PolicyService::NewStub(channel);
  watch->context.set_deadline(std::chrono::system_clock::now() + deadline);
  watch->reader = watch->stub->WatchRevisionEvents(&watch->context, {});
  for (int i = 0; i < 2500 && !service.watching_; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(service.watching_) << "the watch never reached its handler";
  return watch;
}

TEST_F(DrainTest, OpenWatchEndsAtOnceWithUnavailableAndDoesNotHoldTheDrain) {
  Start(absl::Seconds(10));
  std::unique_ptr<OpenWatch> watch = StartWatch(*server_, *service_, std::chrono::seconds(30));
  auto start = std::chrono::steady_clock::now();
  std::thread stopper([this] { server_->Shutdown(); });
  v1::RevisionEvent event;
  while (watch->reader->Read(&event)) {
  }
  grpc::Status status = watch->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find("resume with since_sequence 0"), std::string::npos)
      << status.error_message();
  stopper.join();
  auto took = std::chrono::steady_clock::now() - start;
  // The drain timeout is 10 s: a watch that held it would take that long.
  EXPECT_LT(took, std::chrono::seconds(8)) << "the open watch held the shutdown";
}

TEST_F(DrainTest, NewCallsDuringTheDrainGetUnavailableNeverCancelled) {
  Start(absl::Seconds(5));
  std::future<grpc::Status> slow = CallInBackground("basic-policy");  // 300 ms of work
  std::thread stopper([this] { server_->Shutdown(); });
  WaitUntilDraining();
  // Calls arriving after the signal, on the existing connection and on a
  // new one: UNAVAILABLE (clients retry it), never CANCELLED.
  for (int i = 0; i < 5; ++i) {
    auto stub = v1::PolicyService::NewStub(server_->ChannelAs(i % 2 ? "mito-member1" : "admin1"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::Revision response;
    grpc::Status status = stub->GetRevision(&context, {}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  }
  EXPECT_TRUE(slow.get().ok());
  stopper.join();
}

TEST_F(DrainTest, LogRecordsTheRealOutcomeOfEndedStreams) {
  LogCapture log;
  Start(absl::Seconds(1), log.Sink());
  {  // cancelled by the client
    std::unique_ptr<OpenWatch> watch = StartWatch(*server_, *service_, std::chrono::seconds(30));
    watch->context.TryCancel();
    watch->reader->Finish().IgnoreError();
    std::string line = log.LineOf("/seccoord.v1.PolicyService/WatchRevisionEvents",
                                  "\"code\":\"CANCELLED\"");
    EXPECT_NE(line.find("\"code\":\"CANCELLED\""), std::string::npos) << line;
  }
  service_->watching_ = false;
  {  // ended by its deadline
    std::unique_ptr<OpenWatch> watch =
        StartWatch(*server_, *service_, std::chrono::milliseconds(400));
    grpc::Status status = watch->reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    std::string line = log.LineOf("/seccoord.v1.PolicyService/WatchRevisionEvents",
                                  "\"code\":\"DEADLINE_EXCEEDED\"");
    EXPECT_NE(line.find("\"code\":\"DEADLINE_EXCEEDED\""), std::string::npos) << line;
  }
  {  // gRPC's own health watch, cancelled by its client
    auto stub = grpc::health::v1::Health::NewStub(server_->ChannelAs("admin1"));
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    auto reader = stub->Watch(&context, request);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(reader->Read(&response));
    context.TryCancel();
    reader->Finish().IgnoreError();
    std::string line = log.LineOf("/grpc.health.v1.Health/Watch", "\"code\":\"CANCELLED\"");
    EXPECT_NE(line.find("\"code\":\"CANCELLED\""), std::string::npos) << line;
  }
  {  // ended by the shutdown
    service_->watching_ = false;
    std::unique_ptr<OpenWatch> watch = StartWatch(*server_, *service_, std::chrono::seconds(30));
    server_->Shutdown();
    watch->reader->Finish().IgnoreError();
    std::string line = log.LineOf("/seccoord.v1.PolicyService/WatchRevisionEvents",
                                  "\"code\":\"UNAVAILABLE\"");
    EXPECT_NE(line.find("\"code\":\"UNAVAILABLE\""), std::string::npos) << line;
  }
}

TEST_F(DrainTest, UnparsableRequestIsInvalidArgumentAndAudited) {
  Start(absl::Seconds(1));
  // GetRevisionRequest.document_id (field 1) holding the byte 0xff: not
  // UTF-8, so proto3's parser refuses it before any handler runs.
  grpc::Status status = seccoord::testing::CallWithBytes(
      server_->ChannelAs("mito-member1"), "/seccoord.v1.PolicyService/GetRevision",
      std::string("\x0a\x01\xff", 3));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("not valid UTF-8"), std::string::npos)
      << status.error_message();
  EXPECT_FALSE(service_->entered_) << "the handler ran on an unparsable request";

  absl::StatusOr<AuditPage> failed =
      server_->env().audit().List(0, 100, AuditOutcome::kFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  ASSERT_EQ(failed->entries.size(), 1u);
  EXPECT_EQ(failed->entries[0].method, "/seccoord.v1.PolicyService/GetRevision");
  EXPECT_EQ(failed->entries[0].principal, "seccoord://mito-city/member1");
  EXPECT_EQ(failed->entries[0].status_code, "INVALID_ARGUMENT");
}

TEST(ListenTest, SecondServerOnABusyAddressIsRefused) {
  absl::StatusOr<std::unique_ptr<seccoord::testing::TestDatabase>> db =
      seccoord::testing::TestDatabase::Create("sqlite");
  ASSERT_TRUE(db.ok()) << db.status();
  ServerSpec spec;
  spec.name = "policyd";
  auto first = seccoord::testing::TestServer::Start(spec, (*db)->db());
  ASSERT_TRUE(first.ok()) << first.status();
  seccoord::testing::TestServerOptions options;
  options.port = (*first)->port();
  auto second = seccoord::testing::TestServer::Start(spec, (*db)->db(), options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(
                absl::StrCat("cannot listen on 127.0.0.1:", (*first)->port(),
                             ": address already in use")),
            std::string::npos)
      << second.status();
}

// A server process with its stderr captured.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& args) {
    // Everything the child needs is prepared before fork: between fork and
    // exec a child of a threaded process may only make async-signal-safe
    // calls (no allocation).
    std::string binary = SECCOORD_RUNTIME_TESTD;
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    argv.push_back(binary.data());
    for (std::string& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int pipe_fds[2];
    EXPECT_EQ(pipe(pipe_fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    stderr_fd_ = pipe_fds[0];
    reader_ = std::thread([this] {
      char buffer[4096];
      ssize_t n;
      while ((n = read(stderr_fd_, buffer, sizeof(buffer))) > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        output_.append(buffer, static_cast<size_t>(n));
      }
    });
  }

  ~ServerProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    close(stderr_fd_);
  }

  std::string Output() {
    std::lock_guard<std::mutex> lock(mu_);
    return output_;
  }

  // Waits for a line containing `text`; returns it ("" on timeout).
  std::string WaitForLine(const std::string& text,
                          std::chrono::seconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string output = Output();
      size_t at = output.find(text);
      if (at != std::string::npos) {
        size_t begin = output.rfind('\n', at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        size_t end = output.find('\n', at);
        return output.substr(begin, end - begin);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  // Waits for the process to exit; its exit code, or -1.
  int Wait() {
    int status = 0;
    for (int i = 0; i < 1000; ++i) {
      pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        reaped_ = true;
        if (reader_.joinable()) reader_.join();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int stderr_fd_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::string output_;
};

std::string CertFlag(const std::string& flag, const std::string& file) {
  return "--" + flag + "=" + seccoord::testing::TestCertDir() + "/" + file;
}

TEST(ServerProcessTest, ServesFromConfigAndDrainsOnSigterm) {
  TempDir dir;
  // The config asks for a port we never get: the command line wins.
  std::string config = dir.Write(
      "testd.yaml",
      "listen: 127.0.0.1:1\n"
      "db: sqlite:" + dir.path() + "/nested/var/testd.db\n"
      "access_policy: " + seccoord::testing::TestAccessPolicyPath() + "\n"
      "greeting: from-config\n"
      "drain_timeout_ms: 2000\n");
  ServerProcess process({"--config=" + config, "--listen=127.0.0.1:0",
                         CertFlag("tls_cert", "policyd.crt"),
                         CertFlag("tls_key", "policyd.key"),
                         CertFlag("tls_ca", "ca.crt")});
  std::string serving = process.WaitForLine("serving on 127.0.0.1:");
  ASSERT_FALSE(serving.empty()) << process.Output();
  EXPECT_EQ(serving.rfind("{\"time\":\"", 0), 0u) << serving;
  EXPECT_NE(process.Output().find("greeting: from-config"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir.path() + "/nested/var/testd.db"));

  size_t at = serving.find("127.0.0.1:");
  int port = std::atoi(serving.c_str() + at + std::string("127.0.0.1:").size());
  ASSERT_GT(port, 0) << serving;
  std::string address = "127.0.0.1:" + std::to_string(port);

  auto channel = seccoord::testing::TestChannel(address, "admin1");
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(
        &context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.AddMetadata("seccoord-request-id", "proc-1");
    v1::ListAuditEntriesResponse response;
    grpc::Status status = v1::AuditService::NewStub(channel)->ListAuditEntries(
        &context, {}, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_FALSE(process.WaitForLine("\"request_id\":\"proc-1\"").empty())
      << process.Output();

  auto t0 = std::chrono::steady_clock::now();
  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  std::string output = process.Output();
  EXPECT_NE(output.find("received SIGTERM"), std::string::npos) << output;
  EXPECT_NE(output.find("runtime-testd stopped"), std::string::npos) << output;
  std::cerr << "shutdown took " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count() << "ms\n" << output;
}

std::vector<std::string> ServeArgs(const std::string& listen, const std::string& db_path) {
  return {"--listen=" + listen, "--db=sqlite:" + db_path,
          "--access_policy=" + seccoord::testing::TestAccessPolicyPath(),
          CertFlag("tls_cert", "policyd.crt"), CertFlag("tls_key", "policyd.key"),
          CertFlag("tls_ca", "ca.crt")};
}

// The port a process logged "serving on 127.0.0.1:PORT" with, or 0.
int ServingPort(ServerProcess& process) {
  std::string serving = process.WaitForLine("serving on 127.0.0.1:");
  size_t at = serving.find("127.0.0.1:");
  if (at == std::string::npos) return 0;
  return std::atoi(serving.c_str() + at + std::string("127.0.0.1:").size());
}

TEST(ServerProcessTest, SecondInstanceOnTheSameAddressExitsWithOne) {
  TempDir dir;
  ServerProcess first(ServeArgs("127.0.0.1:0", dir.path() + "/first.db"));
  const int port = ServingPort(first);
  ASSERT_GT(port, 0) << first.Output();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ServerProcess second(ServeArgs(address, dir.path() + "/second.db"));
  EXPECT_EQ(second.Wait(), 1) << second.Output();
  EXPECT_NE(second.Output().find("cannot listen on " + address + ": address already in use"),
            std::string::npos)
      << second.Output();
  EXPECT_EQ(second.Output().find("serving on"), std::string::npos) << second.Output();
}

TEST(ServerProcessTest, EmptyDatabaseFileIsRefusedUnlessToldToInitialiseIt) {
  TempDir dir;
  const std::string file = dir.Write("empty.db", "");
  {
    ServerProcess process(ServeArgs("127.0.0.1:0", file));
    EXPECT_EQ(process.Wait(), 1) << process.Output();
    EXPECT_NE(process.Output().find(file + " is an empty file (0 bytes)"), std::string::npos)
        << process.Output();
    EXPECT_NE(process.Output().find("--initialize_empty_db"), std::string::npos);
    EXPECT_EQ(fs::file_size(file), 0u) << "the refused file was written";
  }
  std::vector<std::string> args = ServeArgs("127.0.0.1:0", file);
  args.push_back("--initialize_empty_db");
  ServerProcess process(args);
  EXPECT_GT(ServingPort(process), 0) << process.Output();
  process.Signal(SIGTERM);
  EXPECT_EQ(process.Wait(), 0) << process.Output();
  EXPECT_GT(fs::file_size(file), 0u);
}

TEST(ServerProcessTest, DamagedDatabaseFileIsRefusedAtStart) {
  TempDir dir;
  const std::string file = dir.path() + "/damaged.db";
  {  // a real database: migrated, then shut down cleanly (WAL checkpointed)
    ServerProcess process(ServeArgs("127.0.0.1:0", file));
    ASSERT_GT(ServingPort(process), 0) << process.Output();
    process.Signal(SIGTERM);
    ASSERT_EQ(process.Wait(), 0) << process.Output();
  }
  const auto size = fs::file_size(file);
  ASSERT_GE(size, 4u * 4096) << "too small to damage a page in the middle";
  {  // garbage over the second page: a b-tree page in the middle of the file
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(4096);
    std::string garbage(4096, '\x5a');
    out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  ServerProcess process(ServeArgs("127.0.0.1:0", file));
  EXPECT_EQ(process.Wait(), 1) << process.Output();
  const std::string output = process.Output();
  EXPECT_NE(output.find(file + " is damaged"), std::string::npos) << output;
  EXPECT_NE(output.find("restore it from a backup"), std::string::npos) << output;
  EXPECT_EQ(output.find("serving on"), std::string::npos) << output;
}

TEST(ServerProcessTest, BadConfigExitsWithTwo) {
  TempDir dir;
  std::string config = dir.Write("bad.yaml", "no_such_flag: 1\n");
  ServerProcess process({"--config", config});
  EXPECT_EQ(process.Wait(), 2);
  EXPECT_NE(process.Output().find("no_such_flag: unknown setting"),
            std::string::npos)
      << process.Output();
}

TEST(ServerProcessTest, MissingCertificateExitsWithOne) {
  TempDir dir;
  ServerProcess process({"--listen=127.0.0.1:0",
                         "--db=sqlite:" + dir.path() + "/x.db",
                         "--access_policy=" + seccoord::testing::TestAccessPolicyPath(),
                         "--tls_cert=" + dir.path() + "/none.crt",
                         CertFlag("tls_key", "policyd.key"),
                         CertFlag("tls_ca", "ca.crt")});
  EXPECT_EQ(process.Wait(), 1);
  EXPECT_NE(process.Output().find("--tls_cert: cannot read"), std::string::npos)
      << process.Output();
}

TEST(ServerProcessTest, BadAccessPolicyExitsWithOneNamingTheEntry) {
  TempDir dir;
  std::string policy = dir.Write(
      "policy.yaml", "principals:\n  seccoord://mito-city/member1: [superuser]\n");
  ServerProcess process({"--listen=127.0.0.1:0",
                         "--db=sqlite:" + dir.path() + "/x.db",
                         "--access_policy=" + policy,
                         CertFlag("tls_cert", "policyd.crt"),
                         CertFlag("tls_key", "policyd.key"),
                         CertFlag("tls_ca", "ca.crt")});
  EXPECT_EQ(process.Wait(), 1);
  EXPECT_NE(process.Output().find("principals.seccoord://mito-city/member1"),
            std::string::npos)
      << process.Output();
}

}  // namespace
}  // namespace seccoord::runtime
