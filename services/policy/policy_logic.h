// PolicyLogic: the rules of the policy-version service, detached from gRPC.
//
// - Revisions move DRAFT → IN_REVIEW → APPROVED → PUBLISHED; DRAFT, IN_REVIEW
//   and APPROVED can be WITHDRAWN. A PUBLISHED revision is shown as
//   SUPERSEDED once a later published revision is in force.
// - Approval needs a union admin other than the author and every editor
//   of the content (separation of duties: four eyes on what is approved).
//   Publication sets the 施行日 and extends the document's hash chain.
//   Published revisions take effect in publication order: the 施行日 may lie
//   in the future but never before that of any revision already published
//   (INVALID_ARGUMENT effective_date otherwise).
// - The revision in force on a date is the published revision with the
//   latest effective date ≤ that date.
// - Visibility (DESIGN.md): a document's published revisions are readable by
//   whoever holds the permission of its visibility (PUBLIC, MEMBERS,
//   UNION_ONLY); unpublished revisions additionally need read_drafts. The
//   same rule serves every read path: get, list, diff, watch, acks,
//   comments. A document the caller may not read is PERMISSION_DENIED
//   naming what is missing; a revision it may not read is answered exactly
//   like one that does not exist (NOT_FOUND, same words) and audited as a
//   refusal (runtime/auth/concealed_refusal.h), so nobody learns that a
//   draft exists or its state.
// - Drafts name their base revision; a stale base is ABORTED. Updates and
//   transitions may name the etag they read; a stale etag is ABORTED.
// - Every mutation carries a request_id; a retry returns the first result.
//
// Reads run in one read-only transaction each and read what can change
// (states, the revision in force, counts) from the database every time;
// documents and the articles of published revisions come from the store's
// cache of immutable rows (policy_cache.h) once read.
//
// Thread-safety: safe from many threads; all state lives in the database
// (the store caches only rows that never change).
#ifndef SECCOORD_SERVICES_POLICY_POLICY_LOGIC_H_
#define SECCOORD_SERVICES_POLICY_POLICY_LOGIC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "common/policy_text.h"
#include "seccoord/v1/policy.pb.h"
#include "services/policy/policy_store.h"
#include "services/runtime/auth/caller.h"
#include "services/runtime/clock.h"
#include "services/runtime/event_notifier.h"
#include "services/runtime/mutation.h"

namespace seccoord::policy {

// Bounds on request content (RESOURCE_EXHAUSTED beyond them).
// The content bounds are common/policy_text.h's, so that the importer can
// name an article over one before sending it.
inline constexpr int kMaxArticles = kPolicyMaxArticles;
inline constexpr size_t kMaxTitleBytes = kPolicyMaxTitleBytes;
inline constexpr size_t kMaxHeadingBytes = kPolicyMaxHeadingBytes;
inline constexpr size_t kMaxBodyBytes = kPolicyMaxBodyBytes;
inline constexpr size_t kMaxLabelBytes = kPolicyMaxLabelBytes;
inline constexpr size_t kMaxSummaryBytes = 2000;
inline constexpr size_t kMaxCommentBytes = 4000;
inline constexpr int kMaxPageSize = 100;
inline constexpr int kDefaultPageSize = 50;

// Time sources, injectable for tests (shared by every service).
using Clock = runtime::Clock;

class PolicyLogic {
 public:
  // `auditor` appends a committed mutation's audit entry inside its
  // transaction (runtime/mutation.h); empty in domain tests.
  PolicyLogic(PolicyStore& store, Clock clock, runtime::EventNotifier* notifier,
              runtime::MutationAuditor auditor = nullptr)
      : store_(store), clock_(std::move(clock)), notifier_(notifier),
        auditor_(std::move(auditor)) {}

  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const runtime::Caller& caller);
  absl::StatusOr<v1::Document> GetDocument(const runtime::Caller& caller,
                                           const v1::GetDocumentRequest& request);
  // `form` (policy_store.h): kEncoded only for responses that are
  // serialised without being read, as by the gRPC handlers.
  absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(
      const runtime::Caller& caller, const v1::ListRevisionsRequest& request,
      ArticleForm form = ArticleForm::kFields);
  absl::StatusOr<v1::Revision> GetRevision(const runtime::Caller& caller,
                                           const v1::GetRevisionRequest& request,
                                           ArticleForm form = ArticleForm::kFields);

  absl::StatusOr<v1::Revision> CreateRevision(const runtime::Caller& caller,
                                              const v1::CreateRevisionRequest& request);
  absl::StatusOr<v1::Revision> UpdateRevision(const runtime::Caller& caller,
                                              const v1::UpdateRevisionRequest& request);
  absl::StatusOr<v1::Revision> SubmitRevision(const runtime::Caller& caller,
                                              const v1::TransitionRevisionRequest& request);
  absl::StatusOr<v1::Revision> ApproveRevision(const runtime::Caller& caller,
                                               const v1::TransitionRevisionRequest& request);
  absl::StatusOr<v1::Revision> PublishRevision(const runtime::Caller& caller,
                                               const v1::PublishRevisionRequest& request);
  absl::StatusOr<v1::Revision> WithdrawRevision(const runtime::Caller& caller,
                                                const v1::TransitionRevisionRequest& request);

  absl::StatusOr<v1::DiffRevisionsResponse> DiffRevisions(
      const runtime::Caller& caller, const v1::DiffRevisionsRequest& request);

  // Checks a watch request (document visible to the caller, bounds).
  absl::Status ValidateWatch(const runtime::Caller& caller,
                             const v1::WatchRevisionEventsRequest& request);
  // Events after `after` that the caller may see (of `document_id` when not
  // empty), at most `limit`. *scanned_to is set to the last sequence read,
  // so invisible events are skipped but not re-read.
  absl::StatusOr<std::vector<v1::RevisionEvent>> VisibleEventsAfter(
      const runtime::Caller& caller, const std::string& document_id, int64_t after,
      int limit, int64_t* scanned_to);

  absl::StatusOr<v1::Acknowledgement> AcknowledgeRevision(
      const runtime::Caller& caller, const v1::AcknowledgeRevisionRequest& request);
  absl::StatusOr<v1::ListAcknowledgementsResponse> ListAcknowledgements(
      const runtime::Caller& caller, const v1::ListAcknowledgementsRequest& request);

  absl::StatusOr<v1::RevisionComment> AddRevisionComment(
      const runtime::Caller& caller, const v1::AddRevisionCommentRequest& request);
  absl::StatusOr<v1::ListRevisionCommentsResponse> ListRevisionComments(
      const runtime::Caller& caller, const v1::ListRevisionCommentsRequest& request);

  runtime::EventNotifier* notifier() const { return notifier_; }

 private:
  // Runs a mutation through runtime::RunMutation (once per request id,
  // audited in its transaction) and wakes watchers after a commit. `body`
  // runs inside the write transaction.
  template <typename Response>
  absl::StatusOr<Response> Idempotent(
      const runtime::Caller& caller, const std::string& request_id, const char* method,
      const std::function<absl::StatusOr<Response>(PolicyStore::Tx&)>& body);

  // The revision in force today (number and effective date), read from the
  // database at most once per read: several revisions presented in one
  // read-only transaction share it. Never kept beyond the call.
  class InForceToday {
   public:
    InForceToday(CivilDate today, std::string document_id)
        : today_(today), document_id_(std::move(document_id)) {}
    // Reads it unless known.
    absl::StatusOr<const std::optional<std::pair<int64_t, v1::Date>>*> Get(PolicyStore::Tx& tx);
    // Records what the caller has just read in the same transaction.
    void Set(int64_t number, const v1::Date& effective_date);

   private:
    CivilDate today_;
    std::string document_id_;
    bool known_ = false;
    std::optional<std::pair<int64_t, v1::Date>> value_;
  };

  // Loads the row of a document the caller may see (NOT_FOUND /
  // PERMISSION_DENIED). Derived fields (revision in force, review due,
  // latest revision) are left unset: see PresentDocument.
  absl::StatusOr<v1::Document> VisibleDocument(PolicyStore::Tx& tx,
                                               const runtime::Caller& caller,
                                               const std::string& document_id);
  // The visibility rule of VisibleDocument on a row read for `document_id`
  // (nullptr: no such row).
  absl::Status CheckDocumentVisible(const runtime::Caller& caller,
                                    const std::string& document_id,
                                    const v1::Document* document);
  // A visible document with its derived fields filled from `state`.
  v1::Document PresentDocument(const runtime::Caller& caller, DocumentState state);
  // Loads a revision the caller may see, state presented for today.
  // `today` may be shared by the reads of one read-only transaction; null
  // reads the revision in force afresh.
  absl::StatusOr<v1::Revision> VisibleRevision(PolicyStore::Tx& tx,
                                               const runtime::Caller& caller,
                                               const v1::Document& document, int64_t number,
                                               bool with_articles,
                                               InForceToday* today = nullptr,
                                               ArticleForm form = ArticleForm::kFields);
  // VisibleRevision on a revision row already read without its articles
  // (loaded here, in `form`, when with_articles and the caller may see it).
  absl::StatusOr<v1::Revision> PresentRevision(PolicyStore::Tx& tx,
                                               const runtime::Caller& caller,
                                               const v1::Document& document,
                                               v1::Revision revision, bool with_articles,
                                               InForceToday* today,
                                               ArticleForm form = ArticleForm::kFields);
  // Shared body of Submit, Approve and Withdraw.
  absl::StatusOr<v1::Revision> Transition(const runtime::Caller& caller,
                                          const v1::TransitionRevisionRequest& request,
                                          const char* method,
                                          const std::vector<v1::RevisionState>& from,
                                          v1::RevisionState to, v1::RevisionEventType event);
  absl::StatusOr<v1::RevisionEvent> RecordEvent(PolicyStore::Tx& tx, v1::RevisionEventType type,
                                                const v1::Revision& revision,
                                                const runtime::Caller& caller);

  PolicyStore& store_;
  Clock clock_;
  runtime::EventNotifier* notifier_;
  runtime::MutationAuditor auditor_;
};

// Whether a caller may read published revisions of a document with this
// visibility.
bool MayReadPublished(const runtime::Caller& caller, v1::Visibility visibility);

}  // namespace seccoord::policy

#endif  // SECCOORD_SERVICES_POLICY_POLICY_LOGIC_H_
