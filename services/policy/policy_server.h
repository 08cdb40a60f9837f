// The ServerSpec of seccoord-policyd: what the shared bootstrap needs to run
// the policy-version service. Used by policyd_main.cc and by the in-process
// integration tests, so both run exactly the same wiring.
//
// Thread-safety: returns a fresh value; safe from any thread.
#ifndef SECCOORD_SERVICES_POLICY_POLICY_SERVER_H_
#define SECCOORD_SERVICES_POLICY_POLICY_SERVER_H_

#include "services/runtime/server/server_main.h"

namespace seccoord::policy {

runtime::ServerSpec PolicyServerSpec();

}  // namespace seccoord::policy

#endif  // SECCOORD_SERVICES_POLICY_POLICY_SERVER_H_
