#include "services/policy/policy_server.h"

#include <memory>

#include "services/policy/policy_service.h"
#include "services/policy/policy_store.h"
#include "services/runtime/request_log.h"

namespace seccoord::policy {

runtime::ServerSpec PolicyServerSpec() {
  runtime::ServerSpec spec;
  spec.name = "policyd";
  spec.default_listen = "127.0.0.1:7401";
  spec.grpc_services = {"seccoord.v1.PolicyService"};
  spec.migrations = PolicyMigrations();
  spec.migration_component = "policy";
  spec.register_services = [](runtime::ServerEnv& env,
                              grpc::ServerBuilder& builder) -> absl::Status {
    builder.RegisterService(env.Own(std::make_unique<PolicyServiceImpl>(env.db(), env.guard())));
    return absl::OkStatus();
  };
  spec.on_migrated = [](runtime::ServerEnv& env) -> absl::Status {
    // Idempotency records of mutations live beside the policy tables.
    return db::ApplyMigrations(env.db(), "requests", runtime::RequestLogMigrations());
  };
  return spec;
}

}  // namespace seccoord::policy
