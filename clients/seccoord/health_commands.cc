#include "clients/seccoord/health_commands.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/seccoord/command.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace seccoord::cli {
namespace {

using grpc::health::v1::HealthCheckResponse;

struct HealthArgs {
  std::string service = "policy";
};

absl::Status RunHealth(CommandContext& ctx, const HealthArgs& a) {
  auto kind = ParseServiceKind(a.service);
  if (!kind.ok()) return UsageError(kind.status());
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, ctx.Channel(*kind));
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext call;
  ctx.PrepareCall(&call);
  grpc::health::v1::HealthCheckRequest request;  // "" = the whole server
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&call, request, &response);
  if (!status.ok()) return RpcError(status);
  const std::string state = HealthCheckResponse::ServingStatus_Name(response.status());
  SECCOORD_RETURN_IF_ERROR(
      ctx.Print(response, [&] { return absl::StrCat(a.service, ": ", state, "\n"); }));
  if (response.status() != HealthCheckResponse::SERVING) {
    return RpcError(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 absl::StrCat("the ", a.service, " service is ", state)));
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterHealthCommands(CLI::App& root, CommandContext& ctx) {
  auto a = std::make_shared<HealthArgs>();
  CLI::App* c = root.add_subcommand(
      "health", "Ask a server whether it is SERVING (exit 0) or not (exit 1)");
  c->add_option("--service", a->service, "Which server: policy, asset or assessment")
      ->check(CLI::IsMember({"policy", "asset", "assessment"}))
      ->capture_default_str();
  SetAction(c, ctx, [&ctx, a] { return RunHealth(ctx, *a); });
}

}  // namespace seccoord::cli
