// Server bootstrap shared by seccoord-policyd, -assetd and -assessmentd.
//
// A service describes itself in a ServerSpec; RunServer does everything else,
// so a service's main.cc is about twenty lines:
//
//   ABSL_FLAG(std::string, policy_address, "127.0.0.1:7401", "policy service");
//
//   int main(int argc, char** argv) {
//     using seccoord::runtime::ServerEnv;
//     return seccoord::runtime::RunServer(argc, argv, {
//         .name = "assessmentd",
//         .default_listen = "127.0.0.1:7403",
//         .grpc_services = {"seccoord.v1.AssessmentService"},
//         .migrations = seccoord::assessment::Migrations(),
//         .register_services =
//             [](ServerEnv& env, grpc::ServerBuilder& builder) -> absl::Status {
//               auto* service = env.Own(std::make_unique<AssessmentServiceImpl>(
//                   env.db(), env.guard(), absl::GetFlag(FLAGS_policy_address)));
//               builder.RegisterService(service);
//               return absl::OkStatus();
//             }});
//   }
//
// What RunServer does:
//   - flags (absl): --listen, --db, --tls_cert, --tls_key, --tls_ca,
//     --access_policy, --allow_anonymous, --config, --drain_timeout_ms,
//     --max_message_bytes, --health_probe_ms, --initialize_empty_db; a
//     service adds its own (peer addresses) with
//     ABSL_FLAG in its main.cc. --config FILE reads a YAML map whose keys are
//     flag names (any registered flag, the service's own included); flags
//     given on the command line win over the file.
//   - TLS requesting a client certificate, which must chain to the --tls_ca
//     CA (a certificate from another CA fails the handshake). A call without
//     one is refused by RpcGuard with UNAUTHENTICATED "client certificate
//     required" (and chained as a denial) unless --allow_anonymous, rather
//     than by TLS, whose refusal the client would only see as UNAVAILABLE
//     "socket closed". Health and reflection answer without a certificate;
//     they are open to anyone (permissions.h says why);
//   - opens the database — an existing SQLite file must pass SQLite's
//     integrity check, and an empty one is refused unless
//     --initialize_empty_db (db::OpenDatabase) —, registers the service(s),
//     AuditService, health and reflection, starts listening with health
//     NOT_SERVING, applies the migrations ("runtime", "audit" and the
//     service's), then SERVING for "" and each gRPC service name;
//   - one server per address: SO_REUSEPORT is off and an address in use is
//     refused at start (FAILED_PRECONDITION "address already in use");
//   - health follows the database afterwards: NOT_SERVING while a probe
//     every --health_probe_ms cannot write and read it, SERVING when it can
//     again (health_monitor.h);
//   - one JSON log line per RPC on stderr (rpc_log.h);
//   - SIGTERM/SIGINT: health NOT_SERVING; new calls get UNAVAILABLE; watch
//     streams end at once with UNAVAILABLE (clients resume elsewhere by
//     sequence, serve.h StreamEventRows); unary calls in progress may finish
//     until --drain_timeout_ms; exit 0. Signals are taken by sigwait on the main
//     thread (they are blocked in every thread), never in a handler.
// Exit codes: 0 after a clean shutdown, 1 when the server cannot start, 2 for
// a bad flag or config file.
//
// RunningServer::Start is the same minus flags and signals, on a Database the
// caller owns; tests/support/test_server.h uses it.
//
// Thread-safety: RunServer runs once per process. A RunningServer is
// started and shut down by one thread; ServerEnv's members are thread-safe.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_SERVER_MAIN_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_SERVER_MAIN_H_

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/runtime/audit/audit_log.h"
#include "services/runtime/auth/access_policy.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"
#include "services/runtime/server/health_monitor.h"
#include "services/runtime/server/rpc_guard.h"
#include "services/runtime/server/rpc_log.h"

namespace seccoord::runtime {

// Default of --max_message_bytes.
inline constexpr int kDefaultMaxMessageBytes = 4 << 20;

// Threads of the sync server that wait for calls. gRPC's defaults (1 and 2)
// make a busy server start and end a thread for a good share of its calls:
// a thread that takes a call leaves fewer than the minimum waiting, so a new
// one starts, and when the call is done more than the maximum wait, so one
// ends (gRPC's ThreadManager calls this thrashing and names these two
// settings as the remedy). With 2 and 8, four clients in a closed loop
// started about 300 threads in a benchmark run instead of 2,500–5,500. The
// bench's echo uses the same values, so its ceiling is this stack's.
inline constexpr int kSyncServerMinPollers = 2;
inline constexpr int kSyncServerMaxPollers = 8;

// Applies the sync-server thread settings above to `builder`.
inline void SetSyncServerThreads(grpc::ServerBuilder& builder) {
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              kSyncServerMinPollers);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kSyncServerMaxPollers);
}

// The resolved settings of one server (from flags and config, or set by a
// test).
struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see
  // RunningServer::port()).
  std::string listen;
  // Database URL (db::OpenDatabase); used by RunServer only.
  std::string db_url;
  // PEM files: this server's certificate and key, and the CA whose client
  // certificates are accepted.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  // Access policy file (access_policy.h).
  std::string access_policy;
  // TLS without a client certificate allowed; such callers get the
  // anonymous role.
  bool allow_anonymous = false;
  // How long in-flight calls may finish after a shutdown request.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Largest message received or sent, in bytes.
  int max_message_bytes = kDefaultMaxMessageBytes;
  // How often health follows the database (health_monitor.h); zero turns
  // the probe off.
  absl::Duration health_probe_interval = absl::Seconds(2);
  // An existing empty SQLite file is taken for a new database instead of
  // being refused (db::OpenOptions); used by RunServer only.
  bool initialize_empty_db = false;
  // Where the per-RPC log lines go; nullptr = stderr (tests capture them).
  LogSink rpc_log_sink;
};

// What a service's registration hook gets.
class ServerEnv {
 public:
  ServerEnv(const ServerOptions& options, db::Database& db,
            const AccessPolicy& access_policy, AuditLog& audit,
            RpcGuard& guard)
      : options_(options),
        db_(db),
        access_policy_(access_policy),
        audit_(audit),
        guard_(guard) {}

  const ServerOptions& options() const { return options_; }
  db::Database& db() { return db_; }
  const AccessPolicy& access_policy() const { return access_policy_; }
  AuditLog& audit() { return audit_; }
  RpcGuard& guard() { return guard_; }

  // Destroys what Own kept, the last kept first: a later object (a
  // background worker) may use an earlier one (the service it works for).
  ~ServerEnv() {
    while (!owned_.empty()) owned_.pop_back();
  }
  ServerEnv(const ServerEnv&) = delete;
  ServerEnv& operator=(const ServerEnv&) = delete;

  // Keeps `object` (a service implementation, a peer client) alive until the
  // server has shut down; returns it. Objects are destroyed in the reverse
  // order of Own.
  template <typename T>
  T* Own(std::unique_ptr<T> object) {
    T* raw = object.get();
    owned_.push_back(std::shared_ptr<void>(std::move(object)));
    return raw;
  }

 private:
  const ServerOptions& options_;
  db::Database& db_;
  const AccessPolicy& access_policy_;
  AuditLog& audit_;
  RpcGuard& guard_;
  std::vector<std::shared_ptr<void>> owned_;
};

// A service's description.
struct ServerSpec {
  // Short name: policyd, assetd, assessmentd. Names the default database
  // (sqlite:./var/<name>.db) and certificate files (certs/<name>.crt/.key).
  std::string name;
  // Default of --listen, e.g. "127.0.0.1:7401".
  std::string default_listen;
  // Fully-qualified gRPC services registered by register_services, e.g.
  // "seccoord.v1.PolicyService": health reports each of them (and "").
  std::vector<std::string> grpc_services;
  // The service's schema.
  std::vector<db::Migration> migrations;
  // Component its migrations are recorded under ("" = name).
  std::string migration_component;
  // Registers the service implementations (keep them alive with env.Own).
  // Runs before the server starts listening; must not touch the database
  // (the schema may not exist yet).
  std::function<absl::Status(ServerEnv& env, grpc::ServerBuilder& builder)>
      register_services;
  // Optional: runs after the migrations, before the server reports SERVING
  // (seed data, warm caches).
  std::function<absl::Status(ServerEnv& env)> on_migrated;
};

class InFlightCalls;

// A started server.
class RunningServer {
 public:
  // Starts `spec` with `options` on `db` (which must outlive the server):
  // loads the access policy and TLS files, registers the services, listens,
  // migrates, and reports SERVING. Errors name the file or flag at fault.
  static absl::StatusOr<std::unique_ptr<RunningServer>> Start(
      const ServerSpec& spec, const ServerOptions& options, db::Database& db);

  // Shuts down with the options' drain timeout.
  ~RunningServer();

  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  // The port actually listened on.
  int port() const { return port_; }
  // "127.0.0.1:<port>" style address clients can dial.
  std::string address() const;

  ServerEnv& env() { return *env_; }
  grpc::Server& grpc_server() { return *server_; }

  // Health NOT_SERVING, refuse new calls (UNAVAILABLE), let calls in
  // progress finish until `drain` has passed, then cancel what is left and
  // stop — at once when nothing is in progress, however many idle client
  // connections there are. Idempotent.
  void Shutdown(absl::Duration drain);
  void Shutdown() { Shutdown(options_.drain_timeout); }

 private:
  RunningServer() = default;

  ServerOptions options_;
  std::string host_;
  int port_ = 0;
  std::vector<std::string> health_names_;
  std::unique_ptr<AccessPolicy> access_policy_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<RpcGuard> guard_;
  std::unique_ptr<ServerEnv> env_;  // owns the service implementations
  std::shared_ptr<InFlightCalls> in_flight_;
  // Declared last, destroyed first: no call may outlive what it uses.
  std::unique_ptr<grpc::Server> server_;
  // Sets server_'s health; stopped first of all (Shutdown).
  std::unique_ptr<HealthMonitor> health_monitor_;
  bool shut_down_ = false;
};

// Reads the YAML config file and sets each flag it names (keys are flag
// names, values scalars). INVALID_ARGUMENT naming the key for an unknown flag
// or a bad value. Call before absl::ParseCommandLine so the command line wins.
absl::Status ApplyConfigFile(const std::string& path);

// The contents of the file `path` that flag --`flag` names: INVALID_ARGUMENT
// "--flag is required" when empty, NOT_FOUND "--flag: cannot read PATH".
// For the TLS files of the server and of a service's peer clients.
absl::StatusOr<std::string> ReadFileNamedBy(std::string_view flag, const std::string& path);

// The options the shared flags say, with the spec's defaults filled in.
ServerOptions OptionsFromFlags(const ServerSpec& spec);

// The whole life of a server process (see the top of this file); returns the
// process exit code.
int RunServer(int argc, char** argv, const ServerSpec& spec);

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_SERVER_MAIN_H_
