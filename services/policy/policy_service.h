// PolicyServiceImpl: the gRPC handlers of seccoord.v1.PolicyService.
//
// Each handler authenticates and authorizes through the runtime's RpcGuard
// (the one permission table), hands the request to PolicyLogic, records the
// outcome in the audit chain and maps absl::Status to grpc::Status. No SQL
// and no business rules live here.
//
// Thread-safety: safe for concurrent calls (the sync server's thread pool).
#ifndef SECCOORD_SERVICES_POLICY_POLICY_SERVICE_H_
#define SECCOORD_SERVICES_POLICY_POLICY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "seccoord/v1/policy.grpc.pb.h"
#include "services/policy/policy_logic.h"
#include "services/policy/policy_store.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::policy {

class PolicyServiceImpl final : public v1::PolicyService::Service {
 public:
  PolicyServiceImpl(db::Database& db, runtime::RpcGuard& guard, Clock clock = Clock::System());

  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::Document* response) override;
  grpc::Status ListRevisions(grpc::ServerContext* context, const v1::ListRevisionsRequest* request,
                             v1::ListRevisionsResponse* response) override;
  grpc::Status GetRevision(grpc::ServerContext* context, const v1::GetRevisionRequest* request,
                           v1::Revision* response) override;
  grpc::Status CreateRevision(grpc::ServerContext* context,
                              const v1::CreateRevisionRequest* request,
                              v1::Revision* response) override;
  grpc::Status UpdateRevision(grpc::ServerContext* context,
                              const v1::UpdateRevisionRequest* request,
                              v1::Revision* response) override;
  grpc::Status SubmitRevision(grpc::ServerContext* context,
                              const v1::TransitionRevisionRequest* request,
                              v1::Revision* response) override;
  grpc::Status ApproveRevision(grpc::ServerContext* context,
                               const v1::TransitionRevisionRequest* request,
                               v1::Revision* response) override;
  grpc::Status PublishRevision(grpc::ServerContext* context,
                               const v1::PublishRevisionRequest* request,
                               v1::Revision* response) override;
  grpc::Status WithdrawRevision(grpc::ServerContext* context,
                                const v1::TransitionRevisionRequest* request,
                                v1::Revision* response) override;
  grpc::Status DiffRevisions(grpc::ServerContext* context, const v1::DiffRevisionsRequest* request,
                             v1::DiffRevisionsResponse* response) override;
  grpc::Status WatchRevisionEvents(grpc::ServerContext* context,
                                   const v1::WatchRevisionEventsRequest* request,
                                   grpc::ServerWriter<v1::RevisionEvent>* writer) override;
  grpc::Status AcknowledgeRevision(grpc::ServerContext* context,
                                   const v1::AcknowledgeRevisionRequest* request,
                                   v1::Acknowledgement* response) override;
  grpc::Status ListAcknowledgements(grpc::ServerContext* context,
                                    const v1::ListAcknowledgementsRequest* request,
                                    v1::ListAcknowledgementsResponse* response) override;
  grpc::Status AddRevisionComment(grpc::ServerContext* context,
                                  const v1::AddRevisionCommentRequest* request,
                                  v1::RevisionComment* response) override;
  grpc::Status ListRevisionComments(grpc::ServerContext* context,
                                    const v1::ListRevisionCommentsRequest* request,
                                    v1::ListRevisionCommentsResponse* response) override;

 private:
  PolicyStore store_;
  runtime::EventNotifier notifier_;
  PolicyLogic logic_;
  runtime::RpcGuard& guard_;
};

}  // namespace seccoord::policy

#endif  // SECCOORD_SERVICES_POLICY_POLICY_SERVICE_H_
