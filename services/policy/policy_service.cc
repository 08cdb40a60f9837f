#include "services/policy/policy_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/status.h"

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
constexpr std::chrono::milliseconds kWatchPoll{500};

}  // namespace

// The shape every unary handler shares: authorize at the door, run the
// domain, audit the outcome, map the status.
#define SECCOORD_UNARY(method, target_expr, request_id_expr, call)             \
  auto caller = guard_.Authorize(context, absl::StrCat(kService, method),      \
                                 request_id_expr);                             \
  if (!caller.ok()) return ToGrpcStatus(caller.status());                      \
  auto result = (call);                                                        \
  if (result.ok()) *response = std::move(*result);                             \
  return guard_.Finish(*caller, target_expr, result.status())

// Mutations: a success was audited inside its own transaction (see
// MutationAuditor); a failure or a refusal is audited here.
#define SECCOORD_MUTATION(method, target_expr, request_id_expr, call)          \
  auto caller = guard_.Authorize(context, absl::StrCat(kService, method),      \
                                 request_id_expr);                             \
  if (!caller.ok()) return ToGrpcStatus(caller.status());                      \
  auto result = (call);                                                        \
  if (!result.ok()) return guard_.Finish(*caller, target_expr, result.status()); \
  *response = std::move(*result);                                              \
  return grpc::Status::OK

PolicyServiceImpl::PolicyServiceImpl(db::Database& db, runtime::RpcGuard& guard, Clock clock)
    : store_(db),
      logic_(store_, std::move(clock), &notifier_,
             [&guard](db::Transaction& tx, const runtime::Caller& caller,
                      const std::string& target) -> absl::Status {
               auto record = guard.OutcomeRecord(caller, target, absl::OkStatus());
               if (!record) return absl::OkStatus();
               return guard.audit_log().AppendIn(tx, *record).status();
             }),
      guard_(guard) {}

grpc::Status PolicyServiceImpl::ListDocuments(grpc::ServerContext* context,
                                              const v1::ListDocumentsRequest* request,
                                              v1::ListDocumentsResponse* response) {
  SECCOORD_UNARY("ListDocuments", "documents", "", logic_.ListDocuments(*caller));
}

grpc::Status PolicyServiceImpl::GetDocument(grpc::ServerContext* context,
                                            const v1::GetDocumentRequest* request,
                                            v1::Document* response) {
  SECCOORD_UNARY("GetDocument", DocumentTarget(request->document_id()), "",
                 logic_.GetDocument(*caller, *request));
}

grpc::Status PolicyServiceImpl::ListRevisions(grpc::ServerContext* context,
                                              const v1::ListRevisionsRequest* request,
                                              v1::ListRevisionsResponse* response) {
  SECCOORD_UNARY("ListRevisions", DocumentTarget(request->document_id()), "",
                 logic_.ListRevisions(*caller, *request));
}

grpc::Status PolicyServiceImpl::GetRevision(grpc::ServerContext* context,
                                            const v1::GetRevisionRequest* request,
                                            v1::Revision* response) {
  SECCOORD_UNARY("GetRevision", RevisionTarget(request->document_id(), request->number()), "",
                 logic_.GetRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::CreateRevision(grpc::ServerContext* context,
                                               const v1::CreateRevisionRequest* request,
                                               v1::Revision* response) {
  SECCOORD_MUTATION("CreateRevision",
                 RevisionTarget(request->document_id(), request->base_revision() + 1),
                 request->request_id(), logic_.CreateRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::UpdateRevision(grpc::ServerContext* context,
                                               const v1::UpdateRevisionRequest* request,
                                               v1::Revision* response) {
  SECCOORD_MUTATION("UpdateRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.UpdateRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::SubmitRevision(grpc::ServerContext* context,
                                               const v1::TransitionRevisionRequest* request,
                                               v1::Revision* response) {
  SECCOORD_MUTATION("SubmitRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.SubmitRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::ApproveRevision(grpc::ServerContext* context,
                                                const v1::TransitionRevisionRequest* request,
                                                v1::Revision* response) {
  SECCOORD_MUTATION("ApproveRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.ApproveRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::PublishRevision(grpc::ServerContext* context,
                                                const v1::PublishRevisionRequest* request,
                                                v1::Revision* response) {
  SECCOORD_MUTATION("PublishRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.PublishRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::WithdrawRevision(grpc::ServerContext* context,
                                                 const v1::TransitionRevisionRequest* request,
                                                 v1::Revision* response) {
  SECCOORD_MUTATION("WithdrawRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.WithdrawRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::DiffRevisions(grpc::ServerContext* context,
                                              const v1::DiffRevisionsRequest* request,
                                              v1::DiffRevisionsResponse* response) {
  SECCOORD_UNARY("DiffRevisions",
                 absl::StrCat(DocumentTarget(request->document_id()), "/diff/",
                              request->from_number(), "..", request->to_number()),
                 "", logic_.DiffRevisions(*caller, *request));
}

grpc::Status PolicyServiceImpl::AcknowledgeRevision(grpc::ServerContext* context,
                                                    const v1::AcknowledgeRevisionRequest* request,
                                                    v1::Acknowledgement* response) {
  SECCOORD_MUTATION("AcknowledgeRevision", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.AcknowledgeRevision(*caller, *request));
}

grpc::Status PolicyServiceImpl::ListAcknowledgements(
    grpc::ServerContext* context, const v1::ListAcknowledgementsRequest* request,
    v1::ListAcknowledgementsResponse* response) {
  SECCOORD_UNARY("ListAcknowledgements", RevisionTarget(request->document_id(), request->number()),
                 "", logic_.ListAcknowledgements(*caller, *request));
}

grpc::Status PolicyServiceImpl::AddRevisionComment(grpc::ServerContext* context,
                                                   const v1::AddRevisionCommentRequest* request,
                                                   v1::RevisionComment* response) {
  SECCOORD_MUTATION("AddRevisionComment", RevisionTarget(request->document_id(), request->number()),
                 request->request_id(), logic_.AddRevisionComment(*caller, *request));
}

grpc::Status PolicyServiceImpl::ListRevisionComments(
    grpc::ServerContext* context, const v1::ListRevisionCommentsRequest* request,
    v1::ListRevisionCommentsResponse* response) {
  SECCOORD_UNARY("ListRevisionComments", RevisionTarget(request->document_id(), request->number()),
                 "", logic_.ListRevisionComments(*caller, *request));
}

#undef SECCOORD_UNARY
#undef SECCOORD_MUTATION

grpc::Status PolicyServiceImpl::WatchRevisionEvents(grpc::ServerContext* context,
                                                    const v1::WatchRevisionEventsRequest* request,
                                                    grpc::ServerWriter<v1::RevisionEvent>* writer) {
  auto caller = guard_.Authorize(context, absl::StrCat(kService, "WatchRevisionEvents"));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const std::string target = request->document_id().empty()
                                 ? std::string("documents")
                                 : DocumentTarget(request->document_id());
  absl::Status valid = logic_.ValidateWatch(*caller, *request);
  if (!valid.ok()) return guard_.Finish(*caller, target, valid);

  // Events are rows: read those after the cursor, send the visible ones,
  // then wait for a commit (or the poll interval) and read again. The
  // cursor only moves forward, so a client that resumes with its last
  // sequence misses nothing.
  int64_t cursor = request->since_sequence();
  while (!context->IsCancelled()) {
    const uint64_t generation = notifier_.generation();
    int64_t scanned_to = cursor;
    auto events =
        logic_.VisibleEventsAfter(*caller, request->document_id(), cursor, kWatchBatch, &scanned_to);
    if (!events.ok()) return guard_.Finish(*caller, target, events.status());
    for (const auto& event : *events) {
      if (!writer->Write(event)) return grpc::Status::OK;  // client went away
    }
    const bool caught_up = scanned_to == cursor;
    cursor = scanned_to;
    if (!caught_up) continue;  // there may be more backlog
    if (request->backlog_only()) return grpc::Status::OK;
    notifier_.WaitForChange(generation, kWatchPoll);
  }
  return grpc::Status::OK;
}

}  // namespace seccoord::policy
