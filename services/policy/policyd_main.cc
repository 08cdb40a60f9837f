// seccoord-policyd: the policy-version service (seccoord.v1.PolicyService).
// Flags and lifecycle come from the shared bootstrap (server_main.h).
#include <memory>

#include "services/policy/policy_service.h"
#include "services/policy/policy_store.h"
#include "services/runtime/request_log.h"
#include "services/runtime/server/server_main.h"

int main(int argc, char** argv) {
  using seccoord::runtime::ServerEnv;
  return seccoord::runtime::RunServer(
      argc, argv,
      {.name = "policyd",
       .default_listen = "127.0.0.1:7401",
       .grpc_services = {"seccoord.v1.PolicyService"},
       .migrations = seccoord::policy::PolicyMigrations(),
       .migration_component = "policy",
       .register_services =
           [](ServerEnv& env, grpc::ServerBuilder& builder) -> absl::Status {
         builder.RegisterService(env.Own(
             std::make_unique<seccoord::policy::PolicyServiceImpl>(env.db(), env.guard())));
         return absl::OkStatus();
       },
       .on_migrated = [](ServerEnv& env) -> absl::Status {
         // Idempotency records live beside the policy tables.
         return seccoord::db::ApplyMigrations(env.db(), "requests",
                                              seccoord::runtime::RequestLogMigrations());
       }});
}
