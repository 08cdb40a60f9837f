#include "services/assessment/assessment_server.h"

#include <memory>

#include "common/status.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/checklist.h"
#include "services/assessment/peers.h"
#include "services/runtime/request_log.h"

namespace seccoord::assessment {

runtime::ServerSpec AssessmentServerSpec(AssessmentServerConfig config) {
  // register_services makes the service; on_migrated installs the
  // checklists through it once the schema exists.
  auto service = std::make_shared<AssessmentServiceImpl*>(nullptr);
  runtime::ServerSpec spec;
  spec.name = "assessmentd";
  spec.default_listen = "127.0.0.1:7403";
  spec.grpc_services = {"seccoord.v1.AssessmentService"};
  spec.migrations = AssessmentMigrations();
  spec.migration_component = "assessment";
  spec.register_services = [config, service](runtime::ServerEnv& env,
                                             grpc::ServerBuilder& builder) -> absl::Status {
    PeerOptions peers;
    peers.policy_address = config.policy_address;
    peers.asset_address = config.asset_address;
    peers.tls_cert = env.options().tls_cert;
    peers.tls_key = env.options().tls_key;
    peers.tls_ca = env.options().tls_ca;
    peers.deadline = config.peer_deadline;
    peers.max_message_bytes = env.options().max_message_bytes;
    SECCOORD_ASSIGN_OR_RETURN(auto policy, MakeGrpcPolicyPeer(peers));
    SECCOORD_ASSIGN_OR_RETURN(auto assets, MakeGrpcAssetPeer(peers));
    PolicyPeer* policy_peer = env.Own(std::move(policy));
    AssetPeer* asset_peer = env.Own(std::move(assets));
    *service = env.Own(std::make_unique<AssessmentServiceImpl>(
        env.db(), env.guard(), *policy_peer, *asset_peer, config.clock));
    builder.RegisterService(*service);
    return absl::OkStatus();
  };
  spec.on_migrated = [config, service](runtime::ServerEnv& env) -> absl::Status {
    // Idempotency records of mutations live beside the assessment tables.
    SECCOORD_RETURN_IF_ERROR(
        db::ApplyMigrations(env.db(), "requests", runtime::RequestLogMigrations()));
    SECCOORD_ASSIGN_OR_RETURN(auto checklists, LoadChecklistDir(config.checklist_dir));
    return (*service)->logic().InstallChecklists(checklists, config.checklist_dir);
  };
  return spec;
}

}  // namespace seccoord::assessment
