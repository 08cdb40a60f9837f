#include "services/assessment/assessment_server.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/checklist.h"
#include "services/assessment/peer_refresher.h"
#include "services/assessment/peers.h"
#include "services/runtime/auth/principal.h"
#include "services/runtime/request_log.h"

namespace seccoord::assessment {
namespace {

// The organisations the access policy names (by organisation or by
// principal), service identities left out: the federation.
std::vector<std::string> FederationOf(const runtime::AccessPolicy& policy) {
  std::set<std::string> orgs;
  for (const auto& [org, roles] : policy.organization_roles()) orgs.insert(org);
  for (const auto& [uri, roles] : policy.principal_roles()) {
    auto principal = runtime::ParsePrincipalUri(uri);
    if (principal.ok() && !principal->IsService()) orgs.insert(principal->organization);
  }
  orgs.erase(std::string(runtime::kServiceOrganization));
  return std::vector<std::string>(orgs.begin(), orgs.end());
}

}  // namespace

runtime::ServerSpec AssessmentServerSpec(AssessmentServerConfig config) {
  // register_services makes the service; on_migrated installs the
  // checklists through it once the schema exists.
  auto service = std::make_shared<AssessmentServiceImpl*>(nullptr);
  auto policy_of = std::make_shared<PolicyPeer*>(nullptr);
  runtime::ServerSpec spec;
  spec.name = "assessmentd";
  spec.default_listen = "127.0.0.1:7403";
  spec.grpc_services = {"seccoord.v1.AssessmentService"};
  spec.migrations = AssessmentMigrations();
  spec.migration_component = "assessment";
  spec.register_services = [config, service, policy_of](runtime::ServerEnv& env,
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
    StatusConfig status;
    status.organizations = FederationOf(env.access_policy());
    status.refresh_period = config.peer_refresh;
    *service = env.Own(std::make_unique<AssessmentServiceImpl>(
        env.db(), env.guard(), *policy_peer, *asset_peer, config.clock, std::move(status)));
    *policy_of = policy_peer;
    builder.RegisterService(*service);
    return absl::OkStatus();
  };
  spec.on_migrated = [config, service, policy_of](runtime::ServerEnv& env) -> absl::Status {
    // Idempotency records of mutations live beside the assessment tables.
    SECCOORD_RETURN_IF_ERROR(
        db::ApplyMigrations(env.db(), "requests", runtime::RequestLogMigrations()));
    SECCOORD_ASSIGN_OR_RETURN(auto checklists, LoadChecklistDir(config.checklist_dir));
    SECCOORD_RETURN_IF_ERROR(
        (*service)->logic().InstallChecklists(checklists, config.checklist_dir));
    SECCOORD_RETURN_IF_ERROR((*service)->logic().RecountYearsOfManyRounds());
    // The background refresh of the status's peer facts, once the schema
    // exists; stopped when the server's environment goes.
    env.Own(std::make_unique<PeerFactsRefresher>((*service)->logic(), **policy_of))->Start();
    return absl::OkStatus();
  };
  return spec;
}

}  // namespace seccoord::assessment
