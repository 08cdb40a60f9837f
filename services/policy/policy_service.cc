#include "services/policy/policy_service.h"


#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/server/serve.h"

namespace seccoord::policy {
namespace {

constexpr char kService[] = "/seccoord.v1.PolicyService/";

std::string RevisionTarget(const std::string& document_id, int64_t number) {
  return absl::StrCat("documents/", document_id, "/revisions/", number);
}

std::string DocumentTarget(const std::string& document_id) {
  return absl::StrCat("documents/", document_id);
}

// How many stored events one read of the watch loop takes, and how long a
// watcher sleeps when nothing is new before it looks again (the bound on how
// late a replica learns of another replica's events).
constexpr int kWatchBatch = 200;

std::string Method(std::string_view name) { return absl::StrCat(kService, std::string(name)); }

}  // namespace

PolicyServiceImpl::PolicyServiceImpl(db::Database& db, runtime::RpcGuard& guard, Clock clock)
    : store_(db),
      logic_(store_, std::move(clock), &notifier_, runtime::AuditInTransaction(guard)),
      guard_(guard) {
  // Replicas on one PostgreSQL database wake each other's watchers.
  notifier_.FollowDatabase(db, kRevisionEventsChannel);
}

using runtime::Caller;
using runtime::ServeMutation;
using runtime::ServeRead;

grpc::Status PolicyServiceImpl::ListDocuments(grpc::ServerContext* context,
                                              const v1::ListDocumentsRequest* request,
                                              v1::ListDocumentsResponse* response) {
  return ServeRead<v1::ListDocumentsResponse>(
      guard_, context, Method("ListDocuments"), "documents", *request,
      [&](const Caller& caller) { return logic_.ListDocuments(caller); }, response);
}

grpc::Status PolicyServiceImpl::GetDocument(grpc::ServerContext* context,
                                            const v1::GetDocumentRequest* request,
                                            v1::Document* response) {
  return ServeRead<v1::Document>(
      guard_, context, Method("GetDocument"), DocumentTarget(request->document_id()), *request,
      [&](const Caller& caller) { return logic_.GetDocument(caller, *request); }, response);
}

// GetRevision and ListRevisions hand their response straight to gRPC, so the
// articles of published revisions go out pre-encoded (ArticleForm::kEncoded):
// the same bytes on the wire, without encoding ~10 KB of immutable text
// again on every call.
grpc::Status PolicyServiceImpl::ListRevisions(grpc::ServerContext* context,
                                              const v1::ListRevisionsRequest* request,
                                              v1::ListRevisionsResponse* response) {
  return ServeRead<v1::ListRevisionsResponse>(
      guard_, context, Method("ListRevisions"), DocumentTarget(request->document_id()), *request,
      [&](const Caller& caller) {
        return logic_.ListRevisions(caller, *request, ArticleForm::kEncoded);
      },
      response);
}

grpc::Status PolicyServiceImpl::GetRevision(grpc::ServerContext* context,
                                            const v1::GetRevisionRequest* request,
                                            v1::Revision* response) {
  return ServeRead<v1::Revision>(
      guard_, context, Method("GetRevision"),
      RevisionTarget(request->document_id(), request->number()), *request,
      [&](const Caller& caller) {
        return logic_.GetRevision(caller, *request, ArticleForm::kEncoded);
      },
      response);
}

grpc::Status PolicyServiceImpl::CreateRevision(grpc::ServerContext* context,
                                               const v1::CreateRevisionRequest* request,
                                               v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("CreateRevision"),
      RevisionTarget(request->document_id(), request->base_revision() + 1),
      request->request_id(), *request,
      [&](const Caller& caller) { return logic_.CreateRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::UpdateRevision(grpc::ServerContext* context,
                                               const v1::UpdateRevisionRequest* request,
                                               v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("UpdateRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.UpdateRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::SubmitRevision(grpc::ServerContext* context,
                                               const v1::TransitionRevisionRequest* request,
                                               v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("SubmitRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.SubmitRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::ApproveRevision(grpc::ServerContext* context,
                                                const v1::TransitionRevisionRequest* request,
                                                v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("ApproveRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.ApproveRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::PublishRevision(grpc::ServerContext* context,
                                                const v1::PublishRevisionRequest* request,
                                                v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("PublishRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.PublishRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::WithdrawRevision(grpc::ServerContext* context,
                                                 const v1::TransitionRevisionRequest* request,
                                                 v1::Revision* response) {
  return ServeMutation<v1::Revision>(
      guard_, context, Method("WithdrawRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.WithdrawRevision(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::DiffRevisions(grpc::ServerContext* context,
                                              const v1::DiffRevisionsRequest* request,
                                              v1::DiffRevisionsResponse* response) {
  return ServeRead<v1::DiffRevisionsResponse>(
      guard_, context, Method("DiffRevisions"),
      absl::StrCat(DocumentTarget(request->document_id()), "/diff/", request->from_number(),
                   "..", request->to_number()), *request,
      [&](const Caller& caller) { return logic_.DiffRevisions(caller, *request); }, response);
}

grpc::Status PolicyServiceImpl::AcknowledgeRevision(grpc::ServerContext* context,
                                                    const v1::AcknowledgeRevisionRequest* request,
                                                    v1::Acknowledgement* response) {
  return ServeMutation<v1::Acknowledgement>(
      guard_, context, Method("AcknowledgeRevision"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.AcknowledgeRevision(caller, *request); },
      response);
}

grpc::Status PolicyServiceImpl::ListAcknowledgements(
    grpc::ServerContext* context, const v1::ListAcknowledgementsRequest* request,
    v1::ListAcknowledgementsResponse* response) {
  return ServeRead<v1::ListAcknowledgementsResponse>(
      guard_, context, Method("ListAcknowledgements"),
      RevisionTarget(request->document_id(), request->number()), *request,
      [&](const Caller& caller) { return logic_.ListAcknowledgements(caller, *request); },
      response);
}

grpc::Status PolicyServiceImpl::AddRevisionComment(grpc::ServerContext* context,
                                                   const v1::AddRevisionCommentRequest* request,
                                                   v1::RevisionComment* response) {
  return ServeMutation<v1::RevisionComment>(
      guard_, context, Method("AddRevisionComment"),
      RevisionTarget(request->document_id(), request->number()), request->request_id(), *request,
      [&](const Caller& caller) { return logic_.AddRevisionComment(caller, *request); },
      response);
}

grpc::Status PolicyServiceImpl::ListRevisionComments(
    grpc::ServerContext* context, const v1::ListRevisionCommentsRequest* request,
    v1::ListRevisionCommentsResponse* response) {
  return ServeRead<v1::ListRevisionCommentsResponse>(
      guard_, context, Method("ListRevisionComments"),
      RevisionTarget(request->document_id(), request->number()), *request,
      [&](const Caller& caller) { return logic_.ListRevisionComments(caller, *request); },
      response);
}

grpc::Status PolicyServiceImpl::WatchRevisionEvents(grpc::ServerContext* context,
                                                    const v1::WatchRevisionEventsRequest* request,
                                                    grpc::ServerWriter<v1::RevisionEvent>* writer) {
  const std::string target = request->document_id().empty()
                                 ? std::string("documents")
                                 : DocumentTarget(request->document_id());
  auto caller =
      runtime::AdmitRequest(guard_, context, Method("WatchRevisionEvents"), target, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::Status valid = logic_.ValidateWatch(*caller, *request);
  if (!valid.ok()) return guard_.Finish(*caller, target, valid);

  return runtime::StreamEventRows<v1::RevisionEvent>(
      guard_, context, writer, notifier_, request->since_sequence(), request->backlog_only(),
      [&](int64_t after, int64_t* scanned_to) {
        return logic_.VisibleEventsAfter(*caller, request->document_id(), after, kWatchBatch,
                                         scanned_to);
      },
      [&](const absl::Status& status) { return guard_.Finish(*caller, target, status); });
}

}  // namespace seccoord::policy
