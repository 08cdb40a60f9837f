// AssessmentServiceImpl: the gRPC handlers of seccoord.v1.AssessmentService.
//
// Each handler authenticates and authorizes through the runtime's RpcGuard
// (the one permission table: checklists need read_checklists, detail reads
// read_assessment_detail, the assessed organisation's writes
// write_assessment, an advisor's review_assessment), hands the request to
// AssessmentLogic, and maps absl::Status to grpc::Status; committed
// mutations are audited in their own transaction, refusals by the guard. No
// SQL and no business rules live here.
//
// Thread-safety: safe for concurrent calls (the sync server's thread pool).
#ifndef SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
#define SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>

#include "seccoord/v1/assessment.grpc.pb.h"
#include "services/assessment/assessment_logic.h"
#include "services/assessment/assessment_store.h"
#include "services/runtime/event_notifier.h"
#include "services/runtime/server/rpc_guard.h"
#include "services/runtime/server/serve.h"
#include "services/runtime/server/work_pool.h"

namespace seccoord::assessment {

class AssessmentServiceImpl final : public v1::AssessmentService::Service {
 public:
  // The status reads' pool: as many threads as the sync server keeps busy
  // under the bench's load, and a queue that holds a second's worth of
  // reads at most before it refuses.
  static constexpr int kStatusReadThreads = 4;
  static constexpr size_t kMaxQueuedStatusReads = 1000;

  // `policy` and `assets` must outlive the service.
  AssessmentServiceImpl(db::Database& db, runtime::RpcGuard& guard, PolicyPeer& policy,
                        AssetPeer& assets, Clock clock = Clock::System(),
                        StatusConfig status = {});

  AssessmentLogic& logic() { return logic_; }

  grpc::Status GetChecklist(grpc::ServerContext* context, const v1::GetChecklistRequest* request,
                            v1::Checklist* response) override;
  grpc::Status ListChecklists(grpc::ServerContext* context,
                              const v1::ListChecklistsRequest* request,
                              v1::ListChecklistsResponse* response) override;
  grpc::Status CreateAssessment(grpc::ServerContext* context,
                                const v1::CreateAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::Status GetAssessment(grpc::ServerContext* context,
                             const v1::GetAssessmentRequest* request,
                             v1::Assessment* response) override;
  grpc::Status ListAssessments(grpc::ServerContext* context,
                               const v1::ListAssessmentsRequest* request,
                               v1::ListAssessmentsResponse* response) override;
  grpc::Status UpdateAnswers(grpc::ServerContext* context,
                             const v1::UpdateAnswersRequest* request,
                             v1::Assessment* response) override;
  grpc::Status SubmitAssessment(grpc::ServerContext* context,
                                const v1::SubmitAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::Status ReviewAssessment(grpc::ServerContext* context,
                                const v1::ReviewAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::Status ReopenAssessment(grpc::ServerContext* context,
                                const v1::ReopenAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::Status SendAdvice(grpc::ServerContext* context, const v1::SendAdviceRequest* request,
                          v1::Advice* response) override;
  grpc::Status GetAdvice(grpc::ServerContext* context, const v1::GetAdviceRequest* request,
                         v1::Advice* response) override;
  grpc::Status ListAdvice(grpc::ServerContext* context, const v1::ListAdviceRequest* request,
                          v1::ListAdviceResponse* response) override;
  grpc::Status AnswerAdvice(grpc::ServerContext* context, const v1::AnswerAdviceRequest* request,
                            v1::Advice* response) override;
  grpc::Status CloseAdvice(grpc::ServerContext* context, const v1::CloseAdviceRequest* request,
                           v1::Advice* response) override;
  grpc::Status ReopenAdvice(grpc::ServerContext* context, const v1::ReopenAdviceRequest* request,
                            v1::Advice* response) override;
  grpc::Status CompareAssessments(grpc::ServerContext* context,
                                  const v1::CompareAssessmentsRequest* request,
                                  v1::AssessmentComparison* response) override;
  grpc::Status WatchAssessmentEvents(grpc::ServerContext* context,
                                     const v1::WatchAssessmentEventsRequest* request,
                                     grpc::ServerWriter<v1::AssessmentEvent>* writer) override;

 private:
  AssessmentStore store_;
  runtime::EventNotifier notifier_;
  AssessmentLogic logic_;
  runtime::RpcGuard& guard_;
  // The threads GetOrganizationStatus and GetFederationStatus run on
  // (runtime::EncodedReadHandler); destroyed first, so the calls still
  // queued finish with logic_ alive.
  runtime::WorkPool status_reads_{kStatusReadThreads, kMaxQueuedStatusReads};
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
