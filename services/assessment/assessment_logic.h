// AssessmentLogic: the rules of the assessment service, detached from gRPC.
//
// - Checklists are installed at start from data files (InstallChecklists):
//   a new version is stored, a stored one must be identical (else the start
//   is refused naming the version and the first differing item); they are
//   immutable and cached in memory.
// - Visibility: an advisor (review permission) reads every assessment and
//   its advice; union staff and admins read their own organisation's only.
//   Another organisation's assessment or advice is NOT_FOUND, word for word
//   what a missing one gets, so an error tells nothing of what one may not
//   read. Writes (answers, submission, answering advice) are the assessed
//   organisation's; reviews, reopening and advice are an advisor's of
//   another organisation (PERMISSION_DENIED for one's own: separation of
//   duties).
// - Creation binds the assessment to the basic-policy revision in force
//   today or, for a fiscal year already ended, on its last day, read from the
//   policy service; "none in force" is a binding. With the policy service
//   down the assessment is created policy_unavailable and bound at
//   submission, which an unreachable policy service then blocks
//   (UNAVAILABLE).
// - Answers, submission, review and advice follow workflow.h. Every update
//   names the etag it read (stale → ABORTED; reviews name the submission
//   instead). Each submission stores an immutable snapshot with its SHA-256.
// - GetAssessment adds the organisation's current asset findings beside the
//   items (asset service, within the peer deadline); a peer that is down is
//   named in `unavailable`, never an error.
// - Every mutation runs through runtime::RunMutation: once per (caller,
//   request_id), audited in its own transaction; events are rows appended in
//   the same transaction, and the notifier wakes this process's watchers
//   after the commit.
//
// Peer calls are made before the write transaction opens, never inside it:
// a slow peer must not hold the database's write lock.
//
// Thread-safety: safe from many threads; all state lives in the store, plus
// a mutex-guarded cache of immutable checklists and the peer facts decoded
// in memory (peer_facts.h).
#ifndef SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_LOGIC_H_
#define SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_LOGIC_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "seccoord/v1/assessment.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/status_reply_cache.h"
#include "services/assessment/peer_facts.h"
#include "services/assessment/peers.h"
#include "services/assessment/workflow.h"
#include "services/runtime/auth/caller.h"
#include "services/runtime/clock.h"
#include "services/runtime/event_notifier.h"
#include "services/runtime/mutation.h"
#include "services/runtime/paging.h"

namespace seccoord::assessment {

// Bounds on request content.
inline constexpr size_t kMaxNoteBytes = 4000;
inline constexpr size_t kMaxTextBytes = 4000;  // advice, comments, reasons
inline constexpr size_t kMaxEvidenceTitleBytes = 200;
inline constexpr size_t kMaxEvidenceLocationBytes = 1000;
inline constexpr size_t kMaxActionBytes = 2000;
inline constexpr size_t kMaxOwnerBytes = 200;
inline constexpr size_t kMaxIdBytes = 128;
inline constexpr int kMaxEvidence = 20;
inline constexpr int kMaxAnswersPerUpdate = 500;
inline constexpr int kMaxAdvicePerReview = 50;
inline constexpr int kMaxPageSize = 500;
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMinFiscalYear = 2000;

using Clock = runtime::Clock;

// What the aggregated status needs beyond the store.
struct StatusConfig {
  // The organisations of the federation (those the access policy names);
  // organisations with assessments are added to them.
  std::vector<std::string> organizations;
  // How often the peer facts are refreshed; a fact older than three
  // periods, or whose last refresh failed, is shown as stale.
  absl::Duration refresh_period = absl::Seconds(60);
};

class AssessmentLogic {
 public:
  // `policy` and `assets` must outlive the logic. `notifier` (optional)
  // is woken after commits that appended events; `auditor` appends a
  // committed mutation's audit entry inside its transaction (empty in
  // domain tests).
  AssessmentLogic(AssessmentStore& store, PolicyPeer& policy, AssetPeer& assets, Clock clock,
                  runtime::EventNotifier* notifier = nullptr,
                  runtime::MutationAuditor auditor = nullptr, StatusConfig status = {});

  // Stores the checklists not yet stored, checks that stored ones are
  // identical (FAILED_PRECONDITION naming `source`, the version and the
  // first difference otherwise: a stored checklist is immutable), and marks
  // the default one. Called at start, before SERVING.
  absl::Status InstallChecklists(const std::vector<v1::Checklist>& checklists,
                                 const std::string& source);

  // Writes once (the first start after migration 6) the summary row of
  // every year with more than one round, which earlier binaries wrote
  // with the latest round's advice only. Called at start, before SERVING,
  // after InstallChecklists.
  absl::Status RecountYearsOfManyRounds();

  absl::StatusOr<v1::Checklist> GetChecklist(const runtime::Caller& caller,
                                             const v1::GetChecklistRequest& request);
  absl::StatusOr<v1::ListChecklistsResponse> ListChecklists(const runtime::Caller& caller);

  absl::StatusOr<v1::Assessment> CreateAssessment(const runtime::Caller& caller,
                                                  const v1::CreateAssessmentRequest& request);
  absl::StatusOr<v1::Assessment> GetAssessment(const runtime::Caller& caller,
                                               const v1::GetAssessmentRequest& request);
  absl::StatusOr<v1::ListAssessmentsResponse> ListAssessments(
      const runtime::Caller& caller, const v1::ListAssessmentsRequest& request);
  absl::StatusOr<v1::Assessment> UpdateAnswers(const runtime::Caller& caller,
                                               const v1::UpdateAnswersRequest& request);
  absl::StatusOr<v1::Assessment> SubmitAssessment(const runtime::Caller& caller,
                                                  const v1::SubmitAssessmentRequest& request);
  absl::StatusOr<v1::Assessment> ReviewAssessment(const runtime::Caller& caller,
                                                  const v1::ReviewAssessmentRequest& request);
  absl::StatusOr<v1::Assessment> ReopenAssessment(const runtime::Caller& caller,
                                                  const v1::ReopenAssessmentRequest& request);

  absl::StatusOr<v1::Advice> SendAdvice(const runtime::Caller& caller,
                                        const v1::SendAdviceRequest& request);
  absl::StatusOr<v1::Advice> GetAdvice(const runtime::Caller& caller,
                                       const v1::GetAdviceRequest& request);
  absl::StatusOr<v1::ListAdviceResponse> ListAdvice(const runtime::Caller& caller,
                                                    const v1::ListAdviceRequest& request);
  absl::StatusOr<v1::Advice> AnswerAdvice(const runtime::Caller& caller,
                                          const v1::AnswerAdviceRequest& request);
  absl::StatusOr<v1::Advice> CloseAdvice(const runtime::Caller& caller,
                                         const v1::CloseAdviceRequest& request);
  absl::StatusOr<v1::Advice> ReopenAdvice(const runtime::Caller& caller,
                                          const v1::ReopenAdviceRequest& request);

  // ---- aggregated status (assessment_status.cc)
  // One organisation's status for a fiscal year: its summary row and the
  // peer facts, nothing else (no answers, no peer call).
  absl::StatusOr<v1::OrganizationStatus> GetOrganizationStatus(
      const runtime::Caller& caller, const v1::GetOrganizationStatusRequest& request);
  // The same reply encoded (the wire form of v1::OrganizationStatus),
  // shared with every caller asking for it until a summary row or a peer
  // fact changes (status_reply_cache.h): what the service sends.
  absl::StatusOr<std::shared_ptr<const std::string>> EncodedOrganizationStatus(
      const runtime::Caller& caller, const v1::GetOrganizationStatusRequest& request);
  // Every organisation's status for a fiscal year and the trends.
  absl::StatusOr<v1::FederationStatus> GetFederationStatus(
      const runtime::Caller& caller, const v1::GetFederationStatusRequest& request);
  // The same page encoded (the wire form of v1::FederationStatus), shared
  // with every caller asking for it until a summary row or a peer fact
  // changes (status_reply_cache.h): what the service sends.
  absl::StatusOr<std::shared_ptr<const std::string>> EncodedFederationStatus(
      const runtime::Caller& caller, const v1::GetFederationStatusRequest& request);
  // The items whose result changed between two assessments of one
  // organisation and checklist version.
  absl::StatusOr<v1::AssessmentComparison> CompareAssessments(
      const runtime::Caller& caller, const v1::CompareAssessmentsRequest& request);
  // The organisations of the federation: the configured ones and those with
  // a summary row, sorted.
  absl::StatusOr<std::vector<std::string>> FederationOrganizations();
  // Reads the findings summary of each organisation and the policy
  // documents from the peers and records them (or that the read failed) as
  // peer facts, a batch of organisations per transaction. Called by the
  // background refresher; errors of one peer do not stop the other.
  // `stopping` (may be empty) is asked before each organisation: a server
  // shutting down does not wait for a national round to end (CANCELLED,
  // what was read so far recorded).
  absl::Status RefreshFindings(const std::vector<std::string>& organizations,
                               const std::function<bool()>& stopping = nullptr);
  // One at a time (the periodic refresh and the one a publication event
  // starts may run together): each reads and records before the next
  // reads, so the facts recorded last are the newest read.
  absl::Status RefreshDocuments();
  const StatusConfig& status_config() const { return status_config_; }

  // Watch: validates the request (since_sequence ≥ 0).
  absl::Status ValidateWatch(const runtime::Caller& caller,
                             const v1::WatchAssessmentEventsRequest& request);
  // The events after `after` the caller may see (advisors: all; others:
  // their organisation's), at most `limit`; *scanned_to is the sequence
  // to resume from.
  absl::StatusOr<std::vector<v1::AssessmentEvent>> VisibleEventsAfter(
      const runtime::Caller& caller, int64_t after, int limit, int64_t* scanned_to);

 private:
  template <typename Response>
  absl::StatusOr<Response> Idempotent(
      const runtime::Caller& caller, const std::string& request_id, const char* method,
      const std::function<absl::StatusOr<Response>(AssessmentStore::Tx&)>& body,
      bool appends_events);

  // The checklist of `version` ("" = the default), from the cache or the
  // store; INVALID_ARGUMENT naming `field` when there is none.
  absl::StatusOr<std::shared_ptr<const v1::Checklist>> Checklist(AssessmentStore::Tx& tx,
                                                                 const std::string& version,
                                                                 const char* field);

  // The binding for `fiscal_year` as of now, from the policy service; the
  // peer's status when it cannot be reached.
  absl::StatusOr<v1::PolicyBinding> BindPolicy(int fiscal_year);

  // Reads an assessment the caller may read, else NOT_FOUND naming `field`
  // (the request's field that holds `id`); one of another organisation's is
  // answered as a missing one, its refusal audited (ConcealedRefusal).
  absl::StatusOr<v1::Assessment> ReadableAssessment(AssessmentStore::Tx& tx,
                                                    const runtime::Caller& caller,
                                                    const std::string& id,
                                                    const char* field = "assessment_id");
  absl::StatusOr<v1::Advice> ReadableAdvice(AssessmentStore::Tx& tx,
                                            const runtime::Caller& caller,
                                            const std::string& id);

  // Appends an event of `assessment` in the mutation's transaction.
  absl::Status AppendEvent(AssessmentStore::Tx& tx, const runtime::Caller& caller,
                           v1::AssessmentEventType type, const v1::Assessment& assessment,
                           const std::string& advice_id, int64_t submission_number);

  // Validates an advice draft against the checklist; `field` prefixes the
  // names ("advice[2]").
  absl::Status ValidateAdviceDraft(const std::string& field, const v1::AdviceDraft& draft,
                                   const v1::Checklist& checklist);
  // A new advice item on `assessment` (id, etag and times set).
  absl::StatusOr<v1::Advice> NewAdvice(AssessmentStore::Tx& tx, const runtime::Caller& caller,
                                       const v1::Assessment& assessment,
                                       const v1::AdviceDraft& draft);

  // Stores `assessment` as the next version (etag, update time set).
  absl::Status SaveAssessment(AssessmentStore::Tx& tx, v1::Assessment* assessment,
                              const std::string& expected_etag);

  // Writes the summary row of `assessment`'s organisation and year in the
  // mutation's transaction: the figures of the year's latest round (this
  // one, or a later one when an earlier round's advice changed) with the
  // open advice of every round. `counted` (optional) are the answers of
  // `assessment`'s latest submission when the caller holds them
  // (submission), which spares reading the snapshot.
  absl::Status WriteStatus(
      AssessmentStore::Tx& tx, const v1::Assessment& assessment, const v1::Checklist& checklist,
      const google::protobuf::RepeatedPtrField<v1::ItemAnswer>* counted = nullptr);
  // The answers status and comparison count: the latest submission's, or
  // the current ones of a never-submitted draft.
  absl::StatusOr<google::protobuf::RepeatedPtrField<v1::ItemAnswer>> CountedAnswers(
      AssessmentStore::Tx& tx, const v1::Assessment& assessment);
  // The documents' fact as a status read shows it (decoded once per read).
  struct DocumentsFact {
    bool stale = true;
    int64_t as_of_us = 0;
    int64_t revision_in_force = 0;
    std::vector<v1::DocumentReview> review_due;  // due on or before today
  };
  // True when a fact was never read, its last read failed, or it is older
  // than three refresh periods.
  bool IsStale(bool ok, int64_t as_of_us);
  DocumentsFact DocumentsFactOf(const DocumentsFactRead* documents);
  // Adds the peer facts to a status read (`findings` may be null: never
  // read), and the figures of the day. `totals_only`: the findings without
  // their counts per rule (a federation row).
  void ApplyPeerFacts(const FindingsFact* findings, bool totals_only,
                      const DocumentsFact& documents, v1::OrganizationStatus* status);
  // Builds a federation page from one snapshot of the store; sets
  // *status_version to the snapshot's StatusVersion.
  absl::StatusOr<v1::FederationStatus> BuildFederationPage(int fiscal_year, int years,
                                                           int page_size,
                                                           const std::string& after,
                                                           const runtime::PageTokenCodec& tokens,
                                                           int64_t* status_version);
  // Validates a status request's fiscal year (0 = the current one).
  absl::StatusOr<int> StatusFiscalYear(int requested);

  // An advice transition shared by answer, close and reopen.
  absl::StatusOr<v1::Advice> TransitionAdvice(const runtime::Caller& caller,
                                              const std::string& request_id, const char* method,
                                              const std::string& advice_id,
                                              const std::string& etag, AdviceAction action,
                                              const std::string& text);

  AssessmentStore& store_;
  PolicyPeer& policy_;
  AssetPeer& assets_;
  Clock clock_;
  runtime::EventNotifier* notifier_;
  runtime::MutationAuditor auditor_;
  StatusConfig status_config_;

  // The facts read from the peers, decoded once (written by the refresher
  // through RefreshFindings / RefreshDocuments, read by every status read).
  PeerFactCache peer_facts_;
  // Held by RefreshDocuments from its read of the policy service until the
  // read is recorded.
  std::mutex documents_refresh_mu_;
  // Federation pages as built, checked against the store and peer_facts_.
  StatusReplyCache federation_pages_{64};
  // Organisations' replies, checked the same way: enough for one fiscal
  // year of a national federation (about 1 KB each, 4 MB in all).
  StatusReplyCache organization_statuses_{4096};

  std::mutex checklists_mu_;
  std::map<std::string, std::shared_ptr<const v1::Checklist>> checklists_;  // by version
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_ASSESSMENT_LOGIC_H_
