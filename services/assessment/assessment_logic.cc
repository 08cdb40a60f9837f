#include "services/assessment/assessment_logic.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/assessment_vocab.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/utf8.h"
#include "common/wareki.h"
#include "services/assessment/checklist.h"
#include "services/assessment/workflow.h"
#include "services/runtime/auth/concealed_refusal.h"
#include "services/runtime/auth/principal.h"
#include "services/runtime/paging.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::assessment {
namespace {

using runtime::Caller;
using runtime::Permission;

// Fully-qualified methods, for the request log and the audit entries.
#define SECCOORD_ASSESSMENT_METHOD(name) "/seccoord.v1.AssessmentService/" name
constexpr char kCreate[] = SECCOORD_ASSESSMENT_METHOD("CreateAssessment");
constexpr char kUpdateAnswers[] = SECCOORD_ASSESSMENT_METHOD("UpdateAnswers");
constexpr char kSubmit[] = SECCOORD_ASSESSMENT_METHOD("SubmitAssessment");
constexpr char kReview[] = SECCOORD_ASSESSMENT_METHOD("ReviewAssessment");
constexpr char kReopen[] = SECCOORD_ASSESSMENT_METHOD("ReopenAssessment");
constexpr char kSendAdvice[] = SECCOORD_ASSESSMENT_METHOD("SendAdvice");
constexpr char kAnswerAdvice[] = SECCOORD_ASSESSMENT_METHOD("AnswerAdvice");
constexpr char kCloseAdvice[] = SECCOORD_ASSESSMENT_METHOD("CloseAdvice");
constexpr char kReopenAdvice[] = SECCOORD_ASSESSMENT_METHOD("ReopenAdvice");
#undef SECCOORD_ASSESSMENT_METHOD

std::string TargetOf(const v1::Assessment& a) { return absl::StrCat("assessments/", a.id()); }
std::string TargetOf(const v1::Advice& a) { return absl::StrCat("advice/", a.id()); }

bool IsAdvisor(const Caller& caller) { return caller.Has(Permission::kReviewAssessment); }

bool MayRead(const Caller& caller, const std::string& organization) {
  return IsAdvisor(caller) || caller.principal.organization == organization;
}

bool IsUnset(const v1::Date& d) { return d.year() == 0 && d.month() == 0 && d.day() == 0; }

absl::Status NoAssessment(absl::string_view field, const std::string& id) {
  return absl::NotFoundError(absl::StrCat(field, ": no assessment ", id));
}

absl::Status NoAdvice(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("advice_id: no advice ", id));
}

// The answer to a caller who may not read another organisation's assessment
// or advice: exactly the answer for one that does not exist (`missing`),
// while the audit chain records the refusal as DENIED with its real reason
// (runtime::ConcealedRefusal).
absl::Status NotReadable(const Caller& caller, absl::Status missing, absl::string_view kind,
                         const std::string& id, const std::string& organization) {
  return runtime::ConcealedRefusal(
      std::move(missing),
      absl::StrCat(caller.Uri(), " may not read ", kind, " ", id, " of ", organization,
                   ": only its own organisation's, or as the reviewing advisor"));
}

// The separation of duties of a review: never one's own organisation.
absl::Status CheckReviewer(const Caller& caller, const v1::Assessment& a, const char* what) {
  if (caller.principal.organization == a.organization()) {
    return runtime::RpcGuard::Denied(
        caller, absl::StrCat(what, " an assessment of its own organisation (", a.organization(),
                             "): the review is another organisation's (separation of duties)"));
  }
  return absl::OkStatus();
}

// The assessed organisation's writes.
absl::Status CheckOwnOrganization(const Caller& caller, const std::string& organization) {
  if (caller.principal.organization != organization) {
    return runtime::RpcGuard::Denied(
        caller, absl::StrCat("write assessments of ", organization, " (only of its own, ",
                             caller.principal.organization, ")"));
  }
  return absl::OkStatus();
}

const v1::ChecklistItem* FindItem(const v1::Checklist& c, const std::string& id) {
  for (const auto& item : c.items()) {
    if (item.id() == id) return &item;
  }
  return nullptr;
}

// ABORTED when the caller's etag is not the stored one: its view was stale.
absl::Status CheckEtag(const char* kind, const std::string& id, const std::string& stored,
                       const std::string& given) {
  if (stored == given) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("etag: ", kind, " ", id, " is at ", stored, ", not ",
                                         given, "; read it again"));
}

absl::Status ValidateId(const char* field, const std::string& id) {
  return ValidateText(field, id, kMaxIdBytes, /*allow_empty=*/false);
}

absl::Status ValidateDueDate(const std::string& field, const v1::Date& due, int fiscal_year) {
  SECCOORD_ASSIGN_OR_RETURN(CivilDate date, ValidProtoDate(field, due));
  const CivilDate start = FiscalYearStart(fiscal_year);
  if (date < start) {
    return InvalidField(field, absl::StrCat(FormatIsoDate(date), " lies before ",
                                            FormatFiscalYearOrNumber(fiscal_year),
                                            ", which begins ", FormatIsoDate(start)));
  }
  return absl::OkStatus();
}

// Checks one answer of an update (everything that needs no peer).
absl::Status ValidateAnswer(const std::string& at, const v1::ItemAnswer& a,
                            const v1::Checklist& checklist, int fiscal_year) {
  SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".item_id", a.item_id(), kMaxIdBytes, false));
  if (FindItem(checklist, a.item_id()) == nullptr) {
    return InvalidField(at + ".item_id", absl::StrCat("no item ", a.item_id(), " in checklist ",
                                                      checklist.version()));
  }
  if (a.result() == v1::ITEM_RESULT_UNSPECIFIED ||
      !v1::ItemResult_IsValid(static_cast<int>(a.result()))) {
    return InvalidField(
        at + ".result",
        absl::StrCat(a.result() == v1::ITEM_RESULT_UNSPECIFIED
                         ? std::string("required")
                         : absl::StrCat("unknown value ", static_cast<int>(a.result())),
                     "; one of IMPLEMENTED (実施), PARTIAL (一部実施), NOT_IMPLEMENTED (未実施), "
                     "NOT_APPLICABLE (該当なし)"));
  }
  SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".note", a.note(), kMaxNoteBytes, true));
  if (a.evidence_size() > kMaxEvidence) {
    return absl::ResourceExhaustedError(absl::StrCat(at, ".evidence: at most ", kMaxEvidence,
                                                     " references, got ", a.evidence_size()));
  }
  for (int i = 0; i < a.evidence_size(); ++i) {
    const auto& e = a.evidence(i);
    const std::string ef = absl::StrCat(at, ".evidence[", i, "]");
    SECCOORD_RETURN_IF_ERROR(ValidateText(ef + ".title", e.title(), kMaxEvidenceTitleBytes,
                                          !e.location().empty()));
    SECCOORD_RETURN_IF_ERROR(
        ValidateText(ef + ".location", e.location(), kMaxEvidenceLocationBytes, true));
    if (!e.sha256().empty() && !IsSha256Hex(e.sha256())) {
      return InvalidField(ef + ".sha256", "must be 64 lowercase hex digits (SHA-256 of the file)");
    }
  }
  const auto& r = a.remediation();
  SECCOORD_RETURN_IF_ERROR(
      ValidateText(at + ".remediation.action", r.action(), kMaxActionBytes, true));
  SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".remediation.owner", r.owner(), kMaxOwnerBytes, true));
  if (!IsUnset(r.due())) {
    SECCOORD_RETURN_IF_ERROR(ValidateDueDate(at + ".remediation.due", r.due(), fiscal_year));
  }
  return absl::OkStatus();
}

// Keeps answers in checklist order.
void SortAnswers(const v1::Checklist& checklist, v1::Assessment* a) {
  std::map<std::string, int> position;
  for (int i = 0; i < checklist.items_size(); ++i) position[checklist.items(i).id()] = i;
  std::sort(a->mutable_answers()->begin(), a->mutable_answers()->end(),
            [&](const v1::ItemAnswer& x, const v1::ItemAnswer& y) {
              return position[x.item_id()] < position[y.item_id()];
            });
}

std::string PeerProblem(std::string_view what, const absl::Status& status) {
  return absl::StrCat(std::string(what), " (", std::string(StatusCodeName(status.code())), ": ",
                      std::string(status.message()), ")");
}

bool PeerUnreachable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

AssessmentLogic::AssessmentLogic(AssessmentStore& store, PolicyPeer& policy, AssetPeer& assets,
                                 Clock clock, runtime::EventNotifier* notifier,
                                 runtime::MutationAuditor auditor, StatusConfig status)
    : store_(store),
      policy_(policy),
      assets_(assets),
      clock_(std::move(clock)),
      notifier_(notifier),
      auditor_(std::move(auditor)),
      status_config_(std::move(status)),
      peer_facts_(store) {}

template <typename Response>
absl::StatusOr<Response> AssessmentLogic::Idempotent(
    const Caller& caller, const std::string& request_id, const char* method,
    const std::function<absl::StatusOr<Response>(AssessmentStore::Tx&)>& body,
    bool appends_events) {
  bool performed = false;
  auto response = runtime::RunMutation<Response>(
      store_.database(), {caller, request_id, method, clock_.now_us(), auditor_},
      [&](db::Transaction& transaction) {
        AssessmentStore::Tx tx(transaction, store_.database().dialect());
        return body(tx);
      },
      [](const Response& r) { return TargetOf(r); }, &performed);
  if (response.ok() && performed && appends_events && notifier_ != nullptr) notifier_->Notify();
  return response;
}

// ------------------------------------------------------------- checklists

absl::Status AssessmentLogic::InstallChecklists(const std::vector<v1::Checklist>& checklists,
                                                const std::string& source) {
  std::string default_version;
  for (const auto& c : checklists) {
    if (c.is_default()) default_version = c.version();
  }
  SECCOORD_RETURN_IF_ERROR(store_.Write([&](AssessmentStore::Tx& tx) -> absl::Status {
    for (const auto& loaded : checklists) {
      SECCOORD_ASSIGN_OR_RETURN(auto stored, tx.GetChecklist(loaded.version()));
      if (!stored) {
        v1::Checklist c = loaded;
        c.set_content_hash(ChecklistContentHash(c));
        c.set_item_count(c.items_size());
        SECCOORD_RETURN_IF_ERROR(tx.InsertChecklist(c, clock_.now_us()));
        // Whoever stored it, what is stored now is compared below.
        SECCOORD_ASSIGN_OR_RETURN(stored, tx.GetChecklist(loaded.version()));
        if (!stored) return absl::InternalError("checklist not stored");
      }
      if (stored->content_hash() != ChecklistContentHash(loaded)) {
        std::string difference = FirstDifference(*stored, loaded);
        if (difference.empty()) difference = "content differs";
        return absl::FailedPreconditionError(absl::StrCat(
            source, ": checklist ", loaded.version(), " differs from the stored checklist ",
            loaded.version(), ": ", difference,
            "; a stored checklist is immutable — give the changed file a new version"));
      }
    }
    if (!default_version.empty()) {
      SECCOORD_RETURN_IF_ERROR(tx.SetDefaultChecklist(default_version));
    }
    return absl::OkStatus();
  }));
  std::lock_guard<std::mutex> lock(checklists_mu_);
  checklists_.clear();  // is_default may have moved
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const v1::Checklist>> AssessmentLogic::Checklist(
    AssessmentStore::Tx& tx, const std::string& version, const char* field) {
  std::string wanted = version;
  if (wanted.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(wanted, tx.DefaultChecklistVersion());
    if (wanted.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": no default checklist is installed; name a version"));
    }
  }
  {
    std::lock_guard<std::mutex> lock(checklists_mu_);
    auto it = checklists_.find(wanted);
    if (it != checklists_.end()) return it->second;
  }
  SECCOORD_RETURN_IF_ERROR(ValidateText(field, wanted, 64, false));
  SECCOORD_ASSIGN_OR_RETURN(auto stored, tx.GetChecklist(wanted));
  if (!stored) return InvalidField(field, absl::StrCat("no checklist version ", wanted));
  auto shared = std::make_shared<const v1::Checklist>(*std::move(stored));
  std::lock_guard<std::mutex> lock(checklists_mu_);
  checklists_[wanted] = shared;
  return shared;
}

absl::StatusOr<v1::Checklist> AssessmentLogic::GetChecklist(
    const Caller& caller, const v1::GetChecklistRequest& request) {
  std::shared_ptr<const v1::Checklist> checklist;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(checklist, Checklist(tx, request.version(), "version"));
    return absl::OkStatus();
  }));
  return *checklist;
}

absl::StatusOr<v1::ListChecklistsResponse> AssessmentLogic::ListChecklists(const Caller& caller) {
  v1::ListChecklistsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto list, tx.ListChecklists());
    for (auto& c : list) *response.add_checklists() = std::move(c);
    return absl::OkStatus();
  }));
  return response;
}

// ------------------------------------------------------------- assessments

absl::StatusOr<v1::PolicyBinding> AssessmentLogic::BindPolicy(int fiscal_year) {
  const CivilDate today = clock_.today();
  // Records of a year already ended are bound to what was in force at its
  // end; the current and the coming year to what is in force today.
  const CivilDate on =
      fiscal_year < FiscalYearOf(today) ? FiscalYearEnd(fiscal_year) : today;
  v1::PolicyBinding binding;
  binding.set_document_id(kBasicPolicyDocument);
  *binding.mutable_in_force_on() = ToProtoDate(on);
  binding.set_bind_time_us(clock_.now_us());
  auto revision = policy_.RevisionInForce(kBasicPolicyDocument, on);
  if (revision.ok()) {
    binding.set_revision_number(revision->number());
    binding.set_content_hash(revision->content_hash());
    *binding.mutable_effective_date() = revision->effective_date();
    return binding;
  }
  if (revision.status().code() == absl::StatusCode::kNotFound) {
    binding.set_none_in_force(true);
    return binding;
  }
  return revision.status();
}

absl::StatusOr<v1::Assessment> AssessmentLogic::ReadableAssessment(AssessmentStore::Tx& tx,
                                                                   const Caller& caller,
                                                                   const std::string& id,
                                                                   const char* field) {
  SECCOORD_RETURN_IF_ERROR(ValidateId(field, id));
  SECCOORD_ASSIGN_OR_RETURN(auto found, tx.GetAssessment(id));
  // Not there and not one's to read: the same answer.
  if (!found) return NoAssessment(field, id);
  if (!MayRead(caller, found->organization())) {
    return NotReadable(caller, NoAssessment(field, id), "assessment", id, found->organization());
  }
  return *std::move(found);
}

absl::Status AssessmentLogic::SaveAssessment(AssessmentStore::Tx& tx, v1::Assessment* a,
                                             const std::string& expected_etag) {
  // The etag is "v<version>": the version it names is the one to follow
  // (the conditional update refuses a stale one either way).
  int64_t version = 0;
  if (expected_etag.size() < 2 || expected_etag[0] != 'v' ||
      !absl::SimpleAtoi(expected_etag.substr(1), &version)) {
    SECCOORD_ASSIGN_OR_RETURN(version, tx.AssessmentVersion(a->id()));
  }
  a->set_etag(absl::StrCat("v", version + 1));
  a->set_update_time_us(clock_.now_us());
  return tx.UpdateAssessment(*a, version + 1, expected_etag);
}

absl::Status AssessmentLogic::AppendEvent(AssessmentStore::Tx& tx, const Caller& caller,
                                          v1::AssessmentEventType type,
                                          const v1::Assessment& a, const std::string& advice_id,
                                          int64_t submission_number) {
  v1::AssessmentEvent e;
  e.set_type(type);
  e.set_assessment_id(a.id());
  e.set_organization(a.organization());
  e.set_fiscal_year(a.fiscal_year());
  e.set_advice_id(advice_id);
  e.set_submission_number(submission_number);
  e.set_actor(caller.Uri());
  e.set_time_us(clock_.now_us());
  return tx.AppendEvent(std::move(e)).status();
}

absl::StatusOr<v1::Assessment> AssessmentLogic::CreateAssessment(
    const Caller& caller, const v1::CreateAssessmentRequest& request) {
  const std::string organization =
      request.organization().empty() ? caller.principal.organization : request.organization();
  SECCOORD_RETURN_IF_ERROR(ValidateText("organization", organization, 64, false));
  SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, organization));
  const int max_year = FiscalYearOf(clock_.today()) + 1;
  if (request.fiscal_year() < kMinFiscalYear || request.fiscal_year() > max_year) {
    return InvalidField("fiscal_year",
                        absl::StrCat(request.fiscal_year(), " is out of range (", kMinFiscalYear,
                                     "–", max_year, ", i.e. up to ",
                                     FormatFiscalYearOrNumber(max_year), ")"));
  }
  if (request.round() < 0 || request.round() > 99) {
    return InvalidField("round", "must be between 0 and 99 (0 = the next round)");
  }
  // The policy service is asked before the write transaction opens.
  auto binding = BindPolicy(request.fiscal_year());
  if (!binding.ok() && !PeerUnreachable(binding.status())) {
    // Anything but "down" is the peer's answer to pass on (misconfiguration).
    return absl::FailedPreconditionError(PeerProblem(
        "policy binding: the policy service refused the revision in force", binding.status()));
  }
  // An explicit round that exists is the caller's mistake, told as
  // ALREADY_EXISTS. It is checked inside the mutation, after the request log
  // (a retry gets its first answer, round taken by itself or not); there
  // RunMutation reads ALREADY_EXISTS as a concurrent writer's unique-key
  // conflict (ABORTED), so the body keeps its own verdict here.
  absl::Status round_taken;
  auto created = Idempotent<v1::Assessment>(
      caller, request.request_id(), kCreate,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Assessment> {
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, request.checklist_version(), "checklist_version"));
        // The year's rounds are read under its status row's lock (on
        // PostgreSQL), so a reopen or another create of the year waits for
        // this one: a year never ends with two rounds open.
        SECCOORD_RETURN_IF_ERROR(
            tx.LockStatus(organization, request.fiscal_year()).status());
        SECCOORD_ASSIGN_OR_RETURN(int max_round,
                                  tx.MaxRound(organization, request.fiscal_year()));
        int round = request.round() == 0 ? max_round + 1 : request.round();
        const std::string id = FormatAssessmentId(organization, request.fiscal_year(), round);
        if (request.round() != 0) {
          SECCOORD_ASSIGN_OR_RETURN(std::optional<v1::Assessment> existing,
                                    tx.GetAssessment(id));
          if (existing) {
            round_taken = absl::AlreadyExistsError(absl::StrCat(
                "round: ", id, " already exists (",
                std::string(AssessmentStateName(existing->state())), "); ", organization, " ",
                FormatFiscalYearOrNumber(request.fiscal_year()), " round ", request.round(),
                " is taken"));
            return round_taken;
          }
        }
        SECCOORD_ASSIGN_OR_RETURN(auto open, tx.OpenAssessments(organization,
                                                                request.fiscal_year()));
        if (!open.empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "fiscal_year: ", open.front().id(), " of ",
              FormatFiscalYearOrNumber(request.fiscal_year()), " is still ",
              std::string(AssessmentStateName(open.front().state())),
              "; finish it (accepted) before starting another round"));
        }
        v1::Assessment a;
        a.set_id(id);
        a.set_organization(organization);
        a.set_fiscal_year(request.fiscal_year());
        a.set_round(round);
        a.set_checklist_version(checklist->version());
        if (binding.ok()) {
          *a.mutable_policy() = *binding;
        } else {
          a.set_policy_unavailable(true);
        }
        a.set_state(v1::ASSESSMENT_STATE_DRAFT);
        a.set_created_by(caller.Uri());
        a.set_create_time_us(clock_.now_us());
        a.set_update_time_us(a.create_time_us());
        a.set_etag("v1");
        if (request.from_last_accepted()) {
          SECCOORD_ASSIGN_OR_RETURN(auto last, tx.LastAccepted(organization));
          if (!last) {
            return absl::FailedPreconditionError(absl::StrCat(
                "from_last_accepted: ", organization, " has no accepted assessment to start from"));
          }
          a.set_baseline_of(last->id());
          // Answers of items the checklist still has, marked carried over:
          // nobody retypes them, nobody submits them unseen.
          for (const auto& old : last->answers()) {
            if (FindItem(*checklist, old.item_id()) == nullptr) continue;
            v1::ItemAnswer* copy = a.add_answers();
            *copy = old;
            copy->set_carried_over(true);
          }
          SortAnswers(*checklist, &a);
        }
        SECCOORD_RETURN_IF_ERROR(tx.InsertAssessment(a, 1));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return a;
      },
      /*appends_events=*/false);
  if (!round_taken.ok()) return round_taken;
  return created;
}

absl::StatusOr<v1::Assessment> AssessmentLogic::GetAssessment(
    const Caller& caller, const v1::GetAssessmentRequest& request) {
  v1::Assessment a;
  std::shared_ptr<const v1::Checklist> checklist;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(a, ReadableAssessment(tx, caller, request.assessment_id()));
    SECCOORD_ASSIGN_OR_RETURN(checklist, Checklist(tx, a.checklist_version(), "checklist_version"));
    return absl::OkStatus();
  }));
  // Read after the transaction: a slow peer holds no snapshot open.
  bool has_rules = false;
  for (const auto& item : checklist->items()) has_rules |= !item.asset_rule_ids().empty();
  if (has_rules) {
    auto summary = assets_.FindingsSummary(a.organization());
    if (summary.ok()) {
      for (auto& f : FindingsBesideItems(*checklist, *summary)) {
        *a.add_item_findings() = std::move(f);
      }
      a.set_findings_time_us(clock_.now_us());
    } else {
      a.add_unavailable(PeerProblem("asset findings: the asset service could not be read",
                                    summary.status()));
    }
  }
  if (a.policy_unavailable()) {
    a.add_unavailable(
        "policy binding: the policy service was unavailable at creation; the assessment is "
        "bound to the basic policy in force when it is submitted");
  }
  return a;
}

absl::StatusOr<v1::ListAssessmentsResponse> AssessmentLogic::ListAssessments(
    const Caller& caller, const v1::ListAssessmentsRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(int page_size,
                            runtime::PageSize(request.page_size(), kMaxPageSize, kDefaultPageSize));
  if (!v1::AssessmentState_IsValid(static_cast<int>(request.state()))) {
    return InvalidField("state", absl::StrCat("unknown value ", static_cast<int>(request.state())));
  }
  SECCOORD_RETURN_IF_ERROR(ValidateText("organization", request.organization(), 64, true));
  const runtime::PageTokenCodec tokens("assessments", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  AssessmentKey after;
  if (!cursor.empty()) {
    std::vector<std::string> parts = absl::StrSplit(cursor, '\x1f');
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &after.fiscal_year) ||
        !absl::SimpleAtoi(parts[2], &after.round)) {
      return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
    }
    after.organization = parts[0];
  }
  AssessmentFilter filter;
  filter.organization = request.organization();
  filter.fiscal_year = request.fiscal_year();
  filter.state = request.state();
  v1::ListAssessmentsResponse response;
  if (!IsAdvisor(caller)) {
    // Only one's own organisation: another's is simply not in the list.
    if (!filter.organization.empty() && filter.organization != caller.principal.organization) {
      return response;
    }
    filter.organization = caller.principal.organization;
  }
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto list, tx.ListAssessments(filter, after, page_size + 1));
    const bool more = static_cast<int>(list.size()) > page_size;
    if (more) list.resize(page_size);
    for (auto& a : list) {
      a.clear_answers();
      *response.add_assessments() = std::move(a);
    }
    if (more) {
      const auto& last = response.assessments(response.assessments_size() - 1);
      response.set_next_page_token(tokens.Encode(
          absl::StrCat(last.organization(), "\x1f", last.fiscal_year(), "\x1f", last.round())));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Assessment> AssessmentLogic::UpdateAnswers(
    const Caller& caller, const v1::UpdateAnswersRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("assessment_id", request.assessment_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateText("etag", request.etag(), 64, false));
  if (request.answers_size() + request.confirm_item_ids_size() == 0) {
    return InvalidField("answers", "nothing to set: give answers or confirm_item_ids");
  }
  if (request.answers_size() > kMaxAnswersPerUpdate ||
      request.confirm_item_ids_size() > kMaxAnswersPerUpdate) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "answers: at most ", kMaxAnswersPerUpdate, " answers and ", kMaxAnswersPerUpdate,
        " confirmations per update"));
  }
  // First what needs no peer, in a read: the assessment, its checklist, and
  // whether any answer needs the findings check.
  v1::Assessment current;
  std::shared_ptr<const v1::Checklist> checklist;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(current, ReadableAssessment(tx, caller, request.assessment_id()));
    SECCOORD_ASSIGN_OR_RETURN(checklist,
                              Checklist(tx, current.checklist_version(), "checklist_version"));
    return absl::OkStatus();
  }));
  SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, current.organization()));
  std::set<std::string> seen;
  bool needs_findings = false;
  for (int i = 0; i < request.answers_size(); ++i) {
    const std::string at = absl::StrCat("answers[", i, "]");
    const auto& answer = request.answers(i);
    SECCOORD_RETURN_IF_ERROR(ValidateAnswer(at, answer, *checklist, current.fiscal_year()));
    if (!seen.insert(answer.item_id()).second) {
      return InvalidField(at + ".item_id",
                          absl::StrCat("item ", answer.item_id(), " is answered twice"));
    }
    const v1::ChecklistItem* item = FindItem(*checklist, answer.item_id());
    needs_findings |= answer.result() == v1::ITEM_RESULT_IMPLEMENTED && answer.note().empty() &&
                      !item->asset_rule_ids().empty();
  }
  for (int i = 0; i < request.confirm_item_ids_size(); ++i) {
    const std::string field = absl::StrCat("confirm_item_ids[", i, "]");
    const std::string& id = request.confirm_item_ids(i);
    SECCOORD_RETURN_IF_ERROR(ValidateText(field, id, kMaxIdBytes, false));
    if (FindItem(*checklist, id) == nullptr) {
      return InvalidField(field, absl::StrCat("no item ", id, " in checklist ",
                                              checklist->version()));
    }
    if (!seen.insert(id).second) {
      return InvalidField(field, absl::StrCat("item ", id, " is named twice"));
    }
  }
  if (needs_findings) {
    // 実施 without a note on an item with asset rules: the findings decide.
    auto summary = assets_.FindingsSummary(current.organization());
    if (!summary.ok()) {
      return absl::UnavailableError(PeerProblem(
          "answers: cannot check the asset findings of items answered 実施 without a note "
          "(add a note, or retry when the asset service is back)",
          summary.status()));
    }
    for (int i = 0; i < request.answers_size(); ++i) {
      const auto& answer = request.answers(i);
      SECCOORD_RETURN_IF_ERROR(CheckCriticalFindings(absl::StrCat("answers[", i, "]"),
                                                     *FindItem(*checklist, answer.item_id()),
                                                     answer, *summary));
    }
  }
  return Idempotent<v1::Assessment>(
      caller, request.request_id(), kUpdateAnswers,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Assessment> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Assessment a,
                                  ReadableAssessment(tx, caller, request.assessment_id()));
        SECCOORD_RETURN_IF_ERROR(
            CheckAssessmentTransition(a.id(), a.state(), AssessmentAction::kAnswer));
        SECCOORD_RETURN_IF_ERROR(CheckEtag("assessment", a.id(), a.etag(), request.etag()));
        std::map<std::string, v1::ItemAnswer*> by_item;
        for (auto& ans : *a.mutable_answers()) by_item[ans.item_id()] = &ans;
        for (int i = 0; i < request.confirm_item_ids_size(); ++i) {
          const std::string& id = request.confirm_item_ids(i);
          auto it = by_item.find(id);
          if (it == by_item.end() || !it->second->carried_over()) {
            return InvalidField(absl::StrCat("confirm_item_ids[", i, "]"),
                                absl::StrCat("item ", id, " has no carried-over answer"));
          }
          it->second->set_carried_over(false);
          it->second->set_answered_by(caller.Uri());
          it->second->set_answer_time_us(clock_.now_us());
        }
        for (const auto& given : request.answers()) {
          v1::ItemAnswer answer = given;
          answer.set_answered_by(caller.Uri());
          answer.set_answer_time_us(clock_.now_us());
          answer.set_carried_over(false);
          auto it = by_item.find(answer.item_id());
          if (it != by_item.end()) {
            *it->second = std::move(answer);
          } else {
            *a.add_answers() = std::move(answer);
          }
        }
        SortAnswers(*checklist, &a);
        SECCOORD_RETURN_IF_ERROR(SaveAssessment(tx, &a, request.etag()));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return a;
      },
      /*appends_events=*/false);
}

absl::StatusOr<v1::Assessment> AssessmentLogic::SubmitAssessment(
    const Caller& caller, const v1::SubmitAssessmentRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("assessment_id", request.assessment_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateText("etag", request.etag(), 64, false));
  v1::Assessment current;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(current, ReadableAssessment(tx, caller, request.assessment_id()));
    return absl::OkStatus();
  }));
  SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, current.organization()));
  // A submission always carries a binding: made now if creation could not.
  std::optional<v1::PolicyBinding> late_binding;
  if (current.policy_unavailable()) {
    auto binding = BindPolicy(current.fiscal_year());
    if (!binding.ok()) {
      return absl::UnavailableError(PeerProblem(
          absl::StrCat("policy binding: ", current.id(),
                       " is not yet bound to the basic policy in force and the policy service "
                       "cannot be read; submit again when it is back"),
          binding.status()));
    }
    late_binding = *binding;
  }
  return Idempotent<v1::Assessment>(
      caller, request.request_id(), kSubmit,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Assessment> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Assessment a,
                                  ReadableAssessment(tx, caller, request.assessment_id()));
        SECCOORD_RETURN_IF_ERROR(
            CheckAssessmentTransition(a.id(), a.state(), AssessmentAction::kSubmit));
        SECCOORD_RETURN_IF_ERROR(CheckEtag("assessment", a.id(), a.etag(), request.etag()));
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, a.checklist_version(), "checklist_version"));
        SECCOORD_RETURN_IF_ERROR(CheckSubmission(*checklist, a));
        if (a.policy_unavailable()) {
          if (!late_binding) {
            return absl::AbortedError("policy binding: the assessment changed; submit again");
          }
          *a.mutable_policy() = *late_binding;
          a.set_policy_unavailable(false);
        }
        const int64_t number = a.submissions_size() + 1;
        v1::Assessment snapshot = a;
        snapshot.clear_submissions();
        snapshot.clear_etag();
        snapshot.set_state(v1::ASSESSMENT_STATE_SUBMITTED);
        v1::SubmissionRef ref;
        ref.set_number(number);
        ref.set_sha256(SubmissionSha256(snapshot, number));
        ref.set_submitted_by(caller.Uri());
        ref.set_submit_time_us(clock_.now_us());
        SECCOORD_RETURN_IF_ERROR(tx.InsertSubmission(a.id(), ref, snapshot));
        *a.add_submissions() = ref;
        a.set_state(AssessmentStateAfter(a.state(), AssessmentAction::kSubmit));
        SECCOORD_RETURN_IF_ERROR(SaveAssessment(tx, &a, request.etag()));
        SECCOORD_RETURN_IF_ERROR(
            AppendEvent(tx, caller, v1::ASSESSMENT_EVENT_TYPE_SUBMITTED, a, "", number));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist, &snapshot.answers()));
        return a;
      },
      /*appends_events=*/true);
}

absl::Status AssessmentLogic::ValidateAdviceDraft(const std::string& field,
                                                  const v1::AdviceDraft& d,
                                                  const v1::Checklist& checklist) {
  SECCOORD_RETURN_IF_ERROR(ValidateText(field + ".item_id", d.item_id(), kMaxIdBytes, true));
  if (!d.item_id().empty() && FindItem(checklist, d.item_id()) == nullptr) {
    return InvalidField(field + ".item_id", absl::StrCat("no item ", d.item_id(),
                                                         " in checklist ", checklist.version()));
  }
  SECCOORD_RETURN_IF_ERROR(ValidateText(field + ".text", d.text(), kMaxTextBytes, false));
  if (!v1::Severity_IsValid(static_cast<int>(d.severity()))) {
    return InvalidField(field + ".severity",
                        absl::StrCat("unknown value ", static_cast<int>(d.severity()),
                                     "; one of INFO, WARNING, CRITICAL"));
  }
  if (!IsUnset(d.due())) {
    SECCOORD_RETURN_IF_ERROR(ValidProtoDate(field + ".due", d.due()).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Advice> AssessmentLogic::NewAdvice(AssessmentStore::Tx& tx,
                                                      const Caller& caller,
                                                      const v1::Assessment& a,
                                                      const v1::AdviceDraft& d) {
  SECCOORD_ASSIGN_OR_RETURN(int64_t number, tx.NextAdviceNumber());
  v1::Advice advice;
  advice.set_id(FormatAdviceId(number));
  advice.set_assessment_id(a.id());
  advice.set_organization(a.organization());
  advice.set_fiscal_year(a.fiscal_year());
  advice.set_item_id(d.item_id());
  advice.set_text(d.text());
  advice.set_severity(d.severity() == v1::SEVERITY_UNSPECIFIED ? v1::SEVERITY_WARNING
                                                               : d.severity());
  if (!IsUnset(d.due())) *advice.mutable_due() = d.due();
  advice.set_policy_review_needed(d.policy_review_needed());
  advice.set_state(v1::ADVICE_STATE_OPEN);
  advice.set_author(caller.Uri());
  advice.set_create_time_us(clock_.now_us());
  advice.set_update_time_us(advice.create_time_us());
  advice.set_submission_number(a.submissions_size());
  advice.set_etag("v1");
  SECCOORD_RETURN_IF_ERROR(tx.InsertAdvice(advice, number));
  SECCOORD_RETURN_IF_ERROR(AppendEvent(tx, caller, v1::ASSESSMENT_EVENT_TYPE_ADVICE_SENT, a,
                                       advice.id(), a.submissions_size()));
  return advice;
}

absl::StatusOr<v1::Assessment> AssessmentLogic::ReviewAssessment(
    const Caller& caller, const v1::ReviewAssessmentRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("assessment_id", request.assessment_id()));
  if (request.decision() != v1::REVIEW_DECISION_ACCEPT &&
      request.decision() != v1::REVIEW_DECISION_RETURN) {
    return InvalidField("decision", "required; ACCEPT or RETURN");
  }
  SECCOORD_RETURN_IF_ERROR(ValidateText("comment", request.comment(), kMaxTextBytes,
                                        request.decision() == v1::REVIEW_DECISION_ACCEPT));
  if (request.submission_number() <= 0) {
    return InvalidField("submission_number", "required: the submission the review decides on");
  }
  if (request.advice_size() > kMaxAdvicePerReview) {
    return absl::ResourceExhaustedError(
        absl::StrCat("advice: at most ", kMaxAdvicePerReview, " per review"));
  }
  const bool accept = request.decision() == v1::REVIEW_DECISION_ACCEPT;
  return Idempotent<v1::Assessment>(
      caller, request.request_id(), kReview,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Assessment> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Assessment a,
                                  ReadableAssessment(tx, caller, request.assessment_id()));
        SECCOORD_RETURN_IF_ERROR(CheckReviewer(caller, a, "review"));
        const AssessmentAction action = accept ? AssessmentAction::kAccept
                                               : AssessmentAction::kReturn;
        SECCOORD_RETURN_IF_ERROR(CheckAssessmentTransition(a.id(), a.state(), action));
        const int64_t latest = a.submissions_size();
        if (request.submission_number() != latest) {
          return absl::AbortedError(absl::StrCat(
              "submission_number: ", request.submission_number(),
              " is not the latest submission of ", a.id(), " (", latest,
              " is); read it again and review what was submitted last"));
        }
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, a.checklist_version(), "checklist_version"));
        for (int i = 0; i < request.advice_size(); ++i) {
          SECCOORD_RETURN_IF_ERROR(
              ValidateAdviceDraft(absl::StrCat("advice[", i, "]"), request.advice(i), *checklist));
        }
        const std::string etag = a.etag();
        a.set_state(AssessmentStateAfter(a.state(), action));
        a.set_reviewed_by(caller.Uri());
        a.set_review_time_us(clock_.now_us());
        a.set_review_comment(request.comment());
        SECCOORD_RETURN_IF_ERROR(SaveAssessment(tx, &a, etag));
        SECCOORD_RETURN_IF_ERROR(AppendEvent(tx, caller,
                                             accept ? v1::ASSESSMENT_EVENT_TYPE_ACCEPTED
                                                    : v1::ASSESSMENT_EVENT_TYPE_RETURNED,
                                             a, "", latest));
        for (const auto& draft : request.advice()) {
          SECCOORD_RETURN_IF_ERROR(NewAdvice(tx, caller, a, draft).status());
        }
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return a;
      },
      /*appends_events=*/true);
}

absl::StatusOr<v1::Assessment> AssessmentLogic::ReopenAssessment(
    const Caller& caller, const v1::ReopenAssessmentRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("assessment_id", request.assessment_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateText("etag", request.etag(), 64, false));
  SECCOORD_RETURN_IF_ERROR(ValidateText("reason", request.reason(), kMaxTextBytes, false));
  return Idempotent<v1::Assessment>(
      caller, request.request_id(), kReopen,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Assessment> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Assessment a,
                                  ReadableAssessment(tx, caller, request.assessment_id()));
        SECCOORD_RETURN_IF_ERROR(CheckReviewer(caller, a, "reopen"));
        SECCOORD_RETURN_IF_ERROR(
            CheckAssessmentTransition(a.id(), a.state(), AssessmentAction::kReopen));
        // A year has at most one round open (CreateAssessment), and its
        // status shows the latest round: an earlier one stays as accepted.
        // Read under the year's lock, as CreateAssessment reads it.
        SECCOORD_RETURN_IF_ERROR(tx.LockStatus(a.organization(), a.fiscal_year()).status());
        SECCOORD_ASSIGN_OR_RETURN(int max_round, tx.MaxRound(a.organization(), a.fiscal_year()));
        if (a.round() < max_round) {
          return absl::FailedPreconditionError(absl::StrCat(
              "assessment_id: ", a.id(), " is round ", a.round(), " of ",
              FormatFiscalYearOrNumber(a.fiscal_year()), ", which has round ", max_round,
              "; only the latest round can be reopened"));
        }
        SECCOORD_RETURN_IF_ERROR(CheckEtag("assessment", a.id(), a.etag(), request.etag()));
        a.set_state(AssessmentStateAfter(a.state(), AssessmentAction::kReopen));
        a.set_reviewed_by(caller.Uri());
        a.set_review_time_us(clock_.now_us());
        a.set_review_comment(request.reason());
        SECCOORD_RETURN_IF_ERROR(SaveAssessment(tx, &a, request.etag()));
        SECCOORD_RETURN_IF_ERROR(AppendEvent(tx, caller, v1::ASSESSMENT_EVENT_TYPE_REOPENED, a, "",
                                             a.submissions_size()));
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, a.checklist_version(), "checklist_version"));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return a;
      },
      /*appends_events=*/true);
}

// ------------------------------------------------------------------ advice

absl::StatusOr<v1::Advice> AssessmentLogic::ReadableAdvice(AssessmentStore::Tx& tx,
                                                           const Caller& caller,
                                                           const std::string& id) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("advice_id", id));
  SECCOORD_ASSIGN_OR_RETURN(auto found, tx.GetAdvice(id));
  if (!found) return NoAdvice(id);
  if (!MayRead(caller, found->organization())) {
    return NotReadable(caller, NoAdvice(id), "advice", id, found->organization());
  }
  return *std::move(found);
}

absl::StatusOr<v1::Advice> AssessmentLogic::SendAdvice(const Caller& caller,
                                                       const v1::SendAdviceRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("assessment_id", request.assessment_id()));
  return Idempotent<v1::Advice>(
      caller, request.request_id(), kSendAdvice,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Advice> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Assessment a,
                                  ReadableAssessment(tx, caller, request.assessment_id()));
        SECCOORD_RETURN_IF_ERROR(CheckReviewer(caller, a, "advise on"));
        SECCOORD_RETURN_IF_ERROR(
            CheckAssessmentTransition(a.id(), a.state(), AssessmentAction::kAdvise));
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, a.checklist_version(), "checklist_version"));
        SECCOORD_RETURN_IF_ERROR(ValidateAdviceDraft("advice", request.advice(), *checklist));
        SECCOORD_ASSIGN_OR_RETURN(v1::Advice advice, NewAdvice(tx, caller, a, request.advice()));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return advice;
      },
      /*appends_events=*/true);
}

absl::StatusOr<v1::Advice> AssessmentLogic::GetAdvice(const Caller& caller,
                                                      const v1::GetAdviceRequest& request) {
  v1::Advice advice;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(advice, ReadableAdvice(tx, caller, request.advice_id()));
    return absl::OkStatus();
  }));
  return advice;
}

absl::StatusOr<v1::ListAdviceResponse> AssessmentLogic::ListAdvice(
    const Caller& caller, const v1::ListAdviceRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(int page_size,
                            runtime::PageSize(request.page_size(), kMaxPageSize, kDefaultPageSize));
  if (!v1::AdviceState_IsValid(static_cast<int>(request.state()))) {
    return InvalidField("state", absl::StrCat("unknown value ", static_cast<int>(request.state())));
  }
  const runtime::PageTokenCodec tokens("advice", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  int64_t after = 0;
  if (!cursor.empty() && !absl::SimpleAtoi(cursor, &after)) {
    return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
  }
  AdviceFilter filter;
  filter.state = request.state();
  if (!IsAdvisor(caller)) filter.organization = caller.principal.organization;
  v1::ListAdviceResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    if (!request.assessment_id().empty()) {
      SECCOORD_RETURN_IF_ERROR(
          ReadableAssessment(tx, caller, request.assessment_id()).status());
      filter.assessment_id = request.assessment_id();
    }
    SECCOORD_ASSIGN_OR_RETURN(auto list, tx.ListAdvice(filter, after, page_size + 1));
    const bool more = static_cast<int>(list.size()) > page_size;
    if (more) list.resize(page_size);
    for (auto& a : list) *response.add_advice() = std::move(a);
    if (more) {
      auto number = ParseAdviceId(response.advice(response.advice_size() - 1).id());
      response.set_next_page_token(tokens.Encode(absl::StrCat(*number)));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Advice> AssessmentLogic::TransitionAdvice(
    const Caller& caller, const std::string& request_id, const char* method,
    const std::string& advice_id, const std::string& etag, AdviceAction action,
    const std::string& text) {
  SECCOORD_RETURN_IF_ERROR(ValidateId("advice_id", advice_id));
  SECCOORD_RETURN_IF_ERROR(ValidateText("etag", etag, 64, false));
  const bool text_required = action != AdviceAction::kClose;
  SECCOORD_RETURN_IF_ERROR(ValidateText(action == AdviceAction::kAnswer ? "text" : "comment",
                                        text, kMaxTextBytes, !text_required));
  return Idempotent<v1::Advice>(
      caller, request_id, method,
      [&](AssessmentStore::Tx& tx) -> absl::StatusOr<v1::Advice> {
        SECCOORD_ASSIGN_OR_RETURN(v1::Advice advice, ReadableAdvice(tx, caller, advice_id));
        SECCOORD_ASSIGN_OR_RETURN(auto assessment, tx.GetAssessment(advice.assessment_id()));
        if (!assessment) return NoAdvice(advice_id);
        const v1::Assessment& a = *assessment;
        if (action == AdviceAction::kAnswer) {
          SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, advice.organization()));
        } else {
          SECCOORD_RETURN_IF_ERROR(CheckReviewer(
              caller, a, action == AdviceAction::kClose ? "close advice on" : "reopen advice on"));
        }
        SECCOORD_RETURN_IF_ERROR(CheckAdviceTransition(advice.id(), advice.state(), action));
        SECCOORD_RETURN_IF_ERROR(CheckEtag("advice", advice.id(), advice.etag(), etag));
        const std::string expected = advice.etag();
        v1::AdviceEntry* entry = advice.add_thread();
        entry->set_kind(action == AdviceAction::kAnswer  ? v1::ADVICE_ENTRY_KIND_ANSWER
                        : action == AdviceAction::kClose ? v1::ADVICE_ENTRY_KIND_CLOSE
                                                         : v1::ADVICE_ENTRY_KIND_REOPEN);
        entry->set_text(text);
        entry->set_author(caller.Uri());
        entry->set_time_us(clock_.now_us());
        advice.set_state(AdviceStateAfter(advice.state(), action));
        advice.set_update_time_us(clock_.now_us());
        advice.set_etag(absl::StrCat("v", advice.thread_size() + 1));
        SECCOORD_RETURN_IF_ERROR(tx.UpdateAdvice(advice, expected));
        const v1::AssessmentEventType type =
            action == AdviceAction::kAnswer  ? v1::ASSESSMENT_EVENT_TYPE_ADVICE_ANSWERED
            : action == AdviceAction::kClose ? v1::ASSESSMENT_EVENT_TYPE_ADVICE_CLOSED
                                             : v1::ASSESSMENT_EVENT_TYPE_ADVICE_REOPENED;
        SECCOORD_RETURN_IF_ERROR(AppendEvent(tx, caller, type, a, advice.id(),
                                             advice.submission_number()));
        SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                  Checklist(tx, a.checklist_version(), "checklist_version"));
        SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, a, *checklist));
        return advice;
      },
      /*appends_events=*/true);
}

absl::StatusOr<v1::Advice> AssessmentLogic::AnswerAdvice(const Caller& caller,
                                                         const v1::AnswerAdviceRequest& request) {
  return TransitionAdvice(caller, request.request_id(), kAnswerAdvice,
                          request.advice_id(), request.etag(), AdviceAction::kAnswer,
                          request.text());
}

absl::StatusOr<v1::Advice> AssessmentLogic::CloseAdvice(const Caller& caller,
                                                        const v1::CloseAdviceRequest& request) {
  return TransitionAdvice(caller, request.request_id(), kCloseAdvice,
                          request.advice_id(), request.etag(), AdviceAction::kClose,
                          request.comment());
}

absl::StatusOr<v1::Advice> AssessmentLogic::ReopenAdvice(const Caller& caller,
                                                         const v1::ReopenAdviceRequest& request) {
  return TransitionAdvice(caller, request.request_id(), kReopenAdvice,
                          request.advice_id(), request.etag(), AdviceAction::kReopen,
                          request.comment());
}

// ------------------------------------------------------------------ events

absl::Status AssessmentLogic::ValidateWatch(const Caller& caller,
                                            const v1::WatchAssessmentEventsRequest& request) {
  if (request.since_sequence() < 0) {
    return InvalidField("since_sequence", "must be 0 or a sequence of an earlier event");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::AssessmentEvent>> AssessmentLogic::VisibleEventsAfter(
    const Caller& caller, int64_t after, int limit, int64_t* scanned_to) {
  std::vector<v1::AssessmentEvent> events;
  const std::string organization = IsAdvisor(caller) ? "" : caller.principal.organization;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(events, tx.EventsAfter(after, organization, limit, scanned_to));
    return absl::OkStatus();
  }));
  return events;
}

}  // namespace seccoord::assessment
