// The ServerSpec of seccoord-assessmentd: what the shared bootstrap needs to
// run the assessment service. Used by assessmentd_main.cc and by the
// in-process integration tests, so both run exactly the same wiring.
//
// Thread-safety: returns a fresh value; safe from any thread.
#ifndef SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVER_H_
#define SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVER_H_

#include <string>

#include "absl/time/time.h"
#include "services/runtime/clock.h"
#include "services/runtime/server/server_main.h"

namespace seccoord::assessment {

// What the assessment service needs beyond the shared flags.
struct AssessmentServerConfig {
  // host:port of seccoord-policyd and seccoord-assetd.
  std::string policy_address = "127.0.0.1:7401";
  std::string asset_address = "127.0.0.1:7402";
  // Deadline of every call to a peer, retries included.
  absl::Duration peer_deadline = absl::Milliseconds(1500);
  // How often the peer facts of the status (findings summaries, policy
  // documents) are read again in the background.
  absl::Duration peer_refresh = absl::Seconds(60);
  // Folder of the checklist files (*.yaml), loaded at start.
  std::string checklist_dir = "data/checklists";
  // Time sources (tests fix "today").
  runtime::Clock clock = runtime::Clock::System();
};

// The peers are reached with the server's own certificate and key
// (--tls_cert/--tls_key: the service certificate is also its client
// identity, seccoord://service/assessmentd) and its CA (--tls_ca).
runtime::ServerSpec AssessmentServerSpec(AssessmentServerConfig config = {});

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVER_H_
