#include "services/assessment/assessment_flags.h"

#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, policy_address, "127.0.0.1:7401",
          "host:port of seccoord-policyd (the basic policy in force)");
ABSL_FLAG(std::string, asset_address, "127.0.0.1:7402",
          "host:port of seccoord-assetd (findings summaries)");
ABSL_FLAG(int32_t, peer_deadline_ms, 1500,
          "deadline of every call to a peer, retries included, in milliseconds");
ABSL_FLAG(int32_t, peer_refresh_ms, 60000,
          "how often the status's facts from the peers (findings summaries, policy documents) "
          "are read again in the background, in milliseconds");
ABSL_FLAG(std::string, checklists, "data/checklists",
          "folder of the checklist files (*.yaml) loaded at start");

namespace seccoord::assessment {

AssessmentServerConfig ConfigFromFlags() {
  AssessmentServerConfig config;
  config.policy_address = absl::GetFlag(FLAGS_policy_address);
  config.asset_address = absl::GetFlag(FLAGS_asset_address);
  config.peer_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_peer_deadline_ms));
  config.peer_refresh = absl::Milliseconds(absl::GetFlag(FLAGS_peer_refresh_ms));
  config.checklist_dir = absl::GetFlag(FLAGS_checklists);
  return config;
}

}  // namespace seccoord::assessment
