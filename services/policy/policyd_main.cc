// seccoord-policyd: the policy-version service (seccoord.v1.PolicyService).
// Flags, TLS, health, audit and lifecycle come from the shared bootstrap.
#include "services/policy/policy_server.h"

int main(int argc, char** argv) {
  return seccoord::runtime::RunServer(argc, argv, seccoord::policy::PolicyServerSpec());
}
