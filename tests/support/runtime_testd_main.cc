// seccoord-runtime-testd: the smallest seccoord server — the bootstrap with
// no service of its own, only the AuditService every server has. It is what
// tests/unit/server_main_test.cc starts as a process to check flags, the
// config file, readiness and the SIGTERM drain, and it shows the shape of a
// service's main.cc.
#include "absl/flags/flag.h"
#include "services/runtime/server/server_main.h"

// A per-service setting, as a peer address would be; settable from --config.
ABSL_FLAG(std::string, greeting, "hello", "a service-specific setting");

int main(int argc, char** argv) {
  seccoord::runtime::ServerSpec spec;
  spec.name = "runtime-testd";
  spec.default_listen = "127.0.0.1:7499";
  spec.register_services = [](seccoord::runtime::ServerEnv&,
                              grpc::ServerBuilder&) -> absl::Status {
    return absl::OkStatus();
  };
  spec.on_migrated = [](seccoord::runtime::ServerEnv&) -> absl::Status {
    seccoord::runtime::LogServerEvent(
        "info", "greeting: " + absl::GetFlag(FLAGS_greeting));
    return absl::OkStatus();
  };
  return seccoord::runtime::RunServer(argc, argv, spec);
}
