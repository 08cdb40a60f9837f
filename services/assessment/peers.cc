#include "services/assessment/peers.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>

#include "common/proto_convert.h"
#include "common/status.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "services/runtime/server/server_main.h"

namespace seccoord::assessment {
namespace {

void SetDeadline(grpc::ClientContext* context, absl::Duration deadline) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::microseconds(absl::ToInt64Microseconds(deadline)));
}

class GrpcPolicyPeer final : public PolicyPeer {
 public:
  GrpcPolicyPeer(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
      : stub_(v1::PolicyService::NewStub(channel)), deadline_(deadline) {}

  absl::StatusOr<v1::Revision> RevisionInForce(const std::string& document_id,
                                               const CivilDate& date) override {
    v1::GetRevisionRequest request;
    request.set_document_id(document_id);
    *request.mutable_in_force_on() = ToProtoDate(date);
    grpc::ClientContext context;
    SetDeadline(&context, deadline_);
    v1::Revision revision;
    grpc::Status status = stub_->GetRevision(&context, request, &revision);
    if (!status.ok()) return FromGrpcStatus(status);
    return revision;
  }

  absl::StatusOr<std::vector<v1::Document>> ListDocuments() override {
    grpc::ClientContext context;
    SetDeadline(&context, deadline_);
    v1::ListDocumentsResponse response;
    grpc::Status status = stub_->ListDocuments(&context, v1::ListDocumentsRequest(), &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return std::vector<v1::Document>(response.documents().begin(), response.documents().end());
  }

  absl::Status WatchRevisionEvents(
      int64_t since, const std::function<void(const v1::RevisionEvent&)>& on_event,
      const std::function<void(std::function<void()> cancel)>& on_start) override {
    grpc::ClientContext context;
    on_start([&context] { context.TryCancel(); });
    v1::WatchRevisionEventsRequest request;
    request.set_since_sequence(since);
    auto reader = stub_->WatchRevisionEvents(&context, request);
    v1::RevisionEvent event;
    while (reader->Read(&event)) on_event(event);
    return FromGrpcStatus(reader->Finish());
  }

 private:
  std::unique_ptr<v1::PolicyService::Stub> stub_;
  absl::Duration deadline_;
};

class GrpcAssetPeer final : public AssetPeer {
 public:
  GrpcAssetPeer(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
      : stub_(v1::AssetService::NewStub(channel)), deadline_(deadline) {}

  absl::StatusOr<v1::FindingsSummary> FindingsSummary(const std::string& organization) override {
    v1::GetFindingsSummaryRequest request;
    request.set_organization(organization);
    grpc::ClientContext context;
    SetDeadline(&context, deadline_);
    v1::FindingsSummary summary;
    grpc::Status status = stub_->GetFindingsSummary(&context, request, &summary);
    if (!status.ok()) return FromGrpcStatus(status);
    return summary;
  }

 private:
  std::unique_ptr<v1::AssetService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace

std::string PeerServiceConfigJson() {
  // gRPC's retry policy (gRFC A6): transparent to the caller, bounded by the
  // call's deadline. Only UNAVAILABLE is retried: the peer restarting or a
  // connection lost; every other code is an answer.
  return R"({
  "methodConfig": [{
    "name": [{"service": "seccoord.v1.PolicyService"}, {"service": "seccoord.v1.AssetService"}],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.1s",
      "maxBackoff": "0.5s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})";
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakePeerChannel(const std::string& address,
                                                               const PeerOptions& options) {
  grpc::SslCredentialsOptions tls;
  SECCOORD_ASSIGN_OR_RETURN(tls.pem_root_certs,
                            runtime::ReadFileNamedBy("tls_ca", options.tls_ca));
  SECCOORD_ASSIGN_OR_RETURN(tls.pem_cert_chain,
                            runtime::ReadFileNamedBy("tls_cert", options.tls_cert));
  SECCOORD_ASSIGN_OR_RETURN(tls.pem_private_key,
                            runtime::ReadFileNamedBy("tls_key", options.tls_key));
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(PeerServiceConfigJson());
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  // Reconnect quickly once a stopped peer is back (the default backoff grows
  // to two minutes, which would keep a restarted peer "down" for long).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(tls), args);
}

absl::StatusOr<std::unique_ptr<PolicyPeer>> MakeGrpcPolicyPeer(const PeerOptions& options) {
  if (options.policy_address.empty()) {
    return absl::InvalidArgumentError("--policy_address is required");
  }
  SECCOORD_ASSIGN_OR_RETURN(auto channel, MakePeerChannel(options.policy_address, options));
  return std::make_unique<GrpcPolicyPeer>(std::move(channel), options.deadline);
}

absl::StatusOr<std::unique_ptr<AssetPeer>> MakeGrpcAssetPeer(const PeerOptions& options) {
  if (options.asset_address.empty()) {
    return absl::InvalidArgumentError("--asset_address is required");
  }
  SECCOORD_ASSIGN_OR_RETURN(auto channel, MakePeerChannel(options.asset_address, options));
  return std::make_unique<GrpcAssetPeer>(std::move(channel), options.deadline);
}

}  // namespace seccoord::assessment
