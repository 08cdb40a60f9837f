#include "services/assessment/assessment_service.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/server/serve.h"

namespace seccoord::assessment {
namespace {

constexpr char kService[] = "/seccoord.v1.AssessmentService/";
constexpr int kWatchBatch = 200;

std::string Method(std::string_view name) { return absl::StrCat(kService, std::string(name)); }

std::string AssessmentTarget(const std::string& id) {
  return id.empty() ? std::string("assessments") : absl::StrCat("assessments/", id);
}

std::string AdviceTarget(const std::string& id) {
  return id.empty() ? std::string("advice") : absl::StrCat("advice/", id);
}

}  // namespace

using runtime::Caller;
using runtime::ServeMutation;
using runtime::ServeRead;

AssessmentServiceImpl::AssessmentServiceImpl(db::Database& db, runtime::RpcGuard& guard,
                                             PolicyPeer& policy, AssetPeer& assets, Clock clock,
                                             StatusConfig status)
    : store_(db),
      logic_(store_, policy, assets, std::move(clock), &notifier_,
             runtime::AuditInTransaction(guard), std::move(status)),
      guard_(guard) {
  // Replicas on one PostgreSQL database wake each other's watchers.
  notifier_.FollowDatabase(db, kAssessmentEventsChannel);
  // Status reads run on gRPC's callback threads on SQLite, on status_reads_
  // otherwise (runtime::EncodedReadHandler says why).
  const bool inline_status_reads = db.dialect() == db::Dialect::kSqlite;
  MarkMethodRawCallback(
      runtime::MethodIndex(Method("GetOrganizationStatus")),
      runtime::EncodedReadHandler<v1::GetOrganizationStatusRequest>(
          guard_, status_reads_, inline_status_reads, Method("GetOrganizationStatus"),
          [](const v1::GetOrganizationStatusRequest& request) {
            return absl::StrCat("status/", request.organization());
          },
          [this](const Caller& caller, const v1::GetOrganizationStatusRequest& request) {
            return logic_.EncodedOrganizationStatus(caller, request);
          }));
  MarkMethodRawCallback(
      runtime::MethodIndex(Method("GetFederationStatus")),
      runtime::EncodedReadHandler<v1::GetFederationStatusRequest>(
          guard_, status_reads_, inline_status_reads, Method("GetFederationStatus"),
          [](const v1::GetFederationStatusRequest&) { return std::string("status"); },
          [this](const Caller& caller, const v1::GetFederationStatusRequest& request) {
            return logic_.EncodedFederationStatus(caller, request);
          }));
}

grpc::Status AssessmentServiceImpl::GetChecklist(grpc::ServerContext* context,
    const v1::GetChecklistRequest* request, v1::Checklist* response) {
  return ServeRead<v1::Checklist>(
      guard_, context, Method("GetChecklist"), request->version().empty() ? std::string("checklists") : absl::StrCat("checklists/", request->version()),
      *request,
      [&](const Caller& caller) { return logic_.GetChecklist(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ListChecklists(grpc::ServerContext* context,
    const v1::ListChecklistsRequest* request, v1::ListChecklistsResponse* response) {
  return ServeRead<v1::ListChecklistsResponse>(
      guard_, context, Method("ListChecklists"), "checklists", *request,
      [&](const Caller& caller) { return logic_.ListChecklists(caller); }, response);
}

grpc::Status AssessmentServiceImpl::CreateAssessment(grpc::ServerContext* context,
    const v1::CreateAssessmentRequest* request, v1::Assessment* response) {
  return ServeMutation<v1::Assessment>(
      guard_, context, Method("CreateAssessment"), "assessments", request->request_id(), *request,
      [&](const Caller& caller) { return logic_.CreateAssessment(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::GetAssessment(grpc::ServerContext* context,
    const v1::GetAssessmentRequest* request, v1::Assessment* response) {
  return ServeRead<v1::Assessment>(
      guard_, context, Method("GetAssessment"), AssessmentTarget(request->assessment_id()),
      *request,
      [&](const Caller& caller) { return logic_.GetAssessment(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ListAssessments(grpc::ServerContext* context,
    const v1::ListAssessmentsRequest* request, v1::ListAssessmentsResponse* response) {
  return ServeRead<v1::ListAssessmentsResponse>(
      guard_, context, Method("ListAssessments"), "assessments", *request,
      [&](const Caller& caller) { return logic_.ListAssessments(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::UpdateAnswers(grpc::ServerContext* context,
    const v1::UpdateAnswersRequest* request, v1::Assessment* response) {
  return ServeMutation<v1::Assessment>(
      guard_, context, Method("UpdateAnswers"), AssessmentTarget(request->assessment_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.UpdateAnswers(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::SubmitAssessment(grpc::ServerContext* context,
    const v1::SubmitAssessmentRequest* request, v1::Assessment* response) {
  return ServeMutation<v1::Assessment>(
      guard_, context, Method("SubmitAssessment"), AssessmentTarget(request->assessment_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.SubmitAssessment(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ReviewAssessment(grpc::ServerContext* context,
    const v1::ReviewAssessmentRequest* request, v1::Assessment* response) {
  return ServeMutation<v1::Assessment>(
      guard_, context, Method("ReviewAssessment"), AssessmentTarget(request->assessment_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.ReviewAssessment(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ReopenAssessment(grpc::ServerContext* context,
    const v1::ReopenAssessmentRequest* request, v1::Assessment* response) {
  return ServeMutation<v1::Assessment>(
      guard_, context, Method("ReopenAssessment"), AssessmentTarget(request->assessment_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.ReopenAssessment(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::SendAdvice(grpc::ServerContext* context,
    const v1::SendAdviceRequest* request, v1::Advice* response) {
  return ServeMutation<v1::Advice>(
      guard_, context, Method("SendAdvice"), absl::StrCat(AssessmentTarget(request->assessment_id()), "/advice"), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.SendAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::GetAdvice(grpc::ServerContext* context,
    const v1::GetAdviceRequest* request, v1::Advice* response) {
  return ServeRead<v1::Advice>(
      guard_, context, Method("GetAdvice"), AdviceTarget(request->advice_id()), *request,
      [&](const Caller& caller) { return logic_.GetAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ListAdvice(grpc::ServerContext* context,
    const v1::ListAdviceRequest* request, v1::ListAdviceResponse* response) {
  return ServeRead<v1::ListAdviceResponse>(
      guard_, context, Method("ListAdvice"), request->assessment_id().empty() ? std::string("advice") : absl::StrCat(AssessmentTarget(request->assessment_id()), "/advice"),
      *request,
      [&](const Caller& caller) { return logic_.ListAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::AnswerAdvice(grpc::ServerContext* context,
    const v1::AnswerAdviceRequest* request, v1::Advice* response) {
  return ServeMutation<v1::Advice>(
      guard_, context, Method("AnswerAdvice"), AdviceTarget(request->advice_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.AnswerAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::CloseAdvice(grpc::ServerContext* context,
    const v1::CloseAdviceRequest* request, v1::Advice* response) {
  return ServeMutation<v1::Advice>(
      guard_, context, Method("CloseAdvice"), AdviceTarget(request->advice_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.CloseAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::ReopenAdvice(grpc::ServerContext* context,
    const v1::ReopenAdviceRequest* request, v1::Advice* response) {
  return ServeMutation<v1::Advice>(
      guard_, context, Method("ReopenAdvice"), AdviceTarget(request->advice_id()), request->request_id(),
      *request,
      [&](const Caller& caller) { return logic_.ReopenAdvice(caller, *request); }, response);
}

grpc::Status AssessmentServiceImpl::CompareAssessments(
    grpc::ServerContext* context, const v1::CompareAssessmentsRequest* request,
    v1::AssessmentComparison* response) {
  return ServeRead<v1::AssessmentComparison>(
      guard_, context, Method("CompareAssessments"),
      absl::StrCat(AssessmentTarget(request->base_assessment_id()), "/compare"), *request,
      [&](const Caller& caller) { return logic_.CompareAssessments(caller, *request); },
      response);
}

grpc::Status AssessmentServiceImpl::WatchAssessmentEvents(
    grpc::ServerContext* context, const v1::WatchAssessmentEventsRequest* request,
    grpc::ServerWriter<v1::AssessmentEvent>* writer) {
  auto caller = runtime::AdmitRequest(guard_, context, Method("WatchAssessmentEvents"), "events",
                                      *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status valid = logic_.ValidateWatch(*caller, *request);
  if (!valid.ok()) return guard_.Finish(*caller, "events", valid);
  return runtime::StreamEventRows<v1::AssessmentEvent>(
      guard_, context, writer, notifier_, request->since_sequence(), request->backlog_only(),
      [&](int64_t after, int64_t* scanned_to) {
        return logic_.VisibleEventsAfter(*caller, after, kWatchBatch, scanned_to);
      },
      [&](const absl::Status& status) { return guard_.Finish(*caller, "events", status); });
}

}  // namespace seccoord::assessment
