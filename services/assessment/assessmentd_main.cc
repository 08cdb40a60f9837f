// seccoord-assessmentd: the assessment service (seccoord.v1.AssessmentService):
// the self-inspection, its review and advice. Flags, TLS, health, audit and
// lifecycle come from the shared bootstrap; the flags below name its peers
// and its checklists.
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "services/assessment/assessment_server.h"

ABSL_FLAG(std::string, policy_address, "127.0.0.1:7401",
          "host:port of seccoord-policyd (the basic policy in force)");
ABSL_FLAG(std::string, asset_address, "127.0.0.1:7402",
          "host:port of seccoord-assetd (findings summaries)");
ABSL_FLAG(int32_t, peer_deadline_ms, 1500,
          "deadline of every call to a peer, retries included, in milliseconds");
ABSL_FLAG(std::string, checklists, "data/checklists",
          "folder of the checklist files (*.yaml) loaded at start");

namespace {

// RunServer parses the flags (command line and --config file) after it got
// the spec, so the hooks build the configured spec when they first run.
seccoord::runtime::ServerSpec Spec() {
  seccoord::runtime::ServerSpec spec = seccoord::assessment::AssessmentServerSpec();
  auto configured = std::make_shared<seccoord::runtime::ServerSpec>();
  spec.register_services = [configured](seccoord::runtime::ServerEnv& env,
                                        grpc::ServerBuilder& builder) {
    seccoord::assessment::AssessmentServerConfig config;
    config.policy_address = absl::GetFlag(FLAGS_policy_address);
    config.asset_address = absl::GetFlag(FLAGS_asset_address);
    config.peer_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_peer_deadline_ms));
    config.checklist_dir = absl::GetFlag(FLAGS_checklists);
    *configured = seccoord::assessment::AssessmentServerSpec(config);
    return configured->register_services(env, builder);
  };
  spec.on_migrated = [configured](seccoord::runtime::ServerEnv& env) {
    return configured->on_migrated(env);
  };
  return spec;
}

}  // namespace

int main(int argc, char** argv) { return seccoord::runtime::RunServer(argc, argv, Spec()); }
