// The flags of seccoord-assessmentd beyond the shared ones (peers and
// checklists), defined once so the binary and the test of the example
// configs (deploy/config/assessmentd.yaml) know the same flags.
//
// Thread-safety: read the flags after they were parsed (RunServer does).
#ifndef SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_FLAGS_H_
#define SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_FLAGS_H_

#include "services/assessment/assessment_server.h"

namespace seccoord::assessment {

// --policy_address, --asset_address, --peer_deadline_ms, --peer_refresh_ms,
// --checklists.
AssessmentServerConfig ConfigFromFlags();

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_FLAGS_H_
