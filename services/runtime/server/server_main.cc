#include "services/runtime/server/server_main.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <netdb.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "services/runtime/audit/audit_service.h"
#include "services/runtime/db/sqlite_database.h"
#include "services/runtime/internal/views.h"
#include "services/runtime/server/rpc_log.h"

ABSL_FLAG(std::string, listen, "",
          "host:port to listen on (default: the service's own, e.g. "
          "127.0.0.1:7401; port 0 picks a free port)");
ABSL_FLAG(std::string, db, "",
          "database URL: sqlite:PATH, sqlite::memory: or postgresql://... "
          "(default sqlite:./var/<service>.db)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate of this server (default certs/<service>.crt)");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key of this server (default certs/<service>.key)");
ABSL_FLAG(std::string, tls_ca, "certs/ca.crt",
          "PEM CA certificate that signs accepted client certificates");
ABSL_FLAG(std::string, access_policy, "deploy/access-policy.yaml",
          "access policy file: principal or organisation -> roles");
ABSL_FLAG(bool, allow_anonymous, false,
          "accept TLS clients without a certificate (published PUBLIC "
          "revisions only)");
ABSL_FLAG(std::string, config, "",
          "optional YAML file whose keys are flag names; flags given on the "
          "command line win");
ABSL_FLAG(int64_t, drain_timeout_ms, 10000,
          "on SIGTERM/SIGINT, how long in-flight calls may finish");
ABSL_FLAG(int64_t, health_probe_ms, 2000,
          "how often health checks that the database can be written and read "
          "(NOT_SERVING while it cannot); 0 turns the probe off");
ABSL_FLAG(bool, initialize_empty_db, false,
          "take an existing empty (0-byte) SQLite file for a new database "
          "instead of refusing it");
ABSL_FLAG(int32_t, max_message_bytes, seccoord::runtime::kDefaultMaxMessageBytes,
          "largest message received or sent, in bytes");

namespace seccoord::runtime {

absl::StatusOr<std::string> ReadFileNamedBy(std::string_view flag,
                                            const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", std::string(flag), " is required"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("--", std::string(flag), ": cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

constexpr char kAuditServiceName[] = "seccoord.v1.AuditService";

// gRPC's process-wide switches, set once before the first builder.
void EnableServerPlugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

// SQLite does not create the directory of its file; make it for a local run.
void EnsureSqliteDirectory(const std::string& url) {
  if (!absl::StartsWith(url, "sqlite:") || url == "sqlite::memory:") return;
  std::string path = url.substr(std::string_view("sqlite:").size());
  if (absl::StartsWith(path, "//")) path = path.substr(2);  // sqlite:///abs
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ignored;  // OpenDatabase reports the real problem, if any
  std::filesystem::create_directories(parent, ignored);
}

// Finds --config=FILE / --config FILE before absl parses the command line,
// so the file can be applied first and the command line override it.
std::string ConfigPathFromArgs(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    for (absl::string_view prefix : {"--config=", "-config="}) {
      if (absl::StartsWith(arg, prefix)) {
        path = std::string(arg.substr(prefix.size()));
      }
    }
    if ((arg == "--config" || arg == "-config") && i + 1 < argc) {
      path = argv[++i];
    }
  }
  return path;
}

// FAILED_PRECONDITION "cannot listen on ADDRESS: address already in use"
// when another socket is bound to `listen` (host:port, port not 0): gRPC
// only says that listening failed, and the operator should hear why.
// Binds and closes a probe socket with SO_REUSEADDR, as gRPC does, so a
// port held only by connections in TIME_WAIT counts as free.
absl::Status CheckAddressFree(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return absl::OkStatus();  // gRPC says what is wrong
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (port == "0") return absl::OkStatus();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                    &addresses) != 0) {
    return absl::OkStatus();  // not resolvable here: gRPC reports it
  }
  absl::Status status;
  for (addrinfo* a = addresses; a != nullptr && status.ok(); a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EADDRINUSE) {
      status = absl::FailedPreconditionError(absl::StrCat(
          "cannot listen on ", listen,
          ": address already in use (another server is running there; stop it or choose "
          "another --listen)"));
    }
    ::close(fd);
  }
  ::freeaddrinfo(addresses);
  return status;
}

}  // namespace

// Counts the calls in progress, so a shutdown can wait for them — and only
// for them. (grpc::Server::Shutdown(deadline) also waits for idle client
// connections to go away, which a peer's long-lived channel never does: the
// drain would always last its whole timeout.)
class InFlightCalls {
 public:
  void Begin() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
  }
  void End() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --count_;
    }
    idle_.notify_all();
  }
  // True when no call is in progress by `deadline`.
  bool WaitUntilIdle(absl::Time deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return idle_.wait_until(lock, absl::ToChronoTime(deadline),
                            [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  int64_t count_ = 0;
};

namespace {

// Begin() when gRPC creates a call's interceptors, End() when it destroys
// them after the call finished.
class InFlightInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit InFlightInterceptor(std::shared_ptr<InFlightCalls> calls)
      : calls_(std::move(calls)) {
    calls_->Begin();
  }
  ~InFlightInterceptor() override { calls_->End(); }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

class InFlightInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit InFlightInterceptorFactory(std::shared_ptr<InFlightCalls> calls)
      : calls_(std::move(calls)) {}
  // gRPC's own services (health, reflection) are not drained: their watch
  // streams live as long as the client's channel and would hold a shutdown
  // for the whole drain timeout. Ours end at once (StreamEventRows).
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (info->method() != nullptr && absl::StartsWith(info->method(), "/grpc.")) {
      return nullptr;
    }
    return new InFlightInterceptor(calls_);
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

// Turns gRPC's answer to a request it could not parse (INTERNAL with an
// empty message, produced before any handler runs) into
// RpcGuard::RefuseUnparsableRequest's INVALID_ARGUMENT, audited. Our own
// handlers never return INTERNAL without a message (ToGrpcStatus keeps the
// message of every error), so the pair identifies the parse failure.
class RequestParseInterceptor : public grpc::experimental::Interceptor {
 public:
  RequestParseInterceptor(grpc::experimental::ServerRpcInfo* info, RpcGuard& guard)
      : info_(info), guard_(guard) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::INTERNAL && status.error_message().empty()) {
        methods->ModifySendStatus(
            guard_.RefuseUnparsableRequest(info_->server_context(), info_->method()));
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  RpcGuard& guard_;
};

class RequestParseInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RequestParseInterceptorFactory(RpcGuard& guard) : guard_(guard) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (info->method() == nullptr || absl::StartsWith(info->method(), "/grpc.")) return nullptr;
    return new RequestParseInterceptor(info, guard_);
  }

 private:
  RpcGuard& guard_;
};

}  // namespace

absl::Status ApplyConfigFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::NotFoundError(absl::StrCat("--config: cannot read ", path));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("--config ", path, ": ", e.what()));
  }
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--config ", path, ": must be a map of flag name -> value"));
  }
  for (const auto& item : root) {
    if (!item.first.IsScalar() || !item.second.IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--config ", path, ": every entry must be name: scalar value"));
    }
    const std::string& key = item.first.Scalar();
    if (key == "config") {
      return absl::InvalidArgumentError(
          absl::StrCat("--config ", path, ": config files do not nest"));
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(key);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--config ", path, ": ", key, ": unknown setting (not a flag)"));
    }
    std::string error;
    if (!flag->ParseFrom(item.second.Scalar(), &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--config ", path, ": ", key, ": ", error));
    }
  }
  return absl::OkStatus();
}

ServerOptions OptionsFromFlags(const ServerSpec& spec) {
  auto or_default = [](std::string value, std::string fallback) {
    return value.empty() ? fallback : value;
  };
  ServerOptions options;
  options.listen = or_default(absl::GetFlag(FLAGS_listen), spec.default_listen);
  options.db_url = or_default(absl::GetFlag(FLAGS_db),
                              absl::StrCat("sqlite:./var/", spec.name, ".db"));
  options.tls_cert = or_default(absl::GetFlag(FLAGS_tls_cert),
                                absl::StrCat("certs/", spec.name, ".crt"));
  options.tls_key = or_default(absl::GetFlag(FLAGS_tls_key),
                               absl::StrCat("certs/", spec.name, ".key"));
  options.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  options.access_policy = absl::GetFlag(FLAGS_access_policy);
  options.allow_anonymous = absl::GetFlag(FLAGS_allow_anonymous);
  options.drain_timeout =
      absl::Milliseconds(std::max<int64_t>(0, absl::GetFlag(FLAGS_drain_timeout_ms)));
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.health_probe_interval =
      absl::Milliseconds(std::max<int64_t>(0, absl::GetFlag(FLAGS_health_probe_ms)));
  options.initialize_empty_db = absl::GetFlag(FLAGS_initialize_empty_db);
  return options;
}

absl::StatusOr<std::unique_ptr<RunningServer>> RunningServer::Start(
    const ServerSpec& spec, const ServerOptions& options, db::Database& db) {
  if (spec.name.empty()) {
    return absl::InvalidArgumentError("ServerSpec.name is required");
  }
  if (options.max_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "--max_message_bytes must be at least 1024");
  }
  std::unique_ptr<RunningServer> server(new RunningServer);
  server->options_ = options;

  SECCOORD_ASSIGN_OR_RETURN(
      AccessPolicy policy,
      AccessPolicy::LoadFile(options.access_policy, options.allow_anonymous));
  server->access_policy_ = std::make_unique<AccessPolicy>(std::move(policy));
  SECCOORD_ASSIGN_OR_RETURN(std::string cert,
                            ReadFileNamedBy("tls_cert", options.tls_cert));
  SECCOORD_ASSIGN_OR_RETURN(std::string key,
                            ReadFileNamedBy("tls_key", options.tls_key));
  SECCOORD_ASSIGN_OR_RETURN(std::string ca,
                            ReadFileNamedBy("tls_ca", options.tls_ca));

  server->audit_ = std::make_unique<AuditLog>(db);
  server->guard_ =
      std::make_unique<RpcGuard>(*server->access_policy_, *server->audit_);
  // No call is served until the schema exists.
  server->guard_->SetAccepting(false);
  server->env_ = std::make_unique<ServerEnv>(
      server->options_, db, *server->access_policy_, *server->audit_,
      *server->guard_);

  EnableServerPlugins();
  // A client certificate is requested and, when presented, must chain to
  // our CA — one from another CA fails the handshake in every mode. Its
  // absence is not refused by TLS but by RpcGuard (UNAUTHENTICATED "client
  // certificate required" unless anonymous access is on), because a failed
  // handshake reaches the client only as an opaque UNAVAILABLE "socket
  // closed" and leaves no trace in the audit chain, while the guard's refusal
  // says what is wrong and is chained like every other denial.
  grpc::SslServerCredentialsOptions tls(
      GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ca;
  tls.pem_key_cert_pairs.push_back({key, cert});

  SECCOORD_RETURN_IF_ERROR(CheckAddressFree(options.listen));
  grpc::ServerBuilder builder;
  // gRPC's Linux default (SO_REUSEPORT) lets a second server bind an address
  // already in use and take half of the new connections — to another
  // database. One server per address.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.listen, grpc::SslServerCredentials(tls),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  SetSyncServerThreads(builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  server->in_flight_ = std::make_shared<InFlightCalls>();
  interceptors.push_back(
      std::make_unique<InFlightInterceptorFactory>(server->in_flight_));
  // Runs before the log interceptor's PRE_SEND_STATUS hook, so the log
  // line shows the status the client gets.
  interceptors.push_back(std::make_unique<RequestParseInterceptorFactory>(*server->guard_));
  interceptors.push_back(
      std::make_unique<RpcLogInterceptorFactory>(options.rpc_log_sink));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  builder.RegisterService(server->env_->Own(
      std::make_unique<AuditServiceImpl>(*server->audit_, *server->guard_)));
  if (spec.register_services) {
    absl::Status registered = spec.register_services(*server->env_, builder);
    if (!registered.ok()) {
      return absl::Status(registered.code(),
                          absl::StrCat("registering ", spec.name, ": ",
                                       registered.message()));
    }
  }

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen,
        " (address in use, or unusable TLS certificate/key)"));
  }
  size_t colon = options.listen.rfind(':');
  server->host_ = colon == std::string::npos ? "127.0.0.1"
                                             : options.listen.substr(0, colon);
  if (server->host_.empty() || server->host_ == "0.0.0.0" ||
      server->host_ == "[::]") {
    server->host_ = "127.0.0.1";
  }

  // Not ready until migrated: health says so.
  server->health_names_ = {""};
  for (const std::string& name : spec.grpc_services) {
    server->health_names_.push_back(name);
  }
  server->health_names_.push_back(kAuditServiceName);
  grpc::HealthCheckServiceInterface* health =
      server->server_->GetHealthCheckService();
  for (const std::string& name : server->health_names_) {
    health->SetServingStatus(name, false);
  }

  absl::Status migrated = db::ApplyMigrations(
      db, HealthMonitor::kMigrationComponent, HealthMonitor::Migrations());
  if (migrated.ok()) {
    migrated = db::ApplyMigrations(db, AuditLog::kMigrationComponent, AuditLog::Migrations());
  }
  if (migrated.ok() && !spec.migrations.empty()) {
    migrated = db::ApplyMigrations(
        db,
        spec.migration_component.empty() ? spec.name
                                         : spec.migration_component,
        spec.migrations);
  }
  if (migrated.ok() && spec.on_migrated) {
    migrated = spec.on_migrated(*server->env_);
  }
  if (!migrated.ok()) {
    server->Shutdown(absl::ZeroDuration());
    return absl::Status(migrated.code(),
                        absl::StrCat("preparing the database: ",
                                     migrated.message()));
  }

  server->guard_->SetAccepting(true);
  for (const std::string& name : server->health_names_) {
    health->SetServingStatus(name, true);
  }
  if (options.health_probe_interval > absl::ZeroDuration()) {
    RunningServer* running = server.get();
    server->health_monitor_ = std::make_unique<HealthMonitor>(
        db, options.health_probe_interval, [running, spec_name = spec.name](
                                               bool serving, const absl::Status& why) {
          for (const std::string& name : running->health_names_) {
            running->server_->GetHealthCheckService()->SetServingStatus(name, serving);
          }
          LogServerEvent(serving ? "info" : "error",
                         serving ? absl::StrCat(spec_name, ": the database works again; SERVING")
                                 : absl::StrCat(spec_name, ": the database cannot be used (",
                                                why.ToString(), "); NOT_SERVING"));
        });
  }
  return server;
}

RunningServer::~RunningServer() { Shutdown(); }

std::string RunningServer::address() const {
  return absl::StrCat(host_, ":", port_);
}

void RunningServer::Shutdown(absl::Duration drain) {
  if (shut_down_) return;
  shut_down_ = true;
  health_monitor_.reset();  // it would set health back to SERVING
  if (server_ == nullptr) return;
  // NOT_SERVING first, so health checkers stop sending new work, and new
  // calls are refused (UNAVAILABLE); calls in progress may finish until the
  // drain deadline. Then gRPC stops at once: it cancels what is left (watch
  // streams see IsCancelled()) and closes the idle connections.
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService()) {
    health->Shutdown();
  }
  if (guard_ != nullptr) guard_->SetAccepting(false);
  if (in_flight_ != nullptr) in_flight_->WaitUntilIdle(absl::Now() + drain);
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
}

int RunServer(int argc, char** argv, const ServerSpec& spec) {
  // Debian's Abseil is built without NDEBUG, so absl::Mutex (which gRPC
  // locks several times per call) would maintain its lock-order graph on
  // every lock: a debugging aid with a global lock of its own, off in a
  // server as in any release build.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Block the shutdown signals in this thread before any other thread
  // exists, so every thread inherits the mask and sigwait below is the one
  // place they are taken — no work in a signal handler.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::SetProgramUsageMessage(absl::StrCat(
      "seccoord-", spec.name, ": seccoord ", spec.name,
      " server. Flags may also come from --config FILE (YAML)."));
  const std::string config_path = ConfigPathFromArgs(argc, argv);
  if (!config_path.empty()) {
    absl::Status applied = ApplyConfigFile(config_path);
    if (!applied.ok()) {
      LogServerEvent("error", internal::Sv(applied.message()));
      return 2;
    }
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    LogServerEvent("error", absl::StrCat("unexpected argument: ",
                                         positional[1]));
    return 2;
  }

  ServerOptions options = OptionsFromFlags(spec);
  EnsureSqliteDirectory(options.db_url);
  absl::StatusOr<std::unique_ptr<db::Database>> db =
      db::OpenDatabase(options.db_url, {.initialize_empty_file = options.initialize_empty_db});
  if (!db.ok()) {
    LogServerEvent("error", absl::StrCat("opening the database: ",
                                         db.status().message()));
    return 1;
  }
  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      RunningServer::Start(spec, options, **db);
  if (!server.ok()) {
    LogServerEvent("error", absl::StrCat(spec.name, " cannot start: ",
                                         server.status().ToString()));
    return 1;
  }
  // The URL may hold a password: name the driver only. For a SQLite file,
  // whether its open read every page (sqlite_close_stamp.h).
  absl::StatusOr<bool> checked = db::SqliteCheckedAtOpen(**db);
  const std::string check =
      !checked.ok() ? ""
      : *checked    ? ", checked in full at open"
                    : ", no full check at open (new, or untouched since it was last checked)";
  LogServerEvent(
      "info",
      absl::StrCat(spec.name, " serving on ", (*server)->address(),
                   " (database: ",
                   (*db)->dialect() == db::Dialect::kSqlite ? "sqlite"
                                                            : "postgresql",
                   check, ", anonymous access ",
                   options.allow_anonymous ? "on" : "off", ")"));

  int signal_number = 0;
  while (sigwait(&shutdown_signals, &signal_number) != 0) {
  }
  LogServerEvent("info",
                 absl::StrCat(spec.name, " received ",
                              signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
                              "; draining for up to ",
                              absl::FormatDuration(options.drain_timeout)));
  (*server)->Shutdown(options.drain_timeout);
  server->reset();
  LogServerEvent("info", absl::StrCat(spec.name, " stopped"));
  return 0;
}

}  // namespace seccoord::runtime
