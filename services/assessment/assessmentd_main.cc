// seccoord-assessmentd: the assessment service (seccoord.v1.AssessmentService):
// the self-inspection, its review and advice. Flags, TLS, health, audit and
// lifecycle come from the shared bootstrap; assessment_flags.h adds the
// peers and the checklists.
#include <memory>

#include "services/assessment/assessment_flags.h"
#include "services/assessment/assessment_server.h"

namespace {

// RunServer parses the flags (command line and --config file) after it got
// the spec, so the hooks build the configured spec when they first run.
seccoord::runtime::ServerSpec Spec() {
  seccoord::runtime::ServerSpec spec = seccoord::assessment::AssessmentServerSpec();
  auto configured = std::make_shared<seccoord::runtime::ServerSpec>();
  spec.register_services = [configured](seccoord::runtime::ServerEnv& env,
                                        grpc::ServerBuilder& builder) {
    *configured =
        seccoord::assessment::AssessmentServerSpec(seccoord::assessment::ConfigFromFlags());
    return configured->register_services(env, builder);
  };
  spec.on_migrated = [configured](seccoord::runtime::ServerEnv& env) {
    return configured->on_migrated(env);
  };
  return spec;
}

}  // namespace

int main(int argc, char** argv) { return seccoord::runtime::RunServer(argc, argv, Spec()); }
